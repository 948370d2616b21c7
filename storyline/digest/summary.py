"""An extractive story summary in which every sentence cites every outlet that reports it.

1. Pool: every quotable sentence of every article (``candidates.build_pool``).
2. Corroboration: statements that several articles make in different words are grouped
   (``citations``); the group is the sentence's citation list, its size the corroboration.
3. Importance of a sentence: centrality to the story (MiniLM and TF-IDF centroids, each
   article weighted equally), corroboration, and position in its article (news puts the
   essentials first).
4. Selection under the word/sentence budget: greedy maximisation of a monotone submodular
   objective (Lin & Bilmes 2011): saturated coverage of the whole story, plus importance,
   with a cost-scaled gain and a hard redundancy bar, so no statement is made twice.
5. A figure that other outlets report differently (18 killed vs 25 killed) is never stated
   alone: the sentence enters the summary together with a sentence stating each other
   figure, or not at all.
6. Reading order: publication time, then the article, then position in it.
7. A sentence that leans on the one before it ("She promised...") competes together with it,
   as a two-sentence unit (:mod:`units`), and enters the summary as its two sentences, one
   right after the other, each cited as usual.
8. A learned importance (:mod:`importance`, RegSum's idea: predicted ROUGE-2 precision from
   position, length, centrality, corroboration...) adds to the selection objective; stories
   of ``concepts_from`` articles or more are summarized by exact concept coverage
   (:mod:`summary_concepts`).

>>> from storyline.model import Article
>>> from storyline.analyze.pipeline import analyze
>>> docs = analyze([Article(id="a", text="Heavy rain flooded the old town of Passau on "
...     "Monday, forcing hundreds of residents to leave their homes."),
...     Article(id="b", text="Floods forced hundreds of Passau residents out of their homes "
...     "on Monday after heavy rain hit the old town.")])
>>> [c] = summarize(docs, words=30)  # one sentence: both articles report the same
>>> sorted(c.sources), c.sources[0] == c.article_id  # either one's words, citing both
(['a', 'b'], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest import citations
from storyline.digest.candidates import Pool, build_pool, published_key, standalone_mask
from storyline.digest.contested import CandidateFigures, contested_figures, counter_statements
from storyline.digest.disagreements import Figure, numbers_conflict
from storyline.model import Citation

DEFAULT_WORDS = 100
_QUOTES = ('"', "“", "”")
_PRONOUN_START = ("He ", "She ", "It ", "They ", "This ", "That ", "These ", "Those ", "His ",
                  "Her ", "Their ", "But ", "And ", "Also ", "However,", "Still,", "Yet ")


@dataclass(frozen=True, slots=True)
class SummaryConfig:
    """The few general knobs of the method (not fitted to any one data set)."""

    centrality: float = 1.0  # weight of closeness to the story's centroid
    corroboration: float = 0.5  # weight of how many other articles report it
    position: float = 0.5  # weight of the lead prior 1 / sqrt(1 + position)
    coverage_cap: float = 0.25  # alpha of Lin & Bilmes: saturation of each sentence's coverage
    importance: float = 1.0  # weight of the modular importance term next to coverage
    # r in gain / words**r: long sentences are not free. 0.6 since the learned term (per
    # word) came in: at 0.3 it bought long sentences (Multi-News tuning, summary.md).
    cost_scale: float = 0.6
    redundant_dense: float = 0.80  # never pick a sentence this close to one already picked
    redundant_blend: float = 0.55
    pool_size: int = 400  # selection considers this many most important candidates
    dependent_penalty: float = 0.7  # factor for sentences that lean on context (see score)
    quote_penalty: float = 0.7  # factor for sentences quoting someone in quotation marks
    balance_figures: bool = True  # point 5 above
    method: str = "concepts"  # "concepts" (exact concept coverage) or "coverage" (greedy)
    concepts_from: int = 8  # stories of fewer articles use "coverage" (df means little there)
    ilp_sentences: int = 120  # the concept program considers this many best sentences...
    ilp_sentences_large: int = 60  # ...or this many in a story of more than 40 articles
    ilp_seconds: float = 5.0  # safety time limit of the solver (best solution so far is used)
    ilp_gap: float = 0.01  # stop once provably within 1% of the best coverage
    position_bonus: float = 0.0  # per-sentence objective term: weight x 1/sqrt(1 + position)
    contested_bonus: float = 0.5  # objective term for a sentence stating a disputed figure
    # A chosen sentence stating a disputed figure that adds less than this share of its
    # concept weight to what the others cover says nothing new: solved again without it.
    repeat_share: float = 0.1
    # Where the story stands now: the lead of its latest article, when its articles span
    # two days or more, competes with this bonus in the concept program (the demo's dock
    # strike summary said how the strike began and what it cost, not that it ended: the
    # last day's facts are in few articles, so their concepts weigh little). 1.0 was read
    # off the demo's stories (2.0 pushed out the Veloria talks' second round), then
    # checked on every part of DUC 2003, DUC 2006 and Multi-News (summary.md).
    latest_bonus: float = 1.0
    concept_floor: float = 0.05  # concept weights below this count nothing
    standalone: bool = True  # only sentences that stand alone compete (when enough do)
    concept_coefficients: tuple[float, ...] | None = None  # None: the shipped concept model
    units: bool = True  # a sentence leaning on the one before may compete with it as a pair
    # Weight of the learned sentence importance (:mod:`importance`) in the greedy objective,
    # and in the concept program (another scale); each the best of a few tried on the tuning
    # parts of Multi-News / DUC 2003 (docs/results/summary.md).
    learned: float = 8.0
    learned_concepts: float = 0.2
    importance_coefficients: tuple[float, ...] | None = None  # None: the shipped model


@dataclass(slots=True)
class Scored:
    """A story's candidates with everything the selection needs."""

    pool: Pool
    importance: np.ndarray
    similarity: np.ndarray  # blended, >= 0
    dense: np.ndarray
    cited: list[list[int]]  # per candidate: article indexes, its own first
    same: np.ndarray  # candidate i and j state the same content (different articles)
    figures: Sequence[list[Figure]] = field(default_factory=list)
    learned: np.ndarray | None = None  # predicted ROUGE-2 precision of each candidate
    features: np.ndarray | None = None  # what that prediction read (:mod:`importance`)
    concepts: object = None  # the story's weighted concepts (a concepts.ConceptTable)


