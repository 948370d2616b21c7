"""``--format lines``: one article per line, ``source<TAB>text`` naming the outlet."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

from storyline.ingest.formats import read_path
from storyline.ingest.records import Skip
from storyline.model import Article

PILE = (
    "Rescue teams reached the flooded village of Orna on Monday.\n"
    "\n"
    "Harbor Post\tThe river Orla rose two metres overnight, officials said.\n"
    "   \n"
    "\tA line whose outlet field is empty is all text.\n"
    + "x" * 100 + "\tA first field too long to be an outlet name stays in the text.\n"
)


def test_one_article_per_line_with_optional_outlet(tmp_path):
    path = tmp_path / "pile.txt"
    path.write_text(PILE, encoding="utf-8")
    items = list(read_path(path, "lines"))
    assert all(isinstance(a, Article) for a in items)
    assert [a.source for a in items] == [None, "Harbor Post", None, None]
    assert items[0].text == "Rescue teams reached the flooded village of Orna on Monday."
    assert items[1].text == "The river Orla rose two metres overnight, officials said."
    assert items[2].text == "A line whose outlet field is empty is all text."
    assert items[3].text.startswith("x" * 100 + "\t")
    assert all(a.title is None and a.published is None for a in items)
    assert [a.extra["line"] for a in items] == [1, 3, 5, 6]
    assert len({a.id for a in items}) == 4


def test_gzip_and_undecodable_lines(tmp_path):
    path = tmp_path / "pile.txt.gz"
    path.write_bytes(gzip.compress(b"First line.\n" + b"bad \xff byte\nLast line.\n"))
    items = list(read_path(path, "lines"))
    assert [type(x).__name__ for x in items] == ["Article", "Skip", "Article"]
    skip = items[1]
    assert isinstance(skip, Skip) and skip.where.endswith("pile.txt.gz:2")


def test_ingest_cli_reads_lines(tmp_path):
    path = tmp_path / "pile.txt"
    path.write_text(PILE, encoding="utf-8")
    db = tmp_path / "s.db"
    run = subprocess.run([sys.executable, "-c", "from storyline.cli import main; main()",
                          "ingest", str(path),
                          "--format", "lines", "--db", str(db), "--json", "--no-stories"],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["ingested"] == 4
