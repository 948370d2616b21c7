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
from collections.abc import Sequence

from storyline.analyze import attribution_scorer as scorer
from storyline.analyze.quote_marks import Inside, QuoteSpan, quote_spans, text_of
from storyline.analyze.reported import candidate, reported
from storyline.analyze.settings import SETTINGS
from storyline.analyze.speakers import (
    BELIEF,
    Resolver,
    Speaker,
    addressee,
    is_cue,
    lemma,
    shift,
    subject,
)
from storyline.model import Entity, Quote
from storyline.text.datelines import dateline_end

_DASH_SPEAKER = re.compile(r"^[\s.,]*[―—–-]\s*((?:[A-Z][\w.'’-]*\s?){1,5})")


def read_quotes(doc, entities: Sequence[Entity], offset: int = 0,
                sentence_of=None, all_candidates: bool = False) -> list[Quote]:
    """Direct and reported quotes in ``doc`` (``offset`` shifts the spans into the text).

    The rules propose candidates and the learned scorer (``attribution_scorer``) keeps those
    PolNeAR would count; ``all_candidates`` returns every candidate unscored (for training).
    """
    text = text_of(doc)
    dateline = dateline_end(text)
    resolver = Resolver(doc, [shift(e, -offset) for e in entities], dateline=dateline)
    spans = quote_spans(text)
    inside = Inside(spans)
    quotes: list[Quote] = _transcript(text, offset, resolver)
    taken = [(q.start - offset, q.end - offset) for q in quotes]

    # Direct quotes, chain by chain; a chain without a cue continues the last speaker when
    # it follows right after an attributed quote.
    chains: dict[int, list[QuoteSpan]] = {}
    for s in spans:
        chains.setdefault(s.chain, []).append(s)
    last: tuple[Speaker, int] | None = None  # (speaker, end offset of that quote)
    for chain in chains.values():
        if any(s.start < e and b < s.end for s in chain for b, e in taken):
            continue  # a transcript line already says who speaks
        words = sum(len(text[s.start:s.end].split()) for s in chain)
        speaker = _direct_speaker(doc, chain, inside, resolver)
        if speaker is None and last is not None and words >= SETTINGS.quote_min_words:
            gap = text[last[1]:chain[0].start]
            if len(gap) < 400 and not _has_other_speech(doc, last[1], chain[0].start, inside,
                                                        last[0].cue.i):
                speaker = last[0]
        if speaker is None:
            continue
        if words < SETTINGS.quote_min_words and not _adjacent(speaker, chain, text):
            continue
        for s in chain:
            quotes.append(_quote(speaker, s.start, s.end, text, True, offset))
        last = (speaker, chain[-1].end)

    # Reported speech from the parse.
    stance_cues: set[int] = set()
    for token in doc:
        # A cue of a direct quote may carry reported speech too ("called it 'crazy' and said
        # the party would lose"): its content is only skipped when it is inside the marks.
        found = reported(token, inside)
        if found is None:
            continue
        subj, (start, end), stance = found
        start = max(start, dateline)  # "officials said" after a dateline: not its content
        if end - start < 10 or inside.covers(start, end):
            continue
        who = resolver.speaker(subj)
        if who is None:
            continue
        name, s_start, s_end = who
        if not is_cue(token) and token.lower_ != "according":
            stance_cues.add(token.idx + offset)
        according = token.lower_ == "according"
        cue_end = token.idx + (len("according to") if according else len(token.text))
        quotes.append(Quote(
            speaker=name, speaker_start=s_start + offset, speaker_end=s_end + offset,
            quote=text[start:end], start=start + offset, end=end + offset,
            cue="according to" if according else token.text, cue_start=token.idx + offset,
            cue_end=cue_end + offset, direct=False, stance=stance,
            parts=_around_cue(token, start, end, text, offset),
            addressee=addressee(token)))
    # A stance verb inside another statement's content belongs to that statement
    # ("voters say they want X": the attribution is the voters' saying, not "they want").
    if stance_cues:
        spans = [(q.start, q.end) for q in quotes if q.cue_start not in stance_cues]
        quotes = [q for q in quotes if q.cue_start not in stance_cues
                  or not any(s <= q.cue_start < e for s, e in spans)]
    # A quoted fragment inside a reported statement by the same cue is part of that
    # statement ('Ban says he is "appalled" by ...'): one statement, not two.
    reported_spans = [(q.cue_start, q.start, q.end) for q in quotes if not q.direct]
    quotes = [q for q in quotes if not q.direct or not any(
        c == q.cue_start and s <= q.start and q.end <= e for c, s, e in reported_spans)]
    quotes = _join_split_quotes(sorted(quotes, key=lambda q: q.start), text, offset)
    if all_candidates or scorer.model() is not None:
        quotes = sorted(quotes + _candidates(doc, quotes, inside, resolver, offset, dateline),
                        key=lambda q: q.start)
        if not all_candidates:
            quotes = scorer.keep(doc, quotes, offset)
    if sentence_of is not None:
        for q in quotes:
            q.sentence = sentence_of(q.start)
    return quotes


