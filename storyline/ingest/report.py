"""What one ingest did: the counts of its summary line and the skips behind them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from storyline.ingest.records import Skip


@dataclass(slots=True)
class IngestReport:
    """What one ingest did: counts for the summary line and the skips behind them."""

    ingested: int = 0  # new original articles stored
    duplicates: int = 0  # articles recognized as copies of an earlier one
    already_present: int = 0  # the same article (same id, same text) was already stored
    skipped: int = 0
    skip_reasons: Counter = field(default_factory=Counter)
    skips: list[Skip] = field(default_factory=list)
    failed_inputs: list[str] = field(default_factory=list)
    read: int = 0  # articles read from the inputs
    duplicate_kinds: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        """One line: ``ingested N, duplicates D, skipped S (reasons...)``.

        >>> r = IngestReport(ingested=3, duplicates=1, skipped=2)
        >>> r.skip_reasons.update({"malformed JSON": 1, "missing text": 1})
        >>> r.summary()
        'ingested 3, duplicates 1, skipped 2 (1 malformed JSON, 1 missing text)'
        """
        line = f"ingested {self.ingested}, duplicates {self.duplicates}, skipped {self.skipped}"
        if self.skip_reasons:
            reasons = ", ".join(f"{n} {r}" for r, n in self.skip_reasons.most_common())
            line += f" ({reasons})"
        if self.already_present:
            line += f"; {self.already_present} already in the store"
        return line

    def to_json(self) -> dict:
        return {"ingested": self.ingested, "duplicates": self.duplicates,
                "duplicate_kinds": dict(self.duplicate_kinds),
                "already_present": self.already_present, "skipped": self.skipped,
                "skip_reasons": dict(self.skip_reasons), "failed_inputs": self.failed_inputs}
