"""Spelling suggestions from the words of quotes. Pure logic.

The words of every published quote are kept in a table (claims/models.py
QuoteWord, filled by claims/pipeline/derive.py); the search
(claims/reader/search.py) reads, for each word of a query, a few recorded words
close to it, and `respelled` picks among them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

MAX_WORD = 40  # longer "words" (a pasted hash, a run of letters) are not kept
CUTOFF = 0.75  # how alike a typed word and a recorded one must be (difflib ratio)
_WORD = re.compile(r"[^\W\d_]{3,}")


def words_of(text: str) -> set[str]:
    """Return the words of `text`, in lower case: runs of three letters or more,
    at most MAX_WORD long (digits and underscores break a word)."""
    return {w for w in _WORD.findall(text.lower()) if len(w) <= MAX_WORD}


# Characters of text read in one pass by words_of_all: its words are held as a list
# before they become a set, about 60 bytes a character's share of them.
WORDS_PASS = 500_000


def words_of_all(texts: Iterable[str]) -> set[str]:
    """Return the words of all `texts`, as words_of each and together, read about
    WORDS_PASS characters at a time: a line break ends a word, so none runs from
    one text into the next (derive reads a batch's quotes at once; issue 26). Read
    in one pass, a 200 MB import's 100 MB of quotes in a batch became 17 million
    words at once: 1.6 GB."""
    words: set[str] = set()
    chunk: list[str] = []
    size = 0
    for text in texts:
        chunk.append(text)
        size += len(text)
        if size >= WORDS_PASS:
            words |= words_of("\n".join(chunk))
            chunk, size = [], 0
    if chunk:
        words |= words_of("\n".join(chunk))
    return words


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate most like `word` (difflib's ratio, at least CUTOFF;
    among equals, the first in alphabetical order), or None."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=3, cutoff=CUTOFF)
    if not close:
        return None
    return min(close, key=lambda c: (-round(_ratio(word, c), 2), c))


def respelled(terms: Iterable[str], known: Mapping[str, Iterable[str]]) -> str | None:
    """Return `terms` as a query with each word no quote uses replaced by the
    closest recorded word, or None when no word changes. `known` maps each typed
    word (lower case) to the recorded words close to it; a word among its own
    candidates is spelled right. A phrase stays a phrase."""
    terms = list(terms)
    fixes = {}
    for word, candidates in known.items():
        candidates = set(candidates)
        if word in candidates:
            continue
        best = closest(word, candidates)
        if best is not None:
            fixes[word] = best
    if not fixes:
        return None
    changed = [
        _WORD.sub(lambda m: fixes.get(m.group(0).lower(), m.group(0)), term)
        for term in terms
    ]
    return " ".join(f"“{t}”" if " " in t else t for t in changed)
