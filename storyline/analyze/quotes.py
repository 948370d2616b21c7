"""Who said what: direct quotes and reported speech, with speaker, cue and content spans.

- Direct quotes come from quotation marks (straight or curly), also when a quote runs over
  several sentences or paragraphs (the news convention: an unclosed paragraph whose next
  paragraph opens a quote again is the same quote).
- The speaker is the subject of a speech verb next to the quote ("...," he said / said
  Kerry / Kerry said: "..."); a quote without one continues the previous speaker's quote.
- Reported speech comes from the dependency parse: a speech verb's clausal complement
  ("X said that ...", "X told reporters ...", "X denied ..."), and "according to X".
- A pronoun or a description ("the minister") as speaker is resolved to the latest person
  named before it (for a description: named with that title).

>>> from storyline.analyze.nlp import nlp
>>> text = 'Kerry arrived. "We are not leaving," he told reporters.'
>>> doc = nlp()(text)
>>> from storyline.analyze.entities import read_entities
>>> [(q.speaker, q.quote, q.cue, q.direct) for q in read_quotes(doc, read_entities(doc))]
[('Kerry', 'We are not leaving', 'told', True)]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.analyze.nlp import lemma
from storyline.model import Entity, Quote

SPEECH_VERBS = frozenset("""
say tell add ask claim deny insist argue warn announce state explain note acknowledge admit
report write tweet declare reply respond answer complain suggest predict promise urge describe
confirm recall conclude stress emphasize emphasise maintain contend assert allege testify
reveal accuse charge joke quip vow pledge boast concede observe agree lament demand caution
threaten estimate indicate learn believe think hope fear worry acknowledge reiterate repeat
counter retort mention brag posit speculate write post continue point echo interrupt read
chant show find cite dismiss praise mock ridicule propose refuse rule blast slam criticize
criticise question tout
""".split())
# Verbs that take a quote only with a clause ("think", "believe", "a poll shows"): never a
# direct-quote cue.
_BELIEF = frozenset({"believe", "think", "hope", "fear", "worry", "learn", "estimate", "show",
                     "find", "cite", "rule", "propose", "refuse", "praise", "question"})
_DASH_SPEAKER = re.compile(r"^[\s.,]*[―—–-]\s*((?:[A-Z][\w.'’-]*\s?){1,5})")
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
OPEN_MARKS = "“«„"
CLOSE_MARKS = "”»"
STRAIGHT = '"'
_MIN_QUOTE_WORDS = 3  # shorter quoted bits ("scare quotes") need a cue right beside them
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[" + re.escape(OPEN_MARKS + STRAIGHT) + r"])")


@dataclass(slots=True)
class QuoteSpan:
    """The inside of one pair of quotation marks; ``chain`` groups paragraphs of one quote."""

    start: int  # first character inside the marks
    end: int  # last character inside the marks + 1
    chain: int
    closed: bool


def quote_spans(text: str) -> list[QuoteSpan]:
    """Spans inside quotation marks, paired per paragraph (see the module docstring).

    >>> text = 'He said "yes." Then: “Part one.\\n\\n“Part two.” Done.'
    >>> [(text[s.start:s.end], s.chain) for s in quote_spans(text)]
    [('yes.', 0), ('Part one.', 1), ('Part two.', 1)]
    """
    breaks = [m.start() for m in re.finditer(r"\n", text)]
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    chain = -1
    carried = False  # the open quote continues one from an earlier paragraph

    def paragraph_end(pos: int) -> int:
        i = bisect_left(breaks, pos)
        return breaks[i] if i < len(breaks) else len(text)

    for i, ch in enumerate(text):
        if ch not in OPEN_MARKS and ch not in CLOSE_MARKS and ch != STRAIGHT:
            continue
        if open_at is not None and paragraph_end(open_at) < i:
            # The quote ran to the end of its paragraph unclosed: if this mark opens the
            # next paragraph, the quote goes on (the same chain); else it was a stray mark.
            end = paragraph_end(open_at)
            continues = ch in OPEN_MARKS or ch == STRAIGHT
            spans.append(QuoteSpan(open_at, end, chain, False))
            open_at = None
            carried = continues
        if open_at is None:
            if ch in CLOSE_MARKS:
                continue
            if not carried:
                chain += 1
            carried = False
            open_at = i + 1
        else:
            if ch in OPEN_MARKS:
                continue  # a nested opening curly mark: keep the outer quote open
            spans.append(QuoteSpan(open_at, i, chain, True))
            open_at = None
    if open_at is not None:
        spans.append(QuoteSpan(open_at, paragraph_end(open_at), chain, False))
    # Trim whitespace inside the marks.
    out = []
    for s in spans:
        inner = text[s.start:s.end]
        lead = len(inner) - len(inner.lstrip())
        body = inner.strip()
        if s.closed:
            body = body.rstrip(",").rstrip()  # '"We stay," he said': the comma is the cue's
        if body:
            out.append(QuoteSpan(s.start + lead, s.start + lead + len(body), s.chain, s.closed))
    return out


@dataclass(slots=True)
class _Speaker:
    name: str
    start: int
    end: int
    cue: object  # the spaCy token of the cue


class _Resolver:
    """Names for pronouns and descriptions: the latest fitting person named before."""

    def __init__(self, doc, entities: Sequence[Entity]) -> None:
        self.doc = doc
        self.people = [e for e in entities if e.label == "PERSON"]
        self.named = [e for e in entities if e.label in ("PERSON", "ORG", "GPE", "NORP")]
        self.text = doc.text

    def entity_at(self, token) -> Entity | None:
        for e in self.named:
            if e.start <= token.idx < e.end:
                return e
        return None

    def latest_person(self, before: int, title: str | None = None) -> Entity | None:
        best = None
        for e in self.people:
            if e.start >= before:
                break
            if title is not None:
                context = self.text[max(0, e.start - 40):e.start].lower()
                after = self.text[e.end:e.end + 40].lower()
                if title not in context and title not in after:
                    continue
            best = e
        return best

    def speaker(self, subj) -> tuple[str, int, int]:
        """The resolved name and the attributing mention's span for subject token ``subj``."""
        if subj.lower_ in ("who", "that", "which") and subj.head.dep_ == "relcl":
            subj = subj.head.head  # "Kerry, who said ...": the relative clause's noun
        ent = self.entity_at(subj)
        if ent is not None:
            return ent.key, ent.start, ent.end
        # "the mayor, Ana Lopez, said": the name in apposition.
        for child in subj.children:
            if child.dep_ == "appos":
                named = self.entity_at(child)
                if named is not None and named.label == "PERSON":
                    return named.key, subj.left_edge.idx, named.end
        start_tok = subj.left_edge
        while start_tok.i < subj.i and start_tok.dep_ in ("punct", "cc"):
            start_tok = self.doc[start_tok.i + 1]
        span = self.doc[start_tok.i:subj.i + 1]
        # Keep flat name parts after the head ("Mr Kerry Jr"): compound children to the right.
        start, end = span.start_char, span.end_char
        lower = subj.lower_
        if lower in _PERSON_PRONOUNS:
            person = self.latest_person(subj.idx)
            return (person.key if person else subj.text), start, end
        if subj.pos_ == "NOUN" and any(t.lower_ in ("the", "this", "that") for t in span):
            person = self.latest_person(subj.idx, title=subj.lower_)
            if person is not None:
                return person.key, start, end
        return span.text, start, end


