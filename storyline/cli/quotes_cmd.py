"""``storyline quotes ARTICLES.jsonl``: who said what (docs/formats.md §5)."""

from __future__ import annotations

from storyline.cli.app import WorkersOption, app, print_json
from storyline.cli.dates_cmd import ArticlesArgument, analyzed, read_articles


@app.command()
def quotes(path: ArticlesArgument, workers: WorkersOption = None) -> None:
    """Print every attributed statement, direct or reported, one JSON object per line.

    `speaker` is the resolved name ("he" becomes the person the article named; a pronoun
    the article does not resolve stays as written); `speaker_start/end` point at the mention
    that attributes the statement. Optional fields, present only when they say something:
    `parts` (the pieces of a statement its cue splits), `addressee` ("reporters" in "told
    reporters"), `stance` (true: a stance read from a verb's object, not speech).
    """
    for article, analysis in analyzed(read_articles(path), workers):
        for q in analysis.quotes:
            row = {"article_id": article.id, "speaker": q.speaker,
                   "speaker_start": q.speaker_start, "speaker_end": q.speaker_end,
                   "quote": q.quote, "start": q.start, "end": q.end, "cue": q.cue,
                   "cue_start": q.cue_start, "cue_end": q.cue_end, "direct": q.direct}
            if q.parts:
                row["parts"] = [list(p) for p in q.parts]
            if q.addressee:
                row["addressee"] = q.addressee
            if q.stance:
                row["stance"] = True
            print_json(row)