def score(analyzed: Sequence[AnalyzedArticle], config: SummaryConfig | None = None) -> Scored:
    """Pool, group and score the sentences of a story (no selection yet)."""
    config = config or SummaryConfig()
    pool = build_pool(analyzed)
    n = len(pool)
    if n == 0:
        empty = np.zeros(0, np.float32)
        nothing = np.zeros((0, 0), np.float32)
        return Scored(pool, empty, nothing, nothing, [], nothing.astype(bool))
    dense, lexical = pool.similarity()
    figures = CandidateFigures(pool)
    same = citations.same_content(dense, lexical, pool.article_of,
                                  conflict=lambda i, j: numbers_conflict(figures[i], figures[j]))
    order = sorted(range(len(analyzed)), key=lambda a: (published_key(analyzed[a]), a))
    cited = citations.citing_articles(same, pool.article_of, order)
    corroboration = citations.corroboration(cited, len(analyzed))

    centrality = 0.5 * _rescale(pool.dense @ _centroid(pool.dense, pool.article_of))
    tfidf_centroid = _centroid(np.asarray(pool.tfidf.mean(axis=0)).ravel()[None, :]
                               if len(analyzed) == 1 else _article_means(pool), None)
    centrality += 0.5 * _rescale(np.asarray(pool.tfidf @ tfidf_centroid).ravel())
    position = np.asarray([1.0 / np.sqrt(1.0 + c.position) for c in pool.candidates],
                          np.float32)
    importance = (config.centrality * centrality + config.corroboration * corroboration
                  + config.position * position)
    # Sentences that lean on what came before, or are nothing but a quotation, read badly alone.
    for i, c in enumerate(pool.candidates):
        if c.quote_only or c.text.startswith(_PRONOUN_START):
            importance[i] *= config.dependent_penalty
        elif any(q in c.text for q in _QUOTES):
            importance[i] *= config.quote_penalty
    similarity = np.add(dense, lexical, dtype=np.float32)  # in place below: N x N each
    similarity *= 0.5
    np.maximum(similarity, 0.0, out=similarity)
    scored = Scored(pool, importance.astype(np.float32), similarity, dense,
                    cited, same, figures)
    if config.learned or config.learned_concepts:
        from storyline.digest.importance import pool_features, predict
        from storyline.digest.summary_concepts import story_concepts

        scored.concepts = story_concepts(pool, config)
        scored.features = pool_features(pool, centrality, corroboration, scored.concepts)
        scored.learned = predict(scored.features, config.importance_coefficients)
    return scored


