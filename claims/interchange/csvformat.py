"""The assertion CSV format: reading rows with errors that name line and column, and
writing them back. Pure logic: resolving names to database rows is claims/imports.py.

One row per assertion, UTF-8, a header row; the order of columns is free, unknown
columns are refused. `stated_on` is YYYY-MM-DD, YYYY-MM (month precision) or YYYY.
`retracted_at` and `set_aside_at` are ISO 8601 times with their offset
(2024-11-06T09:30:00+00:00), or a date (then the start of that day on the site's
clock, TIME_ZONE).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import BinaryIO

from django.utils import timezone

from claims.domain import dates, figures, rules, vocabulary
from claims.interchange.rows import PUBLISHED, RETRACTED, Row
from sources import validators

REQUIRED = (
    "claim",
    "unit",
    "topic",
    "source",
    "source_kind",
    "stated_on",
    "figure",
    "quote",
    "document_title",
    "document_url",
    "document_published_on",
)
OPTIONAL = (
    "reliability",
    "credibility",
    "relayed_by",
    "date_precision",
    "kind",
    "low",
    "high",
    # The evidence (issue 19). Files without these columns import as before.
    "document_kind",
    "locator",
    "quote_language",
    "translation",
    "translation_language",
    "translated_by",
    # Why the figure matches a quote the parser cannot read (issue 24).
    "quote_match_confirmed",
    # A figure's standing (issue 24): "published" (or empty) or "retracted", with
    # the retraction's reason and time; and the editors' reason and time when they
    # set the figure aside for its whole claim.
    "status",
    "retraction_reason",
    "retracted_at",
    "set_aside_reason",
    "set_aside_at",
)
COLUMNS = REQUIRED + OPTIONAL  # the order exports write
# The quote is not among them: whether a row needs one depends on its document's kind
# (claims/domain/rules.py, evidence_problems), which the import applies.
MUST_HAVE_VALUE = ("claim", "unit", "topic", "source", "stated_on", "figure")
# The limits, kinds and precisions are claims/domain/vocabulary.py's.
MAX_LENGTHS = vocabulary.CSV_MAX_LENGTHS
DOCUMENT_KINDS = vocabulary.DOCUMENT_KINDS
FIGURE_KINDS = figures.KINDS
# `translated_by` says how a translation was made: "source" (or empty) when the
# source gave it, "machine: <tool>" for a machine translation, else the person's name.
MACHINE_PREFIX = "machine:"
RELIABILITY = ("A", "B", "C", "D", "E", "F")
STATUSES = (PUBLISHED, RETRACTED)
PRECISIONS = dates.PRECISIONS
# How much of a file is read at a time to check that it is UTF-8.
CHUNK = 1 << 20
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Names and titles: no control or direction-override characters (sources/validators).
NAMES = (
    "claim",
    "unit",
    "topic",
    "source",
    "relayed_by",
    "document_title",
    "locator",
    "translated_by",
)
# Unknown or repeated header names listed in a message, at most.
LISTED = 20
SEMICOLONS = (
    "the header is one column holding semicolons: the file is separated by "
    "semicolons, as spreadsheets save CSV in some languages; save it as “CSV UTF-8 "
    "(comma delimited)” and try again"
)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Reading:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read(
    data: bytes | str | BinaryIO,
    *,
    source_kinds: Iterable[str],
    progress: Callable[[int], None] | None = None,
    max_rows: int | None = None,
    rows=None,
) -> Reading:
    """Return the rows of a CSV file and every error in it, each naming its line.
    `progress`, if given, is told how many rows have been read, every 1,000 rows.
    Past `max_rows` rows the reading stops at once, with that one error: the rest
    of the file is never parsed, so a huge file costs no more than the limit.
    `rows`, if given, receives the rows instead of a list: the import's Spool
    (claims/interchange/spool.py), which keeps them on disk."""
    result = Reading() if rows is None else Reading(rows=rows)
    if isinstance(data, bytes):
        data = io.BytesIO(data)
    if isinstance(data, str):
        data = data.removeprefix("\ufeff")
        blank, text = not data.strip(), io.StringIO(data, newline="")
    else:
        # A file is read as it is parsed, never held whole (nor its text): an
        # admin's upload of CLAIMTRACKER_IMPORT_MAX_MB costs no more than its rows.
        problem, blank = _check_utf8(data)
        if problem is not None:
            result.errors.append(problem)
            return result
        data.seek(0)
        lines = io.TextIOWrapper(data, encoding="utf-8-sig", newline="")
        # A second byte-order mark, as text read whole loses it (removeprefix).
        text = itertools.chain([next(lines, "").removeprefix("\ufeff")], lines)
    if blank:
        header = ",".join(REQUIRED)
        message = f"the file is empty; the first line must be the header: {header}"
        result.errors.append(RowError(1, "", message))
        return result
    # Strict, so that an unclosed quote is reported where it opens rather than
    # swallowing the rest of the file into one value.
    reader = csv.reader(text, strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as error:
        result.errors.append(RowError(1, "", _unreadable("header", error)))
        return result
    if not _check_header(header, result):
        return result
    kinds = {kind.lower() for kind in source_kinds}
    checked_urls: set[str] = set()  # a report's URL repeats on each of its rows
    start = reader.line_num + 1
    count = 0  # rows with a value: blank lines are no rows, and count in no limit
    try:
        for values in reader:
            line, start = start, reader.line_num + 1
            if not "".join(values).strip():
                continue
            count += 1
            if max_rows is not None and count > max_rows:
                result.rows.clear()
                result.errors[:] = [too_many_rows(max_rows)]
                return result
            if progress is not None and count % 1000 == 0:
                progress(count)
            if len(values) != len(header):
                result.errors.append(
                    RowError(
                        line, "", f"{len(values)} values for {len(header)} columns"
                    )
                )
                continue
            row = _read_row(line, header, values, kinds, checked_urls, result)
            if row is not None:
                result.rows.append(row)
    except csv.Error as error:
        result.errors.append(RowError(start, "", _unreadable("row", error)))
    if not result.rows and not result.errors:
        result.errors.append(RowError(2, "", "the file has a header but no rows"))
    return result


def _check_utf8(data: BinaryIO) -> tuple[RowError | None, bool]:
    """Return the error naming the line of the first byte of `data` that is not
    UTF-8 (None if all are), and whether the file holds only blanks; a chunk at a
    time, keeping none of its text."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines, blank, first = 0, True, True
    while True:
        chunk = data.read(CHUNK)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            # The decoder's own buffer (the start of a character cut by the chunk)
            # comes first in error.object; it holds no newline, which is one byte.
            line = lines + error.object[: error.start].count(b"\n") + 1
            message = (
                f"the file is not UTF-8 (byte 0x{error.object[error.start]:02x}); "
                "save it as UTF-8 and try again"
            )
            return RowError(line, "", message), False
        lines += chunk.count(b"\n")
        if first and text:
            text, first = text.removeprefix("\ufeff"), False
        blank = blank and not text.strip()
        if not chunk:
            return None, blank


