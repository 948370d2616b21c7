"""Build the stance models from FNC-1 training pairs: ``python -m storyline.stance.train``.

Rebuilds ``storyline/stance/stance_model.npz`` (claims against articles: ``storyline
stance``) and ``statement_model.npz`` (statements against statements: the digest) from
``../shared/data/fnc1`` (or ``--data``) with every training pair; ``storyline eval stance``
trains the article model the same way on part of the pairs and scores the rest.
scikit-learn does the fitting; the result is exported to plain arrays
(``model.StanceModel``) and checked against scikit-learn's own predictions before saving.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from storyline.stance.features import Vocabulary, pair_features, read_text
from storyline.stance.fnc1 import LABELS, Fnc1, Pair, label_counts, read_fnc1, topics
from storyline.stance.model import (
    MODEL_PATH,
    RELATED,
    STATEMENT_MODEL_PATH,
    CueLayer,
    Forest,
    StanceModel,
)
from storyline.stance.text import split_sentences, stems


@dataclass(frozen=True, slots=True)
class Settings:
    """The method's few knobs, chosen on held-out topics (docs/results/stance.md)."""

    min_topics: int = 5  # a cue stem must occur in related pairs of this many topics
    cue_c: float = 0.3  # inverse L2 strength of the cue layer
    folds: int = 5  # out-of-fold cue probabilities for the forest's training rows
    weight_power: float = 0.5  # class weights (n / (4 n_class)) ** power: rarer classes count more
    rounds: int = 150
    learning_rate: float = 0.1
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 40
    l2: float = 1.0
    # Each related pair (and every third unrelated one) is also learned with only the two
    # sentences closest to the claim as its text: the digest asks about single statements,
    # which full FNC-1 bodies never teach.
    short_texts: bool = True
    # Stems unseen in training count in the vectors (new-topic estimate 0.602 -> 0.612); off
    # for the statement model (STATEMENTS), see storyline.stance.model.
    unknown_terms: bool = True


STATEMENTS = Settings(unknown_terms=False)


@dataclass(slots=True)
class Featurized:
    dense: np.ndarray
    claim_content: list[list[str]]
    key_content: list[set[str]]
    groups: np.ndarray  # body id of each pair (folds never split a body)
    keys: list[list[int]]  # the text's sentences closest to each pair's claim


def featurize(vocab: Vocabulary, bodies: dict[str, str], pairs: Sequence[Pair],
              progress: Callable[[int], None] | None = None) -> Featurized:
    """Dense rows and the cue words of every pair (each body is read once)."""
    views, dense, claims, keys, key_indexes = {}, [], [], [], []
    for n, p in enumerate(pairs):
        view = views.get(p.body_id)
        if view is None:
            view = views[p.body_id] = read_text(vocab, bodies[p.body_id])
        row, key = pair_features(vocab, p.claim, view)
        dense.append(row)
        key_indexes.append(key)
        claims.append(vocab.content(stems(p.claim)))
        keys.append(set().union(*(view.sentence_stems[i] for i in key)) if key else set())
        if progress and n % 1000 == 999:
            progress(1000)
    return Featurized(np.vstack(dense), claims, keys, np.array([p.body_id for p in pairs]),
                      key_indexes)


SHORT_SENTENCES = 2


def with_short_texts(data: Fnc1, pairs: Sequence[Pair], keys: list[list[int]]
                     ) -> tuple[Fnc1, list[Pair], list[str]]:
    """The pairs again with the text cut to its sentences closest to the claim (in their
    order in the text), and the body each short text comes from (for the folds)."""
    bodies = dict(data.bodies)
    extra, origin = [], []
    for n, (p, key) in enumerate(zip(pairs, keys, strict=True)):
        if p.label == "unrelated" and n % 3:
            continue
        sentences = split_sentences(data.bodies[p.body_id])
        chosen = sorted(key[:SHORT_SENTENCES])
        if not sentences or not chosen:
            continue
        short_id = f"{p.body_id}:{'-'.join(map(str, chosen))}"
        bodies[short_id] = " ".join(sentences[i] for i in chosen if i < len(sentences))
        extra.append(Pair(p.claim, short_id, p.label))
        origin.append(p.body_id)
    return Fnc1(bodies, [*pairs, *extra]), extra, origin


def cue_terms(data: Featurized, pairs: Sequence[Pair], topic_of: dict[str, int],
              min_topics: int) -> tuple[list[str], list[str]]:
    """Claim and key-sentence stems that occur in related pairs of ``min_topics`` topics."""
    claim_topics: dict[str, set[int]] = defaultdict(set)
    key_topics: dict[str, set[int]] = defaultdict(set)
    for p, claim, key in zip(pairs, data.claim_content, data.key_content, strict=True):
        if p.label == "unrelated":
            continue
        t = topic_of["b:" + p.body_id]
        for s in claim:
            claim_topics[s].add(t)
        for s in key:
            key_topics[s].add(t)
    return (sorted(s for s, ts in claim_topics.items() if len(ts) >= min_topics),
            sorted(s for s, ts in key_topics.items() if len(ts) >= min_topics))


def _indicators(cues: CueLayer, data: Featurized, rows: np.ndarray | None = None):
    from scipy.sparse import csr_matrix

    rows = np.arange(len(data.dense)) if rows is None else rows
    indptr, indices = [0], []
    for r in rows:
        indices.extend(cues.active(data.claim_content[r], data.key_content[r]))
        indptr.append(len(indices))
    width = len(cues.claim_terms) + len(cues.key_terms)
    return csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), width))


def _fit_cues(x, y: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)


