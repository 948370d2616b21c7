"""Words, stems and sentences as the stance features read them, and the cue-word lists.

The lists are the ones the FNC-1 literature found useful (Hanselowski et al. 2018; the
challenge baseline; Athene; UCLMR): words that refute or deny a claim, words that hedge
or merely report it, words that confirm it, and negations. They are general English, not
fitted to any topic.

>>> words("It isn't a hoax, officials said.")
['it', 'is', 'not', 'a', 'hoax', 'officials', 'said']
>>> stem("denied"), stem("hoaxes")
('deni', 'hoax')
>>> split_sentences("One. Two? Three")
['One.', 'Two?', 'Three']
"""

from __future__ import annotations

import re

from storyline.text.stems import stem

_WORD = re.compile(r"[a-z0-9]+")
_NOT = re.compile(r"n't\b|n’t\b")
_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n+")

# Each list is matched on stems, so "denies", "denied" and "denying" are one entry.
REFUTE = ("fake", "fraud", "hoax", "false", "deni", "deny", "not", "despit", "nope", "doubt",
          "bogus", "debunk", "prank", "retract", "refut", "reject", "untru", "mislead",
          "myth", "rumor", "rumour", "satir", "fabric", "baseless", "dismiss", "disput",
          "contradict", "wrong", "incorrect", "nonsens", "lie", "unfound", "spoof", "parodi")
HEDGE = ("alleg", "report", "claim", "rumor", "rumour", "unconfirm", "appar", "purport",
         "suggest", "may", "might", "could", "possibl", "unverifi", "specul", "uncertain",
         "unclear", "believ", "accord", "seem", "appear", "perhap", "suppos", "unknown")
CONFIRM = ("confirm", "offici", "announc", "verifi", "reveal", "inde", "true", "proven",
           "show", "acknowledg", "admit", "prove", "fact", "actual", "certain")
NEGATION = ("not", "no", "never", "none", "nobodi", "nothing", "neither", "nor", "nowher",
            "without", "cannot")
REPORT = ("said", "say", "told", "tell", "state", "accord", "write", "wrote", "tweet")
LEXICONS = {"refute": REFUTE, "hedge": HEDGE, "confirm": CONFIRM, "negation": NEGATION,
            "report": REPORT}


def words(text: str) -> list[str]:
    """Lowercased word tokens; "n't" becomes "not"."""
    return _WORD.findall(_NOT.sub(" not", text.lower()))


def stems(text: str) -> list[str]:
    """The stems of every word of ``text``, stop words included (the model drops them)."""
    return [stem(w) for w in words(text)]


def split_sentences(text: str) -> list[str]:
    """Sentences by end punctuation and line breaks (fast; good enough for features)."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def lexicon_counts(stemmed: list[str]) -> dict[str, int]:
    """How many stems of each list occur.

    >>> lexicon_counts(stems("Officials denied the report; it was not true."))["refute"]
    2
    """
    present = set(stemmed)
    out = {}
    for name, entries in LEXICONS.items():
        out[name] = sum(1 for s in stemmed if s in entries) if present & set(entries) else 0
    return out
