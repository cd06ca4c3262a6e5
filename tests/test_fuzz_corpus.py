"""The corpus of bombs and pathological inputs of issue 28: every one is refused
with a reason or read within its budget of time, never a crash. The fast subset
runs in CI; CLAIMTRACKER_FUZZ=deep runs each at the sizes the hostile pass used
(`make fuzz`). Built in memory; nothing is written to disk."""

import os
import time

import pytest

from claims.domain import rules
from claims.interchange import csvformat
from sources import archive
from tests.support import bombs

DEEP = os.environ.get("CLAIMTRACKER_FUZZ") == "deep"
MB = bombs.MB
# (fast size, deep size) of each input, and the seconds it may take at either.
SCALE = 10 if DEEP else 1
SECONDS = 30 if DEEP else 5

pytestmark = [pytest.mark.fuzz_corpus, pytest.mark.engine_independent]

ARCHIVE_BOMBS = {
    "warc-content-encoding-gzip": lambda: bombs.warc_encoding_bomb(20 * MB * SCALE),
    "gzipped-warc-content-encoding": lambda: bombs.warc_encoding_bomb(
        20 * MB * SCALE, gzipped=True
    ),
    "warc-content-encoding-deflate": lambda: bombs.warc_deflate_bomb(20 * MB * SCALE),
    "wacz-warc-content-encoding": lambda: bombs.wacz_of(
        bombs.warc_encoding_bomb(20 * MB * SCALE)
    ),
    "pdf-flate": lambda: bombs.pdf_flate_bomb(20 * MB * SCALE),
    "gzip": lambda: bombs.gzip_bomb(20 * MB * SCALE),
    "zip": lambda: bombs.zip_bomb(20 * MB * SCALE),
    "nested-json": lambda: bombs.nested_json(100_000 * SCALE),
    "html-past-limit": lambda: bombs.large_html(archive.MAX_HTML + MB),
}
ARCHIVE_READS = {
    "sniffer-backtracking": lambda: bombs.sniffer_backtracking(120_000 * SCALE),
    "large-html": lambda: bombs.large_html(2 * MB * SCALE),
}


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.mark.parametrize("build", ARCHIVE_BOMBS.values(), ids=ARCHIVE_BOMBS)
def test_an_archive_bomb_is_refused_with_a_reason(build):
    data = build()

    started = time.monotonic()
    with pytest.raises(archive.ArchiveError) as raised:
        archive.examine(data)

    assert time.monotonic() - started < SECONDS
    assert str(raised.value)


@pytest.mark.parametrize("build", ARCHIVE_READS.values(), ids=ARCHIVE_READS)
def test_a_pathological_file_is_read_in_bounded_time(build):
    examined, seconds = timed(lambda: archive.examine(build()))

    assert examined.content_type
    assert seconds < SECONDS


def test_an_over_long_quote_is_refused_in_bounded_time():
    quote = "The figure rose again. " * (500 * SCALE)
    document = "Nothing of it here. " * (5_000 * SCALE)

    problem, seconds = timed(lambda: rules.quote_problem(quote, document))

    assert "at most" in problem
    assert seconds < 1


def test_a_near_miss_at_the_nearest_cap_is_bounded():
    words = [f"word{n} of the ministry's count" for n in range(400)]
    document = " ".join(words * 10 * SCALE)[: rules.NEAREST_MAX_DOCUMENT]
    quote = " ".join(reversed(words))[: rules.NEAREST_MAX_QUOTE]

    problem, seconds = timed(lambda: rules.quote_problem(quote, document))

    assert problem
    assert seconds < SECONDS


def test_a_csv_past_the_row_limit_stops_reading_at_the_limit():
    header = ",".join(csvformat.REQUIRED)
    line = "," * (len(csvformat.REQUIRED) - 1)
    data = header + "\n" + "\n".join(["x" + line] * (100_000 * SCALE))

    reading, seconds = timed(
        lambda: csvformat.read(data, source_kinds=["military"], max_rows=1_000)
    )

    assert [str(e) for e in reading.errors] == [
        "line 1: the file has more than 1,000 rows"
    ]
    assert seconds < SECONDS
