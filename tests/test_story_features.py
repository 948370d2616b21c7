"""Story-detection features of texts at the edges: names only in the dateline."""

from __future__ import annotations

from storyline.model import Article
from storyline.stories.features import featurize


def test_an_article_whose_only_name_is_its_dateline_is_featurized():
    # The dateline's place counts as evidence but names no key entity: with no other name
    # there is nothing to display (this raised StopIteration inside scikit-learn's hasher).
    text = "BRANDON, March 10 (Northgate Wire) - It rained all day and the river rose fast."
    [plain, named] = featurize([Article(text=text, id="d"),
                                Article(text=text + " Mayor Ana Lopez closed the bridge.",
                                        id="n")])
    assert len(plain.entity_ids) >= 1 and plain.entity_names == {}
    assert "Ana Lopez" in named.entity_names.values()
    assert "BRANDON" not in " ".join(named.entity_names.values()).upper().split()
