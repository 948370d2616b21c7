"""ROUGE-1.5.5 itself (the Perl script tilse ships), run as DUC ran it.

DUC 2005-2007 scored 250-word summaries with ``-n 2 -x -m -2 4 -u -c 95 -r 1000 -f A -p 0.5
-t 0 -l 250 -a``: stemming, stop words kept, recall of the first 250 words, averaged over
the human summaries with jackknifing (ROUGE-1.5.5 jackknifes whenever a topic has more than
one model summary). NIST's own figures for DUC 2006 (``rouge2.jk.m.avg``) come from that
run, so storyline's figures here can be set beside them.

Requires what :func:`storyline.evaluate.tls.rouge_home` requires (tilse, Perl, XML::DOM).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from storyline.evaluate.tls import MetricUnavailable, rouge_home

DUC_OPTIONS = ("-n", "2", "-x", "-m", "-2", "4", "-u", "-c", "95", "-r", "1000", "-f", "A",
               "-p", "0.5", "-t", "0", "-a")
_AVERAGE = re.compile(r"^(\S+) ROUGE-(1|2|SU4) Average_R: ([0-9.]+)")


def _page(title: str, text: str) -> str:
    body = text.replace("&", "&amp;").replace("<", " ").replace(">", " ")
    return (f"<html><head><title>{title}</title></head><body>\n"
            f'<a name="1">[1]</a> <a href="#1" id=1>{" ".join(body.split())}</a>\n'
            "</body></html>\n")


def duc_recall(peers: Mapping[str, Sequence[str]], references: Sequence[Sequence[str]], *,
               words: int) -> dict[str, dict[str, float]]:
    """Mean ROUGE-1, ROUGE-2 and ROUGE-SU4 recall of each system, in ``[0, 1]``.

    ``peers[system][t]`` is that system's summary of topic ``t``; ``references[t]`` the
    human summaries of topic ``t``. Summaries are cut at ``words`` words by ROUGE (``-l``).
    """
    systems = list(peers)
    if not systems or not references:
        return {}
    home = rouge_home()
    with tempfile.TemporaryDirectory(prefix="storyline-rouge155-") as tmp:
        root = Path(tmp)
        (root / "peers").mkdir()
        (root / "models").mkdir()
        evals = []
        for t, refs in enumerate(references):
            models = []
            for j, ref in enumerate(refs):
                name = f"t{t}.m{j}.html"
                (root / "models" / name).write_text(_page(f"m{j}", ref), encoding="utf-8")
                models.append(f'<M ID="{j}">{name}</M>')
            ps = []
            for s, system in enumerate(systems):
                name = f"t{t}.p{s}.html"
                (root / "peers" / name).write_text(_page(system, peers[system][t]),
                                                   encoding="utf-8")
                ps.append(f'<P ID="{s}">{name}</P>')
            evals.append(
                f'<EVAL ID="{t}"><PEER-ROOT>{root / "peers"}</PEER-ROOT>'
                f'<MODEL-ROOT>{root / "models"}</MODEL-ROOT><INPUT-FORMAT TYPE="SEE">'
                f'</INPUT-FORMAT><PEERS>{"".join(ps)}</PEERS><MODELS>{"".join(models)}</MODELS>'
                "</EVAL>")
        settings = root / "settings.xml"
        settings.write_text('<ROUGE_EVAL version="1.55">' + "".join(evals) + "</ROUGE_EVAL>",
                            encoding="utf-8")
        command = ["perl", str(home / "ROUGE-1.5.5.pl"), "-e", str(home / "data"),
                   *DUC_OPTIONS, "-l", str(words), str(settings)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise MetricUnavailable(f"ROUGE-1.5.5 failed: {done.stderr.strip()[:300]}")
    out: dict[str, dict[str, float]] = {system: {} for system in systems}
    for line in done.stdout.splitlines():
        m = _AVERAGE.match(line)
        if m:
            out[systems[int(m.group(1))]][f"rouge{m.group(2).lower()}"] = float(m.group(3))
    if any(len(v) != 3 for v in out.values()):
        raise MetricUnavailable("ROUGE-1.5.5 output lacks some systems' averages")
    return out
