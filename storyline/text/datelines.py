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


# A dateline with its agency in brackets is distinctive enough to find after a header line
# ("RABAT | Sun Feb 20 , 2011 6:47 pm EST RABAT -LRB- Reuters -RRB- - A son of ...").
_AGENCY_DATELINE = re.compile(
    r"\b(?!(?:EST|EDT|GMT|BST|IST|UTC|CET|CEST|PST|PDT|ET|PT)\b)"  # a time zone before it
    r"(?P<place>[A-Z][A-Z.'’]+(?:(?:[ -]|\\?/)[A-Z][A-Z.'’]+){0,4})"
    r"(?:,\s*[A-Z][\w.]*(?:\s+[A-Z\d][\w.]*){0,2})?"
    r"\s*(?:\(|-LRB-)\s*[A-Z][\w .'’]{1,30}?\s*(?:\)|-RRB-)\s*(?:[-—–_]{1,2}\s+){1,3}")


def dateline_end(text: str) -> int:
    """Where the text after a leading dateline starts (0 when there is none); a header
    before a dateline that names its agency goes with it.

    >>> t = "RABAT | Sun Feb 20 , 2011 EST RABAT -LRB- Reuters -RRB- - A son spoke."
    >>> t[dateline_end(t):]
    'A son spoke.'
    >>> t = "NEW YORK , Sept. 29 -- Stocks fell sharply ."
    >>> t[dateline_end(t):]
    'Stocks fell sharply .'
    """
    # Tokenized text (Timeline17) puts a space before commas: "NEW YORK , Sept. 29 --" is
    # read as "NEW YORK,  Sept. 29 --" (the same length, so offsets stay offsets into text).
    head = text[:400].replace(" ,", ", ")
    m = _DATELINE.match(head)
    if m is not None and len(m["place"].replace(" ", "")) >= 3:
        return m.end()
    m = _AGENCY_DATELINE.search(head)
    before = head[:m.start()].rstrip() if m is not None else ""
    if m is not None and len(m["place"].replace(" ", "")) >= 3 \
            and not before[-1:].islower():  # "... met in NEW YORK (Reuters) -": not one
        return m.end()
    return 0
