"""Disagreements that are real, measured on a labelled set (``disagreement_cases.py``, written
for these tests, and the demo corpus's planted cases, named by article slug), the seed pile
and Timeline17 (read at run time from ../shared/data)."""

from __future__ import annotations

import json
from datetime import datetime
from importlib.resources import files

import pytest
from disagreement_cases import CASES

from storyline.model import Article


def _articles(case) -> list[Article]:
    return [Article(id=i, source=s, text=t,
                    published=datetime.fromisoformat(p) if p else None)
            for i, s, p, t in case["articles"]]


def _found(disagreements) -> tuple[list[set[str]], list[tuple[str, str]]]:
    disputes = [{c.article_id for c in d.statements} for d in disagreements
                if d.kind == "number"]
    denials = [(d.statements[0].article_id, d.statements[-1].article_id)
               for d in disagreements if d.kind == "denial"]
    return disputes, denials


def _precision_recall(results) -> tuple[float, float, list]:
    """``results``: (planted disputes, planted denials, found disputes, found denials)."""
    true_found = found = planted = planted_found = 0
    misses = []
    for name, want_disputes, want_denials, got_disputes, got_denials in results:
        found += len(got_disputes) + len(got_denials)
        planted += len(want_disputes) + len(want_denials)
        ok = [d for d in got_disputes if d in want_disputes] + [
            d for d in got_denials if d in want_denials]
        true_found += len(ok)
        planted_found += sum(1 for d in want_disputes if d in got_disputes) + sum(
            1 for d in want_denials if d in got_denials)
        if len(ok) != len(got_disputes) + len(got_denials) or planted_found < planted:
            misses.append((name, want_disputes, want_denials, got_disputes, got_denials))
    return (true_found / found if found else 1.0,
            planted_found / planted if planted else 1.0, misses)


@pytest.fixture(scope="module")
def case_results():
    from storyline.analyze.pipeline import analyze
    from storyline.digest.disagreements import find_disagreements

    out = []
    for case in CASES:
        disputes, denials = _found(find_disagreements(analyze(_articles(case))))
        out.append((case["name"], case["disputes"], case["denials"], disputes, denials))
    return out


def test_labelled_cases_precision_and_recall(case_results):
    precision, recall, misses = _precision_recall(case_results)
    assert precision >= 0.95 and recall >= 0.90, misses


def test_evolution_is_told_in_order_of_days():
    from storyline.analyze.pipeline import analyze
    from storyline.digest.disagreements import find_disagreements

    [case] = [c for c in CASES if c["name"].startswith("a toll that rises")]
    found = find_disagreements(analyze(_articles(case)))
    [evolution] = [d for d in found if d.kind == "evolution"]
    text = evolution.description
    assert text.index("9 on 2 May") < text.index("17 on 3 May") < text.index("22 on 4 May")
    assert [c.article_id for c in evolution.statements] == ["b1", "b2", "b3"]


def test_an_evolution_is_one_running_count():
    """Each day's incident count, a count moved to another place and a count that falls
    are not told as one toll's evolution; the toll of one event rising is."""
    from storyline.analyze.pipeline import analyze
    from storyline.digest.evolutions import evolutions

    def told(*texts: str) -> list[str]:
        articles = [Article(id=f"e{i}", source=f"Outlet {i}", text=t,
                            published=datetime(2031, 5, 2 + i)) for i, t in enumerate(texts)]
        return [d.description for d in evolutions(analyze(articles))]

    rising = told("At least 9 people were killed in the Pellan earthquake, officials said.",
                  "The number of dead in the Pellan earthquake rose to 17, officials said.")
    assert len(rising) == 1 and rising[0].index("9 on 2 May") < rising[0].index("17 on 3 May")
    assert told("Five people were killed in Monday's clashes in Misra, doctors said.",
                "Eight people were killed in Tuesday's shelling of Misra, doctors said.") == []
    assert told("Mexico has confirmed 12 deaths from the fever, officials said.",
                "The confirmed global death toll of the fever has risen to 40.") == []
    assert told("The toll in Pellan has risen to 17, officials said.",
                "The toll in Pellan now stands at 11, officials said.") == []


# -- the demo corpus: its planted cases (storyline/demo/README.md, hard cases 5 and 6) -------

DEMO_DISPUTES = {
    # the governor's office (25) against the emergency service (18), then the police (21)
    "lake-harmon-flood": [{"lake-harmon-death-toll-25", "brandon-rescuers-search-flooded-streets",
                           "questions-over-flood-death-toll"},
                          {"questions-over-flood-death-toll", "millbrook-residents-return"}],
}
# (claim articles, denial articles): a found pair matches when its claim is in the first
# set and its denial in the second (one article for both: a single sentence or paragraph).
# One claim and its denial that several outlets report is one planted case, as the digest
# tells it as one item (``denial_merge``): the shelling of Kesh, reported by three outlets
# (an accusation answered a line later, a rejection naming the claim, a sentence recalling
# both), and the passwords in Quillon's stolen data, by two.
KESH = {"veloria-accuses-drustan-of-shelling-kesh", "drustan-rejects-kesh-claim",
        "marrow-and-vell-meet-in-port-calloway"}
