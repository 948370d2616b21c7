"""The PolNeAR reader, the attribution metric, and the quote extractor measured on PolNeAR."""

from __future__ import annotations

import pytest

from storyline.evaluate.attribution import GoldSpans, content_match, score
from storyline.evaluate.polnear import read_ann, read_split

# Measured on the first 12 dev articles on 2026-12-02 (analysis VERSION 12): attribution F1
# lenient 0.783 / 0.782, strict 0.767 / 0.707 (overall / direct); said-sentence 0.476 /
# 0.000, marks-nearest-name 0.146 / 0.210 (lenient). Bars: those less a margin.
BAR_OVERALL = 0.70
BAR_DIRECT = 0.72
BAR_STRICT_OVERALL = 0.70
BAR_STRICT_DIRECT = 0.65

TEXT = 'Kerry said that talks failed. "We go on," Lavrov told reporters. Polls show gains.'


def test_read_ann_pieces_roles_and_direct(tmp_path):
    ann = tmp_path / "a_x1.ann"
    src, cue = TEXT.index("Kerry"), TEXT.index("said")
    content = TEXT.index("that talks")
    q = TEXT.index('"We')
    lav = TEXT.index("Lavrov")
    ann.write_text(
        f"T1\tSource {src} {src + 5}\tKerry\n"
        f"T2\tCue {cue} {cue + 4}\tsaid\n"
        f"T3\tContent {content} {content + 17};{content + 18} {content + 28}\tx\n"
        f"T4\tAttribution {cue} {cue + 4}\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
        f"T5\tContent {q} {q + 11}\tx\n"
        f"T6\tSource {lav} {lav + 6}\tLavrov\n"
        "E2\tAttribution:T7 Source:T6 Content:T5\n"
        f"T8\tContent {TEXT.index('gains')} {len(TEXT) - 1}\tgains\n"
        "E3\tAttribution-no-source:T9 Content:T8\n", encoding="utf-8")
    gold = read_ann(ann, TEXT)
    assert len(gold) == 3
    assert gold[0].content == ((content, content + 17), (content + 18, content + 28))
    assert gold[0].source == ((src, src + 5),) and not gold[0].direct
    assert gold[1].direct and gold[1].cue is None
    assert gold[2].source is None


def test_content_match_is_half_of_the_shorter():
    assert content_match(((0, 10),), ((5, 40),))  # 5 of the shorter 10
    assert not content_match(((0, 10),), ((6, 40),))
    assert content_match(((0, 4), (10, 14)), ((2, 12),))  # pieces add up: 2 + 2 of 8


def test_score_counts_content_and_speaker():
    gold = [GoldSpans(((0, 20),), ((30, 35),), True), GoldSpans(((50, 80),), None, False)]
    system = [((0, 18), (31, 33), True),  # right content, right speaker
              ((50, 70), (90, 95), False),  # right content (no gold source)
              ((100, 120), (0, 5), False)]  # nothing
    s = score(system, gold)["overall"]
    assert (s.content.matched_system, s.content.system) == (2, 3)
    assert (s.content.matched_gold, s.content.gold) == (2, 2)
    assert (s.attribution.matched_system, s.attribution.matched_gold) == (1, 1)
    assert s.attribution.gold == 1  # the attribution without a source is not counted
    direct = score(system, gold)["direct"]
    assert (direct.content.system, direct.content.gold) == (1, 1)
    assert direct.attribution.f1 == 1.0


@pytest.mark.slow
def test_attribution_on_polnear_dev_beats_the_baselines(shared_data):
    from storyline.analyze.pipeline import analyze_docs
    from storyline.evaluate.attribution import evaluate

    folder = shared_data / "polnear" / "dev"
    if not folder.is_dir():
        pytest.skip(f"PolNeAR dev not found at {folder}")
    docs = list(read_split(folder, limit=12))
    analyses = analyze_docs([d.article for d in docs])
    totals = evaluate(docs, analyses)
    ours = totals["storyline"]
    # Bars measured on these 12 articles (see docs/results/analysis.md), less a margin.
    assert ours["overall"].attribution.f1 >= BAR_OVERALL
    assert ours["direct"].attribution.f1 >= BAR_DIRECT
    for name, baseline in totals.items():
        if name != "storyline":
            assert ours["overall"].attribution.f1 >= baseline["overall"].attribution.f1 + 0.1
            assert ours["direct"].attribution.f1 >= baseline["direct"].attribution.f1 + 0.1
    strict = evaluate(docs, analyses, matching="strict")["storyline"]
    assert strict["overall"].attribution.f1 >= BAR_STRICT_OVERALL
    assert strict["direct"].attribution.f1 >= BAR_STRICT_DIRECT


def test_strict_matching_is_one_to_one_and_accepts_the_speaker_name():
    from storyline.evaluate.strict_attribution import StrictGold, StrictQuote, strict_score

    text = 'The Senator said "we will win" and "we will not stop". Officials disagreed.'
    win, stop = text.index("we will win"), text.index("we will not stop")
    gold = [StrictGold(((win, win + 11), (stop, stop + 16)), ((0, 11),))]
    two = [StrictQuote((win, win + 11), (4, 11), "Senator", True),
           StrictQuote((stop, stop + 16), (0, 3), "x", True)]
    s = strict_score(text, two, gold)["overall"]
    # both quotes share half of the gold span's characters, but only one may count
    assert (s.attribution.matched_system, s.attribution.system) == (1, 2)
    assert s.attribution.recall == 1.0
    # a speaker span elsewhere still counts when the name equals the source text
    named = [StrictQuote((win, stop + 16), (60, 69), "the senator", True)]
    assert strict_score(text, named, gold)["overall"].attribution.f1 == 1.0
    assert strict_score(text, [StrictQuote((win, stop + 16), (60, 69), "Kerry", True)],
                        gold)["overall"].attribution.f1 == 0.0


def test_strict_direct_is_half_the_content_in_marks():
    import numpy as np

    from storyline.evaluate.strict_attribution import gold_is_direct, inside_marks

    text = 'He said the deal was "a disaster for everyone involved" today.'
    inside = inside_marks(text)
    assert inside.dtype == np.bool_ and inside[text.index("a disaster")]
    whole = ((text.index("the deal"), text.index(" today")),)
    quoted = ((text.index('"a'), text.index(" today")),)
    assert gold_is_direct(text, whole, inside)  # 28 of 40 non-space characters in marks
    assert gold_is_direct(text, quoted, inside)
    assert not gold_is_direct(text, ((0, text.index('"a')),), inside)
