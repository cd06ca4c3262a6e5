"""The extraction assistant's pure core (issue 27): a document's figures found with
who stated them, when, and the claim they likely belong to.

Pure logic, no Django: the callers (claims/extraction.py for the logging screen and
the extract_assertions command) pass the known sources and claims as plain data.
Modules: sentences.py (splitting), attribution.py (who), when.py (statement dates),
guess.py (which claim), extract.py (the candidates and their confidence). The figures
are found by the one figure finder, claims/domain/figures/finder.py, the same that
checks a figure against its quote (issue 24); extract.proposed() says which of them
become candidates. Import from the package.
"""

from claims.domain.extraction.attribution import KnownSource
from claims.domain.extraction.extract import (
    MAX_TEXT,
    OWN_VOICE_KINDS,
    Candidate,
    Document,
    extract,
)
from claims.domain.extraction.guess import KnownClaim
from claims.domain.extraction.marks import pieces

__all__ = [
    "MAX_TEXT",
    "OWN_VOICE_KINDS",
    "Candidate",
    "Document",
    "KnownClaim",
    "KnownSource",
    "extract",
    "pieces",
]
