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
from datetime import UTC, datetime

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.text.datelines import dateline_end
from storyline.text.stems import stem

MIN_WORDS = 8
SHORT_FIGURE_WORDS = 4  # "Officials said 25 people died." is short but may be contested
MAX_WORDS = 60
DENSE_WEIGHT = 0.5  # share of MiniLM in the blended similarity (the rest is TF-IDF)

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*")
_UPPER = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")
_QUOTE_CHARS = "\"“”‘’'`"
_BYLINE = re.compile(r"^(?:By|BY|Photo|PHOTO|Image|Copyright|©|Follow|Advertisement|Read more)\b")


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


# Words that open a sentence leaning on the one before it ("He said...", "But the...").
_LEANING = re.compile(
    r"^\(?(?:He|She|It|They|We|I|You|This|That|These|Those|His|Her|Its|Their|Our|Him|Them"
    r"|But|And|Or|So|Also|However|Still|Yet|Instead|Meanwhile|Moreover|Furthermore|Nevertheless"
    r"|Then|Thus|Therefore|Besides|Otherwise|Such|Another|Neither)\b")
_COMMENT = re.compile(r"(?i)^\s*(?:posted by|reply|report abuse|recommend|comments?)\b"
                      r"|^\s*@\w|https?://|www\.|\b(?:click here|sign up|subscribe)\b"
                      # a reader comment anywhere in the span: "Posted by : K | ... | Report
                      # abuse", "At 16:35 30th Apr 2009, overreactagain wrote: Swine Flu?"
                      r"|\bposted by\s*:|(?-i:\bPosted by\b).{0,60}?\b\d{1,2}:\d\d"
                      r"|\breport abuse\b|\bwrote\s*:|(?-i:\bRETWEET\b)")
_PTB = re.compile(r"-[LR][RSC]B-")
_SPEECH_VERB = (r"said|says|added|adds|told|tells|explained|explains|noted|notes|continued|"
                r"insisted|insists|argued|argues|warned|warns|wrote|writes|asked|asks|replied|"
                r"stated|states|declared|recalled|recalls|remembered|admitted|conceded|"
                r"acknowledged|acknowledges|cautioned|stressed|emphasized|emphasised|observed|"
                r"suggested|claimed|claims|maintained|maintains|concluded|reflected|joked|"
                r"laughed|sighed|shouted|whispered")
# "..., he said." / "..." she added": the speaker is a pronoun whose name the reader never saw.
_PRONOUN_SPEAKER = re.compile(
    r"(?:[,;:”\"'’]|''|--|—)\s*(?:he|she|they|we|I|it)\s+(?:" + _SPEECH_VERB + r")\b"
    r"|(?:[,”\"'’]|'')\s*(?:" + _SPEECH_VERB + r")\s+(?:he|she|they)\s*[.,;!]")


def _quotes_balanced(text: str) -> bool:
    """Every quotation opened in ``text`` closes in it, and none closes before it opens."""
    depth = 0
    for ch in text:
        depth += 1 if ch == "“" else -1 if ch == "”" else 0
        if depth < 0:
            return False  # a quotation that began in an earlier sentence
    if depth or text.count('"') % 2 == 1:
        return False
    # Tokenized text (Timeline17, DUC) writes quotations as `` ... ''.
    depth = 0
    for mark in re.findall(r"``|''", text):
        depth += 1 if mark == "``" else -1
        if depth < 0:
            return False
    return depth == 0


def stands_alone(text: str) -> bool:
    """Can this sentence be read with nothing around it?

    Not when it opens with a pronoun or connective that points back ("He said...", "But..."),
    or in the middle of something (a lower-case first word); when its quotation marks do
    not balance (a quotation that began in an earlier sentence, or never ends); when its
    speaker is only a pronoun (", he said."); when it is a reader comment or a link, or
    keeps the tokenizer's brackets (``-LRB-``).

    >>> stands_alone("Floods displaced 40,000 people in the north on Monday.")
    True
    >>> stands_alone("It is never easy,” he said."), stands_alone("But the river kept rising.")
    (False, False)
    >>> stands_alone('"The river kept rising all night," the mayor said.')
    True
    >>> stands_alone("The clatter was that of an automatic weapon, he said.")
    False
    >>> stands_alone("`` There 's a lot of blood now '' that has been spilled , Ghonim said .")
    True
    """
    stripped = text.strip()
    if _LEANING.match(stripped) or _COMMENT.search(stripped) or _PTB.search(stripped):
        return False
    first = stripped.lstrip(_QUOTE_CHARS + "([ ")[:1]
    if first.isalpha() and first.islower():
        return False  # "ie/11BX93W 7:01 pm ET ...", "more '' Amid the ...": a fragment
    return _quotes_balanced(stripped) and not _PRONOUN_SPEAKER.search(stripped)