def _subject(verb):
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            # "9:30 p.m. Trump says": a time stamp parsed as the subject is nobody.
            if child.ent_type_ in ("TIME", "DATE") and child.pos_ != "PRON":
                return None
            return child
    # "…, said the minister, …": some parses hang the speaker as dobj/attr after the verb.
    if lemma(verb) == "say":
        for child in verb.rights:
            if child.dep_ in ("dobj", "attr", "nsubj") and child.pos_ in ("PROPN", "NOUN") \
                    and child.ent_type_ not in ("DATE", "TIME"):
                return child
    # A conjoined verb shares its subject ("He paused and added: ..."), a participle takes
    # its clause's ("..., saying that ...").
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX") \
            and verb.head.i != verb.i:
        return _subject(verb.head)
    return None


def _content_span(tokens) -> tuple[int, int] | None:
    """Character span of ``tokens`` without leading/trailing punctuation and marks."""
    toks = list(tokens)
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].dep_ == "cc"
                    or (toks[0].dep_ == "mark" and toks[0].lower_ == "that")):
        toks = toks[1:]  # "said that the talks failed": what was said starts after "that"
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks = toks[:-1]
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def read_quotes(doc, entities: Sequence[Entity], offset: int = 0,
                sentence_of=None) -> list[Quote]:
    """Direct and reported quotes in ``doc`` (``offset`` shifts the spans into the text)."""
    text = doc.text
    resolver = _Resolver(doc, [_shift(e, -offset) for e in entities])
    spans = quote_spans(text)
    inside = _Inside(spans)
    quotes: list[Quote] = _transcript(text, offset, resolver)
    taken = [(q.start - offset, q.end - offset) for q in quotes]

    # Direct quotes, chain by chain; a chain without a cue continues the last speaker when
    # it follows right after an attributed quote.
    chains: dict[int, list[QuoteSpan]] = {}
    for s in spans:
        chains.setdefault(s.chain, []).append(s)
    last: tuple[_Speaker, int] | None = None  # (speaker, end offset of that quote)
    for chain in chains.values():
        if any(s.start < e and b < s.end for s in chain for b, e in taken):
            continue  # a transcript line already says who speaks
        words = sum(len(text[s.start:s.end].split()) for s in chain)
        speaker = _direct_speaker(doc, chain, inside, resolver)
        if speaker is None and last is not None and words >= _MIN_QUOTE_WORDS:
            gap = text[last[1]:chain[0].start]
            if len(gap) < 400 and not _has_other_speech(doc, last[1], chain[0].start, inside,
                                                        last[0].cue.i):
                speaker = last[0]
        if speaker is None:
            continue
        if words < _MIN_QUOTE_WORDS and not _adjacent(speaker, chain, text):
            continue
        for s in chain:
            quotes.append(_quote(speaker, s.start, s.end, text, True, offset))
        last = (speaker, chain[-1].end)

    # Reported speech from the parse.
    stance_cues: set[int] = set()
    for token in doc:
        # A cue of a direct quote may carry reported speech too ("called it 'crazy' and said
        # the party would lose"): its content is only skipped when it is inside the marks.
        found = _reported(token, inside)
        if found is None:
            continue
        subj, (start, end) = found
        if inside.covers(start, end):
            continue
        name, s_start, s_end = resolver.speaker(subj)
        if not _is_cue(token) and token.lower_ != "according":
            stance_cues.add(token.idx + offset)
        quotes.append(Quote(
            speaker=name, speaker_start=s_start + offset, speaker_end=s_end + offset,
            quote=text[start:end], start=start + offset, end=end + offset,
            cue=token.text if token.lower_ != "according" else "according to",
            cue_start=token.idx + offset,
            cue_end=token.idx + offset + (len(token.text) if token.lower_ != "according"
                                          else len("according to")),
            direct=False))
    # A stance verb inside another statement's content belongs to that statement
    # ("voters say they want X": the attribution is the voters' saying, not "they want").
    if stance_cues:
        spans = [(q.start, q.end) for q in quotes if q.cue_start not in stance_cues]
        quotes = [q for q in quotes if q.cue_start not in stance_cues
                  or not any(s <= q.cue_start < e for s, e in spans)]
    # A quoted fragment inside a reported statement by the same cue is part of that
    # statement ('Ban says he is "appalled" by ...'): one statement, not two.
    reported = [(q.cue_start, q.start, q.end) for q in quotes if not q.direct]
    quotes = [q for q in quotes if not q.direct or not any(
        c == q.cue_start and s <= q.start and q.end <= e for c, s, e in reported)]
    quotes.sort(key=lambda q: q.start)
    if sentence_of is not None:
        for q in quotes:
            q.sentence = sentence_of(q.start)
    return quotes


