"""The dam story used by the update tests: a first day, then a second day that repeats
some of it and adds an inquiry and aid money."""

from __future__ import annotations

import json
from pathlib import Path

FIRST = [
    ("Carrow Weekly", "2031-04-08T08:00:00Z",
     "The Brennick Dam on the river Orla broke early on Monday and flooded the town of "
     "Carrowmere. At least fourteen people were killed, the regional police said. About "
     "3,000 residents were taken to emergency shelters in schools and sports halls."),
    ("North Wire", "2031-04-08T10:00:00Z",
     "Floodwater from the broken Brennick Dam swept through Carrowmere on Monday morning. "
     "Police said at least fourteen people died in the flood in Carrowmere. Thousands of "
     "residents spent the night in emergency shelters set up in local schools."),
]
SECOND = [
    ("Vale Times", "2031-04-09T09:00:00Z",
     "The Brennick Dam gave way early on Monday, and the water flooded Carrowmere, police "
     "said. An independent inquiry will examine why the gate of the Brennick Dam failed, the "
     "interior ministry said on Tuesday."),
    ("Harbor Post", "2031-04-09T11:00:00Z",
     "The European Union offered twenty million euros in emergency aid to rebuild homes and "
     "bridges in Carrowmere after the Brennick Dam flood. An inquiry into the failure of the "
     "dam gate was announced by the interior ministry."),
]


def write_rows(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps({"source": s, "published": p, "text": t,
                                        "title": t.split(".")[0][:60]}) + "\n"
                            for s, p, t in rows), encoding="utf-8")
    return path
