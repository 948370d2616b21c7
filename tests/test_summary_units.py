"""Two-sentence units and the learned sentence importance of the summary (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.analyze.pipeline import analyze
from storyline.digest.candidates import stands_alone
from storyline.digest.importance import FEATURES, predict
from storyline.digest.summary import SummaryConfig, summarize
from storyline.evaluate.standalone import problems
from storyline.evaluate.standalone_eval import read_together
from storyline.evaluate.train_importance import fit, target
from storyline.model import Article

LEAD = "Governor Maria Okafor visited the flooded village of Tarnby on Tuesday morning."
LEAN = "She promised forty million euros to rebuild the broken Tarnby dam before winter."
FILLERS = [
    "A bakery in the valley reopened after a short break for repairs to its old oven.",
    "The regional train service ran with delays because of signal work near the coast.",
    "Schools in the northern district held their annual sports day in warm sunshine.",
    "A new cycling path along the river was opened to the public by local volunteers.",
    "The town library extended its opening hours for students during the exam period.",
    "Farmers in the plain reported a good harvest of barley and wheat this summer.",
    "A jazz festival drew large crowds to the market square over the long weekend.",
    "The museum showed a collection of maps of the coast drawn two centuries ago.",
]


def _story(n: int) -> list[Article]:
    return [Article(id=f"a{i}", source=f"Outlet {i}",
                    text=f"{FILLERS[i]} {LEAD} {LEAN} {FILLERS[(i + 1) % len(FILLERS)]}")
            for i in range(n)]


@pytest.fixture(scope="module", params=[3, 8], ids=["greedy", "concepts"])
def story(request):
    articles = _story(request.param)
    return articles, analyze(articles)


def test_a_leaning_sentence_enters_right_after_the_sentence_it_leans_on(story):
    articles, analyzed = story
    texts = {a.id: a.text for a in articles}
    summary = summarize(analyzed, words=60)
    assert LEAN in [c.text for c in summary]
    for before, c in zip([None, *summary], summary, strict=False):
        assert texts[c.article_id][c.start:c.end] == c.text  # verbatim
        if not stands_alone(c.text):  # only as the second sentence of a unit
            assert before is not None and before.article_id == c.article_id
            assert not texts[c.article_id][before.end:c.start].strip()
    # The reader meets each unit as one text, and it stands alone.
    assert all(not problems(t) for t, _ in read_together(summary, texts))
    # No sentence twice (a unit and one of its sentences are never both chosen).
    spans = [(c.article_id, c.start) for c in summary]
    assert len(spans) == len(set(spans))
    assert sum(len(c.text.split()) for c in summary) <= 60


def test_without_units_the_leaning_sentence_stays_out(story):
    _, analyzed = story
    summary = summarize(analyzed, words=60, config=SummaryConfig(units=False))
    assert LEAN not in [c.text for c in summary]


def test_learned_importance_keeps_the_contract(story):
    articles, analyzed = story
    texts = {a.id: a.text for a in articles}
    config = SummaryConfig(learned=4.0, learned_concepts=0.2)
    summary = summarize(analyzed, words=40, config=config)
    assert summary and sum(len(c.text.split()) for c in summary) <= 40
    assert all(texts[c.article_id][c.start:c.end] == c.text for c in summary)


def test_importance_model_learns_what_references_share():
    # Clusters whose human summaries repeat the lead sentence: the model, fitted on them,
    # ranks leads above the rest of the same clusters.
    analyzed = analyze([Article(id=f"a{i}", text=f"{FILLERS[i]} {LEAD} {LEAN} {FILLERS[i + 4]}")
                        for i in range(3)])
    cases = [("t1", analyzed, [" ".join(FILLERS[:3])]), ("t2", analyzed, [FILLERS[0]])]
    coefficients = fit(cases, alpha=0.01)
    assert len(coefficients) == len(FEATURES) and np.all(np.isfinite(coefficients))
    from storyline.digest.summary import score

    scored = score(analyzed, SummaryConfig(learned=1.0, importance_coefficients=tuple(
        coefficients)))
    leads = [scored.learned[i] for i, c in enumerate(scored.pool.candidates) if c.position == 0]
    later = [scored.learned[i] for i, c in enumerate(scored.pool.candidates) if c.position > 0]
    assert min(leads) > max(later)


def test_target_is_the_share_of_bigrams_a_reference_has():
    from storyline.evaluate.train_importance import bigrams

    refs = [bigrams("Floods hit the towns in the north")]
    assert target("Floods hit the towns", refs) == 1.0
    assert target("Rain fell on the hills", refs) == 0.0
    assert 0.0 < target("Floods hit the hills", refs) < 1.0


def test_shipped_importance_model_has_one_coefficient_per_feature():
    from storyline.digest.importance_weights import COEFFICIENTS

    assert len(COEFFICIENTS) == len(FEATURES)
    assert predict(np.zeros((0, len(FEATURES)))).shape == (0,)


def test_a_text_read_together_counts_its_sentences_and_fails_once():
    from storyline.evaluate.standalone import Tally

    tally = Tally()
    tally.add("He left the town. The river rose.", sentences=2)
    tally.add("Floods hit Passau on Monday.")
    assert (tally.sentences, tally.failing, tally.kinds["pronoun"]) == (3, 1, 1)


def test_page_notices_and_cut_quotations_stay_out():
    """A web archive's notice is no candidate; in a story too short to fill the budget with
    sentences that stand alone, the others may follow them, but not a quotation cut in half."""
    from storyline.digest.candidates import build_pool, keep, standalone_mask

    notice = ("Starting in 1996, Alexa Internet has been donating their crawl data to the "
              "Internet Archive.")
    assert not keep(notice) and not keep("You need to enable JavaScript to use SoundCloud now.")
    cut = '"My words were not intended to offend anyone in the state of Pennsylvania.'
    text = f"{LEAD} {LEAN} {cut} {notice}"
    analyzed = analyze([Article(id="a", text=text)])
    pool = build_pool(analyzed)
    texts = [c.text for c in pool.candidates]
    assert notice not in texts and cut in texts
    allowed = dict(zip(texts, standalone_mask(pool, 260), strict=True))
    assert allowed[LEAD] and allowed[LEAN] and not allowed[cut]
    chosen = [c.text for c in summarize(analyzed, words=260, fill=True)]
    assert cut not in chosen and notice not in chosen and LEAD in chosen
