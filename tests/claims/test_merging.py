"""Which figures a merge makes duplicates, and which of each pair stays
(claims/domain/merging.py)."""

import pytest

from claims.domain.merging import Figure, duplicates


@pytest.mark.parametrize(
    ("moving", "staying", "pairs"),
    [
        ([Figure(1, "k", True)], [Figure(2, "k", True)], [(1, 2)]),
        ([Figure(1, "k", False)], [Figure(2, "k", True)], [(1, 2)]),
        ([Figure(1, "k", True)], [Figure(2, "k", False)], [(2, 1)]),
        ([Figure(1, "k", False)], [Figure(2, "k", False)], [(1, 2)]),
        ([Figure(1, "k", True)], [Figure(2, "other", True)], []),
        ([], [Figure(2, "k", True)], []),
    ],
)
def test_a_duplicate_pair_retracts_the_draft_else_the_moving_figure(
    moving, staying, pairs
):
    assert duplicates(moving, staying) == pairs
