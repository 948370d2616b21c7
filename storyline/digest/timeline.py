"""Dated timelines: the days that matter in a pile of articles, and what happened on each.

The recipe follows DATEWISE (Gholipour Ghalandari & Ifrim 2020) and departs from it where
it measured better on Timeline17 (docs/results/timeline.md):

1. Every sentence gets a day: the first day-precise time expression in it outside a
   relative clause, resolved against its article's publication date ("on Friday", "March
   3", "yesterday"); a sentence without one belongs to its publication day.
2. Days are ranked by how many articles *mention* them, in any clause of any sentence
   (an article counts once, however often it repeats the day: on Timeline17 counting
   every sentence, as DATEWISE's
   mention ranker does, scored lower); each article *published* on a day adds 0.3 (a
   burst of coverage is weaker evidence than many articles pointing back at one day).
3. Per day, the candidates are the sentences that mention it plus the undated sentences
   among the first ten of that day's articles; the summary is the set of sentences closest to
   the day's TF-IDF centroid (greedy, as DATEWISE's CentroidOpt), skipping sentences that
   repeat one already chosen for that day or a neighbouring one.
4. Each sentence is cited as it stands in one article, with every article that carries
   (nearly) the same sentence as its sources.

>>> from datetime import datetime
>>> from storyline.model import Article
>>> a = Article(id="a", published=datetime(2016, 9, 24),
...             text="The minister resigned on Friday after the vote. Talks resume next month.")
>>> [entry] = build_timeline([a], dates=1, per_date=1)
>>> entry.date.isoformat(), entry.sentences[0].text
('2016-09-23', 'The minister resigned on Friday after the vote.')
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from storyline.digest.candidates import is_quote_only
from storyline.digest.timeline_collection import Collection, DatedSentence, prepare
from storyline.digest.timeline_dates import overtaken
from storyline.digest.timeline_query import QueryMatcher
from storyline.model import Citation, TimelineEntry
from storyline.text.standalone import stands_alone


@dataclass(frozen=True, slots=True)
class Settings:
    """The knobs of the method (defaults tuned on the visible Timeline17 tasks)."""

    mention_doc_weight: float = 1.0  # an article mentioning the day
    mention_sent_weight: float = 0.0  # each further sentence of one article mentioning it
    published_weight: float = 0.3  # an article published that day
    lead_sentences: int = 10  # undated sentences of an article that may speak for its day
    lead_weight: float = 1.0  # their weight in the day's centroid (mentions weigh 1)
    min_words: int = 6
    max_words: int = 55
    redundancy: float = 0.5  # word-overlap cosine above which a sentence repeats another
    neighbour_days: int = 2  # how far apart two days may be for their sentences to compete
    same_source: float = 0.7  # word-overlap cosine above which two sentences say the same
    learned: bool = False  # rank days by the learned date model (see rank_dates)
    # Without --from/--to, the events kept run from this many days before the first article
    # to the day of the latest (see event_range).
    background_days: int = 7


DEFAULT = Settings()


def build_timeline(analyzed_or_articles: Iterable, *, dates: int, per_date: int,
                   since: date | None = None, until: date | None = None,
                   query: str | None = None,
                   settings: Settings = DEFAULT) -> list[TimelineEntry]:
    """At most ``dates`` days (ascending), each with at most ``per_date`` cited sentences.

    ``since``/``until`` keep only events dated in that range (inclusive); ``query`` keeps
    only sentences about those words (see :class:`QueryMatcher`).

    >>> from datetime import datetime
    >>> from storyline.model import Article
    >>> arts = [Article(id=str(i), published=datetime(2020, 5, 2 + i),
    ...                 text="A dam burst on May 1 in the valley. Rescue teams arrived.")
    ...         for i in range(3)]
    >>> [(e.date.isoformat(), len(e.sentences[0].sources)) for e in
    ...  build_timeline(arts, dates=1, per_date=1)]
    [('2020-05-01', 3)]
    """
    if dates <= 0 or per_date <= 0:
        return []
    collection = analyzed_or_articles if isinstance(analyzed_or_articles, Collection) \
        else prepare(analyzed_or_articles)
    sents = collection.sentences
    if not sents:
        return []
    matrix, document_counts = _tfidf(sents)
    matcher = QueryMatcher(query, [s.text for s in sents], document_counts) if query else None
    # A timeline line is read alone, like a summary sentence: no "He said ...", no
    # quotation without its speaker, no reader comment (issue 15); and it tells what
    # happened on its day, not what was expected of it before (see _overtaken).
    late = _overtaken(collection)
    eligible = np.array([
        settings.min_words <= s.words <= settings.max_words
        and (matcher is None or matcher.matches(s.text))
        and stands_alone(s.text) and not is_quote_only(s.text) and not overtook
        for s, overtook in zip(sents, late, strict=True)
    ], dtype=bool)
    if not eligible.any():
        return []
    since, until = event_range(collection, since, until, settings)
    ranked = rank_dates(collection, settings, since=since, until=until)
    overlap = _binary(matrix)
    texts = [" ".join(s.text.lower().split()) for s in sents]  # identical copies count once
    by_day = _candidates(collection, settings)
    chosen: dict[date, list[int]] = {}
    for day in ranked:
        if len(chosen) >= dates:
            break
        picked = _summarize_day(day, by_day.get(day, []), matrix, overlap, eligible, texts,
                                chosen, per_date, settings)
        if picked:
            chosen[day] = picked
    return [TimelineEntry(day, [_cite(i, collection, matrix, overlap, settings)
                                for i in chosen[day]])
            for day in sorted(chosen)]


def rank_dates(collection: Collection, settings: Settings = DEFAULT, *,
               since: date | None = None, until: date | None = None) -> list[date]:
    """Days by evidence, best first.

    By default a day's evidence is the number of articles mentioning it, plus
    ``published_weight`` per article published then. With ``settings.learned`` it is the
    score of the date model (:mod:`storyline.digest.date_weights`, fitted on the Timeline17
    tuning topics) on :func:`date_features`: articles referring back to the day from later
    days, sentences doing so, articles published that day, each also relative to the busiest
    day. On the tuning topics the learned model picked the reference days less well than the
    count (date F1 0.627 vs 0.638; docs/results/timeline.md), so it is not the default.

    >>> from datetime import datetime
    >>> from storyline.model import Article
    >>> arts = [Article(id="1", published=datetime(2020, 1, 9), text="It began on January 5."),
    ...         Article(id="2", published=datetime(2020, 1, 9), text="Calm returned."),
    ...         Article(id="3", published=datetime(2020, 1, 7), text="It began on January 5.")]
    >>> [d.isoformat() for d in rank_dates(prepare(arts))]
    ['2020-01-05', '2020-01-09', '2020-01-07']
    """
    days, features = date_features(collection)
    if settings.learned:
        from storyline.digest.date_weights import COEFFICIENTS

        score = dict(zip(days, (features @ np.asarray(COEFFICIENTS)).tolist(), strict=True))
    else:
        score = {d: settings.mention_doc_weight * f[_F_MENTION_DOCS]
                 + settings.mention_sent_weight * (f[_F_MENTION_SENTS] - f[_F_MENTION_DOCS])
                 + settings.published_weight * f[_F_PUBLISHED]
                 for d, f in zip(days, _raw_counts(collection, days), strict=True)}
    days = [d for d in days if (since is None or d >= since) and (until is None or d <= until)]
    # Ties: the earlier day first (stable and independent of input order).
    return sorted(days, key=lambda d: (-score[d], d))


DATE_FEATURES = ("bias", "log_mention_docs", "log_later_docs", "log_mention_sents",
                 "log_published", "mention_docs_rel", "later_docs_rel", "published_rel",
                 "mentioned_at_all", "published_at_all", "log_span_days", "lead_mentions_rel")
_F_MENTION_DOCS, _F_MENTION_SENTS, _F_PUBLISHED = 0, 1, 2


def _raw_counts(collection: Collection, days: Sequence[date]) -> list[tuple[float, ...]]:
    """Per day: (articles mentioning it, sentences mentioning it, articles published then,
    articles published later that mention it, days from it to the last such article,
    mentions within the first five sentences of an article)."""
    doc_mentions: dict[date, set[int]] = defaultdict(set)
    later: dict[date, set[int]] = defaultdict(set)
    sent_mentions: Counter[date] = Counter()
    lead: Counter[date] = Counter()
    last_seen: dict[date, int] = {}
    for s in collection.sentences:
        pub = collection.articles[s.doc].published_date
        for day in dict.fromkeys(s.refers):
            doc_mentions[day].add(s.doc)
            sent_mentions[day] += 1
            if s.position < 5:
                lead[day] += 1
            if pub is not None and pub > day:
                later[day].add(s.doc)
                last_seen[day] = max(last_seen.get(day, 0), (pub - day).days)
    published = Counter(a.published_date for a in collection.articles if a.published_date)
    return [(float(len(doc_mentions[d])), float(sent_mentions[d]), float(published[d]),
             float(len(later[d])), float(last_seen.get(d, 0)), float(lead[d])) for d in days]


def date_features(collection: Collection) -> tuple[list[date], np.ndarray]:
    """Every day mentioned or published in ``collection`` and its :data:`DATE_FEATURES` row.

    Counts enter as logarithms and as shares of the busiest day's count, so a model fitted on
    topics of one size reads topics of another size alike.

    >>> from datetime import datetime
    >>> from storyline.model import Article
    >>> arts = [Article(id="1", published=datetime(2020, 1, 9), text="It began on January 5.")]
    >>> days, rows = date_features(prepare(arts))
    >>> [d.isoformat() for d in days], rows.shape
    (['2020-01-05', '2020-01-09'], (2, 12))
    """
    # A sentence's own day is among the days it refers to.
    days = sorted({d for s in collection.sentences for d in s.refers}
                  | {a.published_date for a in collection.articles if a.published_date})
    raw = np.asarray(_raw_counts(collection, days), np.float64).reshape(len(days), 6)
    top = np.maximum(raw.max(axis=0), 1.0) if len(days) else np.ones(6)
    mention_docs, sents, published, later_docs, span, lead = raw.T
    rows = np.column_stack([
        np.ones(len(days)), np.log1p(mention_docs), np.log1p(later_docs), np.log1p(sents),
        np.log1p(published), mention_docs / top[0], later_docs / top[3], published / top[2],
        (mention_docs > 0).astype(float), (published > 0).astype(float), np.log1p(span),
        lead / top[5],
    ]) if len(days) else np.zeros((0, len(DATE_FEATURES)))
    return days, rows


def _tfidf(sents: Sequence[DatedSentence]) -> tuple[sparse.csr_matrix, Counter[str]]:
    """TF-IDF rows of the sentences, and in how many sentences each word occurs."""
    vectorizer = TfidfVectorizer(stop_words="english", lowercase=True, sublinear_tf=True,
                                 dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform([s.text for s in sents]).tocsr()
    except ValueError:  # only stop words: every row empty
        return sparse.csr_matrix((len(sents), 1), dtype=np.float32), Counter()
    frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    counts = Counter(dict(zip(vectorizer.get_feature_names_out().tolist(),
                              frequency.tolist(), strict=True)))
    return matrix, counts


def event_range(collection: Collection, since: date | None, until: date | None,
                settings: Settings = DEFAULT) -> tuple[date | None, date | None]:
    """The days a timeline's events may fall on: ``since``/``until`` where given, else from
    ``settings.background_days`` before the first article to the day of the latest.

    A timeline tells what happened in the story. A day after its latest article is a plan
    no report has yet seen happen ("will be sentenced on April 15"), and a day long before
    its first article is history the story recalls, not its news. On the Timeline17 tuning
    topics without a given range, date F1 0.624 -> 0.642 (docs/results/timeline.md).

    >>> from datetime import datetime
    >>> from storyline.model import Article
    >>> arts = [Article(id="1", published=datetime(2020, 5, 10), text="Rain."),
    ...         Article(id="2", published=datetime(2020, 5, 12), text="Sun.")]
    >>> [d.isoformat() for d in event_range(prepare(arts), None, None)]
    ['2020-05-03', '2020-05-12']
    """
    published = [a.published_date for a in collection.articles if a.published_date]
    if not published:
        return since, until
    first = min(published) - timedelta(days=settings.background_days)
    return (since if since is not None else first,
            until if until is not None else max(published))


def _overtaken(collection: Collection) -> list[bool]:
    """Per sentence: is it a forecast the articles have overtaken? ("The ministers are
    expected to meet on Friday", published on Monday, when an article was published after
    that Friday: the day's line should tell the meeting, not the plan; the summary's rule,
    :func:`storyline.digest.candidates.outdated`.)"""
    published = [a.published_date for a in collection.articles]
    latest = max((d for d in published if d is not None), default=None)
    return [s.mentioned and overtaken(s.day, published[s.doc], latest)
            for s in collection.sentences]


def _candidates(collection: Collection, settings: Settings) -> dict[date, list[tuple[int, float]]]:
    """Per day: (sentence index, weight) of sentences that mention it or lead its articles."""
    out: dict[date, list[tuple[int, float]]] = defaultdict(list)
    for i, s in enumerate(collection.sentences):
        if s.mentioned:
            out[s.day].append((i, 1.0))
        elif s.position < settings.lead_sentences:
            out[s.day].append((i, settings.lead_weight))
    return out


def _summarize_day(day: date, candidates: list[tuple[int, float]], matrix: sparse.csr_matrix,
                   overlap: sparse.csr_matrix,
                   eligible: np.ndarray, texts: Sequence[str], chosen: dict[date, list[int]],
                   k: int, settings: Settings) -> list[int]:
    if not candidates:
        return []
    rows = np.array([i for i, _ in candidates])
    weights = np.array([w for _, w in candidates], dtype=np.float32)
    sub = matrix[rows]
    centroid = normalize(sparse.csr_matrix(sub.multiply(weights[:, None]).sum(axis=0)))
    options = [j for j, i in enumerate(rows) if eligible[i]]
    if not options:
        return []
    # Sentences chosen for neighbouring days: repeating them adds nothing.
    near = [i for d, picked in chosen.items()
            if abs((d - day).days) <= settings.neighbour_days for i in picked]
    blocked = overlap[near] if near else None
    words = overlap[rows]
    # Duplicated sentences (the same wire copy in several articles) are one candidate.
    seen_texts: set[str] = set()
    unique = []
    for j in options:
        key = texts[rows[j]]
        if key not in seen_texts:
            seen_texts.add(key)
            unique.append(j)
    options = unique
    selected: list[int] = []
    summary = None
    while len(selected) < k and options:
        cand = sub[options]
        scores = (cand @ centroid.T).toarray().ravel()
        if summary is not None:
            # cos(summary + x, centroid) without building every sum: rows of x have norm 1.
            norms = np.asarray(cand.multiply(cand).sum(axis=1)).ravel()
            cross = (cand @ summary.T).toarray().ravel()
            own = float((summary @ summary.T).toarray()[0, 0])
            toward = float((summary @ centroid.T).toarray()[0, 0])
            scores = (scores + toward) / np.sqrt(np.maximum(norms + 2 * cross + own, 1e-12))
        current = list(options)
        for idx in np.argsort(-scores, kind="stable"):
            j = current[idx]
            vec = words[j]
            redundant = False
            if selected and (words[selected] @ vec.T).max() > settings.redundancy:
                redundant = True
            if blocked is not None and (blocked @ vec.T).max() > settings.redundancy:
                redundant = True
            options = [o for o in options if o != j]
            if not redundant:
                selected.append(j)
                summary = sparse.csr_matrix(sub[selected].sum(axis=0))
                break
        else:
            break
    return [int(rows[j]) for j in selected]


def _binary(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows of 1s where a word occurs, L2-normalized: cosine = shared words / sqrt(|a| |b|).

    Repetition is judged on words shared, not on TF-IDF: in a small story the words every
    article uses ("dam", "collapsed") get little IDF weight, so TF-IDF would call two
    tellings of the same event different.
    """
    binary = matrix.copy()
    binary.data[:] = 1.0
    return normalize(binary)


