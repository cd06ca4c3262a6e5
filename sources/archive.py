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
import re
import zipfile
import zlib
from dataclasses import dataclass

MB = 1024 * 1024
# The limits of issue 19: a file, what it holds once decompressed, and how much it
# may grow when decompressed (a zip bomb grows a thousandfold). Since issue 28 they
# are one budget per upload: every layer of decompression (gzip, a ZIP's members,
# Content-Encoding inside a WARC, Flate streams inside a PDF) counts against the
# same total and the same ratio to the uploaded size (`Budget`).
MAX_SIZE = 50 * MB
MAX_DECOMPRESSED = 200 * MB
MAX_RATIO = 100
CHUNK = 1 * MB
# Type detection reads a bounded prefix: the first lines of a CSV (and at most this
# many characters of them), and JSON is checked as a whole only up to MAX_JSON.
SNIFF_LINES = 20
SNIFF_CHARS = 64 * 1024
MAX_JSON = 10 * MB
# HTML past READABLE_HTML is not given to lxml_html_clean and readability (about
# a second a megabyte, growing faster than the page on some): its text is taken from
# the parsed tree with scripts, styles and comments stripped in C, in linear time.
# A page past MAX_HTML (a WARC's body can be larger than an upload) is refused.
READABLE_HTML = 1 * MB
MAX_HTML = 20 * MB
# Elements whose text is not the page's text.
NOT_TEXT = ("script", "style", "noscript", "template", "form", "iframe", "object")

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


class Budget:
    """The decompressed bytes one upload may produce, across every layer of
    decompression, and the ratio they may reach to the uploaded size. Each decoder
    spends from the same budget as it inflates, chunk by chunk, and is refused the
    moment the total goes past MAX_DECOMPRESSED or MAX_RATIO times the upload."""

    def __init__(self, uploaded: int):
        self.uploaded = max(uploaded, 1)
        self.spent = 0

    def spend(self, size: int, layer: str) -> None:
        """Count `size` decompressed bytes from `layer`; raise ArchiveError past the
        budget, naming the layer."""
        self.spent += size
        if self.spent > MAX_DECOMPRESSED:
            raise ArchiveError(
                f"Decompressed ({layer}), the file is over {MAX_DECOMPRESSED // MB} "
                f"MB; at most {MAX_DECOMPRESSED // MB} MB, counting every layer."
            )
        # Below 1 MB a high ratio is harmless (a small page compresses well).
        if self.spent > MAX_RATIO * self.uploaded and self.spent > MB:
            raise ArchiveError(
                f"The file grows more than {MAX_RATIO} times when decompressed "
                f"({layer}), as a zip bomb does; it is refused."
            )


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
        text=extract_text(data, content_type, budget=Budget(len(data))),
    )


def detect(data: bytes) -> str:
    """Return the content type of `data` read from its bytes, or raise ArchiveError
    naming what it seems to be. Linear in the size of `data`, reading a bounded
    prefix where it can."""
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
        if gunzip(data, limit=64, budget=Budget(len(data))).startswith(b"WARC/"):
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
    if start.startswith(("{", "[")) and len(text) <= MAX_JSON and _is_json(text):
        return JSON
    if _is_csv(text):
        return CSV
    return TEXT


def _is_json(text: str) -> bool:
    """Return whether `text` is JSON. Linear: the C parser, with objects folded
    away as they are read; a nesting deeper than the interpreter's recursion limit
    is refused with a reason rather than a crash."""
    try:
        json.loads(text, object_pairs_hook=_nothing)
    except ValueError:
        return False
    except RecursionError as error:
        raise ArchiveError(
            "The JSON nests too deeply (over about 1,000 levels) to be read."
        ) from error
    return True


def _nothing(pairs) -> None:
    return None


def _is_csv(text: str) -> bool:
    """Return whether the first lines of `text` read as a table: two or more lines
    of one width (more than one column) for one of the delimiters , ; or tab.

    A linear check on a bounded prefix (SNIFF_LINES lines, SNIFF_CHARS characters):
    csv.Sniffer's regular expressions backtrack, 33 s on 60 KB of `,"a` (issue
    28)."""
    prefix = text[:SNIFF_CHARS]
    lines = prefix.splitlines()
    if len(text) > SNIFF_CHARS and len(lines) > 1:
        lines.pop()  # cut short by the prefix
    lines = lines[:SNIFF_LINES]
    if len(lines) < 2:
        return False
    for delimiter in (",", ";", "\t"):
        if not any(delimiter in line for line in lines):
            continue
        try:
            widths = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() > 1:
            return True
    return False


def gunzip(
    data: bytes, *, limit: int | None = None, budget: Budget | None = None
) -> bytes:
    """Return `data` decompressed (every gzip member), or its first `limit` bytes;
    raise ArchiveError past the upload's budget (a fresh one if none is given)."""
    budget = budget or Budget(len(data))
    out = bytearray()
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending = rest
            while True:
                piece = inflater.decompress(pending, CHUNK)
                out += piece
                budget.spend(len(piece), "gzip")
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


