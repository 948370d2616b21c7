"""Could static sentence vectors replace the MiniLM in a digest? (an experiment, not shipped)

Distills a static table from the installed all-MiniLM-L6-v2 the way ``model2vec`` does,
without its package: each vocabulary token through the model as ``[CLS] token [SEP]``, mean
pooled; centered and rotated onto its principal axes (384 kept); each row weighted by the
SIF weight of its Zipf rank (1e-4). A sentence's vector is the normalized sum of its tokens'
rows (the MiniLM's own tokenizer). Then, on one story (``--topic``, first ``--articles``
Timeline17 articles, analyzed with the MiniLM vectors as the digest does), compares what
the digest reads from the vectors: pairwise cosines of the summary's candidates, and the
"same content" pairs of ``storyline.digest.citations`` (the corroboration behind citations).

Result on H1N1_bbc, 100 articles (docs/results/speed.md, section 5): 0.6 s instead of ~20 s
for 9,870 sentences, DUC 2003 ROUGE unchanged, but 73,102 "same content" pairs instead of
the MiniLM's 8,020, cosines correlated 0.29: not kept.

Usage::

    .venv/bin/python benchmarks/static_vectors.py [--articles 100] [--topic H1N1_bbc]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))
DIM, SIF = 384, 1e-4


def distill(batch: int = 1024) -> np.ndarray:
    """The static table (vocabulary x 384, float32) from the installed MiniLM."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from storyline.analyze.vectors import _offline_env, model_path

    _offline_env()
    tokenizer = AutoTokenizer.from_pretrained(str(model_path()))
    model = AutoModel.from_pretrained(str(model_path())).eval()
    size = tokenizer.vocab_size
    raw = np.zeros((size, DIM), np.float64)
    with torch.inference_mode():
        for start in range(0, size, batch):
            ids = torch.arange(start, min(size, start + batch))
            x = torch.stack([torch.full_like(ids, tokenizer.cls_token_id), ids,
                             torch.full_like(ids, tokenizer.sep_token_id)], 1)
            hidden = model(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state
            raw[start:start + len(ids)] = hidden.mean(1).numpy()
    centered = raw - raw.mean(axis=0)
    _, axes = np.linalg.eigh(centered.T @ centered / (size - 1))
    table = centered @ axes[:, ::-1]
    inv_rank = 1.0 / np.arange(2, size + 2)
    table *= (SIF / (SIF + inv_rank / inv_rank.sum()))[:, None]
    scales = np.abs(table).max(axis=1, keepdims=True) / 127.0  # int8 per row, as shipped
    scales[scales == 0] = 1.0
    return (np.round(table / scales) * scales).astype(np.float32)


def embed(texts: list[str], table: np.ndarray) -> np.ndarray:
    from scipy.sparse import csr_matrix
    from tokenizers import Tokenizer

    from storyline.analyze.vectors import model_path

    tok = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    ids = [e.ids[:256] for e in tok.encode_batch(texts, add_special_tokens=False)]
    lengths = np.asarray([len(i) for i in ids], np.int64)
    flat = np.asarray([t for i in ids for t in i], np.int64)
    counts = csr_matrix((np.ones(len(flat), np.float32), flat,
                         np.concatenate(([0], np.cumsum(lengths)))),
                        shape=(len(texts), len(table)))
    sums = np.asarray(counts @ table, np.float32)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return sums / np.where(norms == 0, 1.0, norms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--topic", default="H1N1_bbc")
    parser.add_argument("--articles", type=int, default=100)
    opts = parser.parse_args()
    from storyline.analyze.pipeline import analyze
    from storyline.digest import citations
    from storyline.digest.candidates import build_pool
    from storyline.ingest.datasets import read_timeline17
    from storyline.model import Article

    started = time.perf_counter()
    table = distill()
    print(f"distilled {table.shape[0]:,} x {DIM} in {time.perf_counter() - started:.0f} s")
    with tempfile.TemporaryDirectory() as tmp:  # the size it would ship at: int8 per row
        scales = np.abs(table).max(axis=1, keepdims=True) / 127.0
        scales[scales == 0] = 1.0
        np.savez_compressed(Path(tmp) / "t.npz", vectors=np.round(table / scales).astype(
            np.int8), scales=scales.astype(np.float32))
        print(f"table, int8 compressed: {(Path(tmp) / 't.npz').stat().st_size / 1e6:.1f} MB")
    arts = [a for a in read_timeline17(opts.data / "timeline17" / opts.topic)
            if isinstance(a, Article) and a.text.strip()][:opts.articles]
    analyzed = analyze(arts)
    pool = build_pool(analyzed)
    texts = [c.text for c in pool.candidates]
    started = time.perf_counter()
    static = embed(texts, table)
    print(f"{len(texts):,} candidates embedded in {time.perf_counter() - started:.2f} s")
    dense, lexical = pool.similarity()
    other = static @ static.T
    same = citations.same_content(dense, lexical, pool.article_of)
    same_static = citations.same_content(other, lexical, pool.article_of)
    print(f"'same content' pairs: MiniLM {same.sum():,}, static {same_static.sum():,}, "
          f"both {(same & same_static).sum():,}")
    upper = np.triu_indices(len(texts), 1)
    x, y = dense[upper], other[upper]
    print(f"pairwise cosine correlation {np.corrcoef(x, y)[0, 1]:.3f}")
    for bar in (0.5, 0.66, 0.82):
        above = x >= bar
        matched = np.quantile(y, 1 - above.mean())  # the static bar with as many pairs
        found = (above & (y >= matched)).sum() / max(1, above.sum())
        print(f"MiniLM >= {bar}: {above.sum():,} pairs; static >= {matched:.3f} (as many) "
              f"finds {found:.0%} of them")


if __name__ == "__main__":
    main()
