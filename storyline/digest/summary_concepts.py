"""Concept selection of a story summary: exact concept coverage (:mod:`cover`) over single
sentences and two-sentence units (:mod:`units`), with a learned importance bonus
(:mod:`importance`). Used by :func:`storyline.digest.summary.summarize` for stories of
``SummaryConfig.concepts_from`` articles or more."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from storyline.digest.candidates import standalone_mask
from storyline.digest.contested import contested_figures

if TYPE_CHECKING:
    from storyline.digest.candidates import Pool
    from storyline.digest.concepts import ConceptTable
    from storyline.digest.summary import Scored, SummaryConfig


def story_concepts(pool: Pool, config: SummaryConfig) -> ConceptTable:
    """The concepts of ``pool``'s candidates, weighted (weights under the floor count 0)."""
    from storyline.digest.concepts import concept_table

    analyzed = pool.analyzed
    table = concept_table(
        [(c.article, c.position, c.text) for c in pool.candidates], len(analyzed),
        titles=[a.article.title or "" for a in analyzed],
        outlets=[a.article.source for a in analyzed],
        coefficients=config.concept_coefficients)
    if config.concept_floor:
        table.weights = np.where(table.weights >= config.concept_floor, table.weights, 0.0)
    return table


def select_concepts(scored: Scored, *, words: int | None, sentences: int | None,
                    config: SummaryConfig, fill: bool = False,
                    allowed: np.ndarray | None = None,
                    seen: np.ndarray | None = None) -> list[int]:
    """Exact maximisation of covered concept weight under the budgets (:mod:`cover`).

    Only sentences that stand alone (:func:`storyline.text.standalone.stands_alone`, not a
    bare quotation) compete, unless too few do, and two-sentence units
    (:func:`units.leaning_pairs`) whose second sentence leans on the first; a unit and one
    of its sentences are never both chosen. Contested figures are balanced inside the
    program: a sentence whose figure others report differently is chosen only with a
    sentence stating each other value.
    ``fill`` then adds the sentence that covers most of what is left, past the budget.
    Returns candidate indexes (a unit as its two sentences).

    An update summary (:mod:`updates`) passes ``allowed``, the candidates it may quote, and
    ``seen``, those the reader has read: their concepts are worth nothing (what the reader
    knows is not covered again, as update summarizers of the TAC tasks did) and figures are
    not balanced (the full digest sets them side by side).
    """
    from storyline.digest.cover import best_cover
    from storyline.digest.summary import _redundant, too_close
    from storyline.digest.units import leaning_pairs

    pool, n = scored.pool, len(scored.pool)
    if n == 0:
        return []
    word_budget = words if words is not None else 20 * (sentences or 5)
    analyzed = pool.analyzed
    table = scored.concepts if scored.concepts is not None else story_concepts(pool, config)
    alone = standalone_mask(pool, word_budget, enabled=config.standalone)
    may = np.ones(n, bool) if allowed is None else np.asarray(allowed, bool)
    if allowed is not None:
        alone = alone & may if (alone & may).any() else may.copy()
        if seen is not None and np.asarray(seen, bool).any():
            known = {i for j in np.flatnonzero(seen) for i in table.of_sentence[int(j)]}
            weights_now = table.weights.copy()
            weights_now[list(known)] = 0.0
            table = replace(table, weights=weights_now)
    contested = contested_figures(scored.pool) if config.balance_figures and allowed is None \
        else {}
    requires_global: list[tuple[int, list[int]]] = []
    for by_value in contested.values():
        for figure, ids in by_value.items():
            for other, alternatives in by_value.items():
                if other != figure:
                    requires_global += [(j, list(alternatives)) for j in ids]
    contested_ids = {j for j, _ in requires_global}
    # Choices: the n sentences, then the units (never one holding a contested sentence,
    # whose balancing constraint is on the sentence itself).
    units = [] if alone.all() or not config.units else [
        (a, b) for a, b in leaning_pairs(pool)
        if not alone[b] and may[a] and may[b] and a not in contested_ids
        and b not in contested_ids]
    members = [[j] for j in range(n)] + [list(u) for u in units]
    concepts_of_choice = [sorted(set(table.of_sentence[j])) for j in range(n)] + [
        sorted(set(table.of_sentence[a]) | set(table.of_sentence[b])) for a, b in units]
    cost = np.asarray([sum(pool.candidates[j].words for j in m) for m in members], np.float64)
    value = np.asarray([table.weights[ids].sum() if ids else 0.0 for ids in concepts_of_choice])
    eligible = np.concatenate([alone, np.ones(len(units), bool)])
    # The program sees the choices with most concept weight per word (and their concepts).
    density = np.where(eligible, value / np.sqrt(cost), -1.0)
    size = config.ilp_sentences if len(analyzed) <= 40 else config.ilp_sentences_large
    shortlist = [int(j) for j in np.argsort(-density)[:size] if density[j] > 0]
    if not shortlist:
        shortlist = [int(j) for j in np.argsort(-scored.importance) if may[j]][:size]
    # Where the story stands now (its latest article's lead) competes with a bonus.
    latest = _latest_lead(pool, alone & may) if config.latest_bonus else None
    if latest is not None and latest not in shortlist:
        shortlist.append(latest)
    # A rival value is stated by a sentence that stands alone where one does.
    requires_global = [(j, [a for a in alternatives if alone[a]] or alternatives)
                       for j, alternatives in requires_global]
    for j, alternatives in requires_global:
        if j in shortlist:
            shortlist += [a for a in alternatives if a not in shortlist]
    position = {j: p for p, j in enumerate(shortlist)}
    requires = [(position[j], [position[a] for a in alternatives])
                for j, alternatives in requires_global if j in position]
    holding: dict[int, list[int]] = {}  # sentence -> shortlist places of choices holding it
    for p, x in enumerate(shortlist):
        for j in members[x]:
            holding.setdefault(j, []).append(p)
    exclusive = [places for places in holding.values() if len(places) > 1]
    # Never the same statement twice: the learned bonus is per sentence, so coverage alone
    # would let two wordings of one fact both in (:func:`summary._redundant`'s rule).
    single = [members[x][0] for x in shortlist]
    close = too_close(scored, single, single, config)
    for x in range(len(shortlist)):  # a unit's second sentence counts too
        if len(members[shortlist[x]]) > 1:
            close[x] |= too_close(scored, [members[shortlist[x]][1]], single, config)[0]
            close[:, x] = close[x] | close[:, x]
    # Rival figures are stated together on purpose: never kept apart. But a sentence whose
    # disputed values another states too ("at least 18" beside "18, while the governor gave
    # 25") is a repetition like any other.
    stated: dict[int, set] = defaultdict(set)
    for key, by_value in contested.items():
        for figure, ids in by_value.items():
            for j in ids:
                stated[j].add((key, figure))

    def rivals(a: list[int], b: list[int]) -> bool:
        va = set().union(*(stated.get(j, set()) for j in a))
        vb = set().union(*(stated.get(j, set()) for j in b))
        return bool(va and vb) and not (va <= vb or vb <= va)

    exclusive += [[int(p), int(q)] for p, q in zip(*np.nonzero(np.triu(close, 1)), strict=True)
                  if not set(members[shortlist[p]]) & set(members[shortlist[q]])
                  and not rivals(members[shortlist[p]], members[shortlist[q]])]
    local: dict[int, int] = {}  # only concepts that count enter the program
    concepts_of = [[local.setdefault(i, len(local)) for i in concepts_of_choice[x]
                    if table.weights[i] > 0] for x in shortlist]
    weights = np.zeros(len(local))
    for i, k in local.items():
        weights[k] = table.weights[i]
    # A disputed figure is news several outlets report: worth stating (with its rivals).
    bonus = np.asarray([config.contested_bonus if x in contested_ids else 0.0
                        for x in shortlist])
    bonus_contested = bonus > 0
    if config.position_bonus:
        bonus += [config.position_bonus / np.sqrt(1.0 + pool.candidates[members[x][0]].position)
                  for x in shortlist]
    if latest is not None:
        bonus[shortlist.index(latest)] += config.latest_bonus
    if config.learned_concepts and scored.learned is not None:
        # Predicted precision times words: the bigrams a human summary is expected to share.
        expected = scored.learned * np.asarray([c.words for c in pool.candidates])
        bonus += [config.learned_concepts * float(expected[members[x]].sum()) for x in shortlist]
    costs = cost[shortlist].copy()
    for _ in range(3):
        picked = best_cover(concepts_of, weights, costs, word_budget,
                            time_limit=config.ilp_seconds, sentence_bonus=bonus,
                            max_sentences=sentences, gap=config.ilp_gap, requires=requires,
                            exclusive=exclusive,
                            sentence_counts=[len(members[x]) for x in shortlist])
        # The disputed-figure bonus is per sentence, so a sentence restating a figure whose
        # concepts the others cover already ("The governor's office said on Tuesday that
        # 25 people died." after "Twenty-five people died ..., the regional governor's
        # office said on Tuesday") could still enter for it: it says nothing new; solved
        # again without it.
        repeats = [p for p in _repeats(picked, concepts_of, weights, config.repeat_share)
                   if bonus_contested[p]]
        if not repeats:
            break
        costs[repeats] = word_budget + 1.0
    chosen = [j for p in sorted(picked, key=lambda p: -value[shortlist[p]])
              for j in members[shortlist[p]]]
    if fill and (sentences is None or len(chosen) < sentences):
        covered = {i for j in chosen for i in table.of_sentence[j]}
        left = [j for j in shortlist if j < n and may[j] and j not in chosen
                and j not in contested_ids
                and not (chosen and _redundant(scored, j, chosen, config))]
        if left:
            gain = [sum(table.weights[i] for i in set(table.of_sentence[j]) - covered)
                    for j in left]
            best = int(np.argmax(gain))
            if gain[best] > 0:
                chosen.append(left[best])
    return chosen


