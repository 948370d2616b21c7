"""What story detection reads from an article: a dense vector, hashed words, named entities.

Words and entities are hashed (scikit-learn's ``HashingVectorizer``), so no vocabulary has to
be fixed in advance: the stream is open-ended. Their weights are TF-IDF with document
frequencies counted online by :class:`DocumentFrequencies` as articles arrive.

>>> from storyline.model import Article
>>> [f] = featurize([Article(text="Kerry met Lavrov in Geneva on Friday. They talked.", id="a")])
>>> f.vector.shape, f.headline
((384,), 'Kerry met Lavrov in Geneva on Friday.')
>>> len(f.entity_ids) >= 2
True
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from storyline.analyze.entities import normal_form
from storyline.analyze.nlp import entity_pipeline
from storyline.model import Article
from storyline.text.datelines import dateline_end
from storyline.text.reading import reading_copy

WORD_FEATURES = 2**20
ENTITY_FEATURES = 2**18
LEAD_SENTENCES = 4  # the lead says what the article is about
# Sentences whose vectors are kept as the article's statements: two reports of one event
# share statements (the same toll, the same quote, the same announcement) even when their
# leads and vocabularies differ. 16 measured best of 6 / 8 / 10 / 12 / 16 on DUC 2003 with
# the first decision model; with the decision refitted, 8 held equal or better held-out
# B-cubed at half the embedding cost (docs/results/speed.md).
STATEMENT_SENTENCES = 8
# Articles featurized in one call of the encoder. A sentence vector depends in its last bits
# on the other sentences of its call (see ``vectors.embed``), so the articles are always cut
# in chunks of this size from the start of what is given: a worker given one chunk computes
# bit for bit what one call over all of them computes (``stories/parallel.py``).
CHUNK = 32
NER_CHARS = 4000  # entities of the first paragraphs are what identify the event
WORD_CHARS = 20_000
MAX_TERMS = 150  # an article's strongest words; the rest add cost, not evidence
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})

_SPACE = re.compile(r"\s+")
_lock = threading.Lock()
_words = None
_ents = None


@dataclass(slots=True)
class ArticleFeatures:
    """One article as story detection sees it."""

    id: str
    published: datetime | None
    source: str | None
    vector: np.ndarray  # float32, L2-normalized (title and lead sentences)
    word_ids: np.ndarray  # int32 hashed word ids
    word_tf: np.ndarray  # float32 sublinear term frequencies, 1 + log(count)
    entity_ids: np.ndarray  # int32 hashed entity keys
    entity_tf: np.ndarray  # float32
    entity_names: dict[int, str] = field(default_factory=dict)  # id -> a display form
    headline: str = ""  # the article's title, else its first sentence
    titled: bool = False  # the headline is a real title
    # int8 rows (see quantize): the first STATEMENT_SENTENCES sentences, title first
    statements: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), np.int8))
    pile: str | None = None  # the pile (a --format lines file) a snippet came from


def clean_lead(text: str) -> str:
    """A sentence without its dateline and with whitespace squashed.

    >>> clean_lead("LONDON (AP) _ Talks resumed\\n on Friday.")
    'Talks resumed on Friday.'
    >>> clean_lead("CAIRO, Egypt (AP) _ Egypt's president spoke.")
    "Egypt's president spoke."
    """
    return _SPACE.sub(" ", text[dateline_end(text):]).strip()


def entity_key(text: str, label: str) -> str:
    """The form of an entity that other outlets will also use.

    The analysis's normal form (``analyze.entities.normal_form``: no article, possessive or
    title), lower-cased; people are known by surname across articles ("Augusto Pinochet",
    "Pinochet").

    >>> entity_key("Augusto Pinochet's", "PERSON"), entity_key("the White House", "ORG")
    ('pinochet', 'white house')
    """
    return _key_of(normal_form(text, label), label)  # the analysis's form, titles off


def _key_of(name: str, label: str) -> str:
    """:func:`entity_key` of a name already in its normal form."""
    key = name.lower()
    if label == "PERSON" and " " in key:
        key = key.rsplit(" ", 1)[-1]
    return key


def featurize(articles: Sequence[Article], *, batch_size: int = 32) -> list[ArticleFeatures]:
    """Features of ``articles`` (same order), computed ``CHUNK`` articles at a time.

    Costs one spaCy NER pass over each article's first paragraphs and one sentence
    embedding for the title and each of the first ``STATEMENT_SENTENCES`` sentences.
    """
    articles = list(articles)
    return [f for start in range(0, len(articles), CHUNK)
            for f in _featurize_chunk(articles[start:start + CHUNK], batch_size)]


def _featurize_chunk(articles: list[Article], batch_size: int) -> list[ArticleFeatures]:
    """The features of at most ``CHUNK`` articles: one NER pass, one call of the encoder."""
    from storyline.analyze import vectors

    if not articles:
        return []
    # Wire copy read as news text (hard wraps, `` ''): names wrapped over two lines are one.
    texts = (reading_copy(a.text[:NER_CHARS]) for a in articles)
    docs = list(entity_pipeline().pipe(texts, batch_size=batch_size))
    leads: list[list[str]] = []  # title (if any), then the first sentences
    lead_sizes: list[int] = []  # how many of them make the lead vector
    headlines: list[str] = []
    for article, doc in zip(articles, docs, strict=True):
        sentences = [clean_lead(s.text) for s in doc.sents]
        sentences = [s for s in sentences if len(s.split()) >= 3] or [clean_lead(doc.text[:300])]
        title = clean_lead(article.title or "")
        head = [title] if title else []
        leads.append(head + sentences[:STATEMENT_SENTENCES])
        lead_sizes.append(len(head) + min(LEAD_SENTENCES, len(sentences)))
        headlines.append(title or _headline(sentences))
    flat = [t for texts in leads for t in texts]
    matrix = vectors.embed(flat, reuse=False)  # the same vectors whatever ran before
    words = _word_counts([f"{a.title or ''}\n{a.text[:WORD_CHARS]}" for a in articles])
    out, row = [], 0
    for i, (article, doc) in enumerate(zip(articles, docs, strict=True)):
        n = len(leads[i])
        rows = matrix[row:row + n]
        row += n
        vec = rows[:lead_sizes[i]].mean(axis=0) if n else np.zeros(vectors.DIM, np.float32)
        norm = float(np.linalg.norm(vec))
        vec = (vec / norm if norm else vec).astype(np.float32)
        w_ids, w_tf = _sparse_row(words, i, MAX_TERMS)
        e_ids, e_tf, names = _entities(doc)
        out.append(ArticleFeatures(article.id, article.published, article.source, vec,
                                   w_ids, w_tf, e_ids, e_tf, names, headlines[i],
                                   bool(clean_lead(article.title or "")),
                                   quantize(rows), article_pile(article)))
    return out


def article_pile(article: Article) -> str | None:
    """The pile (a ``--format lines`` file) an article is a line of, or None."""
    pile = (article.extra or {}).get("pile")
    return pile if isinstance(pile, str) else None


STATEMENT_SCALE = 127.0


def quantize(rows: np.ndarray) -> np.ndarray:
    """Normalized sentence vectors as int8 (times 127): a quarter of the memory of float32,
    converted back 3x faster than float16, and exact to store; cosines move by < 0.01.

    >>> quantize(np.array([[0.6, 0.8]], np.float32))
    array([[ 76, 102]], dtype=int8)
    """
    return np.rint(np.asarray(rows, np.float32) * STATEMENT_SCALE).astype(np.int8)


def _headline(sentences: list[str]) -> str:
    """The first sentence that reads like a lead (not a byline or a fragment)."""
    for sentence in sentences[:5]:
        if 6 <= len(sentence.split()) <= 60:
            return _shorten(sentence)
    return _shorten(sentences[0]) if sentences else ""


def _shorten(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _vectorizers():
    global _words, _ents
    with _lock:
        if _words is None:
            from sklearn.feature_extraction.text import HashingVectorizer

            _words = HashingVectorizer(
                n_features=WORD_FEATURES, alternate_sign=False, norm=None, lowercase=True,
                stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
            )
            _ents = HashingVectorizer(
                n_features=ENTITY_FEATURES, alternate_sign=False, norm=None,
                analyzer=lambda keys: keys,
            )
        return _words, _ents


def _word_counts(texts: list[str]):
    words, _ = _vectorizers()
    return words.transform(texts).tocsr()


def _sparse_row(matrix, i: int, keep: int | None) -> tuple[np.ndarray, np.ndarray]:
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    ids = matrix.indices[start:end].astype(np.int32)
    tf = (1.0 + np.log(matrix.data[start:end])).astype(np.float32)
    if keep is not None and len(ids) > keep:
        # Keep the most frequent words; ties broken by id so the choice is reproducible.
        order = np.lexsort((ids, -tf))[:keep]
        ids, tf = ids[order], tf[order]
    order = np.argsort(ids)
    return ids[order], tf[order]


def _entities(doc) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    _, ents = _vectorizers()
    keys, shown = [], {}
    filed_at = dateline_end(getattr(doc, "text", ""))  # why.py passes the entities alone
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        name = normal_form(ent.text, ent.label_)  # "Mexico City ," -> "Mexico City"
        key = _key_of(name, ent.label_)
        if len(key) < 2:
            continue
        keys.append(key)
        if filed_at and ent.end_char <= filed_at:
            # A dateline ("VALECREST, March 19 (Wire) -") counts as evidence as the decision
            # model was trained with it, but names no key entity of the story: the place
            # is shown only when the text itself names it.
            continue
        # The longest form is the most informative name ("Augusto Pinochet").
        if len(name) > len(shown.get(key, "")):
            shown[key] = name
    if not keys:
        return np.zeros(0, np.int32), np.zeros(0, np.float32), {}
    row = ents.transform([keys]).tocsr()
    ids, tf = _sparse_row(row, 0, None)
    unique = list(shown)
    if not unique:  # every name was in the dateline (the hasher fails on no rows)
        return ids, tf, {}
    hashed = ents.transform([[key] for key in unique]).tocsr()
    names = {int(hashed.indices[hashed.indptr[j]]): shown[key] for j, key in enumerate(unique)}
    return ids, tf, names
