"""The stance model that ships in the package, evaluated by this code alone.

Two learned layers over ``features.pair_features``:
1. a *cue layer*: logistic regression (agree / disagree / discuss) over which cue stems occur
   in the claim and in the text's sentences closest to it, the stems kept being those used
   across many training topics, so it learns wording ("hoax", "not true", "reportedly"),
   not topics;
2. a *forest*: gradient-boosted trees over the dense features and the cue layer's three
   probabilities, giving the four classes.

Everything is plain arrays in one ``.npz`` file (no pickle; ``numpy.load`` with
``allow_pickle=False``), so a model built with one scikit-learn version loads and gives the
same numbers with any other, or with none installed. ``python -m storyline.stance.train``
rebuilds it from the FNC-1 training data.

>>> model = load_model()
>>> [r.stance for r in model.predict([
...     ("Rain fell in Oslo on Monday", "Heavy rain fell in Oslo on Monday, flooding roads."),
...     ("Rain fell in Oslo on Monday", "The central bank raised interest rates again.")])]
['agree', 'unrelated']
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from storyline.errors import AnalysisError
from storyline.stance.features import FEATURES, TextView, Vocabulary, pair_features, read_text
from storyline.stance.fnc1 import LABELS
from storyline.stance.text import stems

# Two models of one method: claims against articles (``storyline stance``, FNC-1's task) and
# statements against statements (the digest's claim/denial pairs). They differ in one
# setting: the article model counts words its training never saw (a new topic's words);
# in a digest both statements come from one story, so its shared names tell nothing of a
# side, and counting them made denials read as agreement (docs/results/stance.md).
MODEL_PATH = Path(__file__).with_name("stance_model.npz")
STATEMENT_MODEL_PATH = Path(__file__).with_name("statement_model.npz")
FORMAT = 1  # bump when the file's arrays change meaning
RELATED = LABELS[:3]  # the cue layer's classes: agree, disagree, discuss
TEXT_CACHE = 4096  # texts whose reading is kept (the same body is often paired many times)


@dataclass(frozen=True, slots=True)
class Stance:
    stance: str
    confidence: float
    probabilities: tuple[float, ...]  # in ``LABELS`` order


@dataclass
class CueLayer:
    """Logistic regression over binary cue-stem indicators (claim terms, then key terms)."""

    claim_terms: list[str]
    key_terms: list[str]
    coef: np.ndarray  # (len(claim_terms) + len(key_terms), 3)
    intercept: np.ndarray  # (3,)

    def __post_init__(self) -> None:
        self._claim = {t: i for i, t in enumerate(self.claim_terms)}
        offset = len(self.claim_terms)
        self._key = {t: offset + i for i, t in enumerate(self.key_terms)}

    def active(self, claim_content: Iterable[str], key_content: Iterable[str]) -> list[int]:
        """Indexes of the indicators that are on for one pair."""
        on = {self._claim[t] for t in claim_content if t in self._claim}
        on |= {self._key[t] for t in key_content if t in self._key}
        return sorted(on)

    def proba(self, active: Sequence[Sequence[int]]) -> np.ndarray:
        scores = np.tile(self.intercept, (len(active), 1))
        for row, indexes in enumerate(active):
            if indexes:
                scores[row] += self.coef[list(indexes)].sum(axis=0)
        return softmax(scores)


@dataclass(slots=True)
class Forest:
    """Gradient-boosted regression trees, one per class per round, stored flat.

    A row goes left at a node when ``x[feature] <= threshold`` (``missing_left`` for NaN);
    a class's raw score is ``baseline`` plus the leaf values of its trees.
    """

    baseline: np.ndarray  # (n_classes,)
    roots: np.ndarray  # (n_trees,) index of each tree's first node in the flat arrays
    classes: np.ndarray  # (n_trees,) which class each tree adds to
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray  # absolute node indexes
    right: np.ndarray
    leaf: np.ndarray  # bool
    value: np.ndarray
    missing_left: np.ndarray

    def raw(self, x: np.ndarray) -> np.ndarray:
        out = np.tile(self.baseline, (len(x), 1)).astype(np.float64)
        rows = np.arange(len(x))
        for root, cls in zip(self.roots, self.classes, strict=True):
            node = np.full(len(x), root, dtype=np.int64)
            while True:
                inner = ~self.leaf[node]
                if not inner.any():
                    break
                at = node[inner]
                values = x[rows[inner], self.feature[at]]
                go_left = np.where(np.isnan(values), self.missing_left[at],
                                   values <= self.threshold[at])
                node[inner] = np.where(go_left, self.left[at], self.right[at])
            out[:, cls] += self.value[node]
        return out

    def proba(self, x: np.ndarray) -> np.ndarray:
        return softmax(self.raw(x))


def softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class StanceModel:
    vocab: Vocabulary
    cues: CueLayer
    forest: Forest
    meta: dict

    def __post_init__(self) -> None:
        self._views: OrderedDict[str, TextView] = OrderedDict()

    def view(self, text: str) -> TextView:
        """The text's reading, from a small cache keyed by its hash."""
        key = hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).digest().hex()
        found = self._views.get(key)
        if found is None:
            found = self._views[key] = read_text(self.vocab, text)
            if len(self._views) > TEXT_CACHE:
                self._views.popitem(last=False)
        else:
            self._views.move_to_end(key)
        return found

    def rows(self, pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, list[list[int]]]:
        """Dense feature rows and active cue indicators of (claim, text) pairs."""
        dense, active = [], []
        for claim, text in pairs:
            view = self.view(text)
            row, key = pair_features(self.vocab, claim, view)
            dense.append(row)
            key_content = set().union(*(view.sentence_stems[i] for i in key)) if key else set()
            active.append(self.cues.active(self.vocab.content(stems(claim)), key_content))
        width = len(FEATURES)
        return (np.vstack(dense) if dense else np.zeros((0, width), np.float32)), active

    def proba(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probabilities in ``LABELS`` order, one row per (claim, text) pair."""
        dense, active = self.rows(pairs)
        if not len(dense):
            return np.zeros((0, len(LABELS)))
        return self.forest.proba(np.hstack([dense, self.cues.proba(active)]))

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[Stance]:
        """The stance of each text toward its claim, with the model's probability for it."""
        out = []
        for p in self.proba(pairs):
            best = int(np.argmax(p))
            out.append(Stance(LABELS[best], round(float(p[best]), 4),
                              tuple(round(float(v), 4) for v in p)))
        return out

    # -- the file ------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        vocab_terms = sorted(self.vocab.index, key=self.vocab.index.__getitem__)
        f = self.forest
        np.savez_compressed(
            path, format=np.array(FORMAT), meta=np.array(json.dumps(self.meta, sort_keys=True)),
            features=np.array(FEATURES), vocab=np.array(vocab_terms), idf=self.vocab.idf,
            stop=np.array(sorted(self.vocab.stop)),
            claim_terms=np.array(self.cues.claim_terms, dtype=str),
            key_terms=np.array(self.cues.key_terms, dtype=str),
            cue_coef=self.cues.coef, cue_intercept=self.cues.intercept,
            baseline=f.baseline, roots=f.roots, classes=f.classes, feature=f.feature,
            threshold=f.threshold, left=f.left, right=f.right, leaf=f.leaf, value=f.value,
            missing_left=f.missing_left)


class ModelFileError(AnalysisError, ValueError):
    """The model file is missing, of another format, or for other features."""


def read_model(path: Path) -> StanceModel:
    """A model from its ``.npz`` file (raises ``ModelFileError`` naming the problem)."""
    try:
        z = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{path}: unreadable stance model ({exc})") from exc
    with z:
        if int(z["format"]) != FORMAT or list(z["features"]) != FEATURES:
            raise ModelFileError(f"{path}: stance model of another format or feature set; "
                                 "rebuild it with python -m storyline.stance.train")
        vocab = Vocabulary({str(t): i for i, t in enumerate(z["vocab"])},
                           z["idf"].astype(np.float32), frozenset(str(s) for s in z["stop"]))
        cues = CueLayer([str(t) for t in z["claim_terms"]], [str(t) for t in z["key_terms"]],
                        z["cue_coef"], z["cue_intercept"])
        forest = Forest(*(z[k] for k in ("baseline", "roots", "classes", "feature", "threshold",
                                         "left", "right", "leaf", "value", "missing_left")))
        meta = json.loads(str(z["meta"]))
        vocab.unknown_terms = bool(meta.get("settings", {}).get("unknown_terms", False))
        return StanceModel(vocab, cues, forest, meta)


@lru_cache(maxsize=1)
def load_model() -> StanceModel:
    """The claim-against-article model that ships with the package (read once per process)."""
    return read_model(MODEL_PATH)


@lru_cache(maxsize=1)
def load_statement_model() -> StanceModel:
    """The statement-against-statement model the digest asks (read once per process)."""
    return read_model(STATEMENT_MODEL_PATH)
