"""Text from articles on the terminal: shown as text, never as instructions to the terminal.

A title, an outlet or an id comes from whoever wrote the input. Printed through Rich as it
is, ``[link=https://elsewhere]Read[/link]`` becomes a clickable link and ``[blink]`` blinks
(Rich markup), and raw escape sequences clear the screen, set the window title or write
hyperlinks (OSC 8). ``clean`` removes every control character and bidirectional override;
``plain`` also keeps Rich from reading markup; ``safe`` is ``clean`` escaped for a string
that holds markup of our own.

>>> clean("Title\\x1b]8;;https://x.example\\x07link\\x1b]8;;\\x07 \\x1b[2J")
'Title]8;;https://x.examplelink]8;; [2J'
>>> safe("[link=https://x.example]Read[/link]")
'\\\\[link=https://x.example]Read\\\\[/link]'
"""

from __future__ import annotations

import re

from rich.markup import escape
from rich.text import Text

# C0 and C1 controls and DEL (line breaks and tabs become spaces first), and the Unicode
# marks that reorder or hide text (bidirectional embeddings, overrides and isolates).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")


def clean(value: object) -> str:
    """``value`` as one line of text without control characters."""
    return _CONTROL.sub("", _BREAKS.sub(" ", str(value)))


def plain(value: object) -> Text:
    """A table cell or line of article text: cleaned, and never read as Rich markup."""
    return Text(clean(value))


def safe(value: object) -> str:
    """Cleaned and markup-escaped, to put inside a string that holds our own markup."""
    return escape(clean(value))
