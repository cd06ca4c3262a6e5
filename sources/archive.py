"""What a document's archived file is, and its text: the type read from the content
(never the name), the limits that refuse hostile files, and the text extracted with
well-kept libraries (pypdf, readability-lxml, warcio). No database, no storage: the
service (sources/services.py, document_file_archive) stores what this accepts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass

MB = 1024 * 1024
# The limits of issue 19: a file, what it holds once decompressed, and how much it
# may grow when decompressed (a zip bomb grows a thousandfold).
MAX_SIZE = 50 * MB
MAX_DECOMPRESSED = 200 * MB
MAX_RATIO = 100
CHUNK = 1 * MB

PDF = "application/pdf"
HTML = "text/html"
TEXT = "text/plain"
CSV = "text/csv"
JSON = "application/json"
WARC = "application/warc"
WACZ = "application/wacz"
PNG, JPEG, GIF, WEBP = "image/png", "image/jpeg", "image/gif", "image/webp"
ACCEPTED = (PDF, HTML, TEXT, CSV, JSON, WARC, WACZ, PNG, JPEG, GIF, WEBP)
# Content types a browser could run or render as a page: always served as bytes.
UNSAFE_TO_SHOW = (HTML, WARC, WACZ)


class ArchiveError(ValueError):
    """The file is refused; the message says why, for the researcher."""


@dataclass(frozen=True)
class Examined:
    """A file accepted for the archive: its hash, size, type and extracted text."""

    sha256: str
    size: int
    content_type: str
    text: str


def examine(data: bytes) -> Examined:
    """Return what `data` is and its text, or raise ArchiveError."""
    if len(data) > MAX_SIZE:
        raise ArchiveError(
            f"The file is {len(data) / MB:.1f} MB; at most {MAX_SIZE // MB} MB."
        )
    if not data:
        raise ArchiveError("The file is empty.")
    content_type = detect(data)
    return Examined(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=content_type,
        text=extract_text(data, content_type),
    )


def detect(data: bytes) -> str:
    """Return the content type of `data` read from its bytes, or raise ArchiveError
    naming what it seems to be."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        if _is_wacz(data):
            return WACZ
        raise ArchiveError("The file is a ZIP archive that is not a WACZ capture.")
    if head.startswith(b"\x1f\x8b"):
        if gunzip(data, limit=64).startswith(b"WARC/"):
            return WARC
        raise ArchiveError("The file is compressed (gzip) but not a WARC capture.")
    if head.startswith(b"WARC/"):
        return WARC
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise ArchiveError("The file is a program, which the archive does not accept.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArchiveError(
            "The file is not a kind the archive accepts (PDF, HTML, plain text, CSV, "
            "JSON, an image, WARC or WACZ); as text it is not UTF-8 (byte "
            f"{error.start})."
        ) from error
    if "\x00" in text:
        raise ArchiveError("The file holds NUL characters: it is not text.")
    return _text_kind(text)


def _text_kind(text: str) -> str:
    start = text.lstrip()[:1000].lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")) or (
        "<html" in start
    ):
        return HTML
    if start.startswith(("{", "[")):
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            return JSON
    lines = text.splitlines()[:20]
    if len(lines) >= 2:
        try:
            dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t")
        except csv.Error:
            dialect = None
        if dialect is not None:
            widths = {len(row) for row in csv.reader(lines, dialect)}
            if len(widths) == 1 and widths.pop() > 1:
                return CSV
    return TEXT


def gunzip(data: bytes, *, limit: int | None = None) -> bytes:
    """Return `data` decompressed (every gzip member), or its first `limit` bytes;
    raise ArchiveError past the limits on size and ratio."""
    out = bytearray()
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending = rest
            while True:
                piece = inflater.decompress(pending, CHUNK)
                out += piece
                _check_growth(len(out), len(data))
                if limit is not None and len(out) >= limit:
                    return bytes(out[:limit])
                if inflater.eof:
                    break
                pending = inflater.unconsumed_tail
                if not pending and not piece:
                    raise ArchiveError("The compressed file is cut short.")
            rest = inflater.unused_data
    except zlib.error as error:
        raise ArchiveError(f"The compressed file is damaged: {error}.") from error
    return bytes(out)


