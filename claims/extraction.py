"""The extraction assistant's Django side (issue 27): the known sources and claims
read from the database as plain data for the pure core (claims/domain/extraction),
a document's text (stored, or extracted from its archived file), and a file read
with the archive's own text extraction. Reads only; nothing here writes."""

from __future__ import annotations

from pathlib import Path

from claims.domain import extraction
from claims.models import Claim
from sources import archive
from sources.models import Document, Source, SourceKind

# The largest file the command reads: the archive's own limit.
MAX_FILE = archive.MAX_SIZE


class ExtractionError(ValueError):
    """The input cannot be read for figures; the message says why."""


def known_sources() -> list[extraction.KnownSource]:
    """Return every source with its aliases, keyed by primary key."""
    return [
        extraction.KnownSource(
            key=str(source.pk),
            name=source.name,
            aliases=tuple(alias.name for alias in source.aliases.all()),
            country=source.country or "",
        )
        for source in Source.objects.current()
        .prefetch_related("aliases")
        .order_by("pk")
    ]


def known_claims() -> list[extraction.KnownClaim]:
    """Return every claim's title, unit and description, keyed by primary key."""
    return [
        extraction.KnownClaim(
            key=str(claim.pk),
            title=claim.title,
            unit=claim.unit,
            description=claim.description,
        )
        for claim in Claim.objects.current().order_by("pk")
    ]


def document_facts(document: Document | None, sources, *, published_on=None):
    """Return what the core needs of `document`: its date, kind and own voice (its
    publisher, when the publisher is not a news outlet or the kind is a report or
    statement)."""
    if document is None:
        return extraction.Document(published_on=published_on)
    own = None
    if document.publisher_id is not None:
        own = next((s for s in sources if s.key == str(document.publisher_id)), None)
    own_voice = document.kind in extraction.OWN_VOICE_KINDS or (
        document.publisher is not None and document.publisher.kind != SourceKind.MEDIA
    )
    return extraction.Document(
        published_on=published_on or document.published_on,
        kind=document.kind,
        own_source=own,
        own_voice=own_voice,
    )


def document_text(document: Document) -> str:
    """Return the document's stored text, or else the text extracted from its
    latest archived file, or ""."""
    if document.text.strip():
        return document.text
    for stored in document.files.order_by("-retrieved_at", "-pk"):
        if stored.extracted_text.strip():
            return stored.extracted_text
    return ""


def candidates(text: str, *, document=None, published_on=None):
    """Return the candidates of `text`, or raise ExtractionError naming the
    problem (empty text, too long, no figures)."""
    check_text(text)
    sources = known_sources()
    found = extraction.extract(
        text,
        document=document_facts(document, sources, published_on=published_on),
        sources=sources,
        claims=known_claims(),
    )
    if not found:
        raise ExtractionError("No figures were found in the text.")
    return found


def check_text(text: str) -> None:
    if not text.strip():
        raise ExtractionError("The text is empty.")
    if len(text) > extraction.MAX_TEXT:
        raise ExtractionError(
            f"The text has {len(text):,} characters; at most "
            f"{extraction.MAX_TEXT:,} are read. Split it."
        )
    if "\x00" in text:
        raise ExtractionError("The text holds binary data (NUL bytes), not text.")


def read_file(path: str | Path) -> str:
    """Return the text of a plain-text, HTML or PDF file, read as the archive reads
    it, or raise ExtractionError naming the problem."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ExtractionError(f"{path} cannot be read: {error.strerror}.") from error
    if size > MAX_FILE:
        raise ExtractionError(
            f"{path} is {size / archive.MB:.1f} MB; at most "
            f"{MAX_FILE // archive.MB} MB."
        )
    data = path.read_bytes()
    try:
        examined = archive.examine(data)
    except archive.ArchiveError as error:
        raise ExtractionError(f"{path}: {error}") from error
    except UnicodeDecodeError as error:
        raise ExtractionError(f"{path} is not UTF-8 text: {error.reason}.") from error
    if not examined.text.strip():
        raise ExtractionError(
            f"{path} ({examined.content_type}) holds no text; give plain text, HTML "
            "or PDF."
        )
    return examined.text