def _is_wacz(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as error:
        raise ArchiveError(f"The ZIP archive cannot be read: {error}.") from error
    return "datapackage.json" in names and any(
        name.startswith("archive/") for name in names
    )


def unzip_member(archive: zipfile.ZipFile, name: str, budget: Budget) -> bytes:
    """Return one member of a ZIP, read in chunks within the upload's budget."""
    out = io.BytesIO()
    with archive.open(name) as member:
        while piece := member.read(CHUNK):
            out.write(piece)
            budget.spend(len(piece), "zip")
    return out.getvalue()


def extract_text(
    data: bytes, content_type: str, *, budget: Budget | None = None
) -> str:
    """Return the readable text of a file of `content_type` (empty for images),
    every decompression within the upload's `budget`."""
    budget = budget or Budget(len(data))
    if content_type == PDF:
        return pdf_text(data, budget=budget)
    if content_type == HTML:
        return html_text(data.decode("utf-8-sig"))
    if content_type in (TEXT, CSV, JSON):
        return data.decode("utf-8-sig")
    if content_type == WARC:
        return warc_text(data, budget=budget)
    if content_type == WACZ:
        return wacz_text(data, budget=budget)
    return ""


# A PDF's streams: what lies between `stream` and `endstream`.
PDF_STREAM = re.compile(rb"stream\r?\n")
PDF_END = b"endstream"


def pdf_streams_check(data: bytes, budget: Budget) -> None:
    """Inflate every Flate stream of a PDF, in chunks, keeping nothing, so that
    what pypdf will inflate is counted against the upload's budget before it
    does. Linear in the size of the file."""
    at = 0
    while match := PDF_STREAM.search(data, at):
        start = match.end()
        end = data.find(PDF_END, start)
        if end < 0:
            return
        at = end + len(PDF_END)
        inflater = zlib.decompressobj()
        pending = data[start:end]
        try:
            while pending:
                piece = inflater.decompress(pending, CHUNK)
                budget.spend(len(piece), "a stream inside the PDF")
                if inflater.eof:
                    break
                pending = inflater.unconsumed_tail
                if not piece:
                    break
        except zlib.error:
            continue  # not Flate (or damaged): pypdf decides, within its own limits


def pdf_text(data: bytes, *, budget: Budget | None = None) -> str:
    """Return the text of a PDF's pages, a blank line between pages."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    pdf_streams_check(data, budget or Budget(len(data)))
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
    if len(html) > MAX_HTML:
        raise ArchiveError(
            f"The page is {len(html) / MB:.1f} MB of HTML; at most {MAX_HTML // MB} "
            "MB can have its text extracted."
        )
    if len(html) > READABLE_HTML:
        return _lines(_stripped_text(html))
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
    return _lines(text)


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _stripped_text(html: str) -> str:
    """Return the text of a large page: parsed once, the elements that are not text
    and the comments stripped by lxml in C, then its text. Linear in the page."""
    import lxml.html
    from lxml import etree

    tree = lxml.html.fromstring(html)
    etree.strip_elements(tree, *NOT_TEXT, etree.Comment, with_tail=False)
    return tree.text_content()


def warc_text(data: bytes, *, budget: Budget | None = None) -> str:
    """Return the text of a WARC capture's main page: its first HTML (or plain
    text) response or resource record. The body is read in chunks, its
    Content-Encoding (gzip, deflate, br) inflated within the upload's budget."""
    from warcio.archiveiterator import ArchiveIterator

    budget = budget or Budget(len(data))
    if data.startswith(b"\x1f\x8b"):
        data = gunzip(data, budget=budget)  # before warcio reads it
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
            body = _read_body(record.content_stream(), budget)
            return html_text(body) if kind != TEXT else body
    except ArchiveError:
        raise
    except Exception as error:  # noqa: BLE001 - warcio raises many kinds
        raise ArchiveError(f"The WARC capture cannot be read: {error}.") from error
    raise ArchiveError("The WARC capture holds no HTML or text page.")


def _read_body(stream, budget: Budget) -> str:
    """Return a record's decoded body, read in chunks against the budget."""
    out = io.BytesIO()
    while piece := stream.read(CHUNK):
        out.write(piece)
        budget.spend(len(piece), "Content-Encoding inside the WARC")
    return out.getvalue().decode("utf-8", "replace")


def wacz_text(data: bytes, *, budget: Budget | None = None) -> str:
    """Return the text of a WACZ capture: its first WARC's main page."""
    budget = budget or Budget(len(data))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [
            info
            for info in archive.infolist()
            if info.filename.startswith("archive/")
            and info.filename.endswith((".warc", ".warc.gz"))
        ]
        # What the members declare, checked before anything is inflated (a fresh
        # budget: the declared sizes are not spent, only foretold).
        Budget(len(data)).spend(
            sum(info.file_size for info in archive.infolist()), "zip"
        )
        if not members:
            raise ArchiveError("The WACZ capture holds no WARC file.")
        warc = unzip_member(archive, members[0].filename, budget)
    return warc_text(warc, budget=budget)


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