def _check_growth(decompressed: int, compressed: int) -> None:
    if decompressed > MAX_DECOMPRESSED:
        raise ArchiveError(
            f"Decompressed, the file is over {MAX_DECOMPRESSED // MB} MB; at most "
            f"{MAX_DECOMPRESSED // MB} MB."
        )
    # Below 1 MB a high ratio is harmless (a small page compresses well).
    if decompressed > MAX_RATIO * max(compressed, 1) and decompressed > MB:
        raise ArchiveError(
            f"The file grows more than {MAX_RATIO} times when decompressed, as a "
            "zip bomb does; it is refused."
        )


def _is_wacz(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as error:
        raise ArchiveError(f"The ZIP archive cannot be read: {error}.") from error
    return "datapackage.json" in names and any(
        name.startswith("archive/") for name in names
    )


def unzip_member(archive: zipfile.ZipFile, name: str, compressed: int) -> bytes:
    """Return one member of a ZIP, read in chunks within the limits."""
    out = io.BytesIO()
    with archive.open(name) as member:
        while piece := member.read(CHUNK):
            out.write(piece)
            _check_growth(out.tell(), compressed)
    return out.getvalue()


def extract_text(data: bytes, content_type: str) -> str:
    """Return the readable text of a file of `content_type` (empty for images)."""
    if content_type == PDF:
        return pdf_text(data)
    if content_type == HTML:
        return html_text(data.decode("utf-8-sig"))
    if content_type in (TEXT, CSV, JSON):
        return data.decode("utf-8-sig")
    if content_type == WARC:
        return warc_text(data)
    if content_type == WACZ:
        return wacz_text(data)
    return ""


def pdf_text(data: bytes) -> str:
    """Return the text of a PDF's pages, a blank line between pages."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ArchiveError("The PDF is encrypted; archive an unlocked copy.")
        return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        if isinstance(error, ArchiveError):
            raise
        raise ArchiveError(f"The PDF cannot be read: {error}.") from error


def html_text(html: str) -> str:
    """Return the main text of a page: scripts, styles and handlers removed first,
    then the article found by readability, as plain text."""
    import lxml.html
    from lxml_html_clean import Cleaner
    from readability import Document as Readable

    if not html.strip():
        return ""
    cleaner = Cleaner(
        scripts=True, javascript=True, style=True, comments=True, forms=True
    )
    cleaned = cleaner.clean_html(html)
    try:
        summary = Readable(cleaned).summary(html_partial=True)
        text = lxml.html.fromstring(summary).text_content()
    except Exception:  # noqa: BLE001 - readability raises bare errors on odd pages
        text = ""
    if not text.strip():
        text = lxml.html.fromstring(cleaned).text_content()
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def warc_text(data: bytes) -> str:
    """Return the text of a WARC capture's main page: its first HTML (or plain
    text) response or resource record."""
    from warcio.archiveiterator import ArchiveIterator

    if data.startswith(b"\x1f\x8b"):
        data = gunzip(data)  # within the limits, before warcio reads it
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type not in ("response", "resource"):
                continue
            if record.rec_type == "response" and record.http_headers:
                status = record.http_headers.get_statuscode()
                kind = record.http_headers.get_header("Content-Type") or ""
                if status != "200":
                    continue
            else:
                kind = record.rec_headers.get_header("Content-Type") or ""
            kind = kind.split(";")[0].strip().lower()
            if kind not in (HTML, TEXT, "application/xhtml+xml"):
                continue
            body = record.content_stream().read().decode("utf-8", "replace")
            return html_text(body) if kind != TEXT else body
    except ArchiveError:
        raise
    except Exception as error:  # noqa: BLE001 - warcio raises many kinds
        raise ArchiveError(f"The WARC capture cannot be read: {error}.") from error
    raise ArchiveError("The WARC capture holds no HTML or text page.")


def wacz_text(data: bytes) -> str:
    """Return the text of a WACZ capture: its first WARC's main page."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [
            info
            for info in archive.infolist()
            if info.filename.startswith("archive/")
            and info.filename.endswith((".warc", ".warc.gz"))
        ]
        total = sum(info.file_size for info in archive.infolist())
        _check_growth(total, len(data))
        if not members:
            raise ArchiveError("The WACZ capture holds no WARC file.")
        warc = unzip_member(archive, members[0].filename, len(data))
    return warc_text(warc)