def _fragment(text: str) -> bool:
    first = text.lstrip(_QUOTE_CHARS + "([ ")[:1]
    return first.isalpha() and first.islower()


def pair_stands_alone(first: str, second: str) -> bool:
    """Do two consecutive sentences of one article, read together, stand alone where the
    second alone does not? The second leans on the first (a leading pronoun or connective,
    a quotation continued); the first does not lean on anything before it; together their
    quotation marks balance. A pronoun speaker (", she said."), comments, links, tokenizer
    brackets and fragments are never rescued: the sentence before need not name the
    speaker (on Multi-News, allowing them put 6% of summary sentences past the standalone
    check, docs/results/summary.md).

    >>> pair_stands_alone("Mayor Helena Strand toured the flooded town on Monday.",
    ...                   "It is never easy,” she said.")
    False
    >>> pair_stands_alone("Mayor Helena Strand toured the flooded town on Monday.",
    ...                   "She promised to rebuild the bridge.")
    True
    >>> pair_stands_alone("“The river rose all night.", "We had to leave,” the mayor said.")
    True
    >>> pair_stands_alone("He toured the town.", "She promised to rebuild the bridge.")
    False
    """
    a, b = first.strip(), second.strip()
    if stands_alone(b) or _COMMENT.search(b) or _PTB.search(b) or _fragment(b):
        return False
    if _PRONOUN_SPEAKER.search(b):
        return False  # '"...," she said.': who "she" is, the sentence before may not say
    if _LEANING.match(a) or _COMMENT.search(a) or _PTB.search(a) or _fragment(a):
        return False
    if _PRONOUN_SPEAKER.search(a):
        return False
    return _quotes_balanced(a + " " + b)


def standalone_mask(pool: Pool, word_budget: int, *, enabled: bool = True,
                    quotations: bool = False) -> np.ndarray:
    """Which candidates of ``pool`` may compete for a summary: those that stand alone
    (:func:`stands_alone`; a sentence opening with a quotation only with ``quotations``),
    or every one when ``enabled`` is off or too few stand alone to fill ``word_budget`` (a
    story of a few short texts)."""
    alone = np.asarray([(quotations or not c.quote_only) and stands_alone(c.text)
                        for c in pool.candidates], bool)
    if not enabled or alone.sum() * 20 < word_budget:
        alone[:] = True
    return alone


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
        if word_count(text[start:found.start()]) >= MIN_WORDS:
            break
        start = found.end()
        while start < end and text[start].isspace():
            start += 1
    return start


def keep(text: str, *, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> bool:
    """Would this sentence read well on its own in a summary?

    >>> keep("Who will pay for the damage now that the floods are gone?")
    False
    >>> keep("Floods displaced 40,000 people in the north of the country on Monday.")
    True
    """
    n = word_count(text)
    if n < min_words or n > max_words:
        return False
    stripped = text.strip()
    if stripped.endswith("?") or stripped.endswith(":") or _BYLINE.match(stripped):
        return False
    first = stripped.lstrip(_QUOTE_CHARS + "(")[:1]
    if first and (first.islower() or not (first.isalnum())):
        return False  # a fragment cut from the middle of something
    if stripped[:30].isupper() and (
            len(_UPPER.findall(stripped)) > 0.5 * len(_LETTER.findall(stripped))):
        return False  # headlines and slugs in capitals
    return True


def build_pool(analyzed: Sequence[AnalyzedArticle], *, min_words: int = MIN_WORDS,
               max_words: int = MAX_WORDS) -> Pool:
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
    out: list[Candidate] = []
    for a_index, item in enumerate(analyzed):
        text = item.article.text
        seen: set[str] = set()
        for position, sentence in enumerate(item.analysis.sentences):
            start = _after_paragraph_break(text, sentence.start, sentence.end)
            start += dateline_end(text[start:sentence.end])
            span = text[start:sentence.end]
            if not keep(span, min_words=min_words, max_words=max_words) and not (
                    keep(span, min_words=SHORT_FIGURE_WORDS, max_words=max_words)
                    and _states_counted_figure(span)):
                continue
            key = " ".join(span.lower().split())
            if key in seen:  # the same sentence twice in one article (a repeated lead)
                continue
            seen.add(key)
            out.append(Candidate(a_index, sentence.index, start, sentence.end, span,
                                 word_count(span), position, is_quote_only(span)))
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