DEMO_DENIALS = {
    "veloria-drustan-ceasefire": [
        (KESH, KESH),
        ({"first-ceasefire-violation-alleged"}, {"first-ceasefire-violation-alleged"})],
    # Brightline's researchers say the stolen data holds passwords; Quillon denies it
    # (reported by the Meridian Post and, recalled, by the Valecrest Times): one case
    "quillon-data-breach": [
        ({"researchers-say-quillon-passwords-exposed", "regulator-opens-quillon-investigation"},
         {"researchers-say-quillon-passwords-exposed", "regulator-opens-quillon-investigation"})],
    "alvarez-embezzlement-trial": [
        ({"former-transit-finance-chief-trial-opens", "alvarez-lawyer-never-took-a-cent",
          "alvarez-found-guilty", "alvarez-trial-closing-arguments"},
         {"alvarez-denies-embezzlement-on-stand", "transit-riders-react-alvarez-verdict"})],
    "eastbridge-closure": [({"eastbridge-warnings-2021"}, {"eastbridge-warnings-2021"})],
}


@pytest.fixture(scope="module")
def demo_found() -> dict[str, tuple[dict[str, str], list]]:
    """Each demo event: its articles' slugs by id, and the disagreements found in it."""
    from storyline.analyze.pipeline import analyze
    from storyline.digest.disagreements import find_disagreements
    from storyline.ingest.jsonl import read_jsonl_bytes

    raw = files("storyline.demo").joinpath("articles.jsonl").read_bytes()
    by_event: dict[str, list[Article]] = {}
    for a in read_jsonl_bytes(raw, "articles.jsonl"):
        by_event.setdefault(a.extra["event"], []).append(a)
    return {event: ({a.id: a.url.rsplit("/", 1)[-1] for a in articles},
                    find_disagreements(analyze(articles)))
            for event, articles in sorted(by_event.items())}


@pytest.fixture(scope="module")
def demo_results(demo_found):
    out = []
    for event, (slug, found) in demo_found.items():
        disputes, denials = _found(found)
        got_disputes = [{slug[i] for i in d} for d in disputes]
        want = DEMO_DISPUTES.get(event, [])
        # a found dispute matches a planted one when it cites articles of that one only
        matched = [next((w for w in want if d <= w), d) for d in got_disputes]
        planted = DEMO_DENIALS.get(event, [])
        named = [next((n for n, (claims, denials) in enumerate(planted)
                       if slug[a] in claims and slug[b] in denials), (slug[a], slug[b]))
                 for a, b in denials]
        out.append((event, want, list(range(len(planted))), matched, named))
    return out


def test_demo_planted_disagreements(demo_results):
    """No false disagreement on the demo, and at least 6 of its 7 planted cases found: both
    disputes, the claims denied in their own sentence, those answered a few lines after the
    accusation in the same article, and one across articles (the stance model). The one
    miss: the Eastbridge mayor's denial shares no word with the councillor's charge."""
    precision, recall, misses = _precision_recall(demo_results)
    assert precision >= 0.95 and recall >= 6 / 7, misses


def test_one_claim_denied_in_three_outlets_is_one_item(demo_found):
    """The shelling of Kesh, which Veloria blames on Drustan and Drustan denies, is reported
    by three outlets: one item names them all and shows each one's statements, its claimant
    named ("Veloria", not the Meridian Post's "the ministry"). The breach of the ceasefire
    that Veloria alleges three weeks later, denied by Drustan too, stays an item of its own."""
    slug, found = demo_found["veloria-drustan-ceasefire"]
    denials = [d for d in found if d.kind == "denial"]
    kesh = [d for d in denials if {slug[c.article_id] for c in d.statements} & KESH]
    assert len(kesh) == 1, [d.description for d in denials]
    [item] = kesh
    assert {slug[c.article_id] for c in item.statements} == KESH, item.statements
    outlets = {"Lantern Herald", "Harbor Ledger", "Meridian Post"}
    assert set(item.outlets) == outlets, item.outlets
    assert all(o in item.description for o in outlets), item.description
    assert "by Veloria" in item.description, item.description
    breach = [d for d in denials if "first-ceasefire-violation-alleged"
              in {slug[c.article_id] for c in d.statements}]
    assert len(breach) == 1 and breach[0] is not item, [d.description for d in denials]
    assert {slug[c.article_id] for c in breach[0].statements} == {
        "first-ceasefire-violation-alleged"}


def test_seed_pile_names_the_convoy_claim_and_denial(shared_data, tmp_path):
    """The seed pile read as lines: the US claim and Moscow's denial about the convoy, and no
    dispute over numbers (the lines carry no dates or outlets)."""
    from storyline.analyze.pipeline import analyze
    from storyline.digest.disagreements import find_disagreements
    from storyline.ingest.formats import read_path

    articles = [a for a in read_path(shared_data / "seed" / "pile.txt", "lines")
                if isinstance(a, Article)]
    assert len(articles) >= 20
    found = find_disagreements(analyze(articles))
    assert not [d for d in found if d.kind == "number"], [d.description for d in found]
    denials = [d for d in found if d.kind == "denial"]
    assert len(denials) == 1, [d.description for d in denials]
    [denial] = denials
    assert "USA" in denial.description and "Moscow" in denial.description
    assert "convoy" in denial.statements[0].text