def too_many_rows(limit: int) -> RowError:
    return RowError(1, "", f"the file has more than {limit:,} rows")


def _unreadable(what: str, error: csv.Error) -> str:
    """Return a reader's error as a sentence that says how to mend the file."""
    text = str(error)
    if "unexpected end of data" in text or "expected after" in text:
        return (
            f"a quoted value in this {what} is not closed: a value that starts with "
            '" must end with ", and a " inside it is written twice ("")'
        )
    if "field larger than field limit" in text:
        limit = csv.field_size_limit()
        return f"a value in this {what} is longer than {limit:,} characters"
    if "NUL" in text or "null byte" in text:
        return f"this {what} holds a NUL character (U+0000); remove it"
    return f"unreadable {what}: {text}"


def _listed(names: list[str]) -> str:
    shown = ", ".join(name[:50] for name in names[:LISTED])
    more = len(names) - LISTED
    return shown + (f" and {more:,} more" if more > 0 else "")


def _check_header(header: list[str], result: Reading) -> bool:
    if len(header) == 1 and ";" in header[0]:
        result.errors.append(RowError(1, "", SEMICOLONS))
        return False
    blank = [str(place) for place, name in enumerate(header, start=1) if not name]
    if blank:
        result.errors.append(
            RowError(
                1,
                "",
                f"column{'s' if len(blank) > 1 else ''} {_listed(blank)} of the "
                "header have no name: delete the empty columns (a spreadsheet "
                "often keeps some after the last)",
            )
        )
    header = [name for name in header if name]
    # Linear in the number of columns: one count, then look-ups in sets.
    counts = Counter(header)
    known = set(COLUMNS)
    unknown = [name for name in counts if name not in known]
    missing = [name for name in REQUIRED if name not in counts]
    repeated = sorted(name for name, count in counts.items() if count > 1)
    for names, problem in (
        (unknown, "unknown column(s)"),
        (missing, "missing column(s)"),
        (repeated, "repeated column(s)"),
    ):
        if names:
            result.errors.append(RowError(1, _listed(names), problem))
    if unknown:
        result.errors.append(RowError(1, "", "the columns are: " + ", ".join(COLUMNS)))
    return not (blank or unknown or missing or repeated)