_TRANSCRIPT = re.compile(r"(?m)^[ \t\"“]*(?P<name>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}):"
                         r"[ \t]+(?P<body>\S[^\n]*)")
_NOT_SPEAKERS = frozenset({"UPDATE", "NOTE", "EDITOR'S NOTE", "EDITOR’S NOTE", "WATCH", "READ",
                           "READ MORE", "RELATED", "PHOTOS", "PHOTO", "VIDEO", "CORRECTION",
                           "BREAKING", "SOURCE", "SOURCES", "UPDATED", "FILE", "Q", "A"})


def _transcript(text: str, offset: int, resolver: _Resolver) -> list[Quote]:
    """Interview transcripts: a line "WALLACE: Let's start ..." is WALLACE speaking (named
    as the article names him: "Chris Wallace")."""
    surnames = {e.key.split(" ")[-1].upper(): e.key for e in resolver.people if " " in e.key}
    out = []
    for m in _TRANSCRIPT.finditer(text):
        name = m["name"]
        body = m["body"].rstrip().rstrip("”\"").rstrip()
        if name in _NOT_SPEAKERS or len(body.split()) < 3:
            continue
        start = m.start("body")
        end = start + len(body)
        colon = m.end("name")
        speaker = surnames.get(name.split(" ")[-1], name.title())
        out.append(Quote(speaker=speaker, speaker_start=m.start("name") + offset,
                         speaker_end=colon + offset, quote=text[start:end],
                         start=start + offset, end=end + offset, cue=":",
                         cue_start=colon + offset, cue_end=colon + 1 + offset, direct=True))
    return out


