"""The store: SQLite by default, PostgreSQL for shared servers, one SQLAlchemy Core schema."""

from storyline.store.database import Store, default_db_url, open_store

__all__ = ["Store", "default_db_url", "open_store"]
