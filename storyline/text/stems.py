"""Word stems: the Snowball (Porter 2) stemmer for English, one for the whole package.

The summary's TF-IDF vocabulary (``digest.candidates.content_words``) and the stance
features (``stance.text``) both stem with it. Snowball needs no downloaded data.

>>> stem("denied"), stem("hoaxes"), stem("ministers")
('deni', 'hoax', 'minist')
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
