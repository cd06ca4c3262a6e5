"""Hostile inputs built in memory, for the bounds tests and the fuzz corpus
(tests/test_fuzz_corpus.py): archive bombs through every layer of decompression and
the pathological inputs of issue 28. Each builder takes a size, so the corpus can
run small in CI and large under CLAIMTRACKER_FUZZ=deep."""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support.documents import pdf_from

MB = 2**20


def warc_record(body: bytes, *, encoding: str = "", gzipped: bool = False) -> bytes:
    """Return a WARC with one HTML response whose body is `body` as sent, with the
    Content-Encoding header `encoding` when given."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    fields = [("Content-Type", "text/html; charset=utf-8")]
    if encoding:
        fields.append(("Content-Encoding", encoding))
    headers = StatusAndHeaders("200 OK", fields, protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/bomb",
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
        )
    )
    return out.getvalue()


def warc_encoding_bomb(size: int, *, gzipped: bool = False) -> bytes:
    """A WARC whose page is `size` bytes once its Content-Encoding (gzip) is
    undone: the bomb of issue 28, finding 2."""
    page = b"<html><body><p>" + b" " * size + b"</p></body></html>"
    return warc_record(
        gzip.compress(page, compresslevel=9), encoding="gzip", gzipped=gzipped
    )


def warc_deflate_bomb(size: int) -> bytes:
    page = b"<html><body><p>" + b" " * size + b"</p></body></html>"
    return warc_record(zlib.compress(page, 9), encoding="deflate")


def wacz_of(warc: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as wacz:
        wacz.writestr("datapackage.json", "{}")
        wacz.writestr("archive/data.warc", warc)
    return out.getvalue()


def pdf_flate_bomb(size: int) -> bytes:
    """A PDF with one Flate stream that inflates to `size` bytes."""
    stream = zlib.compress(b"BT ET " + bytes(size), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
    ]
    return pdf_from(objects)


def gzip_bomb(size: int) -> bytes:
    return gzip.compress(b"WARC/1.1\r\n" + bytes(size))


def zip_bomb(size: int) -> bytes:
    return wacz_of(b"WARC/1.1\r\n" + bytes(size))


def sniffer_backtracking(size: int) -> bytes:
    """Twenty lines of `,"a`: csv.Sniffer took 33 s on 60 KB of them."""
    line = ',"a' * (size // 60)
    return "\n".join([line] * 20).encode()


def nested_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def large_html(size: int) -> bytes:
    """A page of `size` bytes of nested, text-bearing elements."""
    cell = b"<div><p>Some <b>text</b> here, 1,000 troops.</p></div>\n"
    return (
        b"<!DOCTYPE html><html><body>" + cell * (size // len(cell)) + b"</body></html>"
    )
