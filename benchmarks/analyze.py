"""Analysis throughput and peak memory on Timeline17 articles, next to spaCy's bare nlp.pipe.

Takes ``--articles`` (default 1,000) non-empty English Timeline17 input documents from
``../shared/data/timeline17`` (read at run time, spread evenly over all topics). Each
contender runs in its own subprocess on the same texts, so its peak memory is its own:

- ``spacy-bare``: ``en_core_web_sm`` ``nlp.pipe`` over the texts, nothing else;
- ``analysis-text``: storyline's analysis without vectors (spaCy + sentences, entities, dates,
  quotes, numbers);
- ``analysis-full``: the full analysis, vectors included (``analyze(..., with_vectors=True)``),
  in one process;
- ``analysis-full-workers``: the same with ``analyze(..., workers=N)`` (``--workers``, default
  2: one process per core), start-up of the workers included;
- ``components`` (only with ``--only components``): seconds of each stage run alone over all
  texts: tokenizer, each spaCy component, the readers, the embedding (and, not part of the
  analysis, spaCy's own attribute ruler and lemmatizer that storyline replaces).

The full run also reports where its time goes: spaCy's pipe, storyline's readers of the
parse, and the sentence embedding.

Usage::

    .venv/bin/python benchmarks/analyze.py                  # table on stdout
    .venv/bin/python benchmarks/analyze.py --articles 200 --json
    .venv/bin/python benchmarks/analyze.py --profile prof.txt   # pyinstrument, full analysis
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import pickle
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONTENDERS = ["spacy-bare", "analysis-text", "analysis-full", "analysis-full-workers"]
DEFAULT_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))


def load_articles(data: Path, n: int):
    from storyline.analyze.language import is_english
    from storyline.ingest.datasets import read_timeline17
    from storyline.model import Article

    found = [a for a in read_timeline17(data / "timeline17")
             if isinstance(a, Article) and a.text.strip() and is_english(a.text)]
    if len(found) < n:
        return found
    step = len(found) / n
    return [found[int(i * step)] for i in range(n)]


def worker_peaks_mb(executor) -> list[float]:
    """Peak resident memory (VmHWM) of each live worker process of ``executor``."""
    peaks = []
    for pid in list(getattr(executor, "_processes", {}) or {}):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        kb = next((int(line.split()[1]) for line in status.splitlines()
                   if line.startswith("VmHWM:")), 0)
        peaks.append(round(kb / 1024, 1))
    return peaks


def run_contender(name: str, articles_file: Path, n_process: int, profile: str | None,
                  workers: int = 2) -> dict:
    threads = int(os.environ.get("STORYLINE_TORCH_THREADS", "1"))
    # The articles come pickled from the parent: reading all of Timeline17 to pick them
    # would dominate this process's peak memory.
    with open(articles_file, "rb") as f:
        articles = pickle.load(f)
    from storyline.analyze import vectors
    from storyline.analyze.nlp import MAX_CHARS, nlp

    vectors.set_threads(threads)
    if vectors.backend() == "torch":
        import torch

        torch.set_num_threads(threads)
    if name != "analysis-full-workers":
        nlp()  # load models before the clock starts: we measure throughput, not start-up
    if name in ("analysis-full", "components"):
        vectors.load()
    stages: dict[str, float] = {}
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if name == "analysis-full-workers":
        from storyline.analyze import pipeline
        from storyline.analyze import workers as pool

        done = pipeline.analyze(articles, workers=workers)
        stages["sentences"] = sum(len(d.analysis.sentences) for d in done)
        peaks = worker_peaks_mb(pool.pool(workers))
        pool.shutdown()  # the workers' CPU time and memory count once they have exited
    elif name == "components":
        from storyline.analyze import pipeline

        pipe = nlp()
        todo = [a for a in articles if pipeline._prepare(a).english]
        t0 = time.perf_counter()
        docs = [pipe.make_doc(pipeline._prepare(a).text) for a in todo]
        stages["tokenizer_s"] = round(time.perf_counter() - t0, 2)
        for component, proc in pipe.pipeline:
            t0 = time.perf_counter()
            docs = (list(proc.pipe(docs, batch_size=32)) if hasattr(proc, "pipe")
                    else [proc(doc) for doc in docs])
            stages[f"{component}_s"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        analyses = [pipeline.read_doc(a, d) for a, d in zip(todo, docs, strict=True)]
        stages["readers_s"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        vectors.embed([s.text for an in analyses for s in an.sentences])
        stages["embedding_s"] = round(time.perf_counter() - t0, 2)
        # For comparison, not part of the analysis: spaCy's own ruler and lemmatizer.
        for component in ("attribute_ruler", "lemmatizer"):
            t0 = time.perf_counter()
            docs = list(pipe.get_pipe(component).pipe(docs, batch_size=32))
            stages[f"not_run_spacy_{component}_s"] = round(time.perf_counter() - t0, 2)
    elif name == "spacy-bare":
        for _doc in nlp().pipe((a.text[:MAX_CHARS] for a in articles), batch_size=32,
                               n_process=n_process):
            pass
    else:
        from storyline.analyze import pipeline

        original_read = pipeline.read_doc
        read_time = 0.0

        def timed_read(*args, **kwargs):
            nonlocal read_time
            t0 = time.perf_counter()
            try:
                return original_read(*args, **kwargs)
            finally:
                read_time += time.perf_counter() - t0

        pipeline.read_doc = timed_read
        t0 = time.perf_counter()
        analyses = pipeline.analyze_docs(articles, n_process=n_process)
        t1 = time.perf_counter()
        stages["spacy_pipe_s"] = round(t1 - t0 - read_time, 2)
        stages["readers_s"] = round(read_time, 2)
        stages["sentences"] = sum(len(a.sentences) for a in analyses)
        if name == "analysis-full":
            pipeline.attach_vectors(articles, analyses)
            stages["embedding_s"] = round(time.perf_counter() - t1, 2)
    seconds = time.perf_counter() - start
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # spaCy worker processes
    cpu = (usage1.ru_utime + usage1.ru_stime - usage0.ru_utime - usage0.ru_stime
           + children.ru_utime + children.ru_stime)
    if profiler is not None:
        profiler.stop()
        Path(profile).write_text(profiler.output_text(unicode=False, color=False))
    words = sum(len(a.text[:MAX_CHARS].split()) for a in articles)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if name == "analysis-full-workers":
        stages["worker_peak_rss_mb"] = peaks
    return {"name": name, "articles": len(articles), "words": words,
            "seconds": round(seconds, 2), "articles_per_s": round(len(articles) / seconds, 2),
            "cpu_s": round(cpu, 2), "articles_per_cpu_s": round(len(articles) / cpu, 2),
            "peak_rss_mb": round(peak_kb / 1024, 1), "embed_backend": vectors.backend(),
            **stages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n-process", type=int, default=1, help="spaCy processes")
    parser.add_argument("--workers", type=int, default=2,
                        help="worker processes of analysis-full-workers")
    parser.add_argument("--only", choices=[*CONTENDERS, "components"],
                        action="append", help="run only these contenders")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", help="write a pyinstrument text profile of the full run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-articles", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_contender(args.child, Path(args.child_articles), args.n_process,
                                       args.profile, args.workers)))
        return
    if not (args.data / "timeline17").is_dir():
        sys.exit(f"benchmarks/analyze.py: {args.data / 'timeline17'}: not found "
                 "(set STORYLINE_SHARED_DATA)")
    results = []
    articles = load_articles(args.data, args.articles)
    tmp = tempfile.NamedTemporaryFile(suffix=".pickle", delete=False)
    with tmp:
        pickle.dump(articles, tmp)
    atexit.register(os.unlink, tmp.name)
    for name in args.only or CONTENDERS:
        cmd = [sys.executable, __file__, "--child", name, "--child-articles", tmp.name,
               "--n-process", str(args.n_process), "--workers", str(args.workers)]
        if args.profile and name == "analysis-full":
            cmd += ["--profile", args.profile]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"{name} failed: {done.stderr.strip().splitlines()[-1:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"done {name}: {json.dumps(results[-1])}", file=sys.stderr, flush=True)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(),
               "n_process": args.n_process, "workers": args.workers,
               "torch_threads": int(os.environ.get("STORYLINE_TORCH_THREADS", "1"))}
    if args.json:
        print(json.dumps({"machine": machine, "results": results}))
        return
    print(f"{'contender':<21} {'articles':>8} {'words':>9} {'seconds':>8} {'art/s':>7} "
          f"{'cpu s':>8} {'art/cpu-s':>9} {'peak MB':>8}  stages")
    for r in results:
        stages = {k: v for k, v in r.items()
                  if (k.endswith("_s") and k not in ("articles_per_s", "cpu_s"))
                  or k == "worker_peak_rss_mb"}
        print(f"{r['name']:<21} {r['articles']:>8} {r['words']:>9} {r['seconds']:>8} "
              f"{r['articles_per_s']:>7} {r['cpu_s']:>8} {r['articles_per_cpu_s']:>9} "
              f"{r['peak_rss_mb']:>8}  {stages}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores); "
          f"peak MB: of the process; the workers' own peaks are listed in the stages")
    print(f"machine: {machine}")


if __name__ == "__main__":
    main()
