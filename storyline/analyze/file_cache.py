"""Analyses kept in a folder between evaluation runs (no store needed).

``storyline eval summarize --analysis-cache DIR`` analyzes each article once: the analysis
and vectors of an article (the store's row format, :mod:`storyline.analyze.cache`) are kept
in ``DIR/<analyzer version>/<key>.npz``, the key a hash of the article's id and text, and
read back on later runs; a new analyzer version starts an empty folder.

>>> import tempfile
>>> from storyline.model import Article
>>> cache = FileCache(tempfile.mkdtemp())
>>> [g[0].article.id for g in cache.analyze_groups([[Article(id="a", text="Rain fell.")]])]
['a']
>>> cache.get(Article(id="a", text="Rain fell.")).analysis.sentences[0].text
'Rain fell.'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from storyline.analyze.cache import decode, encode
from storyline.analyze.pipeline import VERSION, AnalyzedArticle, analyze_groups
from storyline.model import Article


class FileCache:
    """A folder of analyses, one ``.npz`` file (no pickles) per article."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder) / VERSION
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, article: Article) -> Path:
        digest = hashlib.sha1(f"{article.id}\0{article.text}".encode()).hexdigest()
        return self.folder / f"{digest}.npz"

    def get(self, article: Article) -> AnalyzedArticle | None:
        """The kept analysis of ``article``, or None."""
        path = self._path(article)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as saved:
                return decode(article, saved["data"].tobytes(), saved["vectors"].tobytes())
        except (OSError, ValueError, KeyError):
            return None  # a damaged file is analyzed again

    def put(self, done: AnalyzedArticle) -> None:
        """Keep the analysis of one article (written whole, then renamed into place)."""
        if done.analysis.version != VERSION:
            return
        row = encode(done)
        path = self._path(done.article)
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, data=np.frombuffer(row["data"], np.uint8),
                 vectors=np.frombuffer(row["vectors"], np.uint8))
        partial.replace(path)

    def analyze_groups(self, groups: Iterable[Sequence[Article]], *, workers: int = 1
                       ) -> Iterator[list[AnalyzedArticle]]:
        """:func:`storyline.analyze.pipeline.analyze_groups`, reading and filling the folder."""
        groups = [list(g) for g in groups]
        kept = [[self.get(a) for a in g] for g in groups]
        todo = [[a for a, k in zip(g, ks, strict=True) if k is None]
                for g, ks in zip(groups, kept, strict=True)]
        fresh = analyze_groups((t for t in todo if t), workers=workers)
        for ks, t in zip(kept, todo, strict=True):
            new = iter(next(fresh) if t else [])
            out = []
            for k in ks:
                if k is None:
                    k = next(new)
                    self.put(k)
                out.append(k)
            yield out
