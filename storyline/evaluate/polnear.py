"""PolNeAR (Newell et al. 2018): political news articles with attribution annotations.

``<split>/text/<name>.txt`` is the raw article; ``<split>/attributions/<name>_<annotator>.ann``
is brat standoff: ``T`` lines ``Source``/``Cue``/``Content`` with character offsets into the
text (a span may have pieces: ``0 5;10 20``), ``E`` lines tie them into one attribution.
Where several annotators did an article, the one ``metadata.tsv`` names first is read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from storyline.model import Article

Pieces = tuple[tuple[int, int], ...]
_QUOTE_MARKS = "\"“”«»„"


@dataclass(slots=True)
class GoldAttribution:
    content: Pieces
    source: Pieces | None  # None: an attribution without a named source
    cue: Pieces | None
    direct: bool  # the content is a quotation in quotation marks


@dataclass(slots=True)
class Document:
    name: str
    article: Article
    attributions: list[GoldAttribution] = field(default_factory=list)


def _pieces(raw: str) -> Pieces:
    out = []
    for part in raw.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return tuple(out)


def is_direct(text: str, pieces: Pieces) -> bool:
    """A content span is a direct quote when a quotation mark opens it (inside the span or
    right before it)."""
    start = pieces[0][0]
    inner = text[start:pieces[-1][1]].lstrip()
    if inner[:1] in _QUOTE_MARKS:
        return True
    before = text[max(0, start - 3):start].rstrip()
    return bool(before) and before[-1] in _QUOTE_MARKS


def read_ann(path: Path, text: str) -> list[GoldAttribution]:
    """The attributions of one brat file (those with a Content span)."""
    spans: dict[str, Pieces] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            label, _, where = parts[1].partition(" ")
            if label in ("Source", "Cue", "Content"):
                spans[parts[0]] = _pieces(where)
        elif line.startswith("E"):
            parts = line.split("\t")
            roles = {}
            for item in parts[1].split()[1:]:
                role, _, ref = item.partition(":")
                roles[re.sub(r"\d+$", "", role)] = ref
            events.append(roles)
    out = []
    for roles in events:
        content = spans.get(roles.get("Content", ""))
        if not content:
            continue
        out.append(GoldAttribution(content=content, source=spans.get(roles.get("Source", "")),
                                   cue=spans.get(roles.get("Cue", "")),
                                   direct=is_direct(text, content)))
    return out


def _metadata(root: Path) -> dict[str, tuple[list[str], str]]:
    path = root / "metadata.tsv"
    out: dict[str, tuple[list[str], str]] = {}
    if not path.exists():
        return out
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            out.setdefault(row["filename"], (row["annotators"].split("|"),
                                             row["publication_date"]))
    return out


def read_split(folder: Path, limit: int | None = None) -> Iterator[Document]:
    """The documents of one split folder (``.../polnear/dev``), in name order."""
    texts = sorted((folder / "text").glob("*.txt"))
    meta = _metadata(folder.parent)
    anns = sorted((folder / "attributions").glob("*.ann"))
    for n, text_path in enumerate(texts):
        if limit is not None and n >= limit:
            return
        name = text_path.stem
        text = text_path.read_text(encoding="utf-8")
        annotators, published = meta.get(name, ([], ""))
        mine = [p for p in anns if p.stem.rsplit("_", 1)[0] == name]
        ranked = sorted(mine, key=lambda p: (p.stem.rsplit("_", 1)[1] not in annotators[:1],
                                             p.name))
        gold = read_ann(ranked[0], text) if ranked else []
        when = None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", published or ""):
            when = datetime.fromisoformat(published).replace(tzinfo=UTC)
        yield Document(name, Article(text=text, id=name, published=when), gold)
