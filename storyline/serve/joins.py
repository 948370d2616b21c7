"""Why a story holds its articles, for the API and the story page (``storyline.stories.why``).

Computed from the stored analyses (fast, no NLP model). Members without one are analyzed
when the caller allows it, in the process's one turn at the NLP pipeline that digest builds
also take, and the analyses are saved for the digest and for the next visit.

>>> row = why_row({"article_id": "a", "best_match": "b", "similarity": 0.41,
...                "days_apart": 1.0, "shared_entities": ["Geneva"], "shared_terms": [],
...                "weak": False, "title": "<b>T</b>", "source": None, "evidence": None},
...               titles={"b": "Talks resume"}, groups=[["b", "c"], ["a", "d"]])
>>> row["match_title"], row["href"], row["title"], row["group"]
('Talks resume', '/articles/a', '<b>T</b>', 2)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from storyline.model import Article
from storyline.serve import views
from storyline.serve.digests import DigestCache, story_version
from storyline.store.database import Store
from storyline.versions import code_version


def merged_into(store: Store, story_id: str) -> str | None:
    """The story ``story_id`` was merged into, or None."""
    return store.merged_into(story_id)


# The evidence JSON's shape and the way it is computed: derived from the code, never bumped
# by hand.
FORMAT = "why" + code_version("stories", "serve/joins.py", "versions.py")


def cache_key(story_id: str) -> str:
    """The row of the digests table that keeps a story's evidence (beside its digest).

    >>> cache_key("3f9a"), len(cache_key("x" * 64))
    ('why:3f9a', 44)
    """
    key = f"why:{story_id}"
    if len(key) <= 64:  # the table's key column
        return key
    return "why:" + hashlib.sha1(story_id.encode("utf-8")).hexdigest()


def story_why(store: Store, digests: DigestCache, story_id: str, articles: Sequence[Article],
              *, analyze: bool) -> dict[str, Any] | None:
    """The evidence JSON (``StoryWhy.to_json``) for these members, or None when some lack a
    stored analysis and ``analyze`` is false.

    Kept in the digests table for this exact set of members (and versions of the analysis
    and the digest): a story page costs the pairwise comparison once, not on every visit.
    """
    from storyline.stories.why import explain_stored

    version = story_version([FORMAT] + [a.id for a in articles])
    found = digests.cached(cache_key(story_id), version)
    if found is not None:
        return found
    why = explain_stored(store, story_id, articles, analyze_missing=False)
    if why is None and analyze:
        with digests.nlp_turn():
            why = explain_stored(store, story_id, articles, analyze_missing=True)
    if why is None:
        return None
    data = why.to_json()
    digests.put(cache_key(story_id), version, data)
    return data


def why_row(item: dict[str, Any], titles: dict[str, str],
            groups: Sequence[Sequence[str]] = ()) -> dict[str, Any]:
    """One article's evidence as the story page shows it (every string stays plain text);
    ``group``: its group's number when the story's members form groups (else None)."""
    match = item.get("best_match")
    group = next((n for n, ids in enumerate(groups, 1) if item["article_id"] in ids), None)
    return {**item, "href": views.article_href(item["article_id"]),
            "match_href": views.article_href(match) if match else None,
            "match_title": titles.get(match, match) if match else None, "group": group}
