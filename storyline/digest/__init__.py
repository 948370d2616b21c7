"""Digests of a story: summary with citations, timeline, quotes, disagreements."""
