"""Ingest: readers for every input format, duplicate detection, batch storing."""

from storyline.ingest.records import InputError, Skip
from storyline.ingest.runner import IngestReport, ingest_paths

__all__ = ["IngestReport", "InputError", "Skip", "ingest_paths"]
