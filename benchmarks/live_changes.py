"""What following the store costs a server: ``/api/changes`` on a store with many stories.

Fills an SQLite store with N story rows (each with a 2 KB state blob, as real stories carry),
then times, per call: the poll of a reader when nothing changed (answer kept per store
generation), the first poll after a change (the query over ``stories.updated_seq``), and the
same query without the index (as on a store before schema version 7).

    .venv/bin/python benchmarks/live_changes.py --stories 100000
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from sqlalchemy import insert, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()

    from storyline.serve.live import changes_json
    from storyline.store import open_store, schema
    from storyline.store.changes import changed_stories

    folder = tempfile.mkdtemp()
    store = open_store(f"sqlite:///{os.path.join(folder, 'live.db')}")
    blob = os.urandom(2048)
    started = time.perf_counter()
    with store.begin() as conn:
        for start in range(0, args.stories, 5000):
            conn.execute(insert(schema.stories), [
                {"id": f"s{n:08d}", "title": f"Story {n}", "size": 3, "sources": ["A", "B"],
                 "entities": ["X"], "state": blob, "merged_into": None, "updated_seq": n}
                for n in range(start, min(args.stories, start + 5000))])
        store.advance_generation(conn)
    print(f"{args.stories} stories written in {time.perf_counter() - started:.1f} s")
    top = args.stories - 1

    def timed(label: str, call, calls: int) -> None:
        call()  # warm
        begin = time.perf_counter()
        for _ in range(calls):
            call()
        each = (time.perf_counter() - begin) / calls * 1000
        print(f"{label}: {each:.3f} ms per call ({calls} calls)")

    timed("poll, nothing changed (kept answer)", lambda: changes_json(store, top), args.calls)
    timed("changed stories after a change of 10 (index)",
          lambda: changed_stories(store, top - 10), args.calls)
    with store.begin() as conn:
        conn.execute(text("DROP INDEX ix_stories_updated_seq"))
    timed("changed stories after a change of 10 (no index)",
          lambda: changed_stories(store, top - 10), max(5, args.calls // 20))
    store.close()


if __name__ == "__main__":
    main()
