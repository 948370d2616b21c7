"""storyline: turn a stream of news articles from many outlets into stories."""

__version__ = "0.1.0"
