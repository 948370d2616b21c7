"""Number words and their values, for every reader of counts in the package.

``analyze.numbers`` (spaCy's CARDINAL entities) and ``digest.figures`` (counts read from
sentences) both take the values of written numbers from here.

>>> UNITS["nineteen"], TENS["forty"], SCALES["million"]
(19, 40, 1000000)
>>> word_value("twenty-five"), word_value("dozen"), word_value("Seven"), word_value("rain")
(25, 12, 7, None)
"""

from __future__ import annotations

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000}
DOZEN = 12


def word_value(word: str) -> int | None:
    """The value of one number word ("seven", "forty", "twenty-five", "dozen"), else None."""
    low = word.lower()
    if "-" in low:
        tens, _, unit = low.partition("-")
        if tens in TENS and unit in UNITS and 0 < UNITS[unit] < 10:
            return TENS[tens] + UNITS[unit]
        return None
    if low == "dozen":
        return DOZEN
    for table in (UNITS, TENS, SCALES):
        if low in table:
            return table[low]
    return None
