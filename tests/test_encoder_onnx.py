"""The int8 ONNX encoder (matching.encoder.OnnxInt8Encoder, built by matching.onnx_export): the graph it runs,
how close its vectors are to PyTorch's fp32 ones, and that a process encoding with it never imports PyTorch.

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
from matching.encoder import MODEL_NAME, ONNX_INT8_NAME, Encoder, OnnxInt8Encoder

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
def int8() -> OnnxInt8Encoder:
    encoder = OnnxInt8Encoder()
    encoder.model  # builds the model into the cache if no earlier run did
    return encoder


def test_the_built_model_is_fused_then_quantised(int8):
    graph = onnx.load(str(int8.folder / onnx_export.MODEL_FILE), load_external_data=False).graph
    ops = Counter(node.op_type for node in graph.node)
    layers = onnx_export.LAYERS
    assert ops["QAttention"] == layers and ops["Attention"] == 0  # each layer's attention: one int8 operator
    assert ops["EmbedLayerNormalization"] == 1
    assert ops["SkipLayerNormalization"] == 2 * layers and ops["BiasGelu"] == layers
    # int8: the attention's output projection, the feed-forward's first layer, and its second layer from layer
    # FLOAT_FEED_FORWARD on; float32: the second layer below it (the worst cosine to fp32 needs them)
    kept = onnx_export.FLOAT_FEED_FORWARD
    assert ops["MatMulInteger"] == 3 * layers - kept
    assert sorted(n.name for n in graph.node if n.op_type == "MatMul") == [
        f"/model/encoder/layer.{k}/output/dense/MatMul" for k in range(kept)]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return Encoder().encode(TEXTS)  # PyTorch fp32, as sentence-transformers computes it


def test_int8_vectors_are_unit_length_and_within_cosine_099_of_pytorch(int8, reference):
    quantised = int8.encode(TEXTS)
    assert quantised.shape == (len(TEXTS), 384) and quantised.dtype == np.float32
    assert np.allclose(np.linalg.norm(quantised, axis=1), 1.0, atol=1e-4)
    cosines = np.sum(quantised * reference, axis=1)
    assert cosines.min() >= 0.99, cosines


def test_padding_to_a_longer_text_in_the_batch_does_not_reach_a_vector(int8, reference):
    """Each short text padded to the long one's length (one batch, one worker), and each alone: both within
    0.99 of PyTorch's vector. (Not equal to each other: int8 scales are set per batch.)"""
    one_batch = OnnxInt8Encoder(folder=int8.folder, workers=1)
    padded = one_batch.encode(TEXTS)
    alone = np.vstack([one_batch.encode([text]) for text in TEXTS])
    for vectors in (padded, alone):
        assert np.sum(vectors * reference, axis=1).min() >= 0.99


def test_the_process_that_encodes_never_imports_pytorch(int8):
    check = ("import sys; from matching.encoder import OnnxInt8Encoder; "
             "v = OnnxInt8Encoder().encode(['social worker']); assert v.shape == (1, 384); "
             "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_build_version_names_the_file_and_the_vectors():
    """A cache or stored vectors from another build are never taken for this one's: both carry VERSION."""
    assert onnx_export.MODEL_FILE == f"model-int8-v{onnx_export.VERSION}.onnx"
    assert ONNX_INT8_NAME == f"{MODEL_NAME}-onnx-int8-v{onnx_export.VERSION}"
    assert onnx_export.VERSION >= 2  # version 1 was "model-int8.onnx" and "all-MiniLM-L6-v2-onnx-int8"


def test_files_from_other_builds_are_stale(tmp_path):
    for name in ("model-int8.onnx", "model-int8-v1.onnx", onnx_export.MODEL_FILE, onnx_export.TOKENIZER_FILE):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in onnx_export.stale_models(tmp_path)] == ["model-int8-v1.onnx", "model-int8.onnx"]
