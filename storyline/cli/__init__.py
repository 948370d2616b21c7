"""The ``storyline`` command: one typer app, one module per group of commands.

Each command module registers itself on ``app`` when imported; add one line per module.
"""

from storyline.cli.app import app, main

# Importing a command module registers its commands (one line per module).
from storyline.cli import articles_cmd
from storyline.cli import dates_cmd
from storyline.cli import demo_cmd
from storyline.cli import eval_cmd
from storyline.cli import eval_quotes
from storyline.cli import eval_summarize
from storyline.cli import eval_timeline
from storyline.cli import eval_standalone
from storyline.cli import eval_update
from storyline.cli import ingest_cmd
from storyline.cli import quotes_cmd
from storyline.cli import serve_cmd
from storyline.cli import summarize_cmd
from storyline.cli import timeline_cmd
from storyline.cli import stories_cmd
from storyline.cli import eval_stories
from storyline.cli import eval_stance
from storyline.cli import eval_snippets
from storyline.cli import stance_cmd
from storyline.cli import watch_cmd

__all__ = ["app", "main"]