# The values of a row that gives none, copied for each row: most columns of most
# rows are empty.
_EMPTY = dict.fromkeys(COLUMNS, "")
# Long texts, unique to their row: not interned.
_UNIQUE = frozenset(("quote", "translation"))
# A file repeats its names (claims, sources, titles) down its rows: each distinct
# one is checked once.
_name_problem = lru_cache(maxsize=4096)(validators.text_problem)
_language_problem = lru_cache(maxsize=256)(rules.language_problem)


def _read_row(
    line: int,
    header: list[str],
    cells: list[str],
    kinds: set[str],
    checked_urls: set[str],
    result: Reading,
) -> Row | None:
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    if "\x00" in "".join(cells):  # PostgreSQL cannot store it in text
        for name, value in zip(header, cells, strict=True):
            if "\x00" in value:
                fail(name, "holds a NUL character (U+0000); remove it")
        result.errors.extend(errors)
        return None
    # A value that repeats down the file (a claim, a source, a URL) is held once for
    # all its rows (sys.intern), so that a file's rows cost memory for what is new
    # in each.
    values = _EMPTY.copy()
    for name, value in zip(header, cells, strict=True):
        if value:  # most columns of most rows are empty
            if value[0] == "'":
                value = restore(value)
            value = value.strip()
            values[name] = value if name in _UNIQUE else sys.intern(value)
    for name in NAMES:
        if values[name]:
            problem = _name_problem(values[name])
            if problem:
                fail(name, problem)
    for name in MUST_HAVE_VALUE:
        if not values[name]:
            fail(name, "is empty")
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            fail(name, f"is {len(values[name])} characters; at most {limit}")

    kind = values["source_kind"].lower().replace(" ", "_")
    if kind and kind not in kinds:
        allowed = ", ".join(sorted(kinds))
        fail("source_kind", f"“{values['source_kind']}” is not one of {allowed}")

    stated_on, precision = None, ""
    if values["stated_on"]:
        try:
            stated_on, precision = parse_date(values["stated_on"])
        except ValueError as error:
            fail("stated_on", str(error))
    if values["date_precision"]:
        if values["date_precision"] not in PRECISIONS:
            fail("date_precision", f"use one of {', '.join(PRECISIONS)}")
        elif precision and values["date_precision"] != precision:
            fail(
                "date_precision",
                f"“{values['date_precision']}” does not match stated_on "
                f"“{values['stated_on']}”, which has {precision} precision",
            )

    published_on = None
    if values["document_published_on"]:
        try:
            published_on, day_precision = parse_date(values["document_published_on"])
            if day_precision != dates.DAY:
                raise ValueError("give the full date, YYYY-MM-DD")
        except ValueError as error:
            fail("document_published_on", str(error))
    if values["document_url"] and values["document_url"] not in checked_urls:
        problem = validators.url_problem(values["document_url"])
        if problem:
            fail("document_url", problem)
        else:
            checked_urls.add(values["document_url"])
    title_limit = MAX_LENGTHS["document_title"]
    if not values["document_title"] and len(values["document_url"]) > title_limit:
        # A document without a title is titled with its URL, which must then fit.
        fail(
            "document_title",
            f"is empty, and the document_url is too long to stand as the title "
            f"({len(values['document_url'])} characters; a title has at most "
            f"{title_limit}): give the document a title",
        )

    parsed = None
    if values["figure"]:
        try:
            parsed = figures.parse_figure(values["figure"])
        except figures.FigureError as error:
            fail("figure", str(error))

    if values["reliability"] and values["reliability"].upper() not in RELIABILITY:
        fail("reliability", "use a grade from A to F")
    credibility = None
    if values["credibility"]:
        if values["credibility"] in ("1", "2", "3", "4", "5", "6"):
            credibility = int(values["credibility"])
        else:
            fail("credibility", "use a grade from 1 to 6")

    override = _read_override(values, parsed, fail)
    evidence = _read_evidence(values, fail)
    standing = _read_standing(values, stated_on, fail)
    if errors:
        result.errors.extend(errors)
        return None
    return Row(
        line=line,
        claim=values["claim"],
        unit=values["unit"],
        topic=values["topic"],
        source=values["source"],
        source_kind=kind,
        stated_on=stated_on,
        date_precision=precision,
        figure=parsed,
        quote=values["quote"],
        document_title=values["document_title"],
        document_url=values["document_url"],
        document_published_on=published_on,
        reliability=values["reliability"].upper(),
        credibility=credibility,
        relayed_by=values["relayed_by"],
        quote_match_confirmed=values["quote_match_confirmed"],
        **override,
        **evidence,
        **standing,
    )


