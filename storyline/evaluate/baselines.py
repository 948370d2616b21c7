"""Baseline summarizers run next to storyline's in every evaluation.

All of them see the same sentences (the analyzer's split, wire datelines trimmed) and
return sentences in their order of preference; ``fill_budget`` then takes sentences in that
order until the word budget is reached (DUC practice: the scorer cuts at the budget).

- ``lead``: the first sentences of the first article (earliest published, else first given).
- ``lexrank`` / ``textrank``: sumy's implementations (Erkan & Radev 2004; Mihalcea & Tarau
  2004), fed pre-split sentences through sumy's document model (no nltk data needed).
- ``centroid``: TF-IDF centroid of the cluster (Radev et al. 2004): sentences most similar
  to it first, skipping any too similar to one already taken.

>>> fill_budget(["one two three", "four five", "six"], 4)
['one two three', 'four five']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.candidates import dateline_length, published_key, tfidf_matrix

CENTROID_REDUNDANCY = 0.7
_TOKEN = re.compile(r"[\w'-]+")


def sentences_of(analyzed: Sequence[AnalyzedArticle]) -> list[list[str]]:
    """Per article, its sentences as the baselines see them."""
    out = []
    for item in analyzed:
        text = item.article.text
        rows = []
        for s in item.analysis.sentences:
            start = s.start + dateline_length(text[s.start:s.end])
            piece = " ".join(text[start:s.end].split())
            if piece:
                rows.append(piece)
        out.append(rows)
    return out


def lead(analyzed: Sequence[AnalyzedArticle]) -> list[str]:
    """Sentences of the first article in order."""
    if not analyzed:
        return []
    first = min(range(len(analyzed)), key=lambda a: (published_key(analyzed[a]), a))
    return sentences_of([analyzed[first]])[0]


def lexrank(analyzed: Sequence[AnalyzedArticle]) -> list[str]:
    """Sentences by sumy's LexRank score (continuous, its defaults)."""
    from sumy.summarizers.lex_rank import LexRankSummarizer

    return _sumy_ranking(LexRankSummarizer, sentences_of(analyzed))


def textrank(analyzed: Sequence[AnalyzedArticle]) -> list[str]:
    """Sentences by sumy's TextRank score."""
    from sumy.summarizers.text_rank import TextRankSummarizer

    return _sumy_ranking(TextRankSummarizer, sentences_of(analyzed))


def centroid(analyzed: Sequence[AnalyzedArticle]) -> list[str]:
    """Sentences by TF-IDF cosine to the cluster centroid, near-repeats skipped."""
    texts = [s for rows in sentences_of(analyzed) for s in rows]
    if not texts:
        return []
    matrix = tfidf_matrix(texts)
    centre = np.asarray(matrix.mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centre)) or 1.0
    scores = np.asarray(matrix @ (centre / norm)).ravel()
    chosen: list[int] = []
    for i in np.argsort(-scores, kind="stable").tolist():
        if chosen:
            sims = (matrix[chosen] @ matrix[i].T).toarray().ravel()
            if (sims >= CENTROID_REDUNDANCY).any():
                continue
        chosen.append(i)
    return [texts[i] for i in chosen]


BASELINES: dict[str, Callable[[Sequence[AnalyzedArticle]], list[str]]] = {
    "lead": lead, "lexrank": lexrank, "textrank": textrank, "centroid": centroid,
}


def fill_budget(ranked: Sequence[str], words: int) -> list[str]:
    """Sentences in ranked order until at least ``words`` words (the last may run over)."""
    out, used = [], 0
    for sentence in ranked:
        if used >= words:
            break
        out.append(sentence)
        used += len(sentence.split())
    return out


# -- sumy without nltk data ---------------------------------------------------------------------


class _Tokenizer:
    """What sumy's document model asks of a tokenizer: words of a sentence."""

    language = "english"

    @staticmethod
    def to_words(text: str) -> tuple[str, ...]:
        return tuple(_TOKEN.findall(text))

    @staticmethod
    def to_sentences(text: str) -> tuple[str, ...]:
        return (text,)


@lru_cache(maxsize=1)
def _stemmer_and_stop_words():
    from sumy.nlp.stemmers import Stemmer
    from sumy.utils import get_stop_words

    return Stemmer("english"), get_stop_words("english")


def sumy_document(sentences_per_article: Sequence[Sequence[str]]):
    """A sumy ``ObjectDocumentModel``: one paragraph per article, sentences as given."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    tokenizer = _Tokenizer()
    paragraphs = [Paragraph([Sentence(s, tokenizer) for s in rows])
                  for rows in sentences_per_article if rows]
    return ObjectDocumentModel(paragraphs)


def _sumy_ranking(summarizer_class, sentences_per_article: Sequence[Sequence[str]]) -> list[str]:
    document = sumy_document(sentences_per_article)
    if not document.sentences:
        return []
    stemmer, stop_words = _stemmer_and_stop_words()
    summarizer = summarizer_class(stemmer)
    summarizer.stop_words = stop_words
    ranked: list[str] = []

    def keep_all(infos):
        # sumy hands the count callable its sentences best-first: record that order.
        ranked.extend(str(info.sentence) for info in infos)
        return infos

    summarizer(document, keep_all)
    return ranked
