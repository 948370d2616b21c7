"""The web application: pages and a JSON API over one store.

>>> import tempfile
>>> from fastapi.testclient import TestClient
>>> folder = tempfile.mkdtemp()
>>> client = TestClient(create_app(ServeConfig(db_url=f"sqlite:///{folder}/s.db")))
>>> client.get("/api/stories").json()["total"]
0
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader

from storyline.serve.digests import DigestCache, default_builder
from storyline.serve.recent import Recent
from storyline.serve.settings import SETTINGS
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
    digest_wait: float = 3.0  # a page waits this long for a new digest, then says "pending"

    @classmethod
    def from_env(cls) -> ServeConfig:
        """The configuration worker processes read (set by ``storyline serve``)."""
        return cls(
            db_url=os.environ.get("STORYLINE_DB") or None,
            token=os.environ.get(TOKEN_ENV) or None,
            cache_seconds=float(os.environ.get(CACHE_ENV, "5")),
        )


CACHED_PREFIXES = ("/stories/", "/articles/")


class PageCacheMiddleware:
    """Answers a GET for a page from the page cache when it can, and remembers new pages.

    Plain ASGI (no request objects, no thread hop), so a reused page costs microseconds.
    """

    def __init__(self, app, cache: Recent) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if (scope["type"] != "http" or scope["method"] != "GET" or self.cache.seconds <= 0
                or not (path == "/" or path.startswith(CACHED_PREFIXES))):
            await self.app(scope, receive, send)
            return
        key = path + "?" + scope.get("query_string", b"").decode("latin-1")
        body = self.cache.get(key)
        if body is not None:
            await send({"type": "http.response.start", "status": 200, "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ]})
            await send({"type": "http.response.body", "body": body})
            return
        status, keep, parts = 0, True, []

        async def remember(message) -> None:
            nonlocal status, keep
            if message["type"] == "http.response.start":
                status = message["status"]
                # A page that is still waiting for its digest says so and is not kept.
                keep = not any(k.lower() == b"cache-control" and b"no-store" in v
                               for k, v in message.get("headers", []))
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if not message.get("more_body") and status == 200 and keep:
                    self.cache.put(key, b"".join(parts))
            await send(message)

        await self.app(scope, receive, remember)


class HeadMiddleware:
    """HEAD answered wherever GET is: the GET answer's status and headers, without a body."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class SecurityHeadersMiddleware:
    """``nosniff`` and ``no-referrer`` everywhere; a strict CSP on our own HTML pages (the
    API docs page sets its own)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope.get("path", "").startswith(("/docs", "/redoc"))

        async def add_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                is_html = any(k.lower() == b"content-type" and v.startswith(b"text/html")
                              for k, v in headers)
                if is_html and not docs:
                    headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_headers)


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
        docs_url=None,  # served below from the installed swagger-ui-bundle, not a CDN
        redoc_url=None,
    )
    # The installed Swagger UI (4.x) renders OpenAPI 3.0 documents only; it refused
    # FastAPI's "3.1.0" with "Unable to render this definition".
    app.openapi_version = "3.0.3"
    _add_offline_docs(app)
    app.state.config = config
    app.state.store = store
    app.state.digests = DigestCache(store, default_builder() if config.compute_digests else None)
    # Rendered pages by address, reused for a few seconds: a news reader's pages change
    # only when articles arrive; an ingest through this server empties the cache.
    app.state.pages = Recent(SETTINGS.remembered_pages, seconds=config.cache_seconds)
    # Story counts are kept as long as pages; the outlet menu (a GROUP BY over every
    # article) for a minute even when pages are not reused. An ingest here empties both.
    app.state.memo = Recent(SETTINGS.remembered_counts, seconds=config.cache_seconds)
    app.state.menus = Recent(SETTINGS.remembered_counts, seconds=SETTINGS.menu_seconds)
    app.state.templates = make_templates()
    app.state.ingest_lock = threading.Lock()
    app.state.ingestor = None

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    # -- issue 21: routes with {story_id} go before the {story_id:path} routes --
    from storyline.serve import feeds_out, updates_api

    app.include_router(updates_api.api_router)
    app.include_router(updates_api.page_router)
    app.include_router(feeds_out.router)
    # -- end issue 21 --
    app.include_router(api.router)
    app.include_router(pages.router)
    # Each one added wraps those before it: HEAD becomes GET before anything else sees it,
    # and the headers go on every answer, cached pages included.
    app.add_middleware(PageCacheMiddleware, cache=app.state.pages)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadMiddleware)
    return app


def _add_offline_docs(app: FastAPI) -> None:
    """Swagger UI at /docs with its scripts from the installed ``swagger-ui-bundle``.

    FastAPI's default page loads them from a CDN, which fails where the browser is offline.
    The page gets its own CSP: our scripts plus the one inline script that starts Swagger UI
    (allowed by its hash), and no framing.
    """
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
              name="docs-assets")
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url, title="storyline API",
        swagger_js_url="/docs-assets/swagger-ui-bundle.js",
        swagger_css_url="/docs-assets/swagger-ui.css",
        swagger_favicon_url="/docs-assets/favicon-32x32.png",
    )
    body = page.body.decode("utf-8")
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", body, re.S))
    policy = (f"default-src 'self'; script-src 'self' {hashes}; "
              "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
              "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui():
        return HTMLResponse(body, headers={"Content-Security-Policy": policy,
                                           "X-Frame-Options": "DENY"})


def app_from_env() -> FastAPI:
    """Factory for uvicorn worker processes (``uvicorn --factory``)."""
    return create_app(ServeConfig.from_env())
