"""How names of sources match, and how long names, titles and addresses may be.
Pure logic: `claims` reads these too (claims/domain/vocabulary.py), and `sources`
may not import `claims`, so they live here.

One matcher finds a source by a name: `SourceQuerySet.matching` in the database,
`name_key` for names already in memory (the figure-logging screen, the import).
Both take a name as `match_name` leaves it and ignore case.
"""

from __future__ import annotations

SOURCE_NAME_MAX_LENGTH = 200  # a source's name, or one of its aliases
DOCUMENT_TITLE_MAX_LENGTH = 500
URL_MAX_LENGTH = 1000


def match_name(name: str) -> str:
    """Return `name` as it is matched: without the spaces around it."""
    return name.strip()


def name_key(name: str) -> str:
    """Return the key two names share when they match, case ignored: a dict key for
    names in memory that agrees with SourceQuerySet.matching (`iexact`)."""
    return match_name(name).lower()
