"""No silent failure: a dependency that cannot be imported stops the CLI with one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from storyline.store import open_store

# ``None`` in sys.modules makes every ``import faiss`` raise ModuleNotFoundError, as when
# faiss-cpu is not installed; the console script's entry point then runs as usual.
HIDE_FAISS = ("import sys; sys.modules['faiss'] = None; sys.argv[0] = 'storyline'; "
              "from storyline.cli import main; main()")


def test_ingest_without_faiss_fails_with_one_line_and_stores_nothing(tmp_path: Path):
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"id": "x1", "title": "Floods close the valley road",
                                  "text": "Floods closed the valley road after days of rain.",
                                  "published": "2024-02-01"}) + "\n")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    done = subprocess.run([sys.executable, "-c", HIDE_FAISS, "ingest", str(source), "--db", db],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "faiss" in lines[0] and "pip install faiss-cpu" in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    store = open_store(db)
    try:
        stored = store.list_articles(include_duplicates=True, limit=None)
        assert stored == [] or not store.unassigned_article_ids()
    finally:
        store.close()
