"""Train the attribution keep/drop scorer on PolNeAR train (``analyze/attribution_scorer``).

    python -m storyline.evaluate.train_attribution ../shared/data/polnear/train

Every candidate the rules propose (``read_quotes(..., all_candidates=True)``) is labelled by
the release check's matching: positive when a gold attribution with a Source shares at least
half of the shorter content span and the speaker is right (span overlap or the same name).
A logistic regression over ``attribution_scorer.features`` is fitted on all of train; each
kind's threshold (direct, speech, according, stance) is the one that maximizes the strict
attribution F1 of 5-fold cross-validated scores on train (folds by article). Dev is never
read here: ``storyline eval quotes ../shared/data/polnear/dev`` measures the result.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from storyline.analyze import attribution_scorer as scorer
from storyline.evaluate.attribution import content_match
from storyline.evaluate.strict_attribution import StrictGold, StrictQuote, _right_speaker

KINDS = ("direct", "speech", "according", "stance")
GRID = [round(x, 2) for x in np.arange(0.1, 0.91, 0.05)]


@dataclass
class Article:
    """One article's candidates: features, kinds, and which gold each may match."""

    features: list[dict[str, float]]
    kinds: list[str]
    right: np.ndarray  # candidates x gold-with-source: content match and right speaker
    gold: int  # gold attributions with a source


def candidates(split: Path, cache: Path | None = None) -> list[Article]:
    """Parse the split (or read ``cache``, a spaCy DocBin of it) and label every candidate."""
    from spacy.tokens import DocBin

    from storyline.analyze.entities import read_entities
    from storyline.analyze.nlp import nlp
    from storyline.analyze.quotes import read_quotes
    from storyline.evaluate.polnear import read_split

    docs = list(read_split(split))
    if cache is not None and cache.is_file():
        parsed = list(DocBin().from_disk(cache).get_docs(nlp().vocab))
    else:
        parsed = list(nlp().pipe((d.article.text for d in docs), batch_size=16))
        if cache is not None:
            DocBin(docs=parsed).to_disk(cache)
    out = []
    for d, doc in zip(docs, parsed, strict=True):
        text = d.article.text
        gold = [StrictGold(g.content, g.source) for g in d.attributions if g.source]
        found = read_quotes(doc, read_entities(doc), all_candidates=True)
        right = np.zeros((len(found), len(gold)), dtype=bool)
        for i, q in enumerate(found):
            sq = StrictQuote((q.start, q.end), (q.speaker_start, q.speaker_end), q.speaker,
                             q.direct)
            for j, g in enumerate(gold):
                right[i, j] = content_match((sq.content,), g.content) and \
                    _right_speaker(sq, g, text)
        out.append(Article([scorer.features(doc, q) for q in found],
                           [scorer.kind(q) for q in found], right, len(gold)))
    return out


def strict_f1(articles: list[Article], scores: list[np.ndarray],
              thresholds: dict[str, float]) -> float:
    """Strict attribution F1 (one-to-one) of the candidates each kind's threshold keeps."""
    kept_total = matched = gold = 0
    for a, s in zip(articles, scores, strict=True):
        limit = np.array([thresholds[k] for k in a.kinds])
        keep = s >= limit if len(s) else np.zeros(0, dtype=bool)
        kept_total += int(keep.sum())
        gold += a.gold
        edges = a.right[keep]
        if edges.size and edges.any():
            rows, cols = linear_sum_assignment(edges.astype(np.int8), maximize=True)
            matched += int(edges[rows, cols].sum())
    p = matched / kept_total if kept_total else 0.0
    r = matched / gold if gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def fit(articles: list[Article], c: float = 0.5):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [f for a in articles for f in a.features]
    labels = np.array([row.any() for a in articles for row in a.right], dtype=int)
    vec = DictVectorizer()
    x = vec.fit_transform(feats)
    model = LogisticRegression(C=c, max_iter=3000).fit(x, labels)
    return vec, model


def cross_scores(articles: list[Article], folds: int = 5) -> list[np.ndarray]:
    """Each article's candidate scores from a model fitted without its fold."""
    out: list[np.ndarray] = [np.zeros(0)] * len(articles)
    for k in range(folds):
        train = [a for i, a in enumerate(articles) if i % folds != k]
        vec, model = fit(train)
        for i, a in enumerate(articles):
            if i % folds == k and a.features:
                out[i] = model.predict_proba(vec.transform(a.features))[:, 1]
    return out


def tune(articles: list[Article], scores: list[np.ndarray]) -> dict[str, float]:
    """Coordinate ascent over each kind's threshold (two rounds over the grid)."""
    thresholds = dict.fromkeys(KINDS, 0.5)
    for _ in range(2):
        for kind in KINDS:
            best = max(GRID, key=lambda t: strict_f1(articles, scores, {**thresholds,
                                                                          kind: t}))
            thresholds[kind] = best
    return thresholds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("split", type=Path, help="PolNeAR train folder")
    parser.add_argument("--cache", type=Path, help="a spaCy DocBin of the split (made if new)")
    parser.add_argument("--out", type=Path, default=scorer.WEIGHTS)
    args = parser.parse_args(argv)
    if not (args.split / "text").is_dir():
        print(f"{args.split}: not a PolNeAR split folder", file=sys.stderr)
        return 2
    articles = candidates(args.split, args.cache)
    scores = cross_scores(articles)
    thresholds = tune(articles, scores)
    cv_f1 = strict_f1(articles, scores, thresholds)
    vec, model = fit(articles)
    weights = {name: round(float(w), 4) for name, w in
               zip(vec.get_feature_names_out(), model.coef_[0], strict=True) if abs(w) >= 1e-4}
    keep_all = strict_f1(articles, scores, dict.fromkeys(KINDS, 0.0))
    args.out.write_text(json.dumps({
        "trained_on": f"PolNeAR {args.split.name} ({len(articles)} articles)",
        "strict_f1_cross_validated": round(cv_f1, 4),
        "strict_f1_all_candidates": round(keep_all, 4),
        "bias": round(float(model.intercept_[0]), 4),
        "thresholds": {k: float(v) for k, v in thresholds.items()},
        "weights": dict(sorted(weights.items()))}, indent=1) + "\n", encoding="utf-8")
    print(f"{len(articles)} articles, {sum(len(a.kinds) for a in articles)} candidates; "
          f"thresholds {thresholds}; strict F1 on train, cross-validated: {cv_f1:.3f} "
          f"(every candidate kept: {keep_all:.3f}); weights -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
