"""The text cut into marked pieces (claims/domain/extraction/marks.py)."""

import pytest

from claims.domain.extraction import pieces


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([], [("ab 12 cd 34", None)]),
        ([(3, 5)], [("ab ", None), ("12", 3), (" cd 34", None)]),
        (
            [(9, 11), (3, 5), (3, 5)],
            [("ab ", None), ("12", 3), (" cd ", None), ("34", 9)],
        ),
        ([(3, 5), (4, 6)], [("ab ", None), ("12", 3), (" cd 34", None)]),
        ([(0, 99), (5, 5)], [("ab 12 cd 34", None)]),
    ],
    ids=["none", "one", "sorted-and-once", "overlap", "outside-or-empty"],
)
def test_pieces(spans, expected):
    assert pieces("ab 12 cd 34", spans) == expected
