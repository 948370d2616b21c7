"""Wire datelines: "BRANDON, March 10 (Northgate Wire) - " at the start of an article.

A dateline names where the story was filed, not who or what it is about: no speaker, no
quote content and no entity comes from it.

>>> text = "PORT CALLOWAY, March 3 (Northgate Wire) - Almira will host talks."
>>> text[dateline_end(text):]
'Almira will host talks.'
>>> dateline_end("WASHINGTON (Reuters) - The talks failed.")
23
>>> dateline_end("Talks failed in Geneva - again.")
0
"""

from __future__ import annotations

import re

# A place in capitals ("PORT CALLOWAY", "BEIRUT, Lebanon"), an optional date ("March 10"),
# an optional agency in brackets, then a dash; at the start of the text or of its second
# line (after a headline).
_DATELINE = re.compile(
    r"(?:^|\A[^\n]{0,200}\n\s*)"
    r"(?P<place>[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,3})"
    r"(?:,\s*[A-Z][\w.]*(?:\s+[A-Z\d][\w.]*){0,2})?"
    r"(?:,?\s*\d{1,2})?"
    r"\s*(?:\([^()\n]{1,40}\))?"
    r"\s*[-—–_]{1,2}\s+")


def dateline_end(text: str) -> int:
    """Where the text after a leading dateline starts (0 when there is none)."""
    m = _DATELINE.match(text[:400])
    if m is None or len(m["place"].replace(" ", "")) < 3:
        return 0
    return m.end()
