"""Does a sentence stand alone: can a reader take it with nothing around it?

Summaries, timelines and story titles show sentences out of their articles; one that opens
with a pronoun or a connective, closes a quotation it never opened or names its speaker only
as "he" misleads there. (``storyline.evaluate.standalone`` keeps its own, independent check.)
"""

from __future__ import annotations

import re

QUOTE_CHARS = "\"“”‘’'`"

# Words that open a sentence leaning on the one before it ("He said...", "But the...").
_LEANING = re.compile(
    r"^\(?(?:He|She|It|They|We|I|You|This|That|These|Those|His|Her|Its|Their|Our|Him|Them"
    r"|But|And|Or|So|Also|However|Still|Yet|Instead|Meanwhile|Moreover|Furthermore|Nevertheless"
    r"|Then|Thus|Therefore|Besides|Otherwise|Such|Another|Neither)\b")
_COMMENT = re.compile(r"(?i)^\s*(?:posted by|reply|report abuse|recommend|comments?)\b"
                      r"|^\s*@\w|https?://|www\.|\b(?:click here|sign up|subscribe)\b"
                      # a reader comment anywhere in the span: "Posted by : K | ... | Report
                      # abuse", "At 16:35 30th Apr 2009, overreactagain wrote: Swine Flu?"
                      r"|\bposted by\s*:|(?-i:\bPosted by\b).{0,60}?\b\d{1,2}:\d\d"
                      r"|\breport abuse\b|\bwrote\s*:|(?-i:\bRETWEET\b)")
_PTB = re.compile(r"-[LR][RSC]B-")
_SPEECH_VERB = (r"said|says|added|adds|told|tells|explained|explains|noted|notes|continued|"
                r"insisted|insists|argued|argues|warned|warns|wrote|writes|asked|asks|replied|"
                r"stated|states|declared|recalled|recalls|remembered|admitted|conceded|"
                r"acknowledged|acknowledges|cautioned|stressed|emphasized|emphasised|observed|"
                r"suggested|claimed|claims|maintained|maintains|concluded|reflected|joked|"
                r"laughed|sighed|shouted|whispered")
# "..., he said." / "..." she added": the speaker is a pronoun whose name the reader never saw.
_PRONOUN_SPEAKER = re.compile(
    r"(?:[,;:”\"'’]|''|--|—)\s*(?:he|she|they|we|I|it)\s+(?:" + _SPEECH_VERB + r")\b"
    r"|(?:[,”\"'’]|'')\s*(?:" + _SPEECH_VERB + r")\s+(?:he|she|they)\s*[.,;!]")


def quotes_balanced(text: str) -> bool:
    """Every quotation opened in ``text`` closes in it, and none closes before it opens."""
    depth = 0
    for ch in text:
        depth += 1 if ch == "“" else -1 if ch == "”" else 0
        if depth < 0:
            return False  # a quotation that began in an earlier sentence
    if depth or text.count('"') % 2 == 1:
        return False
    # Tokenized text (Timeline17, DUC) writes quotations as `` ... ''.
    depth = 0
    for mark in re.findall(r"``|''", text):
        depth += 1 if mark == "``" else -1
        if depth < 0:
            return False
    return depth == 0


def stands_alone(text: str) -> bool:
    """Can this sentence be read with nothing around it?

    Not when it opens with a pronoun or connective that points back ("He said...", "But..."),
    or in the middle of something (a lower-case first word); when its quotation marks do
    not balance (a quotation that began in an earlier sentence, or never ends); when its
    speaker is only a pronoun (", he said."); when it is a reader comment or a link, or
    keeps the tokenizer's brackets (``-LRB-``).

    >>> stands_alone("Floods displaced 40,000 people in the north on Monday.")
    True
    >>> stands_alone("It is never easy,” he said."), stands_alone("But the river kept rising.")
    (False, False)
    >>> stands_alone('"The river kept rising all night," the mayor said.')
    True
    >>> stands_alone("The clatter was that of an automatic weapon, he said.")
    False
    >>> stands_alone("`` There 's a lot of blood now '' that has been spilled , Ghonim said .")
    True
    """
    stripped = text.strip()
    if _LEANING.match(stripped) or _COMMENT.search(stripped) or _PTB.search(stripped):
        return False
    first = stripped.lstrip(QUOTE_CHARS + "([ ")[:1]
    if first.isalpha() and first.islower():
        return False  # "ie/11BX93W 7:01 pm ET ...", "more '' Amid the ...": a fragment
    return quotes_balanced(stripped) and not _PRONOUN_SPEAKER.search(stripped)


def _fragment(text: str) -> bool:
    first = text.lstrip(QUOTE_CHARS + "([ ")[:1]
    return first.isalpha() and first.islower()


def pair_stands_alone(first: str, second: str) -> bool:
    """Do two consecutive sentences of one article, read together, stand alone where the
    second alone does not? The second leans on the first (a leading pronoun or connective,
    a quotation continued); the first does not lean on anything before it; together their
    quotation marks balance. A pronoun speaker (", she said."), comments, links, tokenizer
    brackets and fragments are never rescued: the sentence before need not name the
    speaker (on Multi-News, allowing them put 6% of summary sentences past the standalone
    check, docs/results/summary.md).

    >>> pair_stands_alone("Mayor Helena Strand toured the flooded town on Monday.",
    ...                   "It is never easy,” she said.")
    False
    >>> pair_stands_alone("Mayor Helena Strand toured the flooded town on Monday.",
    ...                   "She promised to rebuild the bridge.")
    True
    >>> pair_stands_alone("“The river rose all night.", "We had to leave,” the mayor said.")
    True
    >>> pair_stands_alone("He toured the town.", "She promised to rebuild the bridge.")
    False
    """
    a, b = first.strip(), second.strip()
    if stands_alone(b) or _COMMENT.search(b) or _PTB.search(b) or _fragment(b):
        return False
    if _PRONOUN_SPEAKER.search(b):
        return False  # '"...," she said.': who "she" is, the sentence before may not say
    if _LEANING.match(a) or _COMMENT.search(a) or _PTB.search(a) or _fragment(a):
        return False
    if _PRONOUN_SPEAKER.search(a):
        return False
    return quotes_balanced(a + " " + b)


__all__ = ["QUOTE_CHARS", "pair_stands_alone", "quotes_balanced", "stands_alone"]
