"""Spreadsheet formula defusing in claims/csvformat.py: pure, no database."""

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
