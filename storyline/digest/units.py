"""Two-sentence units: a sentence that leans on the one before it competes together with it.

Many important sentences do not stand alone ("He said the dam would hold.", a quotation that
began one sentence earlier, "..., she said."): alone they would confuse the reader, so the
summary keeps them out. Read right after the sentence before them in the same article, they
are clear. A *unit* is such a pair of consecutive, verbatim sentences; it competes for the
summary as one candidate, and enters it as its two sentences, each cited as usual.

>>> from storyline.digest.candidates import Candidate, Pool
>>> c = [Candidate(0, 0, 0, 40, "Mayor Helena Strand toured the town.", 6, 0),
...      Candidate(0, 1, 41, 80, "She promised to rebuild the old bridge.", 7, 1)]
>>> leaning_pairs(Pool(analyzed=[], candidates=c))
[(0, 1)]
"""

from __future__ import annotations

from storyline.digest.candidates import Pool
from storyline.text.standalone import pair_stands_alone


def leaning_pairs(pool: Pool) -> list[tuple[int, int]]:
    """``(first, second)`` candidate indexes of every unit of ``pool``: ``second`` is the
    next sentence after ``first`` in the same article, does not stand alone, and does with
    ``first`` before it (:func:`storyline.text.standalone.pair_stands_alone`)."""
    at = {(c.article, c.position): i for i, c in enumerate(pool.candidates)}
    out = []
    for j, c in enumerate(pool.candidates):
        i = at.get((c.article, c.position - 1))
        if i is not None and pair_stands_alone(pool.candidates[i].text, c.text):
            out.append((i, j))
    return out
