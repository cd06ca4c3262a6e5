"""Checks on typed text and dates that every door applies: names without invisible
or direction-changing characters, dates between 1800 and today, searches of bounded
size. Pure logic: claims/domain/rules.py uses these too, and it imports no Django,
so they live here rather than in sources/validators.py, which wraps them for model
fields."""

from __future__ import annotations

from datetime import date

# The earliest date a statement or publication may carry (claims/domain/dates.py
# agrees).
EARLIEST = date(1800, 1, 1)
DATE_RANGE = "Give a date from 1 Jan 1800 to today ({today})."

# C0 controls (NUL to U+001F) and DEL can hide or break text; the embeddings and
# overrides (U+202A–U+202E) and isolates (U+2066–U+2069) make text display as
# something other than what is stored. The marks U+200E and U+200F stay allowed:
# right-to-left names and quotes need them.
CONTROLS = frozenset(map(chr, (*range(0x00, 0x20), 0x7F)))
BIDI_CONTROLS = frozenset(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))
# The noncharacters U+FFFE and U+FFFF are no text at all, and XML forbids them:
# a name holding one made the chart download a file no SVG reader opens.
NONCHARACTERS = frozenset("\ufffe\uffff")
REFUSED = CONTROLS | BIDI_CONTROLS | NONCHARACTERS
MULTILINE_ALLOWED = frozenset("\t\n\r")


# A search costs a condition per word, so its size is bounded whatever is typed.
SEARCH_MAX_TERMS = 10
SEARCH_MAX_CHARACTERS = 200
SEARCH_CUT = (
    f"Only the first {SEARCH_MAX_TERMS} words ({SEARCH_MAX_CHARACTERS} characters) "
    "of the search were used; the rest were dropped."
)


def text_problem(text: str, *, multiline: bool = False) -> str:
    """Return why `text` cannot be stored as a name or title, or "" if it can.

    With `multiline`, tab and line breaks are allowed (descriptions, notes)."""
    allowed = MULTILINE_ALLOWED if multiline else frozenset()
    for char in text:
        if char in REFUSED and char not in allowed:
            kind = (
                "the direction control"
                if char in BIDI_CONTROLS
                else "the noncharacter"
                if char in NONCHARACTERS
                else "the invisible control character"
            )
            return (
                f"holds {kind} U+{ord(char):04X}, which can make text display as "
                "something other than what is stored. Type it without that character."
            )
    return ""


def day_label(day: date) -> str:
    """Return a day as every page and message writes it: 5 Nov 2024 (no leading
    zero). claims/domain/dates.py StatedDate.label uses it for a day's date."""
    return f"{day.day} {day:%b} {day.year}"


def date_problem(day: date | None, *, today: date) -> str:
    """Return why `day` cannot be a statement's or publication's date, or ""."""
    if day is not None and not (EARLIEST <= day <= today):
        return DATE_RANGE.format(today=day_label(today))
    return ""


def search_terms(text: str) -> tuple[list[str], bool]:
    """Return the words of a search that are used, and whether any were dropped."""
    text = str(text or "")
    words = text[:SEARCH_MAX_CHARACTERS].split()
    cut = (
        len(text) > SEARCH_MAX_CHARACTERS and not text[SEARCH_MAX_CHARACTERS:].isspace()
    )
    if len(words) > SEARCH_MAX_TERMS:
        words, cut = words[:SEARCH_MAX_TERMS], True
    return words, cut


def search_text(text: str) -> tuple[str, bool]:
    """Return a search as one phrase, bounded like search_terms."""
    words, cut = search_terms(text)
    return " ".join(words), cut
