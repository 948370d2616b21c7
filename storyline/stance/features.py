"""Features of a (claim, text) pair that say whether the text is about the claim and which side
it takes, in a form that carries to topics never seen in training.

Three families, after the FNC-1 systems that generalized best (Hanselowski et al. 2018):
- *relatedness*: TF-IDF cosine of claim and text, of claim and lead, the best and top-3
  sentence similarities, word, bigram, number and name overlap;
- *stance cues near the claim*: counts of refuting, hedging, confirming, negating and
  reporting words in the headline, in the lead, in the sentences most like the claim, and in
  sentences that share the claim's words, with the similarity of the best such sentence;
- *polarity*: whether claim and its closest sentences disagree in negation.

``Vocabulary`` holds what is learned from text alone (stems, inverse document frequencies,
stop words); a text's per-sentence vectors are computed once (``read_text``) and reused
for every claim paired with it.

>>> vocab = Vocabulary.fit(["Rain fell in Oslo.", "Snow fell in Bergen."], min_df=1)
>>> view = read_text(vocab, "Heavy rain fell in Oslo.")
>>> row, key = pair_features(vocab, "Rain fell in Oslo", view)
>>> float(row[FEATURES.index("overlap")]), key
(1.0, [0])
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from storyline.stance.text import LEXICONS, lexicon_counts, split_sentences, stems

LEAD_SENTENCES = 3
KEY_SENTENCES = 3
# A sentence "about the claim" shares this much TF-IDF weight with it.
NEAR_SIMILARITY = 0.15
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NAME = re.compile(r"\b[A-Z][a-zA-Z]+\b")

_LEX = tuple(LEXICONS)
Term = int | str  # a known stem's index in the vocabulary, or an unknown stem itself
FEATURES: list[str] = [
    "cos_text", "cos_lead", "sent_max", "sent_top3", "best_position", "overlap",
    "overlap_idf", "overlap_lead", "bigram_overlap", "number_overlap", "number_missing",
    "name_overlap", "claim_length", "text_sentences", "claim_question",
    *[f"claim_{x}" for x in _LEX], *[f"text_{x}" for x in _LEX], *[f"lead_{x}" for x in _LEX],
    *[f"key_{x}" for x in _LEX], *[f"near_{x}" for x in _LEX], *[f"best_sim_{x}" for x in _LEX],
    "negation_parity", "refute_parity", "near_sentences",
]


@dataclass(slots=True)
class Vocabulary:
    """Stems with their inverse document frequency, and the stop words left out."""

    index: dict[str, int]
    idf: np.ndarray
    stop: frozenset[str]
    # Stems never seen in training count in the vectors too, as rare as the rarest known
    # one (see ``vector``); off for the digest's statement model, fitted without them.
    unknown_terms: bool = False
    unknown_idf: float = field(init=False, default=1.0)

    def __post_init__(self) -> None:
        self.unknown_idf = float(self.idf.max(initial=1.0))

    @classmethod
    def fit(cls, texts: Iterable[str], min_df: int = 2, stop: Iterable[str] | None = None,
            unknown_terms: bool = False) -> Vocabulary:
        """Document frequencies over ``texts`` (smoothed idf, as scikit-learn's)."""
        if stop is None:
            from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

            stop = ENGLISH_STOP_WORDS
        from storyline.stance.text import stem

        keep = set(LEXICONS["negation"])  # "not" and "no" are stance, not noise
        stop_stems = frozenset(stem(w) for w in stop) - keep
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            n += 1
            df.update({s for s in stems(text) if s not in stop_stems})
        terms = sorted(t for t, c in df.items() if c >= min_df)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in terms], dtype=np.float32)
        return cls({t: i for i, t in enumerate(terms)}, idf, stop_stems, unknown_terms)

    def content(self, stemmed: list[str]) -> list[str]:
        return [s for s in stemmed if s not in self.stop]

    def vector(self, content: list[str]) -> dict[Term, float]:
        """Sublinear TF-IDF, L2-normalized, as {term: weight}: a known stem by its index;
        with ``unknown_terms`` an unknown one by itself, weighing as the rarest known stem.
        A topic training never saw is told by words training never saw (a new name, a new
        disease): without them a new topic's claim and text are compared on their common
        words only.

        >>> vocab = Vocabulary.fit(["Rain fell.", "Rain stopped."], min_df=1)
        >>> sorted(map(str, vocab.vector(["rain", "oslo"])))
        ['1']
        >>> vocab.unknown_terms = True
        >>> sorted(map(str, vocab.vector(["rain", "oslo"])))
        ['1', 'oslo']
        """
        if self.unknown_terms:
            counts: Counter[Term] = Counter(self.index.get(s, s) for s in content)
        else:
            counts = Counter(self.index[s] for s in content if s in self.index)
        weights = {t: (1 + math.log(c)) * self.weight_of(t) for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    def weight_of(self, term: Term) -> float:
        return float(self.idf[term]) if isinstance(term, int) else self.unknown_idf

    def weight(self, term: str) -> float:
        """The idf of a stem; an unknown stem is as rare as the rarest known one."""
        return self.weight_of(self.index.get(term, term))


@dataclass(slots=True)
class TextView:
    """What the features need of one text, computed once per text."""

    sentences: list[dict[Term, float]]  # TF-IDF vector of each sentence
    sentence_stems: list[set[str]]
    sentence_lexicon: list[dict[str, int]]
    vector: dict[Term, float]
    lead: dict[Term, float]
    stems: set[str]
    bigrams: set[tuple[str, str]]
    numbers: set[str]
    names: set[str]
    lexicon: dict[str, int] = field(default_factory=dict)


def read_text(vocab: Vocabulary, text: str) -> TextView:
    """The per-sentence vectors and cue counts of an article body (or any statement)."""
    raw = split_sentences(text) or [text]
    stemmed = [stems(s) for s in raw]
    content = [vocab.content(s) for s in stemmed]
    all_content = [s for c in content for s in c]
    lead = [s for c in content[:LEAD_SENTENCES] for s in c]
    totals: Counter[str] = Counter()
    per_sentence = [lexicon_counts(s) for s in stemmed]
    for counts in per_sentence:
        totals.update(counts)
    return TextView(
        sentences=[vocab.vector(c) for c in content],
        sentence_stems=[set(c) for c in content],
        sentence_lexicon=per_sentence,
        vector=vocab.vector(all_content),
        lead=vocab.vector(lead),
        stems=set(all_content),
        bigrams={pair for c in content for pair in zip(c, c[1:], strict=False)},
        numbers=set(_NUMBER.findall(text)),
        names={n.lower() for n in _NAME.findall(text)},
        lexicon=dict(totals),
    )


def _dot(a: dict[Term, float], b: dict[Term, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(i, 0.0) for i, w in a.items())


def pair_features(vocab: Vocabulary, claim: str, view: TextView
                  ) -> tuple[np.ndarray, list[int]]:
    """The feature row (``FEATURES`` order) of a claim against a read text, and the indexes
    of the text's sentences closest to the claim (at most ``KEY_SENTENCES``)."""
    claim_stems = stems(claim)
    content = vocab.content(claim_stems)
    claim_set = set(content)
    claim_vec = vocab.vector(content)
    sims = np.array([_dot(claim_vec, s) for s in view.sentences], dtype=np.float32)
    order = np.argsort(-sims, kind="stable")
    key = [int(i) for i in order[:KEY_SENTENCES]]
    n = len(view.sentences)
    near = [i for i in range(n) if sims[i] >= NEAR_SIMILARITY
            or len(claim_set & view.sentence_stems[i]) >= 2]
    idf_total = sum(vocab.weight(t) for t in claim_set) or 1.0
    bigrams = set(zip(content, content[1:], strict=False))
    claim_numbers = set(_NUMBER.findall(claim))
    claim_names = {x.lower() for x in _NAME.findall(claim)}
    lead_stems = set().union(*view.sentence_stems[:LEAD_SENTENCES])
    claim_lex = lexicon_counts(claim_stems)

    def lex_sum(indexes: Iterable[int], name: str) -> float:
        return float(sum(view.sentence_lexicon[i][name] for i in indexes))

    def best_sim(name: str) -> float:
        found = [float(sims[i]) for i in range(n) if view.sentence_lexicon[i][name]]
        return max(found, default=0.0)

    row = [
        _dot(claim_vec, view.vector),
        _dot(claim_vec, view.lead),
        float(sims[order[0]]) if n else 0.0,
        float(np.mean(sims[order[:KEY_SENTENCES]])) if n else 0.0,
        float(order[0]) / n if n else 1.0,
        len(claim_set & view.stems) / max(len(claim_set), 1),
        sum(vocab.weight(t) for t in claim_set & view.stems) / idf_total,
        len(claim_set & lead_stems) / max(len(claim_set), 1),
        len(bigrams & view.bigrams) / max(len(bigrams), 1),
        len(claim_numbers & view.numbers) / max(len(claim_numbers), 1),
        float(len(claim_numbers - view.numbers)),
        len(claim_names & view.names) / max(len(claim_names), 1),
        math.log1p(len(claim_set)),
        math.log1p(n),
        float("?" in claim),
        *[float(min(claim_lex[x], 3)) for x in _LEX],
        *[view.lexicon.get(x, 0) / max(n, 1) for x in _LEX],
        *[lex_sum(range(min(n, LEAD_SENTENCES)), x) for x in _LEX],
        *[lex_sum(key, x) for x in _LEX],
        *[lex_sum(near, x) / max(len(near), 1) for x in _LEX],
        *[best_sim(x) for x in _LEX],
        float((claim_lex["negation"] + lex_sum(key[:1], "negation")) % 2),
        float((claim_lex["refute"] + lex_sum(key[:1], "refute")) % 2),
        len(near) / max(n, 1),
    ]
    return np.asarray(row, dtype=np.float32), key
