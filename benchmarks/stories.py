"""Story assignment at scale: throughput, cost per article as the archive grows, memory.

    .venv/bin/python benchmarks/stories.py [--articles 100000] [--days 30]
    .venv/bin/python benchmarks/stories.py --shortlist-check

Vectors are precomputed: this measures assignment alone (index search, scoring, state
updates, merges), not the language models. The stream is simulated: events of
Zipf-distributed sizes start at random times over ``--days`` days; each article is a
perturbed copy of its event (its vector is the event's direction plus noise, tuned so that
same-event cosines look like real ones, ~0.5, and others ~0.1; its words and entities are
drawn from the event's own and from a Zipfian background vocabulary; its 16 statement
vectors reword 4 of its event's 6 statements and add 12 of its own). B-cubed against the
simulated events is printed as a sanity check, not as a quality result.

Past 2,048 open stories the index searches a shortlist made from binary codes (see
``storyline/stories/index.py``); at each mark the benchmark checks, for the latest 200
articles, that an exact search would have sent each to the same story.
``--shortlist-check`` instead measures the shortlist against the exact search on centroids
of real sentence vectors (the demo corpus's, embedded with the sentence encoder), whose
neighbourhoods are not isotropic noise like the simulated ones.

The baseline, run in the same process on the start of the same stream (``--baseline-articles``,
10,000 by default: it is slow), scores an article against every open story instead of the
32 the index returns as nearest; the ratio printed at the end compares the cost per article
of the two over that stretch.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storyline.evaluate.bcubed import bcubed  # noqa: E402
from storyline.stories.cluster import OnlineClusterer, Params  # noqa: E402
from storyline.stories.features import (  # noqa: E402
    ENTITY_FEATURES,
    WORD_FEATURES,
    ArticleFeatures,
    quantize,
)
from storyline.stories.index import EXACT_UP_TO  # noqa: E402

DIM = 384
START = datetime(2025, 1, 1, tzinfo=UTC)


def simulate(n: int, days: float, seed: int = 7) -> tuple[list[ArticleFeatures], dict[str, int]]:
    """``n`` articles of simulated events, in publication order, and their event labels."""
    rng = np.random.default_rng(seed)
    sizes = []
    while sum(sizes) < n:
        sizes.append(int(min(rng.zipf(1.8), 400)))
    sizes[-1] -= sum(sizes) - n
    n_events = len(sizes)
    directions = rng.normal(size=(n_events, DIM)).astype(np.float32)
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    starts = rng.uniform(0, days, n_events)
    background = 1.0 / np.arange(1, 50_001) ** 1.1
    background /= background.sum()
    event_of = np.repeat(np.arange(n_events), sizes)
    times = starts[event_of] + rng.exponential(1.5, n)
    order = np.argsort(times, kind="stable")
    common = rng.choice(50_000, size=(n, 100), p=background) * 13 + 7  # drawn at once: fast
    features, gold = [], {}
    for rank, i in enumerate(order):
        e = int(event_of[i])
        erng = np.random.default_rng(seed * 7919 + e)  # the event's own vocabulary
        event_words = erng.integers(0, WORD_FEATURES, 60)
        event_ents = erng.integers(0, ENTITY_FEATURES, 10)
        vec = directions[e] + 0.9 * rng.normal(size=DIM).astype(np.float32) / np.sqrt(DIM) * 1.2
        vec /= np.linalg.norm(vec)
        words = np.unique(np.concatenate([
            rng.choice(event_words, 50), common[rank],
        ])).astype(np.int32)
        ents = np.unique(np.concatenate([
            rng.choice(event_ents, 5), rng.integers(0, ENTITY_FEATURES, 4)])).astype(np.int32)
        aid = f"a{rank}"
        features.append(ArticleFeatures(
            aid, START + timedelta(days=float(times[i])), f"outlet{rank % 40}",
            vec.astype(np.float32), words, (1 + rng.random(len(words))).astype(np.float32),
            ents, np.ones(len(ents), np.float32), {int(x): f"E{x}" for x in ents[:3]},
            f"headline {aid}"))
        gold[aid] = e
    return features, gold


NO_STATEMENTS = np.zeros((0, DIM), np.int8)
MARK_WINDOW = 5000


def statements(rank: int, event: int) -> np.ndarray:
    """16 sentence vectors for an article: 4 of its event's 6 statements, reworded (noise),
    and 12 of its own, as in a real report."""
    rng = np.random.default_rng(rank)
    said = np.random.default_rng(1_000_003 + event).normal(size=(6, DIM))
    rows = np.vstack([said[rng.choice(6, 4, replace=False)] + 0.5 * rng.normal(size=(4, DIM)),
                      rng.normal(size=(12, DIM))])
    return quantize(rows / np.linalg.norm(rows, axis=1, keepdims=True))


def rss_mb() -> float:
    """Resident memory now (Linux), else the peak."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def state_mb(clusterer: OnlineClusterer) -> float:
    """What the clusterer holds: index matrix, open stories' states, document frequencies."""
    index = clusterer.index.matrix.nbytes
    states = sum(s.vector_sum.nbytes + s.word_ids.nbytes * 3 + s.entity_ids.nbytes * 3
                 + (s.statements.nbytes if s.statements is not None else 0)
                 for s in clusterer.stories.values())
    dfs = clusterer.word_df.counts.nbytes + clusterer.entity_df.counts.nbytes
    return (index + states + dfs) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--days", type=float, default=30.0)
    parser.add_argument("--marks", default="10000,50000,100000")
    parser.add_argument("--shortlist-check", action="store_true",
                        help="only compare the index's shortlist search with an exact one on "
                        "real sentence vectors")
    parser.add_argument("--baseline-articles", type=int, default=10_000,
                        help="articles the brute-force baseline assigns (0: none)")
    parser.add_argument("--hand-set", action="store_true",
                        help="decide with the hand-set blend threshold instead of the learned "
                        "decision model (the rule before issue 14), for comparison")
    parser.add_argument("--no-split", action="store_true",
                        help="the learned decision without online splits, for comparison")
    args = parser.parse_args()
    chosen = Params(decision=None) if args.hand_set else Params()
    if args.no_split and chosen.decision is not None:
        chosen = replace(chosen, decision=replace(chosen.decision, split_ratio=None))
    if args.shortlist_check:
        shortlist_check()
        return
    marks = sorted(int(m) for m in args.marks.split(",") if int(m) <= args.articles)
    t0 = time.perf_counter()
    features, gold = simulate(args.articles, args.days)
    print(f"simulated {len(features)} articles of {len(set(gold.values()))} events over "
          f"{args.days:g} days in {time.perf_counter() - t0:.1f} s; "
          f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, "
          f"cores={os.cpu_count()}", flush=True)
    base_rss = rss_mb()
    ours = run("storyline", features, gold, marks, chosen, base_rss)
    n_base = min(args.baseline_articles, len(features))
    if n_base:
        first = features[:n_base]
        base = run("baseline: every open story scored", first,
                   {f.id: gold[f.id] for f in first}, [n_base], replace(chosen, candidates=10**9),
                   base_rss)
        ours_first = ours["per_article"][:n_base].mean()
        print(f"\nsame run, first {n_base:,} articles: storyline "
              f"{1000 * ours_first:.2f} ms/article, baseline "
              f"{1000 * base['per_article'].mean():.2f} ms/article: storyline is "
              f"{base['per_article'].mean() / ours_first:.1f}x faster")


