"""The text layer: what storyline knows about English news text, each idea written once.

Plain functions over strings, below every stage (no model, no store): datelines
(``datelines``), word stems (``stems``), the values of number words (``numbers``) and
sentences split without a parser (``sentences``).
"""
