"""The web application: pages and a JSON API over one store.

>>> from fastapi.testclient import TestClient
>>> client = TestClient(create_app(ServeConfig(db_url="sqlite://")))
>>> client.get("/api/stories").json()["total"]
0
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader

from storyline.serve.digests import DigestCache, default_builder
from storyline.store.database import Store, open_store

HERE = Path(__file__).resolve().parent
TOKEN_ENV = "STORYLINE_API_TOKEN"
CACHE_ENV = "STORYLINE_SERVE_CACHE_SECONDS"

# Pages only load our own script and style sheet; article text can never run as code.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


@dataclass(slots=True)
class ServeConfig:
    """How to serve: which store, the API write token, how long pages may be reused."""

    db_url: str | None = None
    token: str | None = None  # None: writes through the API are off
    cache_seconds: float = 5.0  # rendered pages are reused this long (0: never)
    compute_digests: bool = True  # build a missing digest on the story's first visit

    @classmethod
    def from_env(cls) -> ServeConfig:
        """The configuration worker processes read (set by ``storyline serve``)."""
        return cls(
            db_url=os.environ.get("STORYLINE_DB") or None,
            token=os.environ.get(TOKEN_ENV) or None,
            cache_seconds=float(os.environ.get(CACHE_ENV, "5")),
        )


class PageCache:
    """Rendered pages by address, reused for a few seconds (bounded, least recent out).

    A news reader's pages change only when articles arrive, so reusing a page for seconds
    keeps the server fast under load; an ingest through this server empties the cache.
    """

    def __init__(self, seconds: float, size: int = 4096) -> None:
        self.seconds = seconds
        self.size = size
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        if self.seconds <= 0:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, body: bytes) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            self._items[key] = (time.monotonic() + self.seconds, body)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def make_templates() -> Environment:
    """Jinja2 with autoescaping on for every template (article text is never trusted)."""
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    return env


def create_app(config: ServeConfig | None = None, store: Store | None = None) -> FastAPI:
    """The application for ``config`` (or the environment), over ``store`` if given."""
    from storyline.serve import api, pages

    config = config or ServeConfig.from_env()
    store = store or open_store(config.db_url)
    app = FastAPI(
        title="storyline",
        summary="Stories from many outlets: summaries with citations, timelines, quotes.",
        version="0.1.0",
        openapi_tags=[
            {"name": "read", "description": "Stories, articles and search."},
            {"name": "write", "description": "Ingest articles (needs the API token)."},
        ],
    )
    app.state.config = config
    app.state.store = store
    app.state.digests = DigestCache(store, default_builder() if config.compute_digests else None)
    app.state.pages = PageCache(config.cache_seconds)
    app.state.templates = make_templates()
    app.state.ingest_lock = threading.Lock()
    app.state.ingestor = None

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.headers.get("content-type", "").startswith("text/html") and \
                not request.url.path.startswith(("/docs", "/redoc")):
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def app_from_env() -> FastAPI:
    """Factory for uvicorn worker processes (``uvicorn --factory``)."""
    return create_app(ServeConfig.from_env())
