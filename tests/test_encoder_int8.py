"""The int8 encoder (matching.encoder.Int8Encoder on OpenVINO, its model built by matching.onnx_export): the graph
it runs, how close its vectors are to PyTorch's fp32 ones, that a text's vector does not depend on the texts
encoded beside it, and that a process encoding with it never imports PyTorch.

The model is built once into the model cache (instance/models, or CSWJOBS_MODEL_CACHE) the first time any test
here or any `real_encoder` test needs it; later runs load it."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import pytest

from matching import onnx_export
from matching.encoder import INT8_NAME, MODEL_NAME, Encoder, Int8Encoder

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "Social worker",
    "Newly qualified social worker in a children in need team, Camden, looking for a permanent full-time post "
    "with a protected caseload and weekly supervision.",
    "Senior practitioner, child protection: section 47 enquiries, child protection plans, core groups and care "
    "proceedings. Practice educator for students; Signs of Safety trained. Wants hybrid working, two days in "
    "the office, within 10 miles of Croydon. " * 6,  # beyond MAX_TOKENS: truncated, as PyTorch truncates
    "Fostering and adoption assessments, Form F, panel reports, kinship care and special guardianship.",
    "Looked after children and care leavers: pathway plans, personal advisers, staying put.",
]


@pytest.fixture(scope="module")
def int8() -> Int8Encoder:
    encoder = Int8Encoder()
    encoder.model  # builds the model into the cache if no earlier run did
    return encoder


def test_every_weight_matrix_is_int8_and_dequantised_in_the_graph(int8):
    graph = onnx.load(str(int8.folder / onnx_export.MODEL_FILE), load_external_data=False).graph
    weights = {i.name: i for i in graph.initializer}
    products = [n for n in graph.node if n.op_type == "MatMul"]
    by_weights = [n for n in products if n.input[1] not in weights and n.input[1].endswith(".dequantised")]
    assert len(by_weights) == onnx_export.LAYERS * onnx_export.WEIGHT_PRODUCTS_PER_LAYER
    # the rest multiply activations by activations (attention's scores and their weighted values): nothing to store
    assert all(n.input[1] not in weights for n in products)
    int8_matrices = [i for i in graph.initializer if i.data_type == onnx.TensorProto.INT8]
    assert len(int8_matrices) == len(by_weights) and all(len(i.dims) == 2 for i in int8_matrices)
    ops = Counter(node.op_type for node in graph.node)
    assert ops["Cast"] >= len(by_weights) and ops["Mul"] >= len(by_weights)
    # the word embeddings (a lookup) stay float32
    assert weights["model.embeddings.word_embeddings.weight"].data_type == onnx.TensorProto.FLOAT


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return Encoder().encode(TEXTS)  # PyTorch fp32, as sentence-transformers computes it


def test_int8_vectors_are_unit_length_and_within_cosine_099_of_pytorch(int8, reference):
    quantised = int8.encode(TEXTS)
    assert quantised.shape == (len(TEXTS), 384) and quantised.dtype == np.float32
    assert np.allclose(np.linalg.norm(quantised, axis=1), 1.0, atol=1e-4)
    cosines = np.sum(quantised * reference, axis=1)
    assert cosines.min() >= 0.99, cosines


def test_a_vector_does_not_depend_on_the_texts_beside_it(int8, reference):
    """Each short text padded to the long one's length (one batch, one worker), and each alone: the same vector,
    within float rounding, and within 0.99 of PyTorch's. (Activations are quantised per token, so neither the
    padding nor another text's values reach a text's int8 scales.)"""
    one_batch = Int8Encoder(folder=int8.folder, workers=1)
    padded = one_batch.encode(TEXTS)
    alone = np.vstack([one_batch.encode([text]) for text in TEXTS])
    assert np.sum(padded * alone, axis=1).min() >= 0.9999
    for vectors in (padded, alone):
        assert np.sum(vectors * reference, axis=1).min() >= 0.99


def test_the_process_that_encodes_never_imports_pytorch(int8):
    check = ("import sys; from matching.encoder import Int8Encoder; "
             "v = Int8Encoder().encode(['social worker']); assert v.shape == (1, 384); "
             "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_new_process_whose_first_call_runs_batches_side_by_side_finishes(int8):
    """OpenVINO's binding sets up its NumPy bridge on first use, and two threads arriving there together
    deadlocked (a fresh `make run` hung in `flask seed`); loading the model now runs one inference first, in
    one thread. A race, so this cannot catch it every time: three new processes, four lanes each at once."""
    check = ("from matching.encoder import Int8Encoder; "
             "v = Int8Encoder(batch_size=2, workers=4).encode(['social worker in Camden'] * 16); "
             "assert v.shape == (16, 384)")
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=90)
        assert done.returncode == 0, done.stderr


def test_the_build_version_names_the_file_and_the_vectors():
    """A cache or stored vectors from another build are never taken for this one's: both carry VERSION."""
    assert onnx_export.MODEL_FILE == f"model-int8-v{onnx_export.VERSION}.onnx"
    assert INT8_NAME == f"{MODEL_NAME}-int8-v{onnx_export.VERSION}"
    # version 1 was "model-int8.onnx" and "all-MiniLM-L6-v2-onnx-int8"; 2 was onnxruntime's ("...-onnx-int8-v2")
    assert onnx_export.VERSION >= 3


def test_files_from_other_builds_are_stale(tmp_path):
    for name in ("model-int8.onnx", "model-int8-v1.onnx", onnx_export.MODEL_FILE, onnx_export.TOKENIZER_FILE):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in onnx_export.stale_models(tmp_path)] == ["model-int8-v1.onnx", "model-int8.onnx"]
