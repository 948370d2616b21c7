"""Exact concept coverage under a word budget: an integer linear program (Gillick & Favre 2009).

Choose sentences ``s_j`` (binary) and covered concepts ``c_i`` (binary) to maximise
``sum_i w_i c_i`` subject to ``sum_j words_j s_j <= budget`` and ``c_i <= sum_{j has i} s_j``:
every concept counts once however many chosen sentences state it, so the program itself
avoids saying a thing twice. Solved by HiGHS through :func:`scipy.optimize.milp`.

>>> best_cover([[0, 1], [1], [2]], [1.0, 1.0, 0.5], [10, 5, 5], budget=15)
[0, 2]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def best_cover(concepts_of: Sequence[Sequence[int]], weights: Sequence[float],
               costs: Sequence[float], budget: float, *, time_limit: float = 1.0,
               sentence_bonus: Sequence[float] | None = None,
               max_sentences: int | None = None, gap: float = 0.0,
               requires: Sequence[tuple[int, Sequence[int]]] = (),
               exclusive: Sequence[Sequence[int]] = (),
               sentence_counts: Sequence[int] | None = None) -> list[int]:
    """Indexes of the sentences that cover the most concept weight within ``budget`` words.

    ``max_sentences`` caps how many are chosen. ``sentence_bonus`` (optional) adds a
    per-sentence term to the objective. Sentences longer than the budget are never chosen.
    On a time-out the best solution found is used; ``gap`` > 0 stops the search once the
    solution is provably within that share of the optimum. ``requires``: pairs
    ``(j, alternatives)``: sentence ``j`` may be chosen only with one of ``alternatives``.
    ``exclusive``: groups of which at most one may be chosen (a two-sentence unit and each
    of its sentences). ``sentence_counts``: how many sentences each choice holds (1 each by
    default; 2 for a unit), for ``max_sentences``.

    >>> unit = dict(sentence_bonus=[0.1, 0.1, 0.0], budget=20)  # 2 is the unit of 0 and 1
    >>> best_cover([[0], [1], [0, 1]], [1.0, 1.0], [5, 5, 4], **unit)
    [0, 1, 2]
    >>> best_cover([[0], [1], [0, 1]], [1.0, 1.0], [5, 5, 4], exclusive=[[0, 2], [1, 2]], **unit)
    [0, 1]
    >>> best_cover([[0], [1], [0, 1]], [1.0, 1.0], [5, 5, 9], budget=20, max_sentences=1,
    ...            sentence_counts=[1, 1, 2])
    [0]
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix, hstack, identity, vstack

    n = len(concepts_of)
    w = np.asarray(weights, np.float64)
    m = len(w)
    cost = np.asarray(costs, np.float64)
    if n == 0 or budget <= 0:
        return []
    bonus = np.zeros(n) if sentence_bonus is None else np.asarray(sentence_bonus, np.float64)
    # Variables: n sentences, then m concepts. milp minimises.
    objective = np.concatenate([-bonus, -w])
    rows, cols, vals = [], [], []
    for j, ids in enumerate(concepts_of):
        for i in set(ids):
            rows.append(i)
            cols.append(j)
            vals.append(-1.0)
    cover = coo_matrix((vals, (rows, cols)), shape=(m, n)).tocsr()
    link = hstack([cover, identity(m, format="csr")])  # c_i - sum s_j <= 0
    length = coo_matrix(np.concatenate([cost, np.zeros(m)])[None, :])
    parts, upper = [link, length], [np.zeros(m), [budget]]
    # The rows below are few-valued: one sparse block of them (a coo_matrix per row cost
    # ~2 s for the ~27,000 exclusive groups of a 100-article story).
    extra: list[dict[int, float]] = []
    for j, alternatives in requires:  # s_j - sum s_alternatives <= 0
        row = {j: 1.0}
        for a in set(alternatives):
            row[a] = row.get(a, 0.0) - 1.0
        extra.append(row)
        upper.append([0.0])
    for group in exclusive:  # sum s_group <= 1
        extra.append(dict.fromkeys(group, 1.0))
        upper.append([1.0])
    if extra:
        cells = [(r, c, v) for r, row in enumerate(extra) for c, v in sorted(row.items())
                 if v != 0.0]
        block = np.asarray(cells, np.float64).reshape(-1, 3)
        parts.append(coo_matrix((block[:, 2], (block[:, 0].astype(np.int64),
                                               block[:, 1].astype(np.int64))),
                                shape=(len(extra), n + m)))
    if max_sentences is not None:
        counts = np.ones(n) if sentence_counts is None else np.asarray(sentence_counts, float)
        parts.append(coo_matrix(np.concatenate([counts, np.zeros(m)])[None, :]))
        upper.append([max_sentences])
    matrix = vstack(parts).tocsr()
    upper = np.concatenate(upper)
    lower = np.full(len(upper), -np.inf)
    high = np.ones(n + m)
    high[:n][cost > budget] = 0.0
    result = milp(objective, constraints=LinearConstraint(matrix, lower, upper),
                  integrality=np.ones(n + m), bounds=Bounds(np.zeros(n + m), high),
                  options={"time_limit": time_limit, "disp": False, "mip_rel_gap": gap})
    if result.x is None:
        return []
    return [j for j in range(n) if result.x[j] > 0.5]
