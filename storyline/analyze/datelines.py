"""Wire datelines: the reader lives in the text layer (``storyline.text.datelines``); this
name stays importable for the modules that still use it (``stories.features``)."""

from storyline.text.datelines import dateline_end

__all__ = ["dateline_end"]