def train(data: Fnc1, pairs: Sequence[Pair], settings: Settings | None = None,
          log: Callable[[str], None] = lambda m: None) -> StanceModel:
    """A stance model learned from ``pairs`` (and only from them: vocabulary included)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import GroupKFold

    settings = settings or Settings()
    started = time.perf_counter()
    body_ids = sorted({p.body_id for p in pairs})
    vocab = Vocabulary.fit([data.bodies[b] for b in body_ids] + sorted({p.claim for p in pairs}),
                           unknown_terms=settings.unknown_terms)
    feats = featurize(vocab, data.bodies, pairs)
    topic_of = topics(Fnc1(data.bodies, list(pairs)))
    if settings.short_texts:
        augmented, extra, origin = with_short_texts(data, pairs, feats.keys)
        more = featurize(vocab, augmented.bodies, extra)
        for p, body in zip(extra, origin, strict=True):
            topic_of["b:" + p.body_id] = topic_of["b:" + body]
        pairs = [*pairs, *extra]
        feats = Featurized(np.vstack([feats.dense, more.dense]),
                           feats.claim_content + more.claim_content,
                           feats.key_content + more.key_content,
                           np.concatenate([feats.groups.astype(object),
                                           np.array(origin, dtype=object)]),
                           feats.keys + more.keys)
    log(f"features of {len(pairs)} pairs in {time.perf_counter() - started:.0f} s")
    y = np.array([LABELS.index(p.label) for p in pairs])
    claim_terms, key_terms = cue_terms(feats, pairs, topic_of, settings.min_topics)
    empty = CueLayer(claim_terms, key_terms, np.zeros((0, 3)), np.zeros(3))
    x_cues = _indicators(empty, feats)
    related = y != LABELS.index("unrelated")
    out_of_fold = np.zeros((len(y), len(RELATED)))
    for fit_rows, held in GroupKFold(settings.folds).split(x_cues, y, feats.groups):
        fit_rows = fit_rows[related[fit_rows]]
        out_of_fold[held] = _fit_cues(x_cues[fit_rows], y[fit_rows],
                                      settings.cue_c).predict_proba(x_cues[held])
    final = _fit_cues(x_cues[related], y[related], settings.cue_c)
    cues = CueLayer(claim_terms, key_terms, final.coef_.T.copy(), final.intercept_.copy())
    x = np.hstack([feats.dense, out_of_fold]).astype(np.float32)
    counts = np.bincount(y, minlength=len(LABELS))
    weights = (len(y) / (len(LABELS) * counts[y])) ** settings.weight_power
    forest = HistGradientBoostingClassifier(
        max_iter=settings.rounds, learning_rate=settings.learning_rate,
        max_leaf_nodes=settings.max_leaf_nodes, min_samples_leaf=settings.min_samples_leaf,
        l2_regularization=settings.l2, early_stopping=False, random_state=0,
    ).fit(x, y, sample_weight=weights)
    exported = export_forest(forest)
    check = slice(0, min(len(x), 2000))
    if not np.allclose(exported.proba(x[check]), forest.predict_proba(x[check]), atol=1e-6):
        raise RuntimeError("the exported forest does not reproduce scikit-learn's "
                           "predictions: this scikit-learn version stores trees differently")
    log(f"trained in {time.perf_counter() - started:.0f} s")
    meta = {"settings": asdict(settings), "pairs": len(pairs),
            "labels": label_counts(list(pairs)), "bodies": len(body_ids),
            "claim_terms": len(claim_terms), "key_terms": len(key_terms)}
    return StanceModel(vocab, cues, exported, meta)


def export_forest(clf) -> Forest:
    """The trees of a fitted ``HistGradientBoostingClassifier`` as flat arrays.

    Reads the estimator's fitted predictors (``_predictors``: one tree per class per round,
    each a structured array of nodes) and its baseline; ``train`` checks the result
    against ``predict_proba`` so a change in scikit-learn cannot pass silently.
    """
    n_classes = len(clf.classes_)
    if n_classes != len(LABELS):
        raise ValueError("the training pairs must hold all four stances")
    roots, classes, parts = [], [], []
    offset = 0
    for per_class in clf._predictors:
        for cls, predictor in enumerate(per_class):
            nodes = predictor.nodes
            roots.append(offset)
            classes.append(cls)
            parts.append((nodes, offset))
            offset += len(nodes)

    def column(name: str, dtype, shift: bool = False) -> np.ndarray:
        return np.concatenate([nodes[name].astype(dtype) + base if shift
                               else nodes[name].astype(dtype) for nodes, base in parts])

    return Forest(
        baseline=np.asarray(clf._baseline_prediction, dtype=np.float64).reshape(-1),
        roots=np.array(roots, dtype=np.int64), classes=np.array(classes, dtype=np.int64),
        feature=column("feature_idx", np.int64), threshold=column("num_threshold", np.float64),
        left=column("left", np.int64, shift=True), right=column("right", np.int64, shift=True),
        leaf=column("is_leaf", bool), value=column("value", np.float64),
        missing_left=column("missing_go_to_left", bool))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storyline.stance.train",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/fnc1"),
                        help="folder with train_bodies.csv and train_stances.csv")
    parser.add_argument("--out", type=Path, default=MODEL_PATH.parent,
                        help="folder to write stance_model.npz and statement_model.npz to")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # two threads on two busy cores thrash
    data = read_fnc1(args.data)
    for name, settings in ((MODEL_PATH.name, Settings()),
                           (STATEMENT_MODEL_PATH.name, STATEMENTS)):
        model = train(data, data.pairs, settings, log=lambda m: print(m, file=sys.stderr))
        path = args.out / name
        model.save(path)
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB) from {len(data.pairs)} "
              "FNC-1 training pairs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
