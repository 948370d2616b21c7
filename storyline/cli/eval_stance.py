"""``storyline eval stance``: the stance model on FNC-1 parts it never saw, beside baselines."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import FormatOption, OutputFormat, err, fail, out, print_json
from storyline.cli.eval_cmd import default_data_dir, eval_app


@eval_app.command("stance")
def eval_stance(
    data: Annotated[Path | None, typer.Option(
        "--data", help="Folder with fnc1/ (default: $STORYLINE_SHARED_DATA, else "
        "../shared/data).", show_default=False)] = None,
    topic_folds: Annotated[int, typer.Option(
        help="Folds of whole topics for the new-topic estimate (0: skip it).", min=0)] = 3,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Macro-F1, per-class F1 and the FNC score, held out by body and by topic.

    By body: a fifth of the bodies (fixed in code) with all their pairs is held out; the
    model is trained on the rest, in this run, exactly as the shipped one is built. By
    topic: the claims and bodies joined by related pairs form topics; each fold holds out
    whole topics, as the competition test (new topics) does. Baselines, same splits: every
    pair "unrelated" (the majority), and TF-IDF cosine above a threshold fitted on the
    training part = the most common related stance. The in-sample rows score a model on the
    pairs it was trained on, the shipped model included.
    """
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # two threads on two busy cores thrash
    from storyline.stance.evaluate import cosine_threshold, majority, score
    from storyline.stance.evaluate import topic_folds as folds_of
    from storyline.stance.fnc1 import Fnc1Error, read_fnc1, split_by_body
    from storyline.stance.model import ModelFileError, load_model
    from storyline.stance.train import train

    folder = (data or default_data_dir()) / "fnc1"
    try:
        fnc = read_fnc1(folder)
    except Fnc1Error as exc:
        fail(str(exc))
    started = time.perf_counter()
    rows: list[dict] = []

    def predict(model, pairs):
        return [s.stance for s in model.predict([(p.claim, fnc.bodies[p.body_id])
                                                 for p in pairs])]

    def add(split: str, system: str, gold, predicted) -> None:
        rows.append({"split": split, "system": system,
                     **score([p.label for p in gold], predicted).to_json()})

    err.print("by body: training on four fifths of the bodies", markup=False)
    train_part, held = split_by_body(fnc)
    model = train(fnc, train_part, log=lambda m: err.print(f"  {m}", markup=False))
    add("by body, held out", "storyline", held, predict(model, held))
    add("by body, held out", "majority (unrelated)", held, majority(train_part, held))
    add("by body, held out", "cosine threshold + majority related", held,
        cosine_threshold(fnc, train_part, held))
    add("by body, in-sample", "storyline", train_part, predict(model, train_part))
    if topic_folds:
        gold, system, cosine, most = [], [], [], []
        for n, (fold_train, fold_test) in enumerate(folds_of(fnc, topic_folds), start=1):
            err.print(f"by topic: fold {n} of {topic_folds}", markup=False)
            fold_model = train(fnc, fold_train, log=lambda m: err.print(f"  {m}", markup=False))
            gold += fold_test
            system += predict(fold_model, fold_test)
            cosine += cosine_threshold(fnc, fold_train, fold_test)
            most += majority(fold_train, fold_test)
        split = f"by topic, {topic_folds} folds, held out"
        add(split, "storyline", gold, system)
        add(split, "majority (unrelated)", gold, most)
        add(split, "cosine threshold + majority related", gold, cosine)
    try:
        shipped = load_model()
    except ModelFileError as exc:
        err.print(f"shipped model not scored: {exc}", markup=False)
    else:
        err.print("the shipped model on all of FNC-1 train", markup=False)
        add("all of train, in-sample", "shipped model", fnc.pairs, predict(shipped, fnc.pairs))
    seconds = time.perf_counter() - started
    if output is OutputFormat.json:
        print_json({"data": str(folder), "pairs": len(fnc.pairs), "bodies": len(fnc.bodies),
                    "seconds": round(seconds, 1), "rows": rows})
        return
    out.print(f"FNC-1 training data {folder}: {len(fnc.pairs):,} pairs, {len(fnc.bodies):,} "
              f"bodies; {seconds:.0f} s")
    out.print(f"{'split':<30} {'system':<36} {'macro-F1':>8} {'agree':>6} {'disagr':>6} "
              f"{'discus':>6} {'unrel':>6} {'FNC':>6} {'pairs':>6}")
    for r in rows:
        f1 = r["per_class_f1"]
        out.print(f"{r['split']:<30} {r['system']:<36} {r['macro_f1']:>8.3f} "
                  f"{f1['agree']:>6.3f} {f1['disagree']:>6.3f} {f1['discuss']:>6.3f} "
                  f"{f1['unrelated']:>6.3f} {r['fnc_relative']:>6.3f} {r['pairs']:>6}")
