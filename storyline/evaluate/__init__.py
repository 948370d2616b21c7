"""Evaluations on public data sets: readers for them and the standard metrics."""
