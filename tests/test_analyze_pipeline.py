"""The analysis of whole articles: offsets, entity keys, numbers, dates, bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from storyline.analyze.pipeline import VERSION, analyze
from storyline.model import Article

TEXT = (
    "Secretary of State John Kerry arrived in Geneva on Friday.\n\n"
    "  At least 18 people were killed in Aleppo, officials said.  "
    "Mr Kerry met Sergei Lavrov. Kerry said the talks would resume next week."
)


@pytest.fixture(scope="module")
def done():
    article = Article(text=TEXT, id="k1", published=datetime(2016, 9, 24, tzinfo=UTC))
    [result] = analyze([article])
    return result


def test_sentences_index_the_original_text(done):
    sentences = done.analysis.sentences
    assert len(sentences) == 4
    for s in sentences:
        assert TEXT[s.start:s.end] == s.text
        assert s.text == s.text.strip()
    assert [s.index for s in sentences] == list(range(4))


def test_person_forms_share_one_key(done):
    kerry = [e for e in done.analysis.entities if "Kerry" in e.text]
    assert len(kerry) >= 3
    assert {e.key for e in kerry} == {"John Kerry"}
    for e in done.analysis.entities:
        assert TEXT[e.start:e.end] == e.text


def test_number_with_qualifier_noun_and_event(done):
    [n] = [n for n in done.analysis.numbers if n.value == 18]
    assert (n.qualifier, n.unit, n.event) == ("at least", "people", "kill")
    assert TEXT[n.start:n.end] == n.text
    assert n.sentence == 1


def test_sentences_end_at_paragraph_breaks_and_keep_their_closing_quote():
    """The parser alone ran ~1.5% of the demo corpus's sentences over a blank line, often
    with the previous paragraph's closing quotation mark at their start."""
    import json
    from pathlib import Path

    import storyline.demo
    from storyline.analyze.pipeline import analyze_docs

    corpus = Path(storyline.demo.__file__).with_name("articles.jsonl")
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    articles = [Article(text=r["text"], id=str(i)) for i, r in enumerate(rows)]
    sentences = [s.text for a in analyze_docs(articles) for s in a.sentences]
    assert len(sentences) > 700
    assert not [s for s in sentences if "\n\n" in s]
    assert not [s for s in sentences if not any(c.isalnum() for c in s)]


def test_times_and_scores_are_not_counts():
    text = ("The women's record of 2:22:48 was set by Ingrid Solheim nine years ago. The start "
            "is at 8.30 on Sunday morning. Rovers won 3-2. About 14,000 runners are registered.")
    [result] = analyze([Article(text=text, id="race")])
    numbers = {n.text: n for n in result.analysis.numbers}
    assert not any(":" in t or "8.30" in t or "3-2" in t for t in numbers), numbers
    [runners] = [n for n in numbers.values() if n.value == 14000]
    assert (runners.qualifier, runners.unit) == ("about", "runner")


def test_dates_carry_their_sentence(done):
    by_text = {t.text: t for t in done.analysis.times}
    assert by_text["on Friday"].value == "2016-09-23"
    assert by_text["on Friday"].sentence == 0
    assert by_text["next week"].value == {"from": "2016-09-26", "to": "2016-10-02"}
    assert by_text["next week"].sentence == 3


def test_vectors_are_normalized_rows_per_sentence(done):
    assert done.sentence_vectors.shape == (4, 384)
    assert done.sentence_vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(done.sentence_vectors, axis=1), 1.0, atol=1e-4)
    assert abs(float(np.linalg.norm(done.vector)) - 1.0) < 1e-4
    assert done.analysis.version == VERSION


def test_order_is_kept_in_a_batch():
    texts = [f"Article number {i} says {w} things." for i, w in enumerate("abcdefg")]
    results = analyze([Article(text=t) for t in texts], with_vectors=False)
    assert [r.analysis.sentences[0].text for r in results] == texts


# -- item 8: bad input never crashes ----------------------------------------------------

def test_empty_text_is_skipped_with_a_reason():
    [r] = analyze([Article(text="", id="e"), ][:1])
    assert r.analysis.sentences == []
    assert r.analysis.skipped_reason == "empty text"
    assert r.sentence_vectors.shape == (0, 384)


def test_whitespace_only_text():
    [r] = analyze([Article(text=" \n\t ", id="w")])
    assert r.analysis.skipped_reason == "empty text"


def test_ten_megabyte_text_is_cut_with_a_reason():
    from storyline.analyze.nlp import MAX_CHARS

    block = "The council met again in Geneva on Monday and talks went on. "
    text = block * (10_000_000 // len(block) + 1)
    assert len(text) >= 10_000_000
    [r] = analyze([Article(text=text, id="big")], with_vectors=False)
    assert "analyzed the first" in r.analysis.skipped_reason
    assert r.analysis.sentences and r.analysis.sentences[-1].end <= MAX_CHARS
    s = r.analysis.sentences[-1]
    assert text[s.start:s.end] == s.text


def test_text_without_punctuation_gets_sentences_and_vectors():
    text = " ".join(["the army moved north and the rebels moved south"] * 40)
    [r] = analyze([Article(text=text, id="np")])
    assert r.analysis.sentences
    assert r.analysis.skipped_reason is None
    assert r.sentence_vectors.shape == (len(r.analysis.sentences), 384)
    for s in r.analysis.sentences:
        assert text[s.start:s.end] == s.text


def test_non_english_article_is_skipped_with_a_reason():
    text = ("Der Außenminister sagte am Freitag, dass die Gespräche in Genf am Montag "
            "fortgesetzt werden. Die Regierung wies die Vorwürfe zurück.")
    [r] = analyze([Article(text=text, id="de")])
    assert r.analysis.skipped_reason.startswith("not English")
    assert r.analysis.language != "en"
    assert r.analysis.quotes == [] and r.analysis.entities == []
    assert len(r.analysis.sentences) == 2
    for s in r.analysis.sentences:
        assert text[s.start:s.end] == s.text
    assert r.sentence_vectors.shape == (2, 384)


def test_chinese_text_does_not_crash():
    text = "外交部长周五表示，会谈将于周一恢复。政府否认了这些指控。"
    [r] = analyze([Article(text=text, id="zh")])
    assert r.analysis.skipped_reason.startswith("not English")


def test_odd_texts_never_crash_and_every_span_indexes_the_text():
    import random

    rng = random.Random(1)
    pieces = list('abc XYZ .,;:"“”«»‘’\'—―-\n\t0123456789$%()[]') + [
        "said", " he said", "Friday", " Mr ", "Kerry", "according to", "at least", "May 5",
        "\u200b", "é", "漢", "🙂", "\r\n"]
    texts = ['"""""', "“", "”", '"a', "said said said", "\n\n\n", "0",
             "“Yes,” he said.\n\n“No.", "<p>Hi</p>", ":", '" :']
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 300)))
              for _ in range(40)]
    published = datetime(2016, 9, 24, tzinfo=UTC)
    articles = [Article(text=t, id=str(i), published=published if i % 2 else None)
                for i, t in enumerate(texts)]
    for article, done in zip(articles, analyze(articles, with_vectors=False), strict=True):
        text, an = article.text, done.analysis
        assert all(text[s.start:s.end] == s.text for s in an.sentences)
        assert all(text[q.start:q.end] == q.quote for q in an.quotes)
        assert all(text[t.start:t.end] == t.text for t in an.times)
        assert all(text[e.start:e.end] == e.text for e in an.entities)
        assert all(text[n.start:n.end] == n.text for n in an.numbers)
