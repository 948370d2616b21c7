"""Word stems, every stemmer of the package in one place.

``stem`` (Snowball, Porter 2) for what compares texts: the summary's TF-IDF vocabulary
(``digest.candidates.content_words``) and the stance features (``stance.text``).
``porter_stem`` (the original Porter) for the summary's concepts (``digest.concepts``):
they are meant to be the word bigrams ROUGE counts, and ROUGE stems with Porter. Neither
needs downloaded data.

>>> stem("denied"), stem("hoaxes"), stem("ministers")
('deni', 'hoax', 'minist')
>>> porter_stem("generously"), stem("generously")
('gener', 'generous')
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=300_000)
def stem(word: str) -> str:
    """The stem of a lowercased word."""
    return _stemmer().stem(word)


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def porter_stem(word: str) -> str:
    """The Porter stem of a lowercased word (ROUGE's stemmer)."""
    return _porter().stem(word)


@lru_cache(maxsize=1)
def _porter():
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()
