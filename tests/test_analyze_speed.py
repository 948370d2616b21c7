"""The fast paths of the analysis give the results of the slow ones: the attribute rules,
the lemmas on demand, the int8 sentence encoder, and the worker processes."""

from __future__ import annotations

import numpy as np
import pytest
import spacy

from storyline.analyze import vectors
from storyline.analyze.nlp import MODEL, lemma, nlp
from storyline.analyze.pipeline import analyze, analyze_groups, read_doc
from storyline.model import Article

TEXTS = [
    "Secretary of State John Kerry arrived in Geneva on Friday. \"We are not there yet,\" "
    "he told reporters. It's a long road, and there's more to do.\n\nAt least 18 people "
    "were killed in Aleppo, officials said, according to the monitor.",
    "The ministers, who had met twice before, said they would meet again. Was it worth it? "
    "Nobody knows.  What's next is unclear; they'd said so in May. I am, you are, we were.",
    "Trump has vowed to bring back jobs. Clinton accused him of lying. There are 2,000 "
    "troops in the area and some 300 more are expected by March 3, 2016.",
]


@pytest.fixture(scope="module")
def spacy_full():
    """The unchanged model pipeline: spaCy's attribute ruler and lemmatizer running."""
    return spacy.load(MODEL)


def test_fast_attribute_rules_and_lemmas_equal_spacy(spacy_full):
    pipe = nlp()
    assert "attribute_ruler" in pipe.disabled and "lemmatizer" in pipe.disabled
    for text in TEXTS:
        slow, fast = spacy_full(text), pipe(text)
        assert len(slow) == len(fast)
        for a, b in zip(slow, fast, strict=True):
            assert (a.pos_, a.tag_, a.dep_, str(a.morph), a.lemma_) == \
                   (b.pos_, b.tag_, b.dep_, str(b.morph), lemma(b)), a.text
        article = Article(text=text, id="t")
        assert read_doc(article, slow) == read_doc(article, fast)


def test_int8_vectors_are_close_to_fp32_and_independent_of_the_batch():
    sentences = [s for t in TEXTS for s in t.replace("\n", " ").split(". ") if s.strip()]
    if vectors.backend() != "onnx":
        pytest.skip("onnxruntime not installed")
    vectors.forget()
    fast = vectors.embed(sentences)
    exact = vectors.model().encode(sentences, normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False)
    cosine = (fast * exact).sum(axis=1)
    assert cosine.mean() >= 0.99 and cosine.min() >= 0.95, cosine
    # A sentence's vector does not depend on the sentences embedded with it (up to float
    # rounding: padding changes the shapes the kernels see, not the quantization).
    def computed(texts, **options):  # not the vectors kept from the calls before
        vectors.forget()
        return vectors.embed(texts, **options)

    alone = np.vstack([computed([s]) for s in sentences[:4]])
    assert np.allclose(alone, fast[:4], atol=1e-5)
    assert np.allclose(computed(sentences[::-1])[::-1], fast, atol=1e-5)
    assert np.allclose(computed(sentences, batch_size=3), fast, atol=1e-5)


def test_kept_vectors_are_the_computed_ones_whatever_the_whitespace():
    """A text embedded before is not embedded again (story detection and the digest embed
    the same lead sentences); the vector given back is the one computing it gives, also
    for the same words spaced or broken differently (their tokens are the same)."""
    sentences = [s for t in TEXTS for s in t.replace("\n", " ").split(". ") if s.strip()]
    vectors.forget()
    fresh = vectors.embed(sentences)
    spaced = [s.replace(" ", "  \n", 1) for s in sentences]
    kept = vectors.embed(spaced[::-1])[::-1]
    assert np.array_equal(kept, fresh)
    vectors.forget()
    assert np.allclose(vectors.embed(spaced), fresh, atol=1e-6)


def test_token_ids_are_the_model_tokenizer_ones():
    texts = [s for t in TEXTS for s in t.split("\n")] + ["", "Ünïcödé “quotes” 東京 😀",
                                                         "word " * 300]
    theirs = vectors.tokenizer()(texts, truncation=True, max_length=vectors.MAX_TOKENS,
                                 return_attention_mask=False,
                                 return_token_type_ids=False)["input_ids"]
    assert vectors.token_ids(texts) == theirs


def test_workers_give_the_same_analysis_and_vectors():
    articles = [Article(text=t, id=str(i)) for i, t in enumerate(TEXTS * 2)]
    articles.append(Article(text="", id="empty"))
    one = analyze(articles)
    two = analyze(articles, workers=2, batch_size=1)
    assert [d.article.id for d in two] == [a.id for a in articles]
    for a, b in zip(one, two, strict=True):
        assert a.analysis == b.analysis
        assert np.allclose(a.sentence_vectors, b.sentence_vectors, atol=1e-5)
        assert np.allclose(a.vector, b.vector, atol=1e-5)


def test_groups_come_back_in_order_with_the_same_analysis_from_workers():
    groups = [[Article(text=t, id=f"{g}-{i}") for i, t in enumerate(TEXTS[:g + 1])]
              for g in range(3)] * 4
    groups.insert(2, [Article(text="", id="empty")])
    alone = list(analyze_groups(groups))
    parallel = analyze_groups(iter(groups), workers=2)
    for group, one, two in zip(groups, alone, parallel, strict=True):
        assert [d.article.id for d in two] == [a.id for a in group]
        assert [d.analysis for d in two] == [d.analysis for d in one]
        for a, b in zip(one, two, strict=True):
            assert np.allclose(a.sentence_vectors, b.sentence_vectors, atol=1e-5)


def test_fp32_export_gives_the_torch_vectors(tmp_path, monkeypatch):
    if vectors.backend() != "onnx":
        pytest.skip("onnxruntime not installed")
    sentences = ["Kerry met Lavrov in Geneva.", "At least 18 people were killed in Aleppo.",
                 "\"We are not there yet,\" he told reporters."]
    monkeypatch.setenv("STORYLINE_EMBED_PRECISION", "fp32")
    monkeypatch.setenv("STORYLINE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(vectors, "_session", None)
    fp32 = vectors.embed(sentences)
    assert "fp32" in vectors.onnx_path().name and vectors.onnx_path().exists()
    monkeypatch.setattr(vectors, "_session", None)  # the next test gets the default again
    exact = vectors.model().encode(sentences, normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False)
    assert (fp32 * exact).sum(axis=1).min() > 0.9999
