"""Archives (.zip, .tar, .tar.gz) of any supported files, read in memory."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from storyline.ingest.formats import detect_format, read_path
from storyline.ingest.records import InputError, Skip
from storyline.model import Article

MEMBERS = {
    "batch/lines.jsonl": b'{"text": "Archived line one."}\n{bad json\n{"text": "Line three."}\n',
    "batch/rows.csv.gz": gzip.compress(b"title,text\nRow,Archived row.\n"),
    "batch/2022-08-01/note.txt": b"Note title\nArchived note.\n",
    "batch/docs/d01/APW20000101.0001":
        b"<DOC><DOCNO> APW20000101.0001 </DOCNO><TEXT> Archived SGML. </TEXT></DOC>",
    "batch/T_wire/InputDocs/2010-01-12/0.htm.txt": b"Archived timeline doc .",
    "batch/picture.png": b"\x89PNG\r\n\x1a\n",
    "__MACOSX/._lines.jsonl": b"\x00\x05\x16\x07",
}


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def write_tar(path: Path, members: dict[str, bytes], mode: str) -> None:
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def check(items, archive: Path) -> None:
    got = [i for i in items if isinstance(i, Article)]
    assert sorted(a.text for a in got) == sorted([
        "Archived line one.", "Line three.", "Archived row.", "Archived note.",
        "Archived SGML.", "Archived timeline doc ."])
    by_text = {a.text: a for a in got}
    assert by_text["Archived note."].title == "Note title"
    assert by_text["Archived note."].published.date().isoformat() == "2022-08-01"
    assert by_text["Archived SGML."].extra["cluster"] == "d01"
    assert by_text["Archived timeline doc ."].source == "wire"
    assert by_text["Archived timeline doc ."].published.date().isoformat() == "2010-01-12"
    reasons = sorted((s.where, s.reason) for s in items if isinstance(s, Skip))
    assert reasons == [(f"{archive}!batch/lines.jsonl:2", "malformed JSON"),
                       (f"{archive}!batch/picture.png", "unsupported file")]


@pytest.mark.parametrize("name,mode", [("in.zip", None), ("in.tar", "w"),
                                       ("in.tar.gz", "w:gz"), ("in.tgz", "w:gz")])
def test_archive_members_read_and_named(tmp_path: Path, name: str, mode: str | None):
    path = tmp_path / name
    if mode is None:
        write_zip(path, MEMBERS)
    else:
        write_tar(path, MEMBERS, mode)
    assert detect_format(path) == "archive"
    check(list(read_path(path)), path)


def test_archive_inside_archive_and_in_a_folder(tmp_path: Path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("deep.jsonl", b'{"text": "Nested article."}\n')
    folder = tmp_path / "drop"
    folder.mkdir()
    write_zip(folder / "outer.zip", {"inner.zip": inner.getvalue()})
    [article] = list(read_path(folder))
    assert article.text == "Nested article."


def test_corrupt_archives_are_one_line_input_errors(tmp_path: Path):
    good = tmp_path / "good.zip"
    write_zip(good, MEMBERS)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(good.read_bytes()[:200])
    with pytest.raises(InputError, match="bad.zip: corrupt zip"):
        list(read_path(bad))
    (tmp_path / "bad.tar.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    with pytest.raises(InputError, match="bad.tar.gz"):
        list(read_path(tmp_path / "bad.tar.gz"))


def test_tar_links_are_not_followed(tmp_path: Path):
    path = tmp_path / "links.tar"
    with tarfile.open(path, "w") as archive:
        link = tarfile.TarInfo("passwd.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
        data = b"T\nReal member.\n"
        info = tarfile.TarInfo("real.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    assert [a.text for a in read_path(path)] == ["Real member."]