def _candidates(doc, quotes: list[Quote], inside: Inside, resolver: Resolver, offset: int,
                dateline: int) -> list[Quote]:
    """Verbs with a subject and an object that no rule took: stances for the scorer."""
    cues = {q.cue_start - offset for q in quotes}
    covered = bytearray(len(text_of(doc)) + 1)
    for q in quotes:
        covered[q.start - offset:q.end - offset] = b"\x01" * (q.end - q.start)
    out = []
    for token in doc:
        if token.idx in cues or token.idx < dateline or covered[token.idx]:
            continue
        found = candidate(token, inside)
        if found is None:
            continue
        subj, (start, end), _ = found
        who = resolver.speaker(subj)
        if who is None or inside.covers(start, end):
            continue
        name, s_start, s_end = who
        out.append(Quote(speaker=name, speaker_start=s_start + offset,
                         speaker_end=s_end + offset, quote=text_of(doc)[start:end],
                         start=start + offset, end=end + offset, cue=token.text,
                         cue_start=token.idx + offset,
                         cue_end=token.idx + len(token.text) + offset, direct=False,
                         stance=True))
    return out


def _around_cue(cue, start: int, end: int, text: str, offset: int) -> list[tuple[int, int]]:
    """The pieces of a statement its cue sits inside ("Rooting out terrorism, he said, is
    important"): the content before and after the cue's clause; [] when the cue is outside."""
    if not start < cue.idx < end:
        return []
    clause = list(cue.subtree)
    a, b = clause[0].idx, clause[-1].idx + len(clause[-1].text)
    left = text[start:a].rstrip(" ,;—–-")
    right = text[b:end].lstrip(" ,;—–-")
    if not left or not right or a < start or b > end:
        return []
    r0 = end - len(right)
    return [(start + offset, start + len(left) + offset), (r0 + offset, end + offset)]


def _join_split_quotes(quotes: list[Quote], text: str, offset: int) -> list[Quote]:
    """'"We stay," he said. "We will fight."' is one statement: the direct quotes of one cue
    in one paragraph become one quote whose ``parts`` are the quoted pieces."""
    out: list[Quote] = []
    for q in quotes:
        prev = out[-1] if out else None
        if prev is not None and prev.direct and q.direct and prev.cue_start == q.cue_start \
                and "\n" not in text[prev.end - offset:q.start - offset]:
            prev.parts = (prev.parts or [(prev.start, prev.end)]) + [(q.start, q.end)]
            prev.end = q.end
            prev.quote = text[prev.start - offset:q.end - offset]
            continue
        out.append(q)
    return out


_TRANSCRIPT = re.compile(r"(?m)^[ \t\"“]*(?P<name>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}):"
                         r"[ \t]+(?P<body>\S[^\n]*)")
_NOT_SPEAKERS = frozenset({"UPDATE", "NOTE", "EDITOR'S NOTE", "EDITOR’S NOTE", "WATCH", "READ",
                           "READ MORE", "RELATED", "PHOTOS", "PHOTO", "VIDEO", "CORRECTION",
                           "BREAKING", "SOURCE", "SOURCES", "UPDATED", "FILE", "Q", "A"})


def _transcript(text: str, offset: int, resolver: Resolver) -> list[Quote]:
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


def _quote(speaker: Speaker, start: int, end: int, text: str, direct: bool,
           offset: int) -> Quote:
    cue = speaker.cue
    return Quote(speaker=speaker.name, speaker_start=speaker.start + offset,
                 speaker_end=speaker.end + offset,
                 quote=text[start:end], start=start + offset, end=end + offset, cue=cue.text,
                 cue_start=cue.idx + offset, cue_end=cue.idx + len(cue.text) + offset,
                 direct=direct, addressee=addressee(cue) if hasattr(cue, "dep_") else "")


