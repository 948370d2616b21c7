"""``storyline show``'s "who said what" lines read as English for every cue."""

from __future__ import annotations

from storyline.cli import stories_cmd
from storyline.model import Digest, Quote


def quote(speaker: str, cue: str, text: str, addressee: str = "") -> Quote:
    return Quote(speaker, 0, len(speaker), text, 0, len(text), cue, 0, len(cue), False,
                 article_id="a1", addressee=addressee)


def test_according_to_puts_the_source_after_it(capsys):
    digest = Digest("s", quotes=[
        quote("the indictment", "according to", "two of the companies were hers"),
        quote("Elena Marsh", "told", "the trial would last three weeks", "the jury")])
    stories_cmd._print_digest(digest, {})
    lines = capsys.readouterr().out.splitlines()
    assert "  according to the indictment: two of the companies were hers" in lines
    assert "  Elena Marsh told the jury: the trial would last three weeks" in lines
    assert not any("indictment according to" in line for line in lines)
