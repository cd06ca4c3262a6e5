"""Every decoder bounded (issue 28, findings 2 and 4 and the low items): each layer
of decompression counts against one budget of the upload, and type detection, JSON
and HTML extraction stay linear and bounded. No database: archive.py is pure."""

import time

import pytest

from sources import archive
from tests.support import bombs

MB = bombs.MB


@pytest.mark.parametrize(
    ("data", "layer"),
    [
        (bombs.warc_encoding_bomb(20 * MB), "Content-Encoding inside the WARC"),
        (
            bombs.warc_encoding_bomb(20 * MB, gzipped=True),
            "Content-Encoding inside the WARC",
        ),
        (bombs.warc_deflate_bomb(20 * MB), "Content-Encoding inside the WARC"),
        (
            bombs.wacz_of(bombs.warc_encoding_bomb(20 * MB)),
            "Content-Encoding inside the WARC",
        ),
        (bombs.pdf_flate_bomb(20 * MB), "a stream inside the PDF"),
    ],
    ids=["warc-gzip-body", "gzipped-warc", "warc-deflate-body", "wacz", "pdf-flate"],
)
def test_an_encoded_body_that_inflates_past_the_budget_is_refused_naming_the_layer(
    data, layer
):
    with pytest.raises(archive.ArchiveError, match="grows more than 100 times") as err:
        archive.examine(data)

    assert layer in str(err.value)


def test_layers_of_one_upload_spend_one_budget():
    budget = archive.Budget(100 * 1024)
    budget.spend(6 * MB, "gzip")  # 60 times the upload: allowed alone

    with pytest.raises(archive.ArchiveError, match="Content-Encoding"):
        budget.spend(6 * MB, "Content-Encoding inside the WARC")


def test_a_warc_whose_encoded_page_is_modest_still_gives_its_text():
    page = b"<html><body><article><p>About 11,000 troops.</p></article></body></html>"
    data = bombs.warc_record(bombs.gzip.compress(page), encoding="gzip")

    assert "About 11,000 troops." in archive.examine(data).text


def test_type_detection_does_not_backtrack_on_quoted_commas():
    data = bombs.sniffer_backtracking(120_000)  # csv.Sniffer: over 120 s

    started = time.monotonic()
    archive.detect(data)

    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"a;b;c\n1;2;3\n4;5;6\n", archive.CSV),
        (b"a\tb\n1\t2\n", archive.CSV),
        (b"One sentence, with a comma.\nAnother line here.\n", archive.TEXT),
        (b"date,tank\n" + b"2022-03-01,211\n" * 50_000, archive.CSV),
    ],
    ids=["semicolon", "tab", "prose", "long-csv"],
)
def test_a_table_is_told_from_prose_by_its_first_lines(data, content_type):
    assert archive.detect(data) == content_type


def test_deeply_nested_json_is_refused_with_a_reason_not_a_crash():
    with pytest.raises(archive.ArchiveError, match="nests too deeply"):
        archive.examine(bombs.nested_json(100_000))  # 200 KB


def test_a_large_page_is_extracted_in_linear_time_without_its_scripts():
    page = bombs.large_html(5 * MB).replace(
        b"<body>", b"<body><script>alert('SCRIPTED')</script><!-- hidden -->", 1
    )

    started = time.monotonic()
    text = archive.examine(page).text

    assert time.monotonic() - started < 10  # was about a second a megabyte and more
    assert "1,000 troops" in text
    assert "SCRIPTED" not in text
    assert "hidden" not in text


def test_a_page_past_the_html_limit_is_refused():
    html = "<html><body>" + "x" * (archive.MAX_HTML + 1) + "</body></html>"

    with pytest.raises(archive.ArchiveError, match="MB of HTML"):
        archive.html_text(html)
