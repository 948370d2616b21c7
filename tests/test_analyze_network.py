"""Analysis loads spaCy and the sentence model from installed packages: no network."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

GUARDED = textwrap.dedent("""
    import socket

    def refuse(*args, **kwargs):
        raise RuntimeError("network connection attempted")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from storyline.analyze.pipeline import analyze
    from storyline.model import Article

    [r] = analyze([Article(text='"We stay," Kerry said in Geneva on Friday.', id="n")])
    assert r.sentence_vectors.shape == (1, 384), r.sentence_vectors.shape
    assert r.analysis.quotes and r.analysis.entities
    print("ok")
""")


def test_analysis_opens_no_network_connection():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    run = subprocess.run([sys.executable, "-c", GUARDED], capture_output=True, text=True,
                         timeout=180, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().endswith("ok")


def test_the_guard_does_catch_a_connection():
    probe = GUARDED.split("from storyline")[0] + textwrap.dedent("""
        import urllib.request
        try:
            urllib.request.urlopen("http://127.0.0.1:9", timeout=2)
        except Exception as exc:
            print("blocked", "network connection attempted" in repr(exc))
    """)
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert "blocked True" in run.stdout, run.stdout + run.stderr
