"""The ``storyline`` command: one typer app, one module per group of commands.

Each command module registers itself on ``app`` when imported below.
"""

from storyline.cli import articles_cmd, demo_cmd, ingest_cmd  # noqa: F401,E402  (registration)
from storyline.cli.app import app, main

__all__ = ["app", "main"]
