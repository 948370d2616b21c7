"""``storyline serve``: web pages and a JSON API over the store.

>>> from storyline.serve import ServeConfig, create_app
>>> create_app(ServeConfig(db_url="sqlite://")).title
'storyline'
"""

from storyline.serve.app import ServeConfig, create_app

__all__ = ["ServeConfig", "create_app"]
