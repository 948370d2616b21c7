"""The pool of sentences a summary may quote, and how alike any two of them are.

Every candidate is a sentence exactly as it stands in its article (``text[start:end]``);
a leading wire dateline ("LONDON (AP) _ ") is left out by moving ``start`` past it
(``storyline.text.datelines``, the reader analysis uses too), so the quoted span is still a
substring of the article. Sentences that read badly out of context
(questions, fragments, very short or very long ones, bare quotations) are dropped or marked.

Similarity is a blend of two views that fail differently: MiniLM vectors (paraphrases)
and TF-IDF over stemmed content words fitted on the story itself (names, numbers, rare words).

>>> from storyline.model import Article, Sentence, Analysis
>>> from storyline.analyze.pipeline import AnalyzedArticle
>>> import numpy as np
>>> text = "MOSCOW (AP) _ Talks between the two foreign ministers resumed in Geneva on Friday."
>>> an = Analysis("a1", "1", sentences=[Sentence(0, 0, len(text), text)])
>>> pool = build_pool([AnalyzedArticle(Article(text=text, id="a1"), an,
...                                    np.ones((1, 384), np.float32) / 384 ** 0.5,
...                                    np.zeros(384, np.float32))])
>>> pool.candidates[0].text
'Talks between the two foreign ministers resumed in Geneva on Friday.'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.settings import SETTINGS
from storyline.text.datelines import dateline_end
from storyline.text.standalone import QUOTE_CHARS as _QUOTE_CHARS
from storyline.text.standalone import quotes_balanced, stands_alone
from storyline.text.stems import stem

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*")
_UPPER = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")
_BYLINE = re.compile(r"^(?:By|BY|Photo|PHOTO|Image|Copyright|©|Follow|Advertisement|Read more)\b")
# Text about the page, not the story, that a crawled page carries along: a web archive's notice
# ("Starting in 1996, Alexa Internet has been donating their crawl data to the Internet
# Archive."), an embedded tweet's settings ("You can add location information to your
# Tweets"), a video player's playlist ("Lakes turn to ice | 0:51", "Skip in Skip x Embed"),
# a player that needs a script ("You need to enable JavaScript to use SoundCloud").
_PAGE_NOTICE = re.compile(
    r"(?i)\b(?:internet archive|wayback machine|crawl data|no more 404|alexa internet)\b"
    r"|\bthese crawls\b|\barchive(?:d)? pages\b|\bbroken links on the web\b"
    r"|\blocation (?:information to your tweets|history)\b|\btweet location\b"
    r"|\|\s*\d{1,2}:\d\d\b|\bskip in skip\b|\bembed x share\b|\benable javascript\b"
    # the outlet about its own pages: "BBC News website readers have been describing how
    # ...", "The BBC talks to people in Mexico City about ...", "Click here", "Have your say"
    r"|\b(?:website|site) readers\b|\breaders have been (?:describing|sending|telling)\b"
    r"|\btalks to people\b|\bclick here\b|\bhave your say\b|\bsend us your\b"
    r"|\bwatch (?:the|our) video\b"
    # a live page's heading run into the text: "As it happened : Haiti earthquake 13 Jan
    # Live coverage following the earthquake in Haiti ."
    r"|^as it happened\b|\blive coverage (?:of|following)\b")


@dataclass(slots=True)
class Candidate:
    """One quotable sentence: ``article`` and ``row`` index the analyzed input."""

    article: int  # index into the analyzed articles
    row: int  # sentence index in that article's analysis (and vector row)
    start: int
    end: int
    text: str
    words: int
    position: int  # rank of the sentence among its article's sentences (0 = lead)
    quote_only: bool = False
    # The day it tells of, read from its time expressions (None: not said); after its
    # article's publication day it is a forecast ("is expected on Tuesday" on a Monday).
    day: date | None = None


@dataclass(slots=True)
class Pool:
    """Candidates of one story with their vectors and pairwise similarities."""

    analyzed: Sequence[AnalyzedArticle]
    candidates: list[Candidate] = field(default_factory=list)
    dense: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), np.float32))
    tfidf: object = None  # scipy sparse matrix, rows L2-normalized
    article_of: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.candidates)

    def similarity(self) -> tuple[np.ndarray, np.ndarray]:
        """(dense cosine, TF-IDF cosine) between every pair of candidates."""
        dense = self.dense @ self.dense.T if len(self) else np.zeros((0, 0), np.float32)
        # float32 before densifying: the same values, half the memory written
        lexical = ((self.tfidf @ self.tfidf.T).astype(np.float32).toarray() if len(self)
                   else dense)
        return dense, lexical


def word_count(text: str) -> int:
    """Whitespace tokens, the unit of every budget."""
    return len(text.split())


def is_quote_only(text: str) -> bool:
    """A sentence that opens a quotation: it is (the start of) someone's words, unattributed.

    >>> is_quote_only('"We will rebuild," she said.'), is_quote_only('He said "no".')
    (True, False)
    """
    stripped = text.strip()
    return len(stripped) > 2 and stripped[0] in _QUOTE_CHARS


def standalone_mask(pool: Pool, word_budget: int, *, enabled: bool = True,
                    quotations: bool = False) -> np.ndarray:
    """Which candidates of ``pool`` may compete for a summary: those that stand alone
    (:func:`stands_alone`; a sentence opening with a quotation only with ``quotations``),
    or every one when ``enabled`` is off; when too few stand alone to fill ``word_budget`` (a
    story of a few short texts), every one whose quotation marks balance (a quotation cut
    in half reads wrong wherever it stands)."""
    alone = np.asarray([(quotations or not c.quote_only) and stands_alone(c.text)
                        for c in pool.candidates], bool) & ~outdated(pool)
    if not enabled:
        alone[:] = True
    elif alone.sum() * 20 < word_budget:
        alone = np.asarray([quotes_balanced(c.text.strip()) for c in pool.candidates], bool)
        if not alone.any():
            alone[:] = True
    return alone


def outdated(pool: Pool) -> np.ndarray:
    """Forecasts the story has overtaken: a sentence about a day after its article's
    publication ("Vell is expected on Tuesday morning", "the talks could run until Friday")
    when an article of the story was published after that day. A summary tells what
    happened then, not what was expected.

    >>> from storyline.model import Article, Sentence, Analysis, TimeExpr
    >>> text = "The two ministers are expected to meet on Friday in the capital."
    >>> def item(day, times):
    ...     an = Analysis("a", "1", sentences=[Sentence(0, 0, len(text), text)], times=times)
    ...     article = Article(text=text, id=day, published=datetime.fromisoformat(day))
    ...     return AnalyzedArticle(article, an, np.zeros((1, 384), np.float32),
    ...                            np.zeros(384, np.float32))
    >>> friday = [TimeExpr("on Friday", 38, 47, "2025-03-07", sentence=0)]
    >>> outdated(build_pool([item("2025-03-03", friday)])).tolist()
    [False]
    >>> outdated(build_pool([item("2025-03-03", friday), item("2025-03-09", [])])).tolist()
    [True, False]
    """
    from storyline.digest.timeline_dates import overtaken

    days = [item.article.published_date for item in pool.analyzed]
    latest = max((d for d in days if d is not None), default=None)
    return np.asarray([overtaken(c.day, days[c.article], latest)
                       for c in pool.candidates], bool)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def _after_paragraph_break(text: str, start: int, end: int) -> int:
    r"""Start of a sentence span without the short lines glued on before a blank line.

    A "sentence" that crosses a blank line may carry a caption, heading or byline in front
    of the real sentence (the splitter saw no final stop after it): those short leading
    paragraphs are left out. Long paragraphs are real sentences and stay.

    >>> t = "Photo: AP\n\nFloods hit the town."
    >>> t[_after_paragraph_break(t, 0, len(t)):]
    'Floods hit the town.'
    """
    for found in _PARAGRAPH_BREAK.finditer(text, start, end):
        if word_count(text[start:found.start()]) >= SETTINGS.min_words:
            break
        start = found.end()
        while start < end and text[start].isspace():
            start += 1
    return start


def keep(text: str, *, min_words: int = SETTINGS.min_words,
         max_words: int = SETTINGS.max_words) -> bool:
    """Would this sentence read well on its own in a summary?

    >>> keep("Who will pay for the damage now that the floods are gone?")
    False
    >>> keep("Floods displaced 40,000 people in the north of the country on Monday.")
    True
    >>> keep("Starting in 1996, Alexa Internet has been donating their crawl data to the "
    ...      "Internet Archive.")  # the notice of the web archive the page was fetched from
    False
    >>> keep("BBC News website readers have been describing how the earthquake has "
    ...      "affected them.")  # the outlet about its own pages
    False
    >>> keep("As it happened : Haiti earthquake 13 Jan Live coverage following the earthquake "
    ...      "in Haiti .")  # a live page's heading
    False
    """
    n = word_count(text)
    if n < min_words or n > max_words:
        return False
    stripped = text.strip()
    if stripped.endswith("?") or stripped.endswith(":") or _BYLINE.match(stripped):
        return False
    if _PAGE_NOTICE.search(stripped):
        return False  # about the web page it came from, not the story
    first = stripped.lstrip(_QUOTE_CHARS + "(")[:1]
    if first and (first.islower() or not (first.isalnum())):
        return False  # a fragment cut from the middle of something
    if stripped[:30].isupper() and (
            len(_UPPER.findall(stripped)) > 0.5 * len(_LETTER.findall(stripped))):
        return False  # headlines and slugs in capitals
    return True


def build_pool(analyzed: Sequence[AnalyzedArticle], *, min_words: int = SETTINGS.min_words,
               max_words: int = SETTINGS.max_words) -> Pool:
    """Every quotable sentence of the story with its vector and TF-IDF row.

    If the filters leave nothing (a story of very short texts), all sentences are kept.
    """
    candidates = _collect(analyzed, min_words, max_words)
    if not candidates:
        candidates = _collect(analyzed, 1, 10_000)
    pool = Pool(analyzed=analyzed, candidates=candidates)
    if not candidates:
        return pool
    rows = []
    for c in candidates:
        vecs = analyzed[c.article].sentence_vectors
        rows.append(vecs[c.row] if c.row < len(vecs) else np.zeros(vecs.shape[1], np.float32))
    pool.dense = np.asarray(rows, dtype=np.float32)
    pool.tfidf = tfidf_matrix([c.text for c in candidates])
    pool.article_of = np.asarray([c.article for c in candidates], dtype=np.int64)
    return pool


def _collect(analyzed: Sequence[AnalyzedArticle], min_words: int, max_words: int
             ) -> list[Candidate]:
    from storyline.digest.timeline_dates import days_by_sentence

    out: list[Candidate] = []
    for a_index, item in enumerate(analyzed):
        text = item.article.text
        sentences = item.analysis.sentences
        days = days_by_sentence(text, [(s.start, s.end) for s in sentences],
                                item.analysis.times) if item.analysis.times else None
        seen: set[str] = set()
        for position, sentence in enumerate(item.analysis.sentences):
            start = _after_paragraph_break(text, sentence.start, sentence.end)
            start += dateline_end(text[start:sentence.end])
            span = text[start:sentence.end]
            if not keep(span, min_words=min_words, max_words=max_words) and not (
                    keep(span, min_words=SETTINGS.short_figure_words, max_words=max_words)
                    and _states_counted_figure(span)):
                continue
            key = " ".join(span.lower().split())
            if key in seen:  # the same sentence twice in one article (a repeated lead)
                continue
            seen.add(key)
            out.append(Candidate(a_index, sentence.index, start, sentence.end, span,
                                 word_count(span), position, is_quote_only(span),
                                 days[position].day if days is not None else None))
    return out


def _states_counted_figure(text: str) -> bool:
    from storyline.digest.disagreements import figures_in_text

    return any(f.key is not None for f in figures_in_text(text))


_STEMS: dict[str, str] = {}  # token -> stem ("" for a stop word); grows with the vocabulary


def content_words(text: str) -> list[str]:
    """Lowercased, stemmed words without stop words (the TF-IDF vocabulary).

    >>> content_words("The ministers were meeting in Geneva")
    ['minist', 'meet', 'geneva']
    """
    if len(_STEMS) > 500_000:  # a long-running server meets endless numbers and names
        _STEMS.clear()
    out = []
    for token in _WORD.findall(text.lower()):
        stemmed = _STEMS.get(token)
        if stemmed is None:
            word = token.strip("'-")
            stemmed = _STEMS[token] = ("" if not word or word in ENGLISH_STOP_WORDS
                                       else stem(word))
        if stemmed:
            out.append(stemmed)
    return out


def tfidf_matrix(texts: Sequence[str]):
    """L2-normalized TF-IDF rows fitted on ``texts`` themselves (a story is its own corpus)."""
    vectorizer = TfidfVectorizer(analyzer=content_words, sublinear_tf=True, norm="l2")
    try:
        return vectorizer.fit_transform(texts).astype(np.float32)
    except ValueError:  # no content word at all
        from scipy.sparse import csr_matrix

        return csr_matrix((len(texts), 1), dtype=np.float32)


def published_key(item: AnalyzedArticle) -> datetime:
    """Sort key for reading order: publication time, unknown dates last."""
    return item.article.published or datetime.max.replace(tzinfo=UTC)
