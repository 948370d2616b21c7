"""One claim and its denial, reported by several outlets, told once.

``denials`` finds each outlet's *report* of a claim and its denial ("Veloria blames the
shelling of Kesh on Drustan and Drustan denies" in one paper, "According to the ministry,
artillery rounds … struck a grain store" and "Drustan denied firing on the village" in
another). Reports of the same dispute become one item that names every outlet reporting it
and shows each outlet's own statements, at most ``SETTINGS.max_denial_lines`` of them.

Two reports are of the same dispute when all of this holds (and a report joins a group only
when it is of the same dispute as every report already in it):

- **the same denier**, by name: "the Drustani government" and "Drustan" are one party (the
  demonym starts with the name); a denier without a name is the same as another only when
  its words are all in the other's ("the shipyard", "the Norra shipyard"): "the ministry"
  may be any ministry;
- **claimants that can be one**: two named claimants must be the same party; a claimant
  without a name ("the ministry") or none at all can be anyone's;
- **the same time**: when both reports date what they tell, some date of one is within
  ``SETTINGS.denial_days`` of some date of the other (the shelling on Sunday, its denial on
  Wednesday; a breach of the ceasefire three weeks later is another dispute);
- **the same event**, read as ``denials`` reads a claim and its denial across sentences: the
  two share a name or a rare word beyond the parties' names, the words of saying and
  denying, dates and the words most of the story's articles use ("Sarn", "river"), and
  their sentence vectors are alike (``SETTINGS.denial_similarity``). When one of them
  dates nothing, only a shared name ("Kesh") will do ("fired" is in the shelling of Kesh
  and in a later breach of the ceasefire alike), and their sentences must be as alike as
  two wordings of one report (``SETTINGS.same_dense_low``): "Misrata" is in the Libyan
  government's denial that it shells civilians there and in its denial that a strike
  west of Misrata killed Gaddafi's son. A report whose claim ``denials`` paired
  with it across sentences (no claimant named) is read by its denial alone.

A wrong merge hides a dispute, a repeat only costs a line, so any doubt keeps them apart.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storyline.analyze.pipeline import AnalyzedArticle
from storyline.digest.denial_reading import content_words
from storyline.digest.disagreements import outlet_name, sentence_citation
from storyline.digest.settings import SETTINGS
from storyline.model import Citation, Disagreement

# Words of saying and denying: every report has them, they tell nothing of the event.
_SAYING = re.compile(r"(?:said|says|told|tell|accus|alleg|claim|blam|charg|report|accord|"
                     r"insist|assert|statem|spokes|deni|deny|reject|dismis|refut|rebut|"
                     r"disput|govern|minist|offici)", re.I)
# Capitalised words that name nobody in particular: "Dr Murray" and "Drustan" share no name.
_NOT_NAMES = {"the", "a", "an", "mr", "mrs", "ms", "dr", "sir", "prof", "gen", "col", "lt",
              "president", "minister", "prime", "foreign", "defence", "defense", "interior",
              "government", "ministry", "army", "police", "officials", "spokesman",
              "spokeswoman", "secretary", "state", "general", "colonel", "judge"}


@dataclass(frozen=True, slots=True)
class Report:
    """One outlet's account of a claim and its denial, as ``denials`` found it.

    ``statements`` are (article index, sentence index): the claim first, the denial last;
    one when a sentence holds both."""

    score: float  # how sure the finding is; the strongest report of a group leads it
    denier: str
    claimant: str | None  # None: the claim's speaker is not named ("A claim denied by …")
    statements: tuple[tuple[int, int], ...]

    def outlets(self, analyzed: Sequence[AnalyzedArticle]) -> list[str]:
        return list(dict.fromkeys(outlet_name(analyzed, a) for a, _ in self.statements))

    def describe(self, analyzed: Sequence[AnalyzedArticle]) -> str:
        """The label of this report alone."""
        return _label([self], analyzed)


def merge_reports(analyzed: Sequence[AnalyzedArticle],
                  reports: Sequence[Report]) -> list[Disagreement]:
    """One ``"denial"`` item per dispute, strongest first; ``reports`` strongest first."""
    common = _common_words(analyzed)
    groups: list[list[Report]] = []
    for report in reports:
        home = next((g for g in groups if all(
            same_dispute(analyzed, report, other, common) for other in g)), None)
        if home is None:
            groups.append([report])
        else:
            home.append(report)
    return [_item(analyzed, group) for group in groups]


def same_dispute(analyzed: Sequence[AnalyzedArticle], a: Report, b: Report,
                 common: frozenset[str] | set[str] = frozenset()) -> bool:
    """Are two reports of one claim and its denial (the module's rules)?"""
    if not _same_named(a.denier, b.denier, unnamed_match=_within(a.denier, b.denier)):
        return False
    if a.claimant and b.claimant and not _same_named(a.claimant, b.claimant,
                                                     unnamed_match=True):
        return False
    days_a, days_b = _days(analyzed, a), _days(analyzed, b)
    if days_a and days_b and min(abs((x - y).days) for x in days_a
                                 for y in days_b) > SETTINGS.denial_days:
        return False
    parties = [p for r in (a, b) for p in (r.denier, r.claimant) if p]
    words_a, names_a = _event_words(analyzed, a, parties)
    words_b, names_b = _event_words(analyzed, b, parties)
    bar = SETTINGS.denial_similarity
    if not (days_a and days_b):  # nothing tells two events apart in time: a name, and the
        words_a, words_b = names_a, names_b  # sentences as alike as two wordings of one report
        bar = max(bar, SETTINGS.same_dense_low)
    if not (words_a & words_b) - common:
        return False
    return _similarity(analyzed, a, b) >= bar


def _names(party: str) -> set[str]:
    """The capitalised words of a party's name ("Veloria's defence ministry": veloria), but
    titles and offices ("Dr", "Government")."""
    return {re.sub(r"'s?$", "", w).lower() for w in re.findall(r"\b[A-Z][\w']+", party)
            } - _NOT_NAMES


def _same_named(a: str, b: str, unnamed_match: bool) -> bool:
    """Do two parties share a name, a demonym naming its country ("Drustani", "Drustan")? A
    party without a name is ``unnamed_match``."""
    names_a, names_b = _names(a), _names(b)
    if not names_a or not names_b:
        return unnamed_match
    return any(x == y or min(len(x), len(y)) >= 4 and (x.startswith(y) or y.startswith(x))
               for x in names_a for y in names_b)


def _evidence(report: Report) -> tuple[tuple[int, int], ...]:
    """The statements that tell what a report is about: all of them, or only the denial when
    the claim is the stance model's pick from another sentence (no claimant named), which
    can be the denier's own words ("The Libyan government says it is fighting al Qaeda")."""
    return report.statements if report.claimant else report.statements[-1:]


def _within(a: str, b: str) -> bool:
    """Are the words of one party all in the other ("the shipyard", "the Norra shipyard")?"""
    words_a, words_b = ({re.sub(r"'s?$", "", w) for w in re.findall(r"[\w']+", p.lower())}
                        - {"the", "a", "an"} for p in (a, b))
    return words_a <= words_b or words_b <= words_a


def _days(analyzed: Sequence[AnalyzedArticle], report: Report) -> set[date]:
    """The days the report's sentences name ("on Sunday": the Sunday before publication)."""
    out = set()
    for a_index, s_index in _evidence(report):
        item = analyzed[a_index]
        s = item.analysis.sentences[s_index]
        for t in item.analysis.times:
            if s.start <= t.start < s.end and isinstance(t.value, str) and len(t.value) == 10:
                try:
                    out.add(date.fromisoformat(t.value))
                except ValueError:
                    continue
    return out


def _event_words(analyzed: Sequence[AnalyzedArticle], report: Report,
                 parties: list[str]) -> tuple[set[str], set[str]]:
    """The report's content words, and those of the names it mentions (places, people,
    organisations), less the parties' names, words of saying or denying and dates ("on
    Wednesday" is when it was said, not what)."""
    texts, named = [], []
    for a_index, s_index in _evidence(report):
        item = analyzed[a_index]
        s, text = item.analysis.sentences[s_index], item.article.text
        cut = [(t.start, t.end) for t in item.analysis.times if s.start <= t.start < s.end]
        kept, at = [], s.start
        for start, end in sorted(cut):
            kept.append(text[at:max(at, start)])
            at = max(at, end)
        texts.append(" ".join([*kept, text[at:s.end]]))
        named += [e.text for e in item.analysis.entities if s.start <= e.start < s.end]
    names = {n for p in parties for n in _names(p)}

    def event(words: set[str]) -> set[str]:
        return {w for w in words if not _SAYING.match(w)
                and not any(w.startswith(n[:6]) or n.startswith(w) for n in names)}

    return event(content_words(" ".join(texts))), event(content_words(" ".join(named)))


def _common_words(analyzed: Sequence[AnalyzedArticle]) -> set[str]:
    """Words in more than half of the story's articles (and in more than two): what the
    story is about ("Sarn", "river"), not which event of it."""
    counts = Counter(w for item in analyzed for w in content_words(item.article.text))
    return {w for w, n in counts.items() if n > max(2, len(analyzed) / 2)}


def _similarity(analyzed: Sequence[AnalyzedArticle], a: Report, b: Report) -> float:
    """The best cosine between a sentence of one report and a sentence of the other."""
    best = -1.0
    for ai, si in _evidence(a):
        for aj, sj in _evidence(b):
            va, vb = analyzed[ai].sentence_vectors, analyzed[aj].sentence_vectors
            if si < len(va) and sj < len(vb):
                best = max(best, float(va[si] @ vb[sj]))
    return best


def _item(analyzed: Sequence[AnalyzedArticle], group: list[Report]) -> Disagreement:
    """The group's item: its label, then each outlet's statements (one report per outlet,
    strongest first, while they fit in ``SETTINGS.max_denial_lines``)."""
    statements: list[Citation] = []
    shown: set[str] = set()
    for report in group:
        outlets = set(report.outlets(analyzed))
        if statements and (outlets <= shown or len(statements) + len(report.statements)
                           > SETTINGS.max_denial_lines):
            continue
        shown |= outlets
        statements += [sentence_citation(analyzed, a, s) for a, s in report.statements]
    return Disagreement("denial", _label(group, analyzed), statements,
                        outlets=_outlets(analyzed, group))


def _outlets(analyzed: Sequence[AnalyzedArticle], group: list[Report]) -> list[str]:
    return list(dict.fromkeys(o for r in group for o in r.outlets(analyzed)))


def _label(group: list[Report], analyzed: Sequence[AnalyzedArticle]) -> str:
    """ "A claim by Veloria, denied by Drustan (Harbor Ledger, Lantern Herald)": the parties
    as most reports name them, a name before a bare "the ministry"."""
    denier = _most_specific([r.denier for r in group])
    claimant = _most_specific([r.claimant for r in group if r.claimant])
    outlets = _outlets(analyzed, group)
    if claimant:
        return f"A claim by {claimant}, denied by {denier} ({', '.join(outlets)})"
    if len(group) == 1 and len(outlets) == 2:
        claimed, denied = outlets
        return f"A claim denied by {denier} (reported by {claimed}; the denial by {denied})"
    return f"A claim denied by {denier} (reported by {', '.join(outlets)})"


def _most_specific(parties: list[str]) -> str | None:
    """A named party before an unnamed one, then the name most reports use, then the longer
    ("the dockers' union" before "the union"), then the strongest report's."""
    if not parties:
        return None
    counts = Counter(parties)
    return max(parties, key=lambda p: (bool(_names(p)), counts[p], len(p.split()),
                                       -parties.index(p)))


__all__ = ["Report", "merge_reports", "same_dispute"]