def _shift(e: Entity, by: int) -> Entity:
    return Entity(e.text, e.label, e.start + by, e.end + by, e.key) if by else e


def _quote(speaker: _Speaker, start: int, end: int, text: str, direct: bool,
           offset: int) -> Quote:
    cue = speaker.cue
    return Quote(speaker=speaker.name, speaker_start=speaker.start + offset,
                 speaker_end=speaker.end + offset,
                 quote=text[start:end], start=start + offset, end=end + offset, cue=cue.text,
                 cue_start=cue.idx + offset, cue_end=cue.idx + len(cue.text) + offset,
                 direct=direct)


class _Inside:
    """Fast "is this offset inside quotation marks?" over the quote spans."""

    def __init__(self, spans: Sequence[QuoteSpan]) -> None:
        self.spans = sorted((s.start, s.end) for s in spans)
        self.starts = [s for s, _ in self.spans]

    def __call__(self, offset: int) -> bool:
        i = bisect_left(self.starts, offset + 1) - 1
        return i >= 0 and self.spans[i][0] <= offset < self.spans[i][1]

    def covers(self, start: int, end: int) -> bool:
        """Does one quote span hold most of ``[start, end)``?"""
        i = bisect_left(self.starts, start + 1) - 1
        for s, e in self.spans[max(0, i):i + 3]:
            overlap = min(e, end) - max(s, start)
            if overlap > 0.6 * (end - start):
                return True
        return False


def _is_cue(token) -> bool:
    return token.pos_ in ("VERB", "AUX") and lemma(token).lower() in SPEECH_VERBS