def _cite(i: int, collection: Collection, matrix: sparse.csr_matrix,
          overlap: sparse.csr_matrix, settings: Settings) -> Citation:
    """The sentence as it stands, with every article that states the same.

    With MiniLM vectors (analyzed articles) "the same" is the summary's rule
    (:mod:`storyline.digest.citations`: very close vectors, or fairly close ones sharing
    much TF-IDF vocabulary); without them, sharing most words.
    """
    s = collection.sentences[i]
    article = collection.articles[s.doc]
    if collection.vectors is not None:
        from storyline.digest.settings import SETTINGS

        dense = collection.vectors @ collection.vectors[i]
        lexical = (matrix @ matrix[i].T).toarray().ravel()
        same = (dense >= SETTINGS.same_dense) | ((dense >= SETTINGS.same_dense_low)
                                                 & (lexical >= SETTINGS.same_lexical))
    else:
        same = (overlap @ overlap[i].T).toarray().ravel() >= settings.same_source
    sources = [article.id]
    for j in np.flatnonzero(same):
        other = collection.articles[collection.sentences[j].doc].id
        if other not in sources:
            sources.append(other)
    return Citation(text=s.text, article_id=article.id, start=s.start, end=s.end,
                    sources=sources)


__all__ = ["DATE_FEATURES", "DEFAULT", "Collection", "DatedSentence", "QueryMatcher", "Settings",
           "build_timeline", "date_features", "prepare", "rank_dates"]
