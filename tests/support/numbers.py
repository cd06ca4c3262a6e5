"""Find the numbers a reader sees on a surface: an HTML page's text, an SVG chart's
words, a feed's entries, a JSON answer's values, a CSV's cells.

The honesty sweep (tests/test_honest_surfaces.py) checks each number found against
what the sources stated. Dates and times are taken out first, so their parts are
not read as figures; markup, coordinates and identifiers are never read.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from html.parser import HTMLParser

# An ISO date or time, "18 Oct 2024", "October 2024", "13:05": their parts are
# dates, not figures.
DATES = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"
)
NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?")
# JSON members that hold identifiers, addresses, sizes or fingerprints, not figures.
NOT_FIGURES = frozenset(
    {
        "id", "url", "page", "slug", "next", "previous", "sha256", "size", "lower",
        "higher", "favoured", "contentUrl", "@context", "version", "point_id",
        "document_url", "topic_slug", "claim", "source", "relayed_by", "document",
        "topic", "assertion", "assertion_low", "assertion_high",
    }
)  # fmt: skip


def numbers_in(text: str) -> list[Decimal]:
    """Return every number written in `text` ("7,100", "1.91", "2024"), dates and
    times taken out first."""
    text = DATES.sub(" ", text)
    return [Decimal(match.replace(",", "")) for match in NUMBER.findall(text)]


class _Text(HTMLParser):
    """The text of an HTML or SVG document, without scripts, styles or markup."""

    SKIPPED = frozenset({"script", "style"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.scripts: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skip.append(dict(attrs).get("type", ""))

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skip:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)
        elif self._skip[-1] == "application/ld+json":
            self.scripts.append(data)


def page_text(markup: str) -> str:
    """Return the words of an HTML page or SVG chart (titles and labels included)."""
    parser = _Text()
    parser.feed(markup)
    return " ".join(parser.parts)


def linked_data(markup: str) -> list[object]:
    """Return the JSON-LD blocks of an HTML page, parsed."""
    parser = _Text()
    parser.feed(markup)
    return [json.loads(block) for block in parser.scripts]


def json_numbers(data: object, key: str = "") -> Iterator[Decimal]:
    """Yield every number in a JSON value, skipping identifiers and addresses."""
    if key in NOT_FIGURES:
        return
    if isinstance(data, dict):
        for name, value in data.items():
            yield from json_numbers(value, name)
    elif isinstance(data, list):
        for item in data:
            yield from json_numbers(item, key)
    elif isinstance(data, bool) or data is None:
        return
    elif isinstance(data, int | float):
        yield Decimal(str(data))
    elif isinstance(data, str):
        if key.endswith("url") or data.startswith(("http://", "https://", "/")):
            return
        yield from numbers_in(data)


def csv_numbers(text: str) -> Iterator[Decimal]:
    """Yield every number in a CSV file's cells, skipping addresses."""
    for row in csv.DictReader(io.StringIO(text)):
        for name, value in row.items():
            if name in NOT_FIGURES or (value or "").startswith("http"):
                continue
            yield from numbers_in(value or "")


def strays(found: Iterable[Decimal], allowed: set[Decimal]) -> list[Decimal]:
    """Return the numbers in `found` that are not in `allowed`, each once, sorted."""
    return sorted({n for n in found if n.normalize() not in allowed})