def decisions_kept(clusterer: OnlineClusterer, seen, statements_of, sample: int = 200) -> str:
    """How often the index's candidates lead to the story an exact search's would, over the
    latest ``sample`` articles (past ``EXACT_UP_TO`` open stories, the search shortlists by
    binary codes)."""
    index, k = clusterer.index, clusterer.params.candidates
    if len(index) <= EXACT_UP_TO:
        return "search exact"
    same = 0
    for j in range(len(seen) - sample, len(seen)):
        f = seen[j]
        moment = f.published.timestamp()
        words, ents = clusterer.weigh(f)
        rows = statements_of(j).astype(np.float32)
        picks = [clusterer._best_of(index.search(f.vector, k, moment=moment, exact=exact),
                                    words, ents, rows, moment)[0] for exact in (True, False)]
        same += picks[0] is picks[1]
    return f"same story as an exact search for {same}/{sample} articles"


def shortlist_check(stories: int = 12_000, queries: int = 400, seed: int = 3) -> None:
    """The shortlist against an exact search on centroids of real sentence vectors.

    The simulated vectors are isotropic noise around each event, so beyond the article's own
    story their ranking means nothing; real sentence vectors cluster by topic. Embeds the
    demo corpus's sentences with the sentence encoder and makes each "story" the mean of
    two random ones.
    """
    import json

    from storyline.analyze import vectors
    from storyline.stories.index import CODE_BITS, SHORTLIST, StoryIndex

    demo = Path(__file__).resolve().parents[1] / "storyline" / "demo" / "articles.jsonl"
    texts = [json.loads(line)["text"] for line in demo.read_text().splitlines() if line]
    sentences = [s.strip() for t in texts for s in t.replace("\n", " ").split(". ")
                 if len(s.split()) >= 5]
    rows = vectors.embed(sentences)
    rng = np.random.default_rng(seed)
    centroids = rows[rng.integers(0, len(rows), (stories, 2))].mean(axis=1)
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    index = StoryIndex(rows.shape[1])
    for i, c in enumerate(centroids):
        index.put(f"s{i}", c, last=None, window_days=45)
    probes = rows[rng.integers(0, len(rows), (queries, 3))].mean(axis=1)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    k, found, first = Params().candidates, 0, 0
    index.search(probes[0], k, moment=None)  # codes every row once, outside the timing
    times = {True: 0.0, False: 0.0}
    for q in probes:
        got = {}
        for exact in (True, False):
            t = time.perf_counter()
            got[exact] = [sid for sid, _ in index.search(q, k, moment=None, exact=exact)]
            times[exact] += time.perf_counter() - t
        found += len(set(got[True]) & set(got[False]))
        first += got[True][0] == got[False][0]
    print(f"shortlist check: {stories:,} centroids of {len(rows):,} real sentence vectors, "
          f"{queries} queries, {CODE_BITS} bits, {SHORTLIST} rows re-scored: the shortlist "
          f"search returned {found / (k * queries):.1%} of the exact {k} nearest and the "
          f"nearest for {first}/{queries}; {1000 * times[False] / queries:.2f} ms per search "
          f"vs {1000 * times[True] / queries:.2f} ms exact", flush=True)


