"""The lead of each story card: its summary's first sentence and how many articles cite it.

Read from the digests already stored (``Store.stored_digest_data``: one read for a page of
stories); a story whose digest is not built yet has no lead (the list page never waits for
the NLP pipeline). A stored
digest whose lead cites an article that is no longer in the story is not used.

>>> Lead("Rain fell.", 3).sources
3
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(slots=True)
class Lead:
    text: str
    sources: int  # articles citing the sentence (its corroboration), its own first
    article_id: str = ""


def leads(store, stories: Sequence) -> dict[str, Lead]:
    """Story id -> lead, for the stories (anything with an ``id``) whose digest is stored."""
    stored, members = store.stored_digest_data([s.id for s in stories])
    out: dict[str, Lead] = {}
    for story_id, blob in stored.items():
        try:
            data = json.loads(zlib.decompress(blob))
        except (zlib.error, ValueError):
            continue
        summary = data.get("summary") or []
        if not summary:
            continue
        first = summary[0]
        if first.get("article_id") not in members[story_id]:
            continue
        sources = [s for s in first.get("sources", []) if s in members[story_id]]
        out[story_id] = Lead(first.get("text", ""), max(1, len(sources)), first["article_id"])
    return out