def _read_standing(values: dict, stated_on: date | None, fail) -> dict:
    """Return the row's status, retraction and set-aside, each time checked."""
    status = values["status"].lower() or PUBLISHED
    if status not in STATUSES:
        fail("status", f"use {PUBLISHED} or {RETRACTED} (or leave it empty)")
        return {}
    times = {}
    for name in ("retracted_at", "set_aside_at"):
        times[name] = None
        if values[name]:
            try:
                times[name] = parse_time(values[name])
            except ValueError as error:
                fail(name, str(error))
                continue
            # The site's day, as its pages say it (a time's own offset may differ).
            day = timezone.localdate(times[name])
            if stated_on is not None and day < stated_on:
                site = "" if day == times[name].date() else f": the site's day is {day}"
                fail(name, f"is before the figure was stated ({stated_on}){site}")
            if times[name] > datetime.now(UTC):
                fail(name, "is in the future")
    reason = values["retraction_reason"]
    if status == RETRACTED and not reason:
        fail("retraction_reason", "is empty: a retracted row needs the reason")
    if status == PUBLISHED and (reason or values["retracted_at"]):
        column = "retraction_reason" if reason else "retracted_at"
        fail(column, f"is given, but the row's status is {PUBLISHED}")
    aside = values["set_aside_reason"]
    if values["set_aside_at"] and not aside:
        fail("set_aside_reason", "is empty, but the row gives set_aside_at")
    if aside and status == RETRACTED:
        fail("set_aside_reason", "a retracted figure is not set aside as well")
    return {
        "status": status,
        "retraction_reason": reason,
        "retracted_at": times["retracted_at"],
        "set_aside_reason": aside,
        "set_aside_at": times["set_aside_at"],
    }


def parse_time(text: str) -> datetime:
    """Return an ISO 8601 time with its offset, or a date as the start of that day
    in the site's time zone (TIME_ZONE): the day the pages then give it. Read as
    midnight UTC, a date was the day before west of Greenwich."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"“{text}” is not a time such as 2024-11-06T09:30:00+00:00 or a date "
            "such as 2024-11-06"
        ) from None
    if moment.tzinfo is None:
        if len(text) > len("2024-11-06"):
            raise ValueError(f"“{text}” has no offset: add +00:00 for UTC")
        moment = moment.replace(tzinfo=timezone.get_current_timezone())
    return moment


def format_time(moment: datetime | None) -> str:
    """Return a stored time as the CSV writes it, in UTC: parse_time's inverse."""
    return moment.astimezone(UTC).isoformat() if moment is not None else ""