def _repeats(picked: list[int], concepts_of: list[list[int]], weights: np.ndarray,
             share: float) -> list[int]:
    """The picked choices less than ``share`` of whose concept weight the other picked
    choices leave uncovered.

    >>> _repeats([0, 1, 2], [[0, 1], [0, 1, 2], [3]], np.ones(4), 0.1)
    [0]
    """
    found = []
    for p in picked:
        own = set(concepts_of[p])
        total = float(weights[list(own)].sum()) if own else 0.0
        if total <= 0:
            continue
        others = set().union(*(concepts_of[q] for q in picked if q != p))
        if float(weights[list(own - others)].sum()) < share * total:
            found.append(p)
    return found


def _latest_lead(pool: Pool, eligible: np.ndarray) -> int | None:
    """The first sentence that may stand alone of the story's latest article, when its
    articles were published on two days or more (where the story stands now: the strike
    ended, the verdict came), else None."""
    days = {a.article.published.date() for a in pool.analyzed if a.article.published}
    if len(days) < 2:
        return None
    latest = max((i for i, a in enumerate(pool.analyzed) if a.article.published),
                 key=lambda i: pool.analyzed[i].article.published)
    found = [j for j, c in enumerate(pool.candidates) if c.article == latest and eligible[j]]
    return min(found, key=lambda j: pool.candidates[j].position) if found else None
