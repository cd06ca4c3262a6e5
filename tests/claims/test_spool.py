"""The import's Spool: rows kept on disk, read back in order for each pass."""

from claims.domain.figures import parse_figure
from claims.interchange.spool import Spool


def test_a_spool_gives_back_its_rows_in_order_on_every_pass():
    with Spool(batch=3, kept=2) as spool:
        for n in range(10):
            spool.append((n, parse_figure(f"about {n + 1},000")))

        first = [n for n, _ in spool]
        second = [figure.high for _, figure in spool]

    assert first == list(range(10))
    assert second == [parse_figure(f"about {n},000").high for n in range(1, 11)]
    assert len(spool) == 10
    assert [n for n, _ in spool.head] == [0, 1]


def test_a_pass_inside_another_and_rows_added_meanwhile_keep_their_places():
    with Spool(batch=2) as spool:
        for n in range(5):
            spool.append(n)
        pairs = []
        for outer in spool:
            if outer == 1:
                spool.append(5)
            pairs.append((outer, sum(1 for _ in spool)))

    assert [outer for outer, _ in pairs] == [0, 1, 2, 3, 4, 5]
    assert [count for _, count in pairs] == [5, 6, 6, 6, 6, 6]


def test_a_cleared_spool_is_empty():
    with Spool(batch=2) as spool:
        for n in range(5):
            spool.append(n)
        spool.clear()

        assert (len(spool), list(spool), spool.head) == (0, [], [])
        assert not spool
