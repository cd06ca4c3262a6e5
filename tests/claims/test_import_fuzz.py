"""Hostile CSV files for the import (claims/interchange): whatever the cells, header,
encoding, quoting or size, the import ends in a clean import or in ImportFailed whose
every error names its line (and its column where there is one), and a refused file
writes nothing. Any other exception fails the test with the file that caused it."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.interchange import csvformat
from claims.interchange.imports import ImportFailed, assertions_import
from claims.models import Assertion, Claim, Topic
from sources.models import Document, Source
from tests.support.fuzz import examples, report

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

GOOD = {
    "claim": "North Korean troops in Russia",
    "unit": "troops",
    "topic": "NK troops 2024",
    "source": "Pentagon",
    "source_kind": "military",
    "stated_on": "2024-10-29",
    "figure": "10,000",
    "quote": "The Pentagon now believes 10000 troops are there.",
    "document_title": "Commentary",
    "document_url": "https://example.org/c",
    "document_published_on": "2024-10-29",
    "kind": "exact",
    "low": "10000",
    "high": "10000",
}
HOSTILE = [
    "", " ", "-5", "NaN", "Infinity", "-Infinity", "sNaN", "1e30", "1E+30",
    "1.23456", "0", "0.0001", "10" * 20, "\x00", "a\x00b", "\u202e", "\u2066x",
    "\u200f", "\x1b[31m", "9999-12-31", "0001-01-01", "1799-12-31", "2024-02-30",
    "2024", "2024-10", "ftp://example.org/r", "javascript:alert(1)",
    "https://example.org/" + "a" * 600, "https://example.org/" + "b" * 1200,
    "=1+1", "'=1", "'", '"', '""', "\r", "\n", "a\r\nb", "10,000", "about 3,000",
    "at_least", "at_most", "range", "exact", "approximate", "military", "media",
    "A", "F", "7", "x" * 301, "\ufeff", "\ud7ff", "😀" * 60,
]  # fmt: skip
cells = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=25))
names = st.one_of(
    st.sampled_from(csvformat.COLUMNS), st.text(max_size=12), st.just(" claim ")
)
headers = st.one_of(
    st.permutations(csvformat.COLUMNS),
    st.permutations(csvformat.REQUIRED),
    st.lists(names, max_size=25),
)


@st.composite
def hostile_files(draw) -> bytes:
    header = list(draw(headers))
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = [GOOD.get(name.strip(), "") for name in header]
        for index in draw(st.lists(st.integers(0, max(len(header) - 1, 0)))):
            if header:
                row[index] = draw(cells)
        if draw(st.integers(0, 9)) == 0:  # a row with too few or too many values
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(cells))
        rows.append(row)
    buffer = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, None]))
    if quoting is None:  # written by hand: quotes and separators left as they come
        buffer.write("\n".join(",".join(r) for r in [header, *rows]))
    else:
        writer = csv.writer(buffer, quoting=quoting, lineterminator="\r\n")
        writer.writerows([header, *rows])
    text = buffer.getvalue()
    if draw(st.integers(0, 9)) == 0:  # cut short anywhere, mid-quote included
        text = text[: draw(st.integers(0, len(text)))]
    if draw(st.integers(0, 19)) == 0:  # a large file of one repeated row
        text += ("\n" + ",".join(GOOD.get(n, "") for n in header)) * 2000
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


def counts():
    return [m.objects.count() for m in (Assertion, Claim, Topic, Source, Document)]


def test_no_csv_file_makes_the_import_fail_other_than_by_naming_line_and_column(
    capsys,
):
    cases = 0

    @settings(
        max_examples=examples(60),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=hostile_files(), dry_run=st.booleans())
    def import_file(data, dry_run):
        nonlocal cases
        cases += 1
        before = counts()
        try:
            assertions_import(data=data, dry_run=dry_run)
        except ImportFailed as failed:
            assert failed.errors
            for error in failed.errors:
                assert error.line >= 1 and str(error).startswith("line "), error
            assert counts() == before, "a refused import must write nothing"
        else:
            if dry_run:
                assert counts() == before

    import_file()
    report(capsys, "import", cases)