def _direct_speaker(doc, chain: list[QuoteSpan], inside: _Inside, resolver: _Resolver):
    """The speech verb next to a quote (same sentence, outside the marks), and its subject."""
    candidates = []
    for s in chain:
        first = doc.char_span(s.start, s.end, alignment_mode="expand")
        if first is None:
            continue
        sents = {first[0].sent.start: first[0].sent, first[-1].sent.start: first[-1].sent}
        for sent in sents.values():
            for tok in sent:
                if inside(tok.idx) or not _is_cue(tok) or lemma(tok) in _BELIEF:
                    continue
                subj = _subject(tok)
                if subj is None or inside(subj.idx):
                    continue
                # Prefer the cue right after the closing mark, then right before the opening.
                dist = tok.idx - s.end if tok.idx >= s.end else s.start - tok.idx
                candidates.append((dist, tok, subj))
        # "Kerry said:" ending the sentence before the quote.
        prev = _previous_sentence_cue(doc, s.start, inside)
        if prev is not None:
            candidates.append((10_000, *prev))
    if not candidates:
        return _dash_speaker(doc, chain)
    _, cue, subj = min(candidates, key=lambda c: c[0])
    name, start, end = resolver.speaker(subj)
    return _Speaker(name, start, end, cue)


def _dash_speaker(doc, chain: list[QuoteSpan]):
    """'"...." ― Sonya Herridge': a name after a dash right behind the closing mark."""
    end = chain[-1].end
    after = doc.text[end:end + 80]
    skip = len(after) - len(after.lstrip(" ,.!?\"”»"))
    m = _DASH_SPEAKER.match(after[skip:])
    if m is None:
        return None
    dash = doc.char_span(end + skip + m.start(0), end + skip + m.end(0),
                         alignment_mode="expand")
    name_start = end + skip + m.start(1)
    name = m.group(1).strip()
    if dash is None or not name:
        return None
    cue = next((t for t in dash if t.text in "―—–-"), dash[0])
    return _Speaker(name.rstrip("."), name_start, name_start + len(name.rstrip(".")), cue)


def _previous_sentence_cue(doc, quote_start: int, inside: _Inside):
    """A cue in the text just before the quote that ends with a colon ("He said:")."""
    before = doc.text[:quote_start].rstrip(" “\"«„\n")
    if not before.endswith(":"):
        return None
    span = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if span is None:
        return None
    sent = list(span[0].sent)
    for tok in reversed(sent):
        if _is_cue(tok) and not inside(tok.idx):
            subj = _subject(tok)
            if subj is not None and not inside(subj.idx):
                return tok, subj
    # "The statement read in full:" / "Trump on Twitter:": the clause's own verb and subject.
    for tok in reversed(sent):
        if tok.pos_ in ("VERB", "AUX") and not inside(tok.idx):
            subj = _subject(tok)
            if subj is not None and not inside(subj.idx):
                return tok, subj
    return None


def _has_other_speech(doc, start: int, end: int, inside: _Inside, own_cue: int) -> bool:
    """Is someone else cited between two quotes (then a bare quote is not a continuation)?"""
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return False
    return any(t.i != own_cue and _is_cue(t) and not inside(t.idx) and _subject(t) is not None
               for t in span)


def _adjacent(speaker: _Speaker, chain: list[QuoteSpan], text: str) -> bool:
    """Is the cue within a few characters of the quote (for short quoted bits)?"""
    cue = speaker.cue.idx
    return any(-40 < cue - s.end < 40 or -40 < s.start - cue < 60 for s in chain)


