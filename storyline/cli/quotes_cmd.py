"""``storyline quotes ARTICLES.jsonl``: who said what (INTERFACES.md section 5)."""

from __future__ import annotations

from storyline.cli.app import WorkersOption, app, print_json
from storyline.cli.dates_cmd import ArticlesArgument, analyzed, read_articles


@app.command()
def quotes(path: ArticlesArgument, workers: WorkersOption = None) -> None:
    """Print every attributed statement, direct or reported, one JSON object per line.

    `speaker` is the resolved name ("he" becomes the person the article named);
    `speaker_start/end` point at the mention that attributes the statement.
    """
    for article, analysis in analyzed(read_articles(path), workers):
        for q in analysis.quotes:
            print_json({"article_id": article.id, "speaker": q.speaker,
                        "speaker_start": q.speaker_start, "speaker_end": q.speaker_end,
                        "quote": q.quote, "start": q.start, "end": q.end, "cue": q.cue,
                        "cue_start": q.cue_start, "cue_end": q.cue_end, "direct": q.direct})
