"""The digest of a story held in memory: analyze its articles, then compose the digest.

``storyline.digest(story)`` calls :func:`digest` (the ``storyline.digest`` package is
callable); a stored story's digest, with the store's cached analyses, is
``storyline.digest.compose.build_digest(store, story_id)``.

>>> from storyline.model import Article, Story
>>> a = Article(id="a", text="Mayor Ines Vark opened the new bridge over the Orla river.")
>>> d = digest(Story("s1", "A bridge", ["a"]), articles=[a])
>>> d.story_id, d.summary[0].article_id
('s1', 'a')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from storyline.digest.first_analysis import analyze_members
from storyline.errors import DigestError
from storyline.model import Article, Digest, Story

if TYPE_CHECKING:
    from storyline.digest.compose import DigestSize


def digest(story: Story, *, articles: Sequence[Article] | None = None,
           size: DigestSize | None = None) -> Digest:
    """The digest of ``story``: summary with citations, timeline, quotes, entities and
    disagreements.

    The articles are ``articles`` when given, else the story's own (``story.members``, which
    the stories of ``storyline.group`` carry). Raises ``DigestError`` for a story without them.
    """
    members = list(articles if articles is not None else getattr(story, "members", None) or [])
    if not members:
        raise DigestError(f"story {story.id}: its articles are not here to digest (give them "
                          "as articles=, or digest a stored story through its store)")
    analyzed = analyze_members(members)
    # Imported here, not before the analysis: for a big story, a thread imports it while the
    # workers load their models (``first_analysis``), ~1 s of scikit-learn off the wait.
    from storyline.digest.compose import compose

    return compose(story.id, analyzed, size)
