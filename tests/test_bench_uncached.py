"""The uncached timings of `make bench` and bench/search_bench.py
(bench/uncached.py): every address answers, every group gets its verdict."""

import pytest

from bench import uncached


def test_uncached_timings_report_each_reader_page_against_the_budget(seeded):
    groups = {**uncached.search_groups(), **uncached.page_groups()}

    results = uncached.measure(groups, repeat=1, warm_up=1)

    names = [row["name"] for row in results]
    assert names == [*groups, "All searches"]
    assert any(name.startswith("Source page") for name in names)
    assert any("?as_of=" in path for paths in groups.values() for path in paths)
    table = "\n".join(uncached.table(results))
    assert table.count("median ≤ 50 ms, p99 ≤ 300 ms:") == len(results)


def test_uncached_timing_stops_at_a_page_that_does_not_answer(seeded):
    with pytest.raises(SystemExit, match="answered 404"):
        uncached.measure({"Missing": ["/claims/no-such-claim/"]}, repeat=1)
