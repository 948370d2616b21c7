"""Cache versions follow the code that makes what is cached, with no hand-bumped number."""

from __future__ import annotations

import pytest

from storyline import versions


@pytest.fixture
def package(tmp_path, monkeypatch):
    (tmp_path / "analyze").mkdir()
    (tmp_path / "analyze" / "quotes.py").write_text("RULE = 1\n")
    (tmp_path / "analyze" / "weights.json").write_text("[0.5]")
    (tmp_path / "digest.py").write_text("X = 1\n")
    monkeypatch.setattr(versions, "PACKAGE", tmp_path)
    versions.code_version.cache_clear()
    yield tmp_path
    versions.code_version.cache_clear()


def _fresh(*parts: str, extra: str = "") -> str:
    versions.code_version.cache_clear()
    return versions.code_version(*parts, extra=extra)


def test_a_change_to_code_or_shipped_weights_changes_the_version(package):
    before = _fresh("analyze")
    (package / "analyze" / "quotes.py").write_text("RULE = 2\n")
    after_code = _fresh("analyze")
    (package / "analyze" / "weights.json").write_text("[0.6]")
    after_weights = _fresh("analyze")
    assert len({before, after_code, after_weights}) == 3


def test_other_parts_and_compiled_files_leave_it_alone(package):
    before = _fresh("analyze")
    (package / "digest.py").write_text("X = 2\n")
    (package / "analyze" / "__pycache__").mkdir()
    (package / "analyze" / "__pycache__" / "quotes.cpython-311.pyc").write_bytes(b"\0")
    assert _fresh("analyze") == before
    assert _fresh("analyze", extra="spacy==3.9") != before


def test_the_analysis_version_fits_the_stores_column():
    from storyline.analyze.pipeline import VERSION
    from storyline.store.schema import analyses

    assert VERSION.startswith("a") and len(VERSION) <= analyses.c.version.type.length
