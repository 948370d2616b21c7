"""Run the application with uvicorn: one process, or several worker processes.

Workers are separate processes (each with its own store connections and page cache), so
they read their configuration from the environment that ``run`` sets up for them.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
import threading

from storyline.errors import ServeError
from storyline.serve.app import CACHE_ENV, TOKEN_ENV, ServeConfig, create_app

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def check_port(host: str, port: int) -> None:
    """Raise ``ServeError`` when ``host:port`` cannot be bound (in use, no such address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(f"port {port} on {host}: already in use") from None
            raise ServeError(f"{host} port {port}: cannot listen ({exc.strerror})") \
                from None


def precompute_digests(db_url: str | None, count: int, *, on_done=None) -> threading.Thread:
    """Build the digests of the ``count`` newest stories in a background thread.

    Pages compute a missing digest on their first visit anyway; this makes first visits of
    the newest stories fast. Safe beside the workers: a digest is stored once per version.
    """

    def work() -> None:
        from storyline.serve.digests import DigestCache, default_builder
        from storyline.store.database import open_store

        builder = default_builder()
        try:
            store = open_store(db_url)
            try:
                ids = [s.id for s in store.list_stories(limit=count)]
                built = DigestCache(store, builder).warm(ids)
            finally:
                store.close()
        except Exception as exc:  # noqa: BLE001 - the server goes on; pages build on demand
            print(f"storyline: precomputing summaries stopped: {exc}".splitlines()[0],
                  file=sys.stderr)
            return
        if on_done:
            on_done(built, len(ids))

    thread = threading.Thread(target=work, name="storyline-precompute", daemon=True)
    thread.start()
    return thread


def run(config: ServeConfig, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
        log_level: str = "warning", access_log: bool = False, precompute: int = 0,
        on_precomputed=None) -> None:
    """Serve until interrupted (after starting to precompute the newest digests, if asked)."""
    import uvicorn

    check_port(host, port)
    if precompute > 0:
        precompute_digests(config.db_url, precompute, on_done=on_precomputed)
    if workers <= 1:
        uvicorn.run(create_app(config), host=host, port=port, log_level=log_level,
                    access_log=access_log)
        return
    if config.db_url:
        os.environ["STORYLINE_DB"] = config.db_url
    if config.token:
        os.environ[TOKEN_ENV] = config.token
    else:
        os.environ.pop(TOKEN_ENV, None)
    os.environ[CACHE_ENV] = str(config.cache_seconds)
    uvicorn.run("storyline.serve.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level=log_level, access_log=access_log)
