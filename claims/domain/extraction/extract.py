"""Propose the figures of a text as candidate assertions: the figure, its sentence as
the quote, who stated it, when, the claim it likely belongs to and a confidence.

Pure and deterministic: the caller passes the text, the document's date and kind,
whether the document speaks for its publisher, and the known sources and claims as
plain data (KnownSource, KnownClaim); nothing here reads a database or the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from claims.domain import dates
from claims.domain.extraction import attribution, guess, sentences, when
from claims.domain.extraction.attribution import KnownSource, SourceIndex, Speaker
from claims.domain.extraction.guess import KnownClaim
from claims.domain.figures import MAGNITUDES, PLURAL_MAGNITUDES, QUALITATIVE
from claims.domain.figures.finder import Found, find_figures

# Kinds of document whose unattributed figures are the document's own.
OWN_VOICE_KINDS = frozenset(("report", "statement", "dataset", "transcript"))
# The longest text read: about 1,000 pages. Longer texts are refused by the callers.
MAX_TEXT = 5_000_000
# The words after a figure that say what it counts: up to the next number or stop.
_AFTER_WORDS = re.compile(r"(?:\s*[^\s\d.;:,()]+){0,6}")
# How many sentences a paragraph's opening date carries to ("On 28/10/2024, …").
_DATE_CARRIES = 3
_OPEN_QUOTE = re.compile(r"[“\"]")
# What the finder finds but the assistant does not propose (see proposed()).
_SCALES = "|".join((*MAGNITUDES, *PLURAL_MAGNITUDES))
_SCALE_WORD = re.compile(rf"\b(?:{_SCALES})\b", re.IGNORECASE)
_BARE_YEAR = re.compile(r"(?:1[89]|20)\d{2}")
_COUNTED = re.compile(r"[ \t]+(?:[a-z-]+[ \t]+)?[a-z]+s\b")


@dataclass(frozen=True)
class Candidate:
    """One proposed assertion. Offsets are into the text read; `quote` is
    text[quote_start:quote_end], so it is verbatim."""

    figure: str
    kind: str
    low: Decimal | None
    high: Decimal | None
    start: int
    end: int
    quote: str
    quote_start: int
    quote_end: int
    source_written: str  # the name as the text gives it, or ""
    source: KnownSource | None  # the known source it matches
    source_reason: str
    stated_on: date | None
    date_precision: str
    date_reason: str
    claim: KnownClaim | None
    claim_reason: str
    confidence: float
    confidence_reason: str

    @property
    def is_new_source(self) -> bool:
        return self.source is None and bool(self.source_written)

    @property
    def source_label(self) -> str:
        if self.source is not None:
            return self.source.name
        return self.source_written


@dataclass(frozen=True)
class Document:
    """What the assistant knows of the document: its date and kind, and its own
    voice (the publisher or author), used for figures it states itself."""

    published_on: date | None = None
    kind: str = "article"
    own_source: KnownSource | None = None
    own_voice: bool = False


def extract(
    text: str,
    *,
    document: Document | None = None,
    sources: list[KnownSource] = (),
    claims: list[KnownClaim] = (),
) -> list[Candidate]:
    """Return the candidate assertions of `text`, in the order of their figures."""
    document = document or Document()
    if len(text) > MAX_TEXT:
        raise ValueError(
            f"The text has {len(text):,} characters; at most {MAX_TEXT:,} are read."
        )
    index = SourceIndex(list(sources))
    claims = list(claims)
    split = sentences.split_sentences(text)
    figures_found = [found for found in find_figures(text) if proposed(found, text)]
    own_voice = document.own_voice or document.kind in OWN_VOICE_KINDS
    out: list[Candidate] = []
    position = 0
    paragraph_dates: dict[int, tuple[int, when.When]] = {}
    last_speaker: list[Speaker] = []
    earlier: dict[str, int] = {}
    for number, sentence in enumerate(split):
        quote = text[sentence.start : sentence.end]
        cue_at = attribution.cue_position(quote)
        stated = when.date_in(quote, cue_at=cue_at, published_on=document.published_on)
        opener = stated
        inside = []
        while (
            position < len(figures_found)
            and figures_found[position].start < sentence.end
        ):
            found = figures_found[position]
            if found.end <= sentence.end and found.start >= sentence.start:
                inside.append(found)
            position += 1
        for found in inside:
            at = found.start - sentence.start
            speakers = attribution.attribute(quote, at, index)
            how_far = ""
            if not speakers:
                speakers, how_far = _across(text, split, number, quote, index)
            speakers = [
                _resolve_pronoun(s, last_speaker, document.own_source) for s in speakers
            ]
            if any(s.source or s.written for s in speakers):
                last_speaker = speakers
            date_of = stated or when.fallback(
                quote,
                paragraph_date=_carried(paragraph_dates, sentence, number),
                published_on=document.published_on,
                own_voice=own_voice,
            )
            after = _AFTER_WORDS.match(text, found.end).group()
            claim = guess.guess_claim(
                after=after,
                sentence=quote,
                currency=found.figure.currency,
                claims=claims,
                context=text[split[number - 1].start : split[number - 1].end]
                if number
                else "",
                earlier=earlier,
            )
            if claim.claim is not None:
                earlier[claim.claim.key] = earlier.get(claim.claim.key, 0) + 1
            for speaker in speakers or [None]:
                out.append(
                    _candidate(
                        found,
                        sentence,
                        quote,
                        speaker,
                        how_far,
                        date_of,
                        claim,
                        document,
                        own_voice,
                    )
                )
        if opener is not None:
            paragraph_dates[sentence.paragraph] = (number, opener)
    return _countries(out, index)


def proposed(found: Found, text: str) -> bool:
    """Return whether a figure the finder found is worth a candidate row.

    The finder finds every count a text states, since the quote rule must find
    whichever one a researcher logs. The assistant leaves out two kinds that are
    rarely an estimate and would bury the ones that are: small counts in words
    with no scale ("five key questions", "the three governments", "at least two"),
    and a bare year-like number with no counted noun after it ("the 2024 appeal",
    "Kherson, 2024"), where "2000 troops" stays."""
    if found.figure.kind != QUALITATIVE and not any(c.isdigit() for c in found.text):
        return bool(_SCALE_WORD.search(found.text))
    if _BARE_YEAR.fullmatch(found.text):
        return bool(_COUNTED.match(text, found.end))
    return True


def _carried(paragraph_dates, sentence, number) -> when.When | None:
    """Return the date a recent sentence of the same paragraph opened with."""
    dated = paragraph_dates.get(sentence.paragraph)
    if dated is None or number - dated[0] > _DATE_CARRIES:
        return None
    return dated[1]


def _across(text, split, number, quote, index) -> tuple[list[Speaker], str]:
    """Return the speaker of a quotation whose attribution is in the next sentence
    (“… 11,000 of them.” Budanov said so on Monday.) or in a lead-in ending with a
    colon (Budanov told reporters: “…”)."""
    if not _OPEN_QUOTE.search(quote):
        return [], ""
    for other, how in ((number + 1, "the next sentence"), (number - 1, "the lead-in")):
        if (
            0 <= other < len(split)
            and split[other].paragraph == split[number].paragraph
        ):
            sentence = text[split[other].start : split[other].end]
            if how == "the lead-in" and not sentence.rstrip().endswith(":"):
                continue
            speakers = attribution.attribute(sentence, 0, index)
            if speakers:
                return speakers, how
    return [], ""


def _resolve_pronoun(speaker: Speaker, last: list[Speaker], own) -> Speaker:
    if speaker.pronoun and speaker.written.lower() in ("we", "i") and own is not None:
        return Speaker(
            own.name, own, f"{speaker.how}, “{speaker.written}”: the document"
        )
    if not speaker.pronoun or len(last) != 1 or last[0].pronoun:
        return speaker
    return Speaker(
        last[0].written,
        last[0].source,
        f"{speaker.how}, “{speaker.written}” being {last[0].written}",
    )


def _countries(candidates: list[Candidate], index: SourceIndex) -> list[Candidate]:
    """Give a bare country ("Ukraine", "the U.S.") the source the same document
    credits that country with ("Ukrainian intelligence"), when there is one."""
    credited: dict[str, KnownSource] = {}
    for candidate in candidates:
        if candidate.source is None:
            continue
        written = attribution.name_key(candidate.source_written)
        for demonym in ("us", "uk") + tuple(
            attribution._DEMONYMS.values()  # noqa: SLF001 - same package
        ):
            if written.replace("u.s.", "us").startswith(demonym + " "):
                credited.setdefault(demonym, candidate.source)
    fixed = []
    for candidate in candidates:
        demonym = attribution.country_of(candidate.source_written)
        if (
            demonym
            and demonym in credited
            and (candidate.source is None or candidate.source is not credited[demonym])
        ):
            candidate = _replace_source(
                candidate,
                credited[demonym],
                f"{candidate.source_reason}; “{candidate.source_written}” read as "
                "the source this document credits that country's figures to",
            )
        fixed.append(candidate)
    return fixed


def _replace_source(candidate: Candidate, source: KnownSource, reason: str):
    from dataclasses import replace

    confidence = round(min(candidate.confidence, 0.7), 2)
    return replace(
        candidate,
        source=source,
        source_reason=reason,
        confidence=confidence,
        confidence_reason=candidate.confidence_reason.replace(
            "a new source", "a country read as its agency"
        ),
    )


def _candidate(
    found, sentence, quote, speaker, how_far, date_of, claim, document, own_voice
) -> Candidate:
    score, why = 0.9, []
    if speaker is None:
        if own_voice and document.own_source is not None:
            written, source = document.own_source.name, document.own_source
            source_reason = "no attribution in the text: the document's own figure"
            score, why = 0.6, ["the document's own figure"]
        else:
            written, source = "", None
            source_reason = (
                "no attribution found; an article relays others' figures, so the "
                "source is left to you"
                if not own_voice
                else "no attribution found and the document has no publisher"
            )
            score, why = 0.3, ["no source found"]
    else:
        written, source = speaker.written, speaker.source
        source_reason = f"{speaker.how}: {speaker.written}"
        if how_far:
            source_reason += f" (in {how_far})"
            score -= 0.15
            why.append(f"speaker in {how_far}")
        if source is None:
            score -= 0.25
            why.append("a new source")
        else:
            why.append("a known source")
    if not date_of.explicit:
        score -= 0.1
        why.append(f"date: {date_of.reason}")
    else:
        why.append("date stated")
    if claim.claim is None:
        score -= 0.1
        why.append("no matching claim")
    if found.figure.kind == "qualitative":
        score -= 0.05
        why.append("a vague figure")
    score = max(0.05, min(score, 0.95))
    return Candidate(
        figure=found.text,
        kind=found.figure.kind,
        low=found.figure.low,
        high=found.figure.high,
        start=found.start,
        end=found.end,
        quote=quote,
        quote_start=sentence.start,
        quote_end=sentence.end,
        source_written=written,
        source=source,
        source_reason=source_reason,
        stated_on=date_of.day,
        date_precision=date_of.precision or dates.DAY,
        date_reason=date_of.reason,
        claim=claim.claim,
        claim_reason=claim.reason,
        confidence=round(score, 2),
        confidence_reason="; ".join(why),
    )
