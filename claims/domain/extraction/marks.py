"""The text cut into plain and marked pieces, so that a page can highlight each
candidate's figure where it stands (the logging screen's "Find figures")."""

from __future__ import annotations

from collections.abc import Iterable


def pieces(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[str, int | None]]:
    """Return `text` as (piece, start) pairs in order: `start` is the span's start
    offset for a marked piece, None for plain text between. Spans that overlap an
    earlier one, or fall outside the text, are left unmarked; the same span given
    twice (one figure, several sources) is marked once."""
    out: list[tuple[str, int | None]] = []
    at = 0
    for start, end in sorted(set(spans)):
        if start < at or end <= start or end > len(text):
            continue
        if start > at:
            out.append((text[at:start], None))
        out.append((text[start:end], start))
        at = end
    if at < len(text):
        out.append((text[at:], None))
    return out
