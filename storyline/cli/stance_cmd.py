"""``storyline stance PAIRS.jsonl``: each text's stance toward its claim (docs/formats.md §9)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import app, fail, print_json
from storyline.errors import InputError

BATCH = 256  # pairs scored together: streaming output, numpy-sized work


@app.command()
def stance(
    path: Annotated[Path, typer.Argument(
        help='JSON Lines, one pair per line: {"id": ..., "claim": "...", "text": "..."} '
             '("-" reads standard input).', show_default=False)],
) -> None:
    """Print agree / disagree / discuss / unrelated and a confidence for every pair.

    One JSON object per input line, same order: {"id", "stance", "confidence"}. `unrelated`:
    the text is about another story; `discuss`: about the claim without taking a side;
    `agree` / `disagree`: it supports / refutes the claim. The model was learned from the
    FNC-1 training data and ships with the package; it streams, reading each distinct text
    once.
    """
    from storyline.stance.model import ModelFileError, load_model

    try:
        model = load_model()
    except ModelFileError as exc:
        fail(str(exc))
    name = "standard input" if str(path) == "-" else str(path)
    if str(path) != "-" and not path.is_file():
        fail(f"{name}: no such file")
    batch: list[tuple[str, str, str]] = []
    try:
        for record in _pairs(path, name):
            batch.append(record)
            if len(batch) >= BATCH:
                _emit(model, batch)
                batch = []
        _emit(model, batch)
    except PairError as exc:
        _emit(model, batch)  # what came before the bad line is answered
        fail(str(exc))


class PairError(InputError, ValueError):
    """A line that is not a pair."""


def _pairs(path: Path, name: str) -> Iterator[tuple[str, str, str]]:
    handle = sys.stdin.buffer if str(path) == "-" else open(path, "rb")  # noqa: SIM115
    try:
        for number, raw in enumerate(handle, start=1):
            where = f"{name}:{number}"
            try:
                line = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise PairError(f"{where}: not UTF-8 at byte {exc.start}") from exc
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PairError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})"
                                ) from exc
            if not isinstance(value, dict):
                raise PairError(f"{where}: a line must be a JSON object")
            for field in ("claim", "text"):
                if not isinstance(value.get(field), str):
                    raise PairError(f"{where}: '{field}' is missing or not a string")
            pair_id = value.get("id")
            yield (str(pair_id) if pair_id is not None else str(number), value["claim"],
                   value["text"])
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def _emit(model, batch: list[tuple[str, str, str]]) -> None:
    if not batch:
        return
    for (pair_id, _, _), result in zip(batch, model.predict([(c, t) for _, c, t in batch]),
                                       strict=True):
        print_json({"id": pair_id, "stance": result.stance, "confidence": result.confidence})
    sys.stdout.flush()
