"""A copy of a text for the parser to read, as long as the text, so every offset holds.

Wire copy and archives (AP and NYT text as TDT and DUC distribute it) come hard-wrapped at
~70 characters, with a paragraph marked by an indented line rather than a blank one, and
quotation marks written the typewriter way, ``like this'' (two backticks, two apostrophes).
spaCy reads none of that as news text: a paragraph ran into the next, a quotation was cut at
the end of each line, and no `` counted as a quotation mark. Storyline's offsets point into
the text as given (formats §1), so nothing may be cut out or added: each change below swaps
characters one for one.

- In a text that opens quotations with backticks, "``" becomes ' "' and "''" becomes '" ':
  a straight quotation mark beside the quoted word.
- In a hard-wrapped text, a line break that starts an indented line becomes a blank line
  (a paragraph break), and any other single line break a space.

>>> reading_copy("``We go on,'' he said.")
' "We go on,"  he said.'
>>> wrapped = ("\\tLONDON (AP) _ Talks resumed\\non Monday after a week of\\nsilence, and\\n"
...            "went on.\\n\\t   A new line.")
>>> reading_copy(wrapped)
'\\tLONDON (AP) _ Talks resumed on Monday after a week of silence, and went on.\\n\\n   A new line.'

>>> reading_copy("One sentence a line.\\nAnother one here.")  # not wrapped: kept
'One sentence a line.\\nAnother one here.'
"""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"(?<!\n)\n(?![\n \t])")
# A line that stops mid-sentence: it ends in a letter, digit, comma, hyphen or semicolon.
_MID_SENTENCE = re.compile(r"[\w,;-]$")
WRAP_SHARE = 0.5  # of a text's lines that stop mid-sentence for it to be read as wrapped
MIN_LINES = 4
WRAP_WIDTH = 100  # wire copy wraps at 60-80 characters; a longer line was never wrapped


def reading_copy(text: str) -> str:
    """``text`` with typewriter quotation marks and hard wraps read as news text, as long as
    ``text`` (see the module docstring)."""
    out = _typewriter_marks(text)
    if is_hard_wrapped(out):
        out = _LINE_BREAK.sub(" ", _paragraph_starts(out))
    assert len(out) == len(text)
    return out


def is_hard_wrapped(text: str) -> bool:
    """Are most of the text's lines cut mid-sentence (a wire story wrapped at ~70 chars)?

    >>> is_hard_wrapped("A long line that\\nstops in the middle\\nof the sentence,\\ngoes\\non.")
    True
    >>> is_hard_wrapped("Para one ends.\\n\\nPara two ends.\\n\\nPara three.\\n\\nFour.")
    False
    >>> is_hard_wrapped("Yes.” ― Ana Ruiz\\n\\nNo.” ― Jo Li\\n\\nOk.” ― Al Bo\\n\\nEnd.")
    False
    """
    lines = [line.rstrip() for line in text.split("\n")]
    # A wrapped line goes on in the very next line; one followed by a blank line ends its
    # paragraph whatever its last character (a caption, a signature: "― Sonya Herridge").
    ended = [line for line, after in zip(lines, lines[1:], strict=False) if line.strip()]
    if len(ended) < MIN_LINES:
        return False
    stopped = sum(1 for line, after in zip(lines, lines[1:], strict=False)
                  if line.strip() and after.strip() and len(line) <= WRAP_WIDTH
                  and _MID_SENTENCE.search(line))
    return stopped >= WRAP_SHARE * len(ended)


def _typewriter_marks(text: str) -> str:
    # Only where backticks open quotations: a text that writes '' alone (NYT archives) may
    # use it for other things, and the release check's "direct" reads " and “ ” only.
    if "``" not in text:
        return text
    # With backticks opening, a doubled apostrophe closes (or, in AP copy, opens): a mark,
    # whether it touches its word or stands apart as a token ("`` clear '' reform").
    return text.replace("``", ' "').replace("''", '" ')


def _paragraph_starts(text: str) -> str:
    """The indentation right after a paragraph's line break keeps its length: only the
    break itself and the first indenting character turn into a blank line."""
    return re.sub(r"\n[ \t]", "\n\n", text)
