"""Do the sentences storyline shows stand alone? An automatic check (issue 15).

A summary or timeline sentence is read with nothing around it, so it fails when it

- ``quotes``: leaves a quotation open or closes one it never opened
  (“ ”, ``"``, and the ``\\`\\``/``''`` of tokenized text);
- ``pronoun``: opens with a personal pronoun (or "This is ...") pointing at a sentence
  the reader does not see: "He resigned on Friday.";
- ``speech``: is a fragment of speech: the speaker is only a pronoun ("It is never easy,”
  he said."), or it starts in the middle of something (a lower-case first word);
- ``dateline``: keeps a wire dateline: "BRANDON, March 10 (Northgate Wire) - At least 18 ...";
- ``comment``: is boilerplate from a web page: a reader comment ("At 16:35 30th Apr 2009,
  overreactagain wrote: ..."), "Posted by", "Report abuse", a link;
- ``ptb``: keeps tokenizer brackets (``-LRB-``, ``-RRB-``).

These rules are written independently of the digest's own filter
(:func:`storyline.digest.candidates.stands_alone`), so the check can catch what the
filter misses.

>>> problems("BRANDON, March 10 (Northgate Wire) - At least 18 people died.")
['dateline']
>>> problems("It is never easy,” he said.")
['quotes', 'pronoun', 'speech']
>>> problems("Floods displaced 40,000 people in the north on Monday.")
[]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

KINDS = ("quotes", "pronoun", "speech", "dateline", "comment", "ptb")

_OPENERS = "\"'“‘`(["
_PRONOUN = re.compile(
    r"^(?:He|She|It|They|We|I|You|His|Her|Its|Their|Our|Him|Them)\b"
    r"|^(?:This|That|These|Those)\s+(?:is|was|are|were|has|had|have|will|would|could|can|"
    r"may|might|should|must|means|meant|comes|came|includes|included)\b")
_SPEECH_VERBS = (r"said|says|added|adds|told|tells|explained|explains|noted|notes|continued|"
                 r"insisted|insists|argued|argues|warned|warns|wrote|writes|asked|asks|replied|"
                 r"stated|states|declared|recalled|recalls|remembered|admitted|conceded|"
                 r"acknowledged|acknowledges|cautioned|stressed|emphasized|emphasised|observed|"
                 r"suggested|claimed|claims|maintained|maintains|concluded|reflected|joked|"
                 r"laughed|sighed|shouted|whispered")
_PRONOUN_SPEAKER = (r"he|she|they|we|I|it")
# "..., he said." / "..." she added" / "..., said she." : a speaker the sentence never names.
_PRONOUN_SPEECH = re.compile(
    r"(?:[,;:”\"'’]|''|--|—)\s*(?:" + _PRONOUN_SPEAKER + r")\s+(?:" + _SPEECH_VERBS + r")\b"
    r"|(?:[,”\"'’]|'')\s*(?:" + _SPEECH_VERBS + r")\s+(?:he|she|they)\s*[.,;!]")
# A place in capitals ("BRANDON", "PORT CALLOWAY"), maybe ", March 10", maybe an agency in
# brackets, then a dash ...
_CAPS_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'’]{2,}(?:[ -][A-Z][A-Z.'’]+){0,3}"
    r"(?:\s*,\s*[A-Z][\w.]*(?:\s+[A-Z\d][\w.]*){0,2})?(?:\s*,?\s*\d{1,2})?"
    r"\s*(?:\([^()]{1,40}\)|-LRB-[^()]{1,40}?-RRB-)?\s*(?:--|_|-|—|–)\s+")
# ... or any capitalised place ("Cairo , Egypt") with the agency in brackets and a dash.
_AGENCY_DATELINE = re.compile(
    r"^\s*[A-Z][\w.'’]*(?:[ ,-]+[A-Z][\w.'’]*){0,4}"
    r"(?:\s*,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\(|-LRB-)\s*[A-Z][\w .'’]{1,30}?\s*(?:\)|-RRB-)\s*(?:--|_|-|—|–)")
_COMMENT = re.compile(
    r"(?i)\bwrote\s*:|\bposted by\s*:|(?-i:\bPosted by\b).{0,60}?\b\d{1,2}:\d\d|"
    r"\breport abuse\b|\brecommend(?:ed)?\s*\(\d+\)|"
    r"^\s*(?:reply|comments?|share this|share on|click here|sign up|subscribe)\b|"
    r"https?://|www\.\w|^\s*@\w+|\bclick here\b")
_PTB = re.compile(r"-[LR][RSC]B-")


def _quotes_unbalanced(text: str) -> bool:
    """An open quotation left open, or a closing mark with no opening one before it."""
    curly = 0
    for ch in text:
        if ch == "“":
            curly += 1
        elif ch == "”":
            curly -= 1
            if curly < 0:
                return True
    if curly != 0:
        return True
    if text.count('"') % 2:
        return True
    opened = closed = 0
    for m in re.finditer(r"``|''", text):
        if m.group(0) == "``":
            opened += 1
        else:
            closed += 1
            if closed > opened:
                return True
    return opened != closed


def problems(text: str) -> list[str]:
    """The kinds (:data:`KINDS`) of reasons ``text`` does not stand alone; [] when it does.

    >>> problems('"We told her: do nothing until 30 kilometres.')
    ['quotes']
    >>> problems("At 16:35 30th Apr 2009, overreactagain wrote: Swine Flu?")
    ['comment']
    >>> problems('"We will rebuild," Mayor Helena Strand said on Monday.')
    []
    """
    stripped = " ".join(text.split())
    found = []
    if _quotes_unbalanced(stripped):
        found.append("quotes")
    # A pronoun inside a quotation is the speaker's word ("We will rebuild," the mayor said).
    if _PRONOUN.match(stripped.lstrip("([ ")):
        found.append("pronoun")
    first = stripped.lstrip(_OPENERS + " ")[:1]
    if _PRONOUN_SPEECH.search(stripped) or (first.isalpha() and first.islower()):
        found.append("speech")
    if _CAPS_DATELINE.match(stripped) or _AGENCY_DATELINE.match(stripped):
        found.append("dateline")
    if _COMMENT.search(stripped):
        found.append("comment")
    if _PTB.search(stripped):
        found.append("ptb")
    return found


@dataclass(slots=True)
class Tally:
    """Sentences checked, those failing, per kind, and a few examples of each kind."""

    sentences: int = 0
    failing: int = 0
    failing_sentences: int = 0  # the strict reading: every sentence of a failing text
    kinds: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, text: str, *, keep_examples: int = 3, sentences: int = 1) -> list[str]:
        """Check one sentence and count it; returns its problems. ``text`` may be several
        ``sentences`` read together (consecutive sentences of one article): each counts in
        the total, and a failing text counts as one failing sentence (a problem sits in one
        place: the run's opening pronoun, the quotation left open...)."""
        found = problems(text)
        self.sentences += sentences
        if found:
            self.failing += 1
            self.failing_sentences += sentences
            self.kinds.update(found)
            for kind in found:
                shown = self.examples.setdefault(kind, [])
                if len(shown) < keep_examples:
                    shown.append(text.strip())
        return found

    def merge(self, other: Tally) -> None:
        self.sentences += other.sentences
        self.failing += other.failing
        self.failing_sentences += other.failing_sentences
        self.kinds.update(other.kinds)
        for kind, texts in other.examples.items():
            self.examples.setdefault(kind, []).extend(texts)

    def percent(self, kind: str | None = None) -> float:
        """Share of sentences failing (for one kind, or any), in percent."""
        n = self.failing if kind is None else self.kinds[kind]
        return 100.0 * n / self.sentences if self.sentences else 0.0

    def as_dict(self) -> dict:
        strict = 100.0 * self.failing_sentences / self.sentences if self.sentences else 0.0
        return {"sentences": self.sentences, "failing": self.failing,
                "percent": round(self.percent(), 2),
                "failing_sentences": self.failing_sentences, "percent_strict": round(strict, 2),
                "kinds": {k: {"count": self.kinds[k], "percent": round(self.percent(k), 2)}
                          for k in KINDS},
                "examples": {k: v for k, v in self.examples.items()}}


def check(texts: Iterable[str]) -> Tally:
    """Tally the problems of every sentence in ``texts``.

    >>> t = check(["He left.", "The river rose two metres on Monday."])
    >>> t.sentences, t.failing, t.kinds["pronoun"]
    (2, 1, 1)
    """
    tally = Tally()
    for text in texts:
        tally.add(text)
    return tally