def run(name: str, features, gold, marks, params: Params, base_rss: float) -> dict:
    """Assign every article in order; print the cost per article at each mark."""
    clusterer = OnlineClusterer(params)
    print(f"\n{name}:", flush=True)
    per_article = np.zeros(len(features))
    searching = np.zeros(len(features))  # of which in the index's nearest-story search
    search = clusterer.index.search

    def timed_search(*args, **kwargs):
        t = time.perf_counter()
        hits = search(*args, **kwargs)
        searching[i] += time.perf_counter() - t
        return hits

    def statements_for(j: int) -> np.ndarray:
        return statements(j, gold[features[j].id])

    at_mark = {}
    started = time.perf_counter()
    for i, f in enumerate(features):
        f.statements = statements_for(i)  # made here, so the input stays small
        clusterer.index.search = timed_search
        t = time.perf_counter()
        clusterer.add(f)
        per_article[i] = time.perf_counter() - t
        clusterer.index.search = search
        f.statements = NO_STATEMENTS
        if (i + 1) % 5000 == 0:
            clusterer.drain()  # what ingest hands to the store each batch
        if i + 1 in marks:
            # The last 5,000: a mean over fewer moved by 15% between runs on a quiet machine
            window = per_article[max(0, i + 1 - MARK_WINDOW):i + 1]
            in_search = searching[max(0, i + 1 - MARK_WINDOW):i + 1].mean()
            at_mark[i + 1] = float(window.mean())
            print(f"{i + 1:>7} articles: {1000 * window.mean():.2f} ms/article over the last "
                  f"{len(window)} ({1 / window.mean():.0f}/s), of which {1000 * in_search:.2f} "
                  f"ms in the index search; open stories in index "
                  f"{len(clusterer.index)}; clusterer state {state_mb(clusterer):.0f} MB; "
                  f"process RSS {rss_mb():.0f} MB; "
                  f"{decisions_kept(clusterer, features[:i + 1], statements_for)}",
                  flush=True)
    total = time.perf_counter() - started
    pred = clusterer.assignments()
    scores = bcubed(pred, gold)
    print(f"total: {len(features)} articles in {total:.1f} s = {len(features) / total:.0f} "
          f"articles/s; process RSS {rss_mb():.0f} MB ({rss_mb() - base_rss:.0f} MB more than "
          f"with the simulated input alone); stories {len(set(pred.values()))}")
    print(f"sanity: B-cubed F1 vs simulated events {scores.f1:.3f} "
          f"(P {scores.precision:.3f}, R {scores.recall:.3f})", flush=True)
    return {"rate": len(features) / total, "marks": at_mark, "per_article": per_article}


if __name__ == "__main__":
    main()