def _reported(token, inside: _Inside):
    """(subject token, content span) when ``token`` introduces reported speech."""
    if token.lower_ == "according":
        to = next((c for c in token.children if c.lower_ == "to"), None)
        obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
        if obj is None:
            return None
        sent = token.sent
        skip = {t.i for t in token.subtree}
        toks = [t for t in sent if t.i not in skip]
        span = _content_span(toks)
        if span is None or span[1] - span[0] < 15:
            return None
        return obj, span
    if inside(token.idx):
        return None
    if not _is_cue(token):
        return _stance(token, inside)
    subj = _subject(token)
    if subj is None or inside(subj.idx):
        return None
    comp = next((c for c in token.children if c.dep_ == "ccomp"), None)
    if comp is None and lemma(token) in ("deny", "confirm", "announce", "report", "reveal",
                                          "admit", "acknowledge"):
        comp = next((c for c in token.children if c.dep_ == "dobj"), None)
    if comp is None:
        # "says in a statement that the race ...": the clause hangs under the verb's object.
        comp = next((t for t in token.subtree if t.i > token.i and t.dep_ in ("acl", "advcl")
                     and any(c.dep_ == "mark" and c.lower_ == "that" for c in t.children)),
                    None)
    if comp is not None:
        tokens = list(comp.subtree)
        if tokens[0].i < token.i < tokens[-1].i:
            # "a proposal, which Kerry said would restore credibility": the relative pronoun
            # opens the clause before the speaker; what was said comes after the cue
            tokens = [t for t in tokens if t.i > token.i]
        span = _content_span(tokens)
        if span is None or span[1] - span[0] < 10:
            return None
        return subj, span
    # "The economy, he said, is weak.": the speech verb hangs inside its content.
    # "Even if ..., Mr. Morgan said, he has no regrets.": a parenthetical cue before the head.
    if (token.dep_ == "parataxis" or (token.dep_ == "ccomp"
                                      and token.head.i < token.i < token.head.right_edge.i)) \
            and token.head.pos_ in ("VERB", "AUX"):
        skip = {t.i for t in token.subtree}
        toks = [t for t in token.sent if t.i not in skip]
        span = _content_span(toks)
        if span is None or span[1] - span[0] < 15:
            return None
        return subj, span
    # "Clinton cited his comments", "Trump agreed to clean up the mines": a speech verb
    # without a clause can still carry a claim or a stance on its object.
    return _stance(token, inside)


# Verbs too plain to carry a stance ("has", "made", "went").
_PLAIN = frozenset("""be have do get make take go come give put see use include become seem
leave keep let begin start try help look turn move play run live hold bring happen set
""".split())
_HUMAN_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
# Nouns that name a party with a view ("officials believe", "the poll found").
SOURCE_NOUNS = frozenset("""official spokesman spokeswoman spokesperson voter poll survey report
campaign critic analyst expert source supporter aide adviser advisor lawmaker senator
democrat republican candidate nominee president leader group statement study researcher
economist observer opponent administration government committee agency court judge
prosecutor lawyer attorney investigator police officer witness resident activist protester
organizer member minister secretary governor mayor chairman director executive ceo
official people american""".split())
# Verbs whose object is a stance on something ("Trump attacked Clinton's record").
STANCE_VERBS = frozenset("""call accuse attack praise criticize criticise blame urge support
oppose reject dismiss endorse back welcome condemn promise vow propose demand want announce
deny describe cite question mock ridicule compliment laud applaud slam blast prefer favor
favour list offer repeat refuse recommend defend challenge dispute embrace tout predict
acknowledge admit concede confirm reveal disclose suggest""".split())


def _stance(token, inside: _Inside):
    """A named actor's stance or claim: "Trump has vowed to bring back jobs", "Clinton
    accused him of lying" (PolNeAR counts these as attributions too)."""
    if token.pos_ != "VERB" or lemma(token).lower() in _PLAIN:
        return None
    subj = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subj is None or inside(subj.idx):
        return None
    if subj.ent_type_ not in _HUMAN_ENTS and subj.lower_ not in ("he", "she", "they", "we") \
            and lemma(subj).lower() not in SOURCE_NOUNS:
        return None
    deps = ("ccomp", "xcomp", "dobj") if lemma(token).lower() in STANCE_VERBS \
        else ("ccomp", "xcomp")
    comp = next((c for c in token.children if c.dep_ in deps), None)
    if comp is None:
        return None
    tokens = list(comp.subtree)
    # "called Oz a quack": the object and what it is called make one claim.
    oprd = next((c for c in token.children if c.dep_ == "oprd"), None)
    if oprd is not None and comp.dep_ == "dobj":
        tokens += list(oprd.subtree)
        tokens.sort(key=lambda t: t.i)
    span = _content_span(tokens)
    if span is None or span[1] - span[0] < 12:
        return None
    return subj, span
