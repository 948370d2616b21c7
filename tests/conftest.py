"""Shared fixtures: the evaluation data folder, stores on SQLite and PostgreSQL, and the CLI
run in this process with models loaded once per session (``run_cli``, ``models``)."""

from __future__ import annotations

import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))
PG_URL = os.environ.get("STORYLINE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (the evaluation sets); tests using it skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"evaluation data not found at {SHARED_DATA} (set STORYLINE_SHARED_DATA)")
    return SHARED_DATA


def _pg_admin_engine(url: str | None = None):
    from sqlalchemy import create_engine

    from storyline.store.database import normalize_db_url

    return create_engine(normalize_db_url(url or PG_URL), isolation_level="AUTOCOMMIT")


def _private_pg_cluster() -> tuple[str | None, str, object]:
    """Start a throwaway PostgreSQL cluster from Debian's postgresql package binaries
    (``/usr/lib/postgresql/<version>/bin``): initdb with trust auth into a temporary folder,
    listening on 127.0.0.1 on a free port. As root, the server runs as the ``postgres`` user
    (it refuses to run as root). Returns (url or None, problem, stop)."""
    import shutil
    import socket
    import subprocess
    import tempfile

    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if not candidates:
        return None, "no initdb under /usr/lib/postgresql (install Debian's postgresql)", None
    bindir = candidates[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        try:
            import pwd

            owner = pwd.getpwnam("postgres")
        except KeyError:
            return None, "running as root and there is no postgres user", None
        if not runuser:
            return None, "running as root and runuser is missing", None
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        prefix = [runuser, "-u", "postgres", "--"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data, log = folder / "data", folder / "server.log"

    def stop() -> None:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True, timeout=60, check=False)
        shutil.rmtree(folder, ignore_errors=True)

    steps = [
        [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
         "-E", "UTF8"],
        [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
         f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
         "-c synchronous_commit=off -c full_page_writes=off", "start"],
    ]
    for step in steps:
        done = subprocess.run([*prefix, *step], capture_output=True, text=True, timeout=120,
                              check=False)
        if done.returncode != 0:
            problem = (done.stderr or done.stdout).strip().splitlines()
            stop()
            return None, f"{Path(step[0]).name} failed: {problem[-1] if problem else '?'}", None
    return f"postgresql://postgres@127.0.0.1:{port}/postgres", "", stop


@pytest.fixture(scope="session")
def pg_server():
    """The PostgreSQL server's URL: the one at $STORYLINE_TEST_PG_URL if it answers, else the
    system cluster started with Debian's tools, else a private throwaway cluster."""
    import subprocess

    from sqlalchemy import text

    def reachable(url: str | None = None) -> str | None:
        try:
            engine = _pg_admin_engine(url)
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            return None
        except Exception as exc:  # noqa: BLE001
            return str(exc).splitlines()[0]

    problem = reachable()
    if problem and Path("/etc/postgresql").is_dir():
        for version in os.listdir("/etc/postgresql"):
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                           capture_output=True, timeout=60, check=False)
        problem = reachable()
    if not problem:
        yield PG_URL
        return
    url, why, stop = _private_pg_cluster()
    if url and (late := reachable(url)):
        stop()
        url, why = None, late
    if not url:
        pytest.skip(f"no PostgreSQL server at {PG_URL} ({problem}) and a private one could "
                    f"not be started: {why}")
    try:
        yield url
    finally:
        stop()


@pytest.fixture
def pg_url(pg_server: str):
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"storyline_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path) -> str:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url: str):
    from storyline.store import open_store

    opened = open_store(store_url)
    yield opened
    opened.close()


# -- the CLI in this process ---------------------------------------------------------------


@dataclass(slots=True)
class CliRun:
    """What one ``storyline`` command did: its exit status and what it wrote."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def models() -> None:
    """spaCy and the sentence encoder, loaded once for the whole session: tests that run the
    CLI in this process (``run_cli``) share them instead of loading them per command."""
    from storyline.analyze import nlp, vectors

    nlp.nlp()
    vectors.load()


@pytest.fixture(scope="session")
def demo_stories():
    """The demo corpus's articles and the stories ``storyline.group`` makes of them, grouped
    once per test process (the digest tests of single demo stories share them)."""
    from importlib.resources import files

    import storyline as sl

    articles = [a for a in sl.read([files("storyline.demo").joinpath("articles.jsonl")])
                if isinstance(a, sl.Article)]
    return articles, sl.group(articles)


def run_cli(*args: str) -> CliRun:
    """``storyline ARGS`` in this process, through the console script's ``main()`` (so its
    error messages and exit codes are the user's), with stdout and stderr captured.

    Loaded models stay loaded between calls: what a subprocess per command would load again
    (seconds each) is paid once. End-to-end tests keep at least one real subprocess per
    command; this is for the many checks around them.
    """
    from typer.testing import CliRunner

    from storyline.cli import main

    runner = CliRunner()
    saved = sys.argv
    with runner.isolation() as streams:
        sys.argv = ["storyline", *args]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.argv = saved
            sys.stdout.flush()  # the text layer over the captured bytes buffers
            sys.stderr.flush()
        stdout, stderr = streams[0].getvalue(), streams[1].getvalue()
    return CliRun(code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))
