"""Digests of a story: summary with citations, timeline, quotes, disagreements.

The package is callable: ``storyline.digest(story)`` is :func:`storyline.digest.story.digest`
(so the public API's ``digest`` and this package are one name; importing the package stays
cheap, the analysis is imported on the first call).
"""

import sys
import types


class _CallablePackage(types.ModuleType):
    """``storyline.digest``: a package that is also the public ``digest`` function."""

    def __call__(self, story, *, articles=None, size=None):
        """The digest of ``story`` (see :func:`storyline.digest.story.digest`)."""
        from storyline.digest.story import digest

        return digest(story, articles=articles, size=size)


sys.modules[__name__].__class__ = _CallablePackage
