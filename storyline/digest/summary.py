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


@dataclass(slots=True)
class SummaryConfig:
    """The few general knobs of the method (not fitted to any one data set)."""

    centrality: float = 1.0  # weight of closeness to the story's centroid
    corroboration: float = 0.5  # weight of how many other articles report it
    position: float = 0.5  # weight of the lead prior 1 / sqrt(1 + position)
    coverage_cap: float = 0.25  # alpha of Lin & Bilmes: saturation of each sentence's coverage
    importance: float = 1.0  # weight of the modular importance term next to coverage
    cost_scale: float = 0.3  # r in gain / words**r: long sentences are not free
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
    concept_floor: float = 0.05  # concept weights below this count nothing
    standalone: bool = True  # only sentences that stand alone compete (when enough do)
    concept_coefficients: tuple[float, ...] | None = None  # None: the shipped concept model


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
    similarity = np.clip(0.5 * dense + 0.5 * lexical, 0.0, None)
    return Scored(pool, importance.astype(np.float32), similarity.astype(np.float32), dense,
                  cited, same, figures)


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
    chooser = select_concepts if concepts else select
    chosen = chooser(scored, words=words, sentences=sentences, config=config, fill=fill)
    return to_citations(scored, chosen)


def select_concepts(scored: Scored, *, words: int | None, sentences: int | None,
                    config: SummaryConfig, fill: bool = False) -> list[int]:
    """Exact maximisation of covered concept weight under the budgets (:mod:`cover`).

    Only sentences that stand alone (:func:`candidates.stands_alone`, not a bare quotation)
    compete, unless too few do. Contested figures are balanced inside the program: a
    sentence whose figure others report differently is chosen only with a sentence stating
    each other value.
    ``fill`` then adds the sentence that covers most of what is left, past the budget.
    """
    from storyline.digest.concepts import concept_table
    from storyline.digest.cover import best_cover

    pool, n = scored.pool, len(scored.pool)
    if n == 0:
        return []
    word_budget = words if words is not None else 20 * (sentences or 5)
    analyzed = pool.analyzed
    table = concept_table(
        [(c.article, c.position, c.text) for c in pool.candidates], len(analyzed),
        titles=[a.article.title or "" for a in analyzed],
        outlets=[a.article.source for a in analyzed],
        coefficients=config.concept_coefficients)
    if config.concept_floor:
        table.weights = np.where(table.weights >= config.concept_floor, table.weights, 0.0)
    cost = np.asarray([c.words for c in pool.candidates], np.float64)
    value = np.asarray([table.weights[ids].sum() if ids else 0.0 for ids in table.of_sentence])
    alone = standalone_mask(pool, word_budget, enabled=config.standalone)
    # The program sees the sentences with most concept weight per word (and their concepts).
    density = np.where(alone, value / np.sqrt(cost), -1.0)
    size = config.ilp_sentences if len(analyzed) <= 40 else config.ilp_sentences_large
    shortlist = [int(j) for j in np.argsort(-density)[:size] if density[j] > 0]
    if not shortlist:
        shortlist = [int(j) for j in np.argsort(-scored.importance)[:size]]
    # A figure others report differently is stated with each other value, or not at all:
    # the program itself must choose a sentence stating each other value along with it.
    contested = contested_figures(scored.pool, scored.figures) if config.balance_figures else {}
    requires_global: list[tuple[int, list[int]]] = []
    for by_value in contested.values():
        for figure, ids in by_value.items():
            for other, alternatives in by_value.items():
                if other != figure:
                    requires_global += [(j, list(alternatives)) for j in ids]
    # A rival value is stated by a sentence that stands alone where one does.
    requires_global = [(j, [a for a in alternatives if alone[a]] or alternatives)
                       for j, alternatives in requires_global]
    for j, alternatives in requires_global:
        if j in shortlist:
            shortlist += [a for a in alternatives if a not in shortlist]
    position = {j: p for p, j in enumerate(shortlist)}
    requires = [(position[j], [position[a] for a in alternatives])
                for j, alternatives in requires_global if j in position]
    local: dict[int, int] = {}  # only concepts that count enter the program
    concepts_of = [[local.setdefault(i, len(local)) for i in table.of_sentence[j]
                    if table.weights[i] > 0] for j in shortlist]
    weights = np.zeros(len(local))
    for i, k in local.items():
        weights[k] = table.weights[i]
    # A disputed figure is news several outlets report: worth stating (with its rivals).
    contested_ids = {j for j, _ in requires_global}
    bonus = [config.contested_bonus if j in contested_ids else 0.0 for j in shortlist]
    if config.position_bonus:
        bonus = [b + config.position_bonus / np.sqrt(1.0 + pool.candidates[j].position)
                 for b, j in zip(bonus, shortlist, strict=True)]
    picked = best_cover(concepts_of, weights, cost[shortlist], word_budget,
                        time_limit=config.ilp_seconds, sentence_bonus=bonus,
                        max_sentences=sentences, gap=config.ilp_gap, requires=requires)
    chosen = [shortlist[p] for p in sorted(picked, key=lambda p: -value[shortlist[p]])]
    if fill and (sentences is None or len(chosen) < sentences):
        covered = {i for j in chosen for i in table.of_sentence[j]}
        left = [j for j in shortlist if j not in chosen and j not in contested_ids
                and not (chosen and _redundant(scored, j, chosen, config))]
        if left:
            gain = [sum(table.weights[i] for i in set(table.of_sentence[j]) - covered)
                    for j in left]
            best = int(np.argmax(gain))
            if gain[best] > 0:
                chosen.append(left[best])
    return chosen


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
    ranked = ranked[mask[ranked]]
    eligible = ranked[:config.pool_size]
    if not len(eligible):
        return []
    weights = scored.similarity[:, eligible]  # how well each eligible sentence covers each one
    cap = config.coverage_cap * scored.similarity.sum(axis=1)
    if focus is not None:
        cap = np.where(np.asarray(focus, bool), cap, 0.0).astype(np.float32)
    covered = np.zeros(n, np.float32)
    total_cap = float(cap.sum()) or 1.0
    importance = scored.importance / (float(scored.importance.max()) or 1.0)
    contested = contested_figures(scored.pool, scored.figures) if config.balance_figures else {}
    # Importance is spread over the sentences a budget holds (~20 words each), so that its
    # weight next to coverage does not depend on the budget.
    budget_words = min(word_budget, 20 * sentence_budget)
    spread = max(1.0, budget_words / 20.0)

    chosen: list[int] = []
    used_words = 0
    blocked = np.zeros(len(eligible), bool)
    overflowed = False
    while len(chosen) < sentence_budget:
        gain_cov = (np.minimum(covered[:, None] + weights, cap[:, None]).sum(axis=0)
                    - np.minimum(covered, cap).sum()) / total_cap
        gain = gain_cov + config.importance * importance[eligible] / spread
        ratio = gain / np.power(cost[eligible], config.cost_scale)
        ok = ~blocked & (cost[eligible] <= word_budget - used_words)
        if not ok.any() and fill and not overflowed:
            ok = ~blocked  # nothing fits any more: one last sentence may run over
        if not ok.any():
            break
        if (ok & first[eligible]).any():
            ok &= first[eligible]
        ratio = np.where(ok, ratio, -np.inf)
        pick = int(np.argmax(ratio))
        k = int(eligible[pick])
        blocked[pick] = True
        if chosen and _redundant(scored, k, chosen, config):
            continue
        bundle = [k, *counter_statements(scored.figures, scored.importance, k, chosen,
                                              contested, allowed, alone)]
        bundle_words = int(sum(cost[b] for b in bundle))
        if bundle_words > word_budget - used_words:
            if not fill or overflowed or len(bundle) > 1:
                continue
            overflowed = True
        if len(chosen) + len(bundle) > sentence_budget:
            continue
        for b in bundle:
            chosen.append(b)
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
    return bool(scored.same[k, chosen].any()
                or (scored.dense[k, chosen] >= config.redundant_dense).any()
                or (scored.similarity[k, chosen] >= config.redundant_blend).any())


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
