"""``storyline serve``: web pages and a JSON API over the store.

>>> from storyline.serve import ServeConfig, create_app
>>> create_app(ServeConfig(db_url="sqlite://")).title
'storyline'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["ServeConfig", "create_app"]

if TYPE_CHECKING:
    from storyline.serve.app import ServeConfig, create_app


def __getattr__(name: str):
    # The web framework is imported when the app is asked for, not when a command only reads
    # stored digests (``storyline show`` imports ``storyline.serve.digests``).
    if name in __all__:
        from storyline.serve import app

        return getattr(app, name)
    raise AttributeError(f"module 'storyline.serve' has no attribute {name!r}")
