"""claims/interchange/csvformat.py: spreadsheet formula defusing, a row's standing
(status, retraction, set aside), and reading a file as it is parsed. Pure, no
database."""

import io
from datetime import UTC, date, datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from claims.interchange import csvformat
from tests.support.imports import STANDING_HEADER, csv_of, standing_row
from tests.support.zones import zone_of_another_day


@pytest.mark.parametrize(
    "value, written",
    [
        (
            '=HYPERLINK("http://evil.example","x")',
            '\'=HYPERLINK("http://evil.example","x")',
        ),
        ("+1-555-0100", "'+1-555-0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("'=already quoted", "''=already quoted"),
        ("10,000", "10,000"),
        ("'tis so", "'tis so"),
        ("", ""),
    ],
)
def test_values_a_spreadsheet_would_run_are_written_as_text(value, written):
    assert csvformat.defuse(value) == written
    assert csvformat.restore(written) == value


@given(st.text())
def test_defused_values_never_start_a_formula_and_read_back_unchanged(value):
    written = csvformat.defuse(value)

    assert not written.startswith(csvformat.FORMULA_STARTS)
    assert csvformat.restore(written) == value


# A row's standing (issue 24): published or retracted, set aside or not.

KINDS = ["military", "intelligence"]


def read_standing(standing: dict) -> csvformat.Reading:
    data = csv_of(standing_row(standing), header=STANDING_HEADER)
    return csvformat.read(data, source_kinds=KINDS)


def test_a_retracted_row_reads_with_its_reason_and_time():
    reading = read_standing(
        {
            "status": "retracted",
            "retraction_reason": "The ministry withdrew the briefing.",
            "retracted_at": "2024-11-06T09:30:00.123456+00:00",
        }
    )

    (row,) = reading.rows
    assert (row.status, row.retraction_reason) == (
        "retracted",
        "The ministry withdrew the briefing.",
    )
    assert row.retracted_at == datetime(2024, 11, 6, 9, 30, 0, 123456, tzinfo=UTC)
    assert csvformat.format_time(row.retracted_at) == "2024-11-06T09:30:00.123456+00:00"


def test_an_empty_status_is_published_and_a_date_is_midnight_utc():
    reading = read_standing(
        {"set_aside_reason": "A different scope.", "set_aside_at": "2024-11-06"}
    )

    (row,) = reading.rows
    assert row.status == "published"
    assert row.set_aside_at == datetime(2024, 11, 6, tzinfo=UTC)  # TIME_ZONE is UTC


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati"])
def test_a_date_is_the_start_of_that_day_on_the_sites_clock(zone):
    """A bare date was read as midnight UTC: west of Greenwich that is the evening
    before, so the pages said the figure was set aside the day before the one
    typed, and a set-aside typed for the stated day was refused as before it."""
    with override_settings(TIME_ZONE=zone):
        reading = read_standing(
            {"set_aside_reason": "A different scope.", "set_aside_at": "2024-10-29"}
        )
        assert [str(e) for e in reading.errors] == []
        assert timezone.localdate(reading.rows[0].set_aside_at) == date(2024, 10, 29)
        assert timezone.localtime(reading.rows[0].set_aside_at).hour == 0


@pytest.mark.parametrize(
    ("standing", "error"),
    [
        (
            {"status": "withdrawn"},
            "line 2, column status: use published or retracted (or leave it empty)",
        ),
        (
            {"status": "retracted"},
            "line 2, column retraction_reason: is empty: a retracted row needs the "
            "reason",
        ),
        (
            {"retraction_reason": "Withdrawn."},
            "line 2, column retraction_reason: is given, but the row's status is "
            "published",
        ),
        (
            {"status": "retracted", "retraction_reason": "x",
             "retracted_at": "6/11/24"},
            "line 2, column retracted_at: “6/11/24” is not a time such as "
            "2024-11-06T09:30:00+00:00 or a date such as 2024-11-06",
        ),
        (
            {"status": "retracted", "retraction_reason": "x",
             "retracted_at": "2024-11-06T09:30:00"},
            "line 2, column retracted_at: “2024-11-06T09:30:00” has no offset: add "
            "+00:00 for UTC",
        ),
        (
            {"status": "retracted", "retraction_reason": "x",
             "retracted_at": "2024-10-01"},
            "line 2, column retracted_at: is before the figure was stated "
            "(2024-10-29)",
        ),
        (
            {"set_aside_reason": "Scope.", "set_aside_at": "2999-01-01"},
            "line 2, column set_aside_at: is in the future",
        ),
        (
            {"set_aside_at": "2024-11-06"},
            "line 2, column set_aside_reason: is empty, but the row gives "
            "set_aside_at",
        ),
        (
            {"status": "retracted", "retraction_reason": "x",
             "set_aside_reason": "Scope."},
            "line 2, column set_aside_reason: a retracted figure is not set aside as "
            "well",
        ),
    ],
)  # fmt: skip
def test_a_bad_standing_is_refused_naming_the_column(standing, error):
    reading = read_standing(standing)

    assert not reading.rows
    assert [str(e) for e in reading.errors] == [error]


HEADER = ",".join(csvformat.REQUIRED)


def _row(claim: str) -> str:
    return f"{claim},troops,Topic,Source,think_tank,2022-02-24,about 100,,,,\n"


def _read(data):
    return csvformat.read(data, source_kinds=["think_tank"])


def test_a_file_reads_as_its_bytes_do():
    data = ("\ufeff" + HEADER + "\n" + _row("Café") + _row("=x")).encode()

    from_file, from_bytes = _read(io.BytesIO(data)), _read(data)

    assert from_file == from_bytes
    assert [row.claim for row in from_file.rows] == ["Café", "=x"]


def test_a_character_cut_in_two_by_a_read_chunk_is_still_utf8():
    start = (HEADER + "\n").encode()
    padding = b"\n" * (csvformat.CHUNK - len(start) - len(b"Caf") - 1)
    data = start + padding + _row("Café").encode()
    assert data[csvformat.CHUNK - 1 : csvformat.CHUNK + 1] == "é".encode()

    reading = _read(io.BytesIO(data))

    assert (reading.errors, [row.claim for row in reading.rows]) == ([], ["Café"])


def test_a_byte_that_is_not_utf8_past_the_first_chunk_names_its_line():
    lines = 3 + csvformat.CHUNK // len(_row("Claim"))
    data = (HEADER + "\n" + _row("Claim") * lines).encode() + b"Caf\xe9\n"

    reading = _read(io.BytesIO(data))

    assert [str(error) for error in reading.errors] == [
        f"line {lines + 2}: the file is not UTF-8 (byte 0xe9); save it as UTF-8 "
        "and try again"
    ]


def test_a_set_aside_on_the_stated_day_in_the_sites_time_zone_is_read():
    # Stated on 29 October; set aside at 20:00 UTC on the 28th, which is already
    # the 29th in the site's time zone, the day its pages say it was set aside.
    at = datetime(2024, 10, 28, 20, 0, tzinfo=UTC)
    with override_settings(TIME_ZONE=zone_of_another_day(at)):
        reading = read_standing(
            {"set_aside_reason": "A different scope.", "set_aside_at": at.isoformat()}
        )
        day = timezone.localdate(at)

    assert str(day) == "2024-10-29"
    assert [str(e) for e in reading.errors] == []
    assert reading.rows[0].set_aside_at == at


def test_a_set_aside_before_the_stated_day_in_the_sites_time_zone_is_refused():
    # Stated on 29 October; set aside at 06:00 UTC on the 29th, which is still the
    # 28th in the site's time zone: its pages would say it was set aside the day
    # before it was stated.
    at = datetime(2024, 10, 29, 6, 0, tzinfo=UTC)
    with override_settings(TIME_ZONE=zone_of_another_day(at)):
        reading = read_standing(
            {"set_aside_reason": "A different scope.", "set_aside_at": at.isoformat()}
        )

    assert not reading.rows
    assert [str(e) for e in reading.errors] == [
        "line 2, column set_aside_at: is before the figure was stated (2024-10-29): "
        "the site's day is 2024-10-28"
    ]
