"""Every tuned number of the digest's parts outside the summary and the timeline (which have
their own: ``summary.SummaryConfig``, ``timeline.Settings``), with the reason beside it.

Frozen: one shared instance, ``SETTINGS``, read by the modules named in each group; a test or
an experiment makes another with ``dataclasses.replace``. Changing a default changes the
digest's version (``storyline.versions``), so stored digests are rebuilt.

>>> SETTINGS.same_dense > SETTINGS.same_dense_low
True
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DigestSettings:
    # -- candidates (``candidates``): sentences a summary may quote --------------------------
    min_words: int = 8  # shorter ones are headlines, captions, fragments
    short_figure_words: int = 4  # "Officials said 25 people died." is short but may be contested
    max_words: int = 60  # longer ones are run-ons and lists a reader skims
    dense_weight: float = 0.5  # share of MiniLM in the blended similarity (the rest TF-IDF)

    # -- citations (``citations``, ``timeline``): two sentences report the same content ------
    # Calibrated on paraphrase pairs written for the tests and read against DUC 2003 pairs:
    # MiniLM puts rewordings of one report at 0.75-0.9 and different facts about the same
    # event at 0.5-0.75, so the lower dense bar needs word overlap to confirm it.
    same_dense: float = 0.82
    same_dense_low: float = 0.66
    same_lexical: float = 0.30

    # -- numbers (``disagreements``) ---------------------------------------------------------
    max_number: int = 5  # disputes shown; the most outlets first
    max_evolution: int = 3  # counts told as their change over days
    max_steps: int = 6  # days shown in one evolution
    # Two numbers under the same verb and noun, other than the counted events, are one
    # quantity only when their sentences are this alike (sentence vectors' cosine).
    number_similarity: float = 0.5
    # Precision first (read on Timeline17 stories, where looser rules set 20 dead against 50
    # million, a 1918 toll against today's): disputed values are of one order (at most 3x
    # apart: 18 vs 25 killed), each in a sentence of at most 50 words (not a list of
    # countries' tolls); a day's reports make an evolution's step only when they agree
    # within 1.5x, and an evolution spans at most 10x (a toll of 3 does not "become" 100
    # million: those count different things), rising, its steps at most a week apart.
    dispute_ratio: float = 3.0
    dispute_words: int = 50
    step_ratio: float = 1.5
    evolution_ratio: float = 10.0
    step_days: int = 7  # an evolution's steps are at most a week apart, and rise...
    step_rise: float = 5.0  # ...at most 5x a step (81 killed in Mexico, then "800 worldwide")

    # -- claims and denials (``denials``) ----------------------------------------------------
    max_denial: int = 5  # a story with more shows its strongest (in-sentence pairs first)
    # The stance model's probability of "disagree" a cross-sentence pair needs (high: a
    # wrong "X denies Y's claim" is worse than none), and how alike the two must be.
    disagree_confidence: float = 0.5
    denial_similarity: float = 0.35
    context_sentences: int = 1  # sentences after the denial that the stance model also reads
    # How far back (in sentences of one article) a denial's claim may stand: the quote just
    # before it, or the accusation that opens a short paragraph of quotes.
    answer_window: int = 3
    # Reports of one claim and its denial by several outlets are one item (``denial_merge``):
    # a denial answers within days (the demo's Wednesday rejection of Sunday's shelling is 3
    # days; a breach alleged three weeks later is another dispute), and an item shows at
    # most this many statements (one claim and one denial for each of two outlets, or a
    # sentence holding both for more).
    denial_days: int = 3
    max_denial_lines: int = 4

    # -- big stories (``first_analysis``) ----------------------------------------------------
    # A story whose articles hold more text than this is read from each article's lead: the
    # full analysis costs ~5 ms a sentence on one core, so 100 long articles (~10,000
    # sentences) kept a first digest waiting about a minute. DUC's 25-article topics (~120,000
    # characters), Multi-News clusters and the demo's stories stay under it and are read whole.
    lead_from_chars: int = 250_000
    # News puts what happened first. How many first sentences of each article: the most of
    # this ladder that keeps the sentences analyzed within ``lead_budget``, else its least.
    # The wait grows with the sentences (~5 ms each on one core): 640 take ~3 s on two
    # cores, so a 100-article story reads 6 of each article's ~55, one of 80 reads 8, one
    # of 160 or more 4. What a summary loses per rung: docs/results/speed.md.
    lead_ladder: tuple[int, ...] = (8, 6, 4)
    lead_budget: int = 640
    # Articles to analyze from which workers forked from this process share the work
    # (spawned ones wait for ``analyze.pipeline.PARALLEL_FROM``): docs/results/speed.md.
    forked_workers_from: int = 8

    # -- outlets (``outlets``) ---------------------------------------------------------------
    copy_words: float = 0.8  # a copy holds a statement when this share of its words is in it


SETTINGS = DigestSettings()

__all__ = ["SETTINGS", "DigestSettings"]
