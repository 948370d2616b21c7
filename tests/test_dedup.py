"""Duplicate recognition: exact (id, url, normalized text) and near (word-shingle Jaccard >= 0.8).

Texts are generated here with a fixed seed; the expected similarity of each pair is computed
from the shingle sets in the test, not copied from a run of the code under test.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from storyline.ingest import dedup
from storyline.ingest.runner import Ingestor, IngestReport
from storyline.model import Article

VOCAB = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "ze")
         for b in ("bar", "cen", "dol", "fim", "gus", "hap", "jor", "kel", "lun", "mor",
                   "nad", "pil", "quo", "res", "tav", "wex", "yor", "zin")]


def long_text(seed: int, words: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCAB) for _ in range(words)) + "."


def replace_words(text: str, every: int, seed: int) -> str:
    """Replace one word in each run of ``every`` words with a word from outside VOCAB."""
    rng = random.Random(seed)
    words = text.split(" ")
    for start in range(0, len(words), every):
        i = min(len(words) - 1, start + rng.randrange(every))
        words[i] = f"changed{rng.randrange(10**6)}"
    return " ".join(words)


def true_jaccard(a: str, b: str) -> float:
    def shingles(t: str) -> set[tuple[str, ...]]:
        w = dedup.normalize(t).split()
        return {tuple(w[i:i + 3]) for i in range(len(w) - 2)}

    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def ingest(store, articles, report=None) -> IngestReport:
    report = report or IngestReport()
    Ingestor(store).store_articles(articles, report)
    return report


# -- the functions ----------------------------------------------------------------------

def test_normalized_text_hash_ignores_case_punctuation_and_spacing():
    assert dedup.text_hash("Rain, in OSLO!\n") == dedup.text_hash("rain in   oslo")
    assert dedup.text_hash("Rain in Oslo") != dedup.text_hash("Rain in Bergen")


def test_exact_jaccard_matches_a_set_computation():
    a = long_text(1)
    b = replace_words(a, 12, seed=2)
    fa, fb = dedup.fingerprint(a), dedup.fingerprint(b)
    assert dedup.jaccard(fa.shingles, fb.shingles) == pytest.approx(true_jaccard(a, b), abs=1e-3)


def test_signature_estimate_is_close_to_the_true_similarity():
    a = long_text(3, words=600)
    for every, seed in ((40, 4), (12, 5), (5, 6)):
        b = replace_words(a, every, seed)
        estimated = dedup.estimate(dedup.fingerprint(a).signature, dedup.fingerprint(b).signature)
        assert abs(estimated - true_jaccard(a, b)) < 0.15


def test_signatures_survive_storage_and_old_formats_are_recognized():
    signature = dedup.fingerprint(long_text(7)).signature
    back = dedup.from_bytes(dedup.to_bytes(signature))
    assert np.array_equal(back.hashvalues, signature.hashvalues)
    assert dedup.from_bytes(b"\0" * 1024) is None  # datasketch's 128 x uint64: recompute


def test_short_texts_get_no_signature():
    assert dedup.fingerprint("Police closed the bridge on Monday.").signature is None
    assert dedup.fingerprint(long_text(8, words=40)).signature is not None


# -- at ingest (SQLite and PostgreSQL) --------------------------------------------------

def test_same_id_twice_is_stored_once(store):
    first = Article(id="a1", text=long_text(10), source="Wire")
    report = ingest(store, [first])
    assert report.ingested == 1
    again = ingest(store, [Article(id="a1", text=long_text(10), source="Wire")])
    assert (again.ingested, again.duplicates, again.already_present) == (0, 0, 1)
    # Another text under the same id is a copy that cannot get a second row.
    changed = ingest(store, [Article(id="a1", text=long_text(11), source="Other")])
    assert (changed.ingested, changed.duplicates) == (0, 1)
    assert changed.duplicate_kinds["id"] == 1
    assert store.count_articles() == 1
    assert store.get_article("a1").article.text == long_text(10)


def test_same_url_is_an_exact_duplicate(store):
    a = Article(id="one", url="https://wire.example/story", text=long_text(20))
    b = Article(id="two", url="https://wire.example/story", text=long_text(21))
    report = ingest(store, [a, b])
    assert (report.ingested, report.duplicates) == (1, 1)
    row = store.get_article("two")
    assert (row.duplicate_of, row.duplicate_kind) == ("one", "exact")


def test_same_normalized_text_is_an_exact_duplicate(store):
    a = Article(url="https://a.example/1", text="Flood waters rose overnight in Dhaka.")
    b = Article(url="https://b.example/9", text="FLOOD waters rose   overnight in dhaka")
    ingest(store, [a, b])
    row = store.get_article(b.id)
    assert (row.duplicate_of, row.duplicate_kind) == (a.id, "exact")


def test_perturbed_copy_of_a_long_text_is_a_near_duplicate(store):
    original = long_text(30, words=400)
    copy = replace_words(original, 40, seed=31)  # one word in 40 changed
    assert true_jaccard(original, copy) >= 0.8
    a = Article(url="https://wire.example/a", text=original)
    b = Article(url="https://site.example/b", text=copy)
    report = ingest(store, [a, b])
    assert report.duplicate_kinds == {"near": 1}
    row = store.get_article(b.id)
    assert (row.duplicate_of, row.duplicate_kind) == (a.id, "near")


def test_merely_similar_text_is_not_a_duplicate(store):
    original = long_text(40, words=400)
    similar = replace_words(original, 9, seed=41)  # one word in 9: Jaccard about 6/12
    assert 0.4 <= true_jaccard(original, similar) <= 0.6
    report = ingest(store, [Article(url="https://x.example/1", text=original),
                            Article(url="https://y.example/2", text=similar)])
    assert (report.ingested, report.duplicates) == (2, 0)


def test_just_below_the_threshold_is_not_a_duplicate(store):
    # The LSH estimate may pass a pair near 0.8; the exact check must still refuse it.
    original = long_text(50, words=600)
    for seed in range(60, 200):
        below = replace_words(original, 20, seed=seed)  # about 17/23
        if 0.7 <= true_jaccard(original, below) < 0.8:
            break
    else:
        pytest.fail("no pair just below 0.8 generated")
    report = ingest(store, [Article(url="https://x.example/1", text=original),
                            Article(url="https://y.example/2", text=below)])
    assert report.duplicates == 0


def test_short_texts_are_not_near_matched(store):
    a = Article(url="https://a.example/1", text="Police closed the bridge on Monday morning.")
    b = Article(url="https://b.example/2", text="Police closed the bridge on Tuesday morning.")
    report = ingest(store, [a, b])
    assert (report.ingested, report.duplicates) == (2, 0)


def test_signatures_of_an_older_scheme_are_recomputed(store):
    from sqlalchemy import update

    from storyline.store import schema

    original = long_text(70, words=300)
    ingest(store, [Article(url="https://a.example/1", text=original)])
    with store.begin() as conn:  # as an older storyline stored them (128 x uint64)
        conn.execute(update(schema.articles).values(minhash=b"\1" * 1024))
    copy = replace_words(original, 50, seed=71)
    report = ingest(store, [Article(url="https://b.example/2", text=copy)])
    assert report.duplicate_kinds == {"near": 1}
    stored = dict(store.minhashes())
    assert all(len(v) == dedup.NUM_PERM * 4 for v in stored.values())


def test_the_index_finds_pairs_just_above_the_threshold():
    # Pairs at Jaccard 0.8-0.9 must come back as candidates (LSH misses would let wire
    # copies through as new stories); each seed gives a fixed pair, so this is deterministic.
    index = dedup.NearDuplicateIndex()
    pairs = []
    for seed in range(60):
        original = long_text(1000 + seed, words=300)
        copy = replace_words(original, 30, seed=seed)
        if 0.8 <= true_jaccard(original, copy) <= 0.9:
            index.add(str(seed), dedup.fingerprint(original).signature)
            pairs.append((str(seed), copy))
    assert len(pairs) >= 30
    found = [key for key, copy in pairs
             if key in [k for k, _ in index.candidates(dedup.fingerprint(copy).signature)]]
    assert len(found) == len(pairs)


def test_loaded_and_added_signatures_are_both_searched_and_added_ones_can_be_removed():
    stored, fresh = long_text(2000), long_text(2001)
    index = dedup.NearDuplicateIndex()
    matrix = np.stack([dedup.fingerprint(stored).signature.hashvalues])
    index.load(["stored"], matrix)
    index.add("fresh", dedup.fingerprint(fresh).signature)
    assert len(index) == 2
    assert index.find(dedup.fingerprint(replace_words(stored, 40, 1)).signature) == "stored"
    assert index.find(dedup.fingerprint(replace_words(fresh, 40, 2)).signature) == "fresh"
    index.remove(["fresh"])
    assert index.find(dedup.fingerprint(replace_words(fresh, 40, 2)).signature) is None
    assert len(index) == 1


def test_a_very_long_text_hashes_words_as_a_short_one_does():
    words = long_text(3000, words=400_000).split(" ")  # ~2.4 MB: several hashing spans
    long_digest, long_hashes = dedup._words(" ".join(words))
    assert len(long_hashes) == len(words)
    for at in (0, 170_000, 399_990):
        _, short = dedup._words(" ".join(words[at:at + 10]))
        assert np.array_equal(short, long_hashes[at:at + 10])
    assert len(dedup._powers) <= 2 * (dedup._MAX_SPAN + 1)
    assert long_digest == dedup.text_hash(" ".join(words).upper())