def _direct_speaker(doc, chain: list[QuoteSpan], inside: Inside, resolver: Resolver):
    """The speech verb next to a quote (same sentence, outside the marks), and its subject."""
    candidates = []
    for s in chain:
        first = doc.char_span(s.start, s.end, alignment_mode="expand")
        if first is None:
            continue
        sents = {first[0].sent.start: first[0].sent, first[-1].sent.start: first[-1].sent}
        after = _sentence_after(doc, first[-1].sent, s.end)
        if after is not None:
            sents[after.start] = after
        for sent in sents.values():
            for tok in sent:
                if inside(tok.idx) or not is_cue(tok) or lemma(tok) in BELIEF:
                    continue
                subj = subject(tok, inside)
                if subj is None:
                    continue
                # Prefer a cue whose clause holds the quote ('Prosecutors told the jury that
                # she "knew ...", while her lawyer said ...': told, not the nearer said),
                # then the cue right after the closing mark, then right before the opening.
                dist = tok.idx - s.end if tok.idx >= s.end else s.start - tok.idx
                candidates.append((0 if _governs(tok, first, sent) else 1, dist, tok, subj))
        # "Kerry said:" ending the sentence before the quote.
        prev = _previous_sentence_cue(doc, s.start, inside)
        if prev is not None:
            candidates.append((1, 10_000, *prev))
    if not candidates:
        return _dash_speaker(doc, chain)
    _, _, cue, subj = min(candidates, key=lambda c: c[:2])
    who = resolver.speaker(subj)
    return Speaker(*who, cue) if who is not None else None


def _sentence_after(doc, sent, quote_end: int):
    """The sentence right behind a quote that ends its sentence with "!" or "?", when it
    reads as the quote's tag: '"Really?" Bush said.' (the splitter cuts after the mark,
    leaving the cue a sentence of its own)."""
    if sent.end >= len(doc) or text_of(doc)[quote_end - 2:quote_end].strip("\"”’' ")[-1:] \
            not in ("!", "?"):
        return None
    after = doc[sent.end].sent
    if after.start_char - quote_end > 3:
        return None
    root = after.root
    return after if is_cue(root) and root.i - after.start <= 4 else None


def _governs(cue, quote, sent) -> bool:
    """Does the quote's text in ``sent`` hang under ``cue`` in the parse?"""
    return any(cue in tok.ancestors for tok in quote if tok.sent.start == sent.start)


def _dash_speaker(doc, chain: list[QuoteSpan]):
    """'"...." ― Sonya Herridge': a name after a dash right behind the closing mark."""
    end = chain[-1].end
    after = text_of(doc)[end:end + 80]
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
    return Speaker(name.rstrip("."), name_start, name_start + len(name.rstrip(".")), cue)


_NAME_POS = frozenset({"PROPN", "NOUN", "ADJ", "DET", "ADP", "PUNCT", "CCONJ"})


def _previous_sentence_cue(doc, quote_start: int, inside: Inside):
    """A cue in the text just before the quote that ends with a colon ("He said:")."""
    before = text_of(doc)[:quote_start].rstrip(" “\"«„\n")
    if not before.endswith(":"):
        return None
    span = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if span is None:
        return None
    sent = list(span[0].sent)
    for tok in reversed(sent):
        if is_cue(tok) and not inside(tok.idx):
            subj = subject(tok)
            if subj is not None and not inside(subj.idx):
                return tok, subj
    # "The statement read in full:" / "Trump on Twitter:": the clause's own verb and subject.
    for tok in reversed(sent):
        if tok.pos_ in ("VERB", "AUX") and not inside(tok.idx):
            subj = subject(tok)
            if subj is not None and not inside(subj.idx):
                return tok, subj
    # "Former secretary of state Hillary Rodham Clinton: "We learned ..."": a person's name
    # and nothing else before the colon names the speaker, the colon is the cue.
    colon = span[0]
    prefix = [t for t in sent if t.i < colon.i]
    if colon.text == ":" and 0 < len(prefix) <= 10 and prefix[-1].ent_type_ == "PERSON" \
            and all(t.pos_ in _NAME_POS for t in prefix):
        return colon, prefix[-1]
    return None


def _has_other_speech(doc, start: int, end: int, inside: Inside, own_cue: int) -> bool:
    """Is someone else cited between two quotes (then a bare quote is not a continuation)?"""
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return False
    return any(t.i != own_cue and is_cue(t) and not inside(t.idx) and subject(t) is not None
               for t in span)


def _adjacent(speaker: Speaker, chain: list[QuoteSpan], text: str) -> bool:
    """Is the cue within a few characters of the quote (for short quoted bits)?"""
    cue = speaker.cue.idx
    return any(-40 < cue - s.end < 40 or -40 < s.start - cue < 60 for s in chain)


