"""claims/interchange/csvformat.py: spreadsheet formula defusing, and reading a file
as it is parsed. Pure, no database."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.interchange import csvformat


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
