"""The bad-input corpus (tests/bad_inputs/): each file, read as `storyline ingest` reads it,
gives the articles it should and names every problem with the message in expected.json.

The corpus holds the inputs a hostile-input probe broke (issue 17) and those handled before;
a new kind of bad input gets a file here and its expected messages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline import limits
from storyline.ingest.runner import IngestReport, collect

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
CASES = sorted(name for name in EXPECTED if not name.startswith("_"))


def test_every_file_of_the_corpus_has_its_expectation():
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.json"}
    assert files == set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_bad_input_gives_its_articles_and_named_skips(name, monkeypatch):
    for limit, value in EXPECTED["_limits"].items():
        monkeypatch.setattr(limits, limit, value)
    expected = EXPECTED[name]
    report = IngestReport()
    articles = collect([CORPUS / name], None, report)  # raises nothing: that is the point
    low, high = (expected["ingested"],) * 2 if isinstance(expected["ingested"], int) \
        else expected["ingested"]
    assert low <= len(articles) <= high
    messages = [s.message().replace(f"{CORPUS}/", "") for s in report.skips]
    assert len(messages) == len(expected["skips"]), messages
    for message, wanted in zip(messages, expected["skips"], strict=True):
        if wanted.endswith("*"):
            assert message.startswith(wanted[:-1]), message
        else:
            assert message == wanted