def _read_evidence(values: dict, fail) -> dict:
    """Return the row's document kind, locator, languages and translation."""
    kind = values["document_kind"].lower().replace(" ", "_")
    if kind and kind not in DOCUMENT_KINDS:
        fail("document_kind", f"use one of {', '.join(DOCUMENT_KINDS)}")
    if kind and not (values["document_url"] or values["document_title"]):
        fail("document_kind", "give the document (its title or URL) it describes")
    language = values["quote_language"] or "en"
    for name, tag in (
        ("quote_language", language),
        ("translation_language", values["translation_language"]),
    ):
        if tag and _language_problem(tag):
            fail(name, _language_problem(tag))
    translation = {}
    if values["translation"]:
        if not values["translation_language"]:
            fail("translation_language", "give the translation's language, e.g. en")
        method, by = parse_translator(values["translated_by"])
        translation = {
            "translation": values["translation"],
            "translation_language": values["translation_language"],
            "translation_method": method,
            "translated_by": by,
        }
        if method == "machine" and not by:
            fail("translated_by", "name the tool after “machine:”, e.g. machine: DeepL")
    elif values["translation_language"] or values["translated_by"]:
        fail("translation", "is empty, but the row gives its language or translator")
    return {
        "document_kind": kind,
        "locator": values["locator"],
        "quote_language": language,
        **translation,
    }


def parse_translator(text: str) -> tuple[str, str]:
    """Return (method, translated_by) from a `translated_by` value (see
    MACHINE_PREFIX)."""
    text = text.strip()
    if not text or text.lower() == "source":
        return "source", ""
    if text.lower().startswith(MACHINE_PREFIX):
        return "machine", text[len(MACHINE_PREFIX) :].strip()
    return "person", text


def format_translator(method: str, translated_by: str) -> str:
    """Return the `translated_by` value for a translation: parse_translator's
    inverse."""
    if method == "source":
        return "source"
    if method == "machine":
        return f"{MACHINE_PREFIX} {translated_by}"
    return translated_by


def _read_override(values: dict, parsed, fail) -> dict:
    """Return kind and bounds when the row sets them differently from its figure."""
    if not (values["kind"] or values["low"] or values["high"]):
        return {}
    bounds, unreadable = {}, False
    for name in ("low", "high"):
        bounds[name] = None
        if values[name]:
            try:
                bounds[name] = Decimal(values[name].replace(",", ""))
            except InvalidOperation:
                fail(name, f"“{values[name]}” is not a number")
                unreadable = True
    if values["kind"] not in FIGURE_KINDS:
        fail("kind", f"use one of {', '.join(FIGURE_KINDS)}")
        return {}
    if parsed is None or unreadable:  # the bounds are not checked with one missing
        return {}
    if (values["kind"], bounds["low"], bounds["high"]) == (
        parsed.kind,
        parsed.low,
        parsed.high,
    ):
        return {}  # the figure's own reading, written out by an export
    low, high = bounds["low"], bounds["high"]
    for name, message in rules.bounds_problems(values["kind"], low, high).items():
        fail(name, message)
    return {"kind": values["kind"], "low": low, "high": high}


@lru_cache(maxsize=4096)
def parse_date(text: str) -> tuple[date, str]:
    """Return the date and its precision: 2024-10-28 (day), 2024-10 (month), 2024.
    Kept: a file's rows share a few hundred dates, and each row holds the one date
    object of its text."""
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"“{text}” is not YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        if day:
            return date(int(year), int(month), int(day)), dates.DAY
        if month:
            return date(int(year), int(month), 1), dates.MONTH
        return date(int(year), 1, 1), dates.YEAR
    except ValueError as error:
        raise ValueError(f"“{text}” is not a date: {error}") from error


def format_date(day: date, precision: str) -> str:
    """Return a date as the CSV writes it at its precision."""
    if precision == dates.MONTH:
        return f"{day:%Y-%m}"
    if precision == dates.YEAR:
        return f"{day:%Y}"
    return day.isoformat()


# A spreadsheet runs a cell that starts with one of these as a formula ("CSV
# injection"): the writer puts an apostrophe before such a value, which spreadsheets
# show as text, and the reader takes it off again, so files still round-trip.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: str) -> str:
    """Return `value` as a spreadsheet will show but never run it."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_STARTS) else value


def restore(value: str) -> str:
    """Return the value `defuse` was given."""
    return (
        value[1:] if value.startswith("'") and defuse(value[1:]) != value[1:] else value
    )


def write(rows: Iterable[dict]) -> Iterator[str]:
    """Yield the CSV text of `rows` (dicts keyed by COLUMNS), header first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            {k: defuse(v) if isinstance(v, str) else v for k, v in row.items()}
        )
        yield buffer.getvalue()