# What a file's name may say it is, by extension: a name that says one kind of
# content while the bytes are another is refused (issue 25), as is any program or
# script, whatever its name. Kept apart from the decoders above.
TEXT_KINDS = (TEXT, CSV, JSON)
EXTENSIONS = {
    ".pdf": (PDF,),
    ".html": (HTML, TEXT),
    ".htm": (HTML, TEXT),
    ".xhtml": (HTML, TEXT),
    ".txt": TEXT_KINDS,
    ".text": TEXT_KINDS,
    ".md": TEXT_KINDS,
    ".csv": (CSV, TEXT),
    ".tsv": (CSV, TEXT),
    ".json": (JSON, TEXT),
    ".warc": (WARC,),
    ".gz": (WARC,),
    ".wacz": (WACZ,),
    ".png": (PNG,),
    ".jpg": (JPEG,),
    ".jpeg": (JPEG,),
    ".gif": (GIF,),
    ".webp": (WEBP,),
}
PROGRAM_EXTENSIONS = frozenset(
    ".exe .dll .com .scr .msi .bat .cmd .ps1 .vbs .sh .bash .zsh .py .pl .rb "
    ".php .js .mjs .jar .apk .app .bin .elf .so .dylib".split()
)
PROGRAM_MAGIC = (
    (b"#!", "a script (it opens with a “#!” line)"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program (PE)"),
    (b"\xfe\xed\xfa\xce", "a program (Mach-O)"),
    (b"\xfe\xed\xfa\xcf", "a program (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "a program (Mach-O)"),
    (b"\xcf\xfa\xed\xfe", "a program (Mach-O)"),
)
LABELS = {
    PDF: "a PDF",
    HTML: "an HTML page",
    TEXT: "plain text",
    CSV: "CSV",
    JSON: "JSON",
    WARC: "a WARC capture",
    WACZ: "a WACZ capture",
    PNG: "a PNG image",
    JPEG: "a JPEG image",
    GIF: "a GIF image",
    WEBP: "a WebP image",
}


def check_file(data: bytes, filename: str, content_type: str) -> None:
    """Refuse a program or script, whatever its name, and a file whose name's
    extension says another kind of content than the one read from its bytes
    (`content_type`, from examine()). Raise ArchiveError naming the reason."""
    head = data[:8].removeprefix(b"\xef\xbb\xbf").lstrip()
    for magic, what in PROGRAM_MAGIC:
        if head.startswith(magic):
            raise ArchiveError(
                f"The file is {what}; the archive never accepts programs or "
                "scripts, whatever their name."
            )
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    extension = "." + name.rsplit(".", 1)[1] if "." in name else ""
    if extension in PROGRAM_EXTENSIONS:
        raise ArchiveError(
            f"“{filename}” is named as a program or script ({extension}); the "
            "archive never accepts programs or scripts."
        )
    allowed = EXTENSIONS.get(extension)
    if allowed and content_type not in allowed:
        raise ArchiveError(
            f"“{filename}” is named as {LABELS[allowed[0]]} ({extension}), but its "
            f"content is {LABELS.get(content_type, content_type)}; rename it or "
            "upload the right file."
        )