def summarize(analyzed: Sequence[AnalyzedArticle], *, words: int | None = None,
              sentences: int | None = None, config: SummaryConfig | None = None,
              fill: bool = False) -> list[Citation]:
    """The summary of one story: whole sentences, at most ``words`` words / ``sentences``.

    With neither budget given, ``words`` is 100. ``fill=True`` lets one last sentence run
    past the word budget (for evaluations that cut summaries at the budget, as DUC does).
    """
    config = config or SummaryConfig()
    if words is None and sentences is None:
        words = DEFAULT_WORDS
    scored = score(analyzed, config)
    concepts = config.method == "concepts" and len(analyzed) >= config.concepts_from
    from storyline.digest.summary_concepts import select_concepts

    chooser = select_concepts if concepts else select
    chosen = chooser(scored, words=words, sentences=sentences, config=config, fill=fill)
    return to_citations(scored, chosen)


def select(scored: Scored, *, words: int | None, sentences: int | None,
           config: SummaryConfig, fill: bool = False, allowed: np.ndarray | None = None,
           focus: np.ndarray | None = None) -> list[int]:
    """Greedy cost-scaled maximisation of coverage + importance under the budgets.

    ``allowed`` (a boolean mask over the candidates) limits what may be picked, and
    ``focus`` what the coverage term counts (an update summary covers only what is new);
    both default to every candidate.
    """
    pool, n = scored.pool, len(scored.pool)
    if n == 0:
        return []
    word_budget = words if words is not None else 10**9
    sentence_budget = sentences if sentences is not None else 10**9
    cost = np.asarray([c.words for c in pool.candidates], np.float32)
    ranked = np.argsort(-scored.importance)
    # A whole quotation with its named speaker ('"We will rebuild," the mayor said.') stands
    # alone: on Multi-News, leaving those out too cost 0.8 ROUGE-2 (docs/results/summary.md).
    budget = min(word_budget, 20 * sentence_budget)
    alone = standalone_mask(pool, budget, enabled=config.standalone, quotations=True)
    # Where too few stand alone to fill the budget, the others may follow them, never lead.
    first = standalone_mask(pool, 0, enabled=config.standalone, quotations=True)
    mask = alone if allowed is None else alone & np.asarray(allowed, bool)
    if allowed is not None and not mask.any():
        mask = np.asarray(allowed, bool)
    # A sentence that leans on the one before it may enter together with it (:mod:`units`).
    lean: dict[int, int] = {}
    if config.units and not alone.all():
        from storyline.digest.units import leaning_pairs

        may = np.ones(n, bool) if allowed is None else np.asarray(allowed, bool)
        lean = {b: a for a, b in leaning_pairs(pool) if not mask[b] and may[a] and may[b]}
    competes = mask.copy()
    competes[list(lean)] = True
    ranked = ranked[competes[ranked]]
    eligible = ranked[:config.pool_size]
    if not len(eligible):
        return []
    partners = [lean[int(k)] for k in eligible if int(k) in lean]
    eligible = np.concatenate([eligible, np.asarray(
        [a for a in dict.fromkeys(partners) if a not in set(eligible.tolist())], np.int64)])
    column = {int(k): c for c, k in enumerate(eligible)}
    partner = np.asarray([column.get(lean.get(int(k), -1), -1) for k in eligible])
    paired = partner >= 0
    solo = mask[eligible]  # a partner brought in only for its unit is not chosen alone
    firstable = first[eligible] | paired
    picked_mask = np.zeros(n, bool)
    weights = scored.similarity[:, eligible]  # how well each eligible sentence covers each one
    cap = config.coverage_cap * scored.similarity.sum(axis=1)
    if focus is not None:
        cap = np.where(np.asarray(focus, bool), cap, 0.0).astype(np.float32)
    covered = np.zeros(n, np.float32)
    total_cap = float(cap.sum()) or 1.0
    importance = scored.importance / (float(scored.importance.max()) or 1.0)
    contested = contested_figures(scored.pool) if config.balance_figures else {}
    # Importance is spread over the sentences a budget holds (~20 words each), so that its
    # weight next to coverage does not depend on the budget.
    budget_words = min(word_budget, 20 * sentence_budget)
    spread = max(1.0, budget_words / 20.0)

    # The learned importance: expected bigrams shared with a human summary, per budget word.
    learned = 0.0 if not config.learned or scored.learned is None else (
        config.learned * scored.learned[eligible] * cost[eligible] / budget_words)
    chosen: list[int] = []
    used_words = 0
    blocked = np.zeros(len(eligible), bool)
    overflowed = False
    while len(chosen) < sentence_budget:
        gain_cov = (np.minimum(covered[:, None] + weights, cap[:, None]).sum(axis=0)
                    - np.minimum(covered, cap).sum()) / total_cap
        gain = gain_cov + config.importance * importance[eligible] / spread + learned
        # A unit whose first sentence is not in yet counts the gain and words of both.
        needs = paired & ~picked_mask[eligible[np.maximum(partner, 0)]]
        gain = gain + np.where(needs, gain[partner], 0.0)
        words_of = cost[eligible] + np.where(needs, cost[eligible[partner]], 0.0)
        ratio = gain / np.power(words_of, config.cost_scale)
        ok = ~blocked & (solo | paired) & (words_of <= word_budget - used_words)
        if not ok.any() and fill and not overflowed:
            ok = ~blocked & (solo | paired)  # nothing fits any more: one may run over
        if not ok.any():
            break
        if (ok & firstable).any():
            ok &= firstable
        ratio = np.where(ok, ratio, -np.inf)
        pick = int(np.argmax(ratio))
        k = int(eligible[pick])
        blocked[pick] = True
        lead = [int(eligible[partner[pick]])] if needs[pick] else []
        if chosen and any(_redundant(scored, x, chosen, config) for x in [*lead, k]):
            continue
        bundle = [*lead, k, *counter_statements(scored.importance, k, chosen, contested,
                                                     allowed, alone)]
        bundle_words = int(sum(cost[b] for b in bundle))
        if bundle_words > word_budget - used_words:
            if not fill or overflowed or len(bundle) > 1:
                continue
            overflowed = True
        if len(chosen) + len(bundle) > sentence_budget:
            continue
        for b in bundle:
            chosen.append(b)
            picked_mask[b] = True
            used_words += int(cost[b])
            covered += scored.similarity[:, b]
            blocked |= eligible == b
        if overflowed:
            break
    return chosen