@pytest.mark.slow
def test_timeline17_no_outlet_disputes_itself(shared_data):
    """A Timeline17 topic is one outlet: every dispute found must come from one article
    that states both values in one sentence."""
    from storyline.analyze.pipeline import analyze
    from storyline.digest.disagreements import number_disagreements
    from storyline.ingest.datasets import read_timeline17

    topic = shared_data / "timeline17" / "H1N1_guardian"
    articles = [a for a in read_timeline17(topic) if isinstance(a, Article)]
    found = number_disagreements(analyze(articles, workers=2), limit=1000)
    assert all(len({c.article_id for c in d.statements}) == 1 for d in found), json.dumps(
        [d.description for d in found])


@pytest.mark.slow
def test_seed_pile_through_the_cli(shared_data, tmp_path, models):
    """As a user: ingest the pile with --format lines, then every story's digest: the convoy
    claim and denial are named once, and no figure is set against another.

    ``ingest`` runs as the user runs it (a process of its own); ``stories`` and ``show`` run
    in this process (``run_cli``), so the models load once, not once per story."""
    import subprocess
    import sys

    from conftest import run_cli

    db = ["--db", str(tmp_path / "pile.db")]

    def run(*args: str) -> str:
        done = run_cli(*args, *db)
        assert done.exit_code == 0, done.stderr
        return done.stdout

    ingest = subprocess.run([sys.executable, "-c", "from storyline.cli import main; main()",
                             "ingest", str(shared_data / "seed" / "pile.txt"), "--format",
                             "lines", *db], capture_output=True, text=True, timeout=600,
                            check=False)
    assert ingest.returncode == 0, ingest.stderr
    stories = json.loads(run("stories", "--format", "json"))
    told = []
    for story in stories:
        lines = run("show", story["id"]).splitlines()
        if "where sources disagree" in lines:
            start = lines.index("where sources disagree") + 1
            for line in lines[start:]:
                if not line.startswith(" "):
                    break  # the next part of the digest
                if line.startswith("  - "):
                    told.append(line.strip())
    claims = [t for t in told if "claim" in t]
    assert len(claims) == 1 and "USA" in claims[0] and "Moscow" in claims[0], told
    assert not [t for t in told if t.startswith("- Reports differ")], told


def test_two_outlets_reporting_one_denial_make_one_item():
    """The union's charge that the shipyard dumps oil, and the shipyard's denial, in two
    outlets: one item naming both, each outlet's statements under it. The same union's
    charge over pay a month later, denied by the same shipyard, is another dispute."""
    from storyline.analyze.pipeline import analyze
    from storyline.digest.disagreements import denial_disagreements

    arts = [
        Article(id="n1", source="Coast Wire", published=datetime(2031, 9, 3), text=(
            "The dockers' union accused the Norra shipyard on Monday of dumping waste oil into "
            "Brenna Bay. \"We have seen the tankers empty their bilges at night,\" union leader "
            "Ada Holm said. The shipyard denied dumping any oil in the bay.")),
        Article(id="n2", source="Bay Herald", published=datetime(2031, 9, 4), text=(
            "The Norra shipyard on Tuesday rejected the union's claim that it dumped waste oil "
            "into Brenna Bay, and invited inspectors to visit its dry docks.")),
        Article(id="n3", source="Bay Herald", published=datetime(2031, 10, 2), text=(
            "The dockers' union accused the Norra shipyard on Wednesday of withholding overtime "
            "pay from two hundred welders. The shipyard denied withholding any pay.")),
    ]
    found = denial_disagreements(analyze(arts))
    cited = [{c.article_id for c in d.statements} for d in found]
    assert sorted(map(sorted, cited)) == [["n1", "n2"], ["n3"]], [d.description for d in found]
    [oil] = [d for d in found if "n1" in {c.article_id for c in d.statements}]
    assert set(oil.outlets) == {"Coast Wire", "Bay Herald"}
    assert "Coast Wire" in oil.description and "Bay Herald" in oil.description


def test_a_pronoun_denies_only_for_the_one_name_it_can_stand_for():
    from storyline.analyze.pipeline import analyze
    from storyline.digest.denial_reading import read_denials

    def deniers(text: str) -> list[str]:
        [item] = analyze([Article(id="p", text=text, source="Bay Herald",
                                  published=datetime(2031, 5, 2))])
        return [d.denier for d in read_denials([item])]

    # "it": the shipyard, Delft or Ostra? Nobody, rather than the wrong one.
    assert deniers("A spokesman at Norra Shipyard in Delft said the fall in shares was "
                   "related to the Ostra incident, but it denied any knowledge of legal "
                   "cases.") == []
    # "She", two sentences after the only person named: Maria Vell.
    found = deniers("Maria Vell was convicted on Monday of taking the money. The court sat "
                    "for three weeks. She had denied stealing the money from the fund.")
    assert found and all("Vell" in d for d in found)
