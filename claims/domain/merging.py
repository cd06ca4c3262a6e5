"""Which figures a merge of two sources or two claims makes duplicates, and which of
each pair stays on record.

Merging moves one row's figures to another (claims/pipeline/services.py,
source_merge's listener and claim_merge). Two figures are duplicates when they
would then state the same figure for the same claim, by the same source, on the
same date: the database allows one of them not retracted
(assertion_unique_statement). The other is retracted, never deleted, with a reason
naming the one kept. The published one is kept over a draft, so readers lose
nothing; between equals, the figure already there is kept.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One figure not retracted, as a merge sees it: its id, what makes two figures
    the same statement once moved (`key`), and whether readers see it."""

    id: int
    key: Hashable
    is_published: bool


def duplicates(
    moving: Iterable[Figure], staying: Iterable[Figure]
) -> list[tuple[int, int]]:
    """Return (retracted, kept) id pairs: each figure that moves and states what a
    figure already there states, paired with it. The draft of a pair is retracted
    if one is a draft, otherwise the moving one. In the order of `moving`."""
    there = {figure.key: figure for figure in staying}
    pairs = []
    for figure in moving:
        other = there.get(figure.key)
        if other is None:
            continue
        if other.is_published or not figure.is_published:
            pairs.append((figure.id, other.id))
        else:
            pairs.append((other.id, figure.id))
    return pairs