def to_citations(scored: Scored, chosen: Sequence[int]) -> list[Citation]:
    """The chosen candidates as citations, in reading order (time, article, position)."""
    pool = scored.pool
    analyzed = pool.analyzed
    ordered = sorted(chosen, key=lambda i: (published_key(analyzed[pool.candidates[i].article]),
                                            pool.candidates[i].article,
                                            pool.candidates[i].position))
    out = []
    for i in ordered:
        c = pool.candidates[i]
        ids = [analyzed[a].article.id for a in scored.cited[i]]
        out.append(Citation(c.text, analyzed[c.article].article.id, c.start, c.end, ids))
    return out


# -- helpers ----------------------------------------------------------------------------------


def _redundant(scored: Scored, k: int, chosen: Sequence[int], config: SummaryConfig) -> bool:
    return bool(too_close(scored, [k], chosen, config).any())


def too_close(scored: Scored, rows: Sequence[int], cols: Sequence[int],
              config: SummaryConfig) -> np.ndarray:
    """Which pairs (row, col) state the same thing: grouped as one statement, or closer
    than the redundancy bars. A summary never holds both of such a pair."""
    at = np.ix_(np.asarray(rows, np.int64), np.asarray(cols, np.int64))
    return (scored.same[at] | (scored.dense[at] >= config.redundant_dense)
            | (scored.similarity[at] >= config.redundant_blend))


def _centroid(vectors: np.ndarray, article_of: np.ndarray | None) -> np.ndarray:
    """Mean direction; with ``article_of`` each article counts once, however long it is."""
    if article_of is not None and len(vectors):
        means = [vectors[article_of == a].mean(axis=0) for a in np.unique(article_of)]
        vectors = np.asarray(means)
    centre = vectors.mean(axis=0) if len(vectors) else vectors
    norm = float(np.linalg.norm(centre))
    return (centre / norm).astype(np.float32) if norm else centre.astype(np.float32)


def _article_means(pool: Pool) -> np.ndarray:
    rows = []
    for a in np.unique(pool.article_of):
        rows.append(np.asarray(pool.tfidf[pool.article_of == a].mean(axis=0)).ravel())
    return np.asarray(rows, np.float32)


def _rescale(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1] (all equal -> all 1)."""
    values = np.asarray(values, np.float32)
    if not len(values):
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values)
    return (values - low) / (high - low)
