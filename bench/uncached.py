"""Uncached timings of reader pages, shared by bench/run.py (`make bench`) and
bench/search_bench.py (docs/performance.md, "Uncached pages and search").

Each request runs the real view code in this process: django.test.Client, so the
middleware (the statement timeout included), the view, its selectors and the
template, with the page cache cleared before every request, and the garbage
collector tuned as a gunicorn worker tunes its own (claimtracker/wsgi.py). That is
what a reader's request costs when its page is not in the cache, less the HTTP
server (gunicorn) and the network; PostgreSQL's own buffers stay as warm as a
running site keeps them. Issue 28's budget holds for each group: median ≤ 50 ms,
99th percentile ≤ 300 ms.

The groups: searches drawn from the data's words, rare words, nonsense, phrases and
the longest query the box accepts; the claim list with filters; a source page (the
source with the most published figures); the as-of view of a busy claim (the claim
with the most figures, as known half-way through its dates); the source list (its
first and last pages, one kind); the feeds (the site's, the busy claim's topic's
and its own).
"""

from __future__ import annotations

import re
import statistics
import time
from urllib.parse import urlencode

MEDIAN_BUDGET_MS, P99_BUDGET_MS = 50, 300
# Requests of each address made before its timed ones, and not timed: a running
# site has compiled its templates and warmed its connection and PostgreSQL's
# buffers for a page's statements. Without them an address's first request pays
# for that: 388 ms for a process's first as-of view, against about 50 after.
WARM_UP = 3
TOP_QUERIES = 3  # the slowest SQL statements of a group's slowest page, explained
SQL_SHOWN = 300  # characters of each explained statement printed above its plan

SEARCHES = {
    "data words": ["troops", "tanks", "source said", "drones people", "synthetic"],
    "rare words": ["kirby", "s1-1234", "hur", "zelensky", "retraction"],
    "nonsense": ["qwxz", "zzyzx plorf", "blarg fnord quux", "ünïcödé 𝔁𝔂𝔃"],
    "phrases": ['"source said"', "“the source said about”", '"claim s1-42"'],
    "longest": [  # the box keeps 200 characters and 10 terms
        " ".join(["troops"] * 3 + ["tanks", "people", "source", "said", "about"])
        + " "
        + "x" * 150,
        " ".join(f"w{i}" for i in range(40)),
    ],
}


def search_groups() -> dict[str, list[str]]:
    """Return the search page's address for each query, by group."""
    return {
        f"Search: {group}": ["/search/?" + urlencode({"q": raw}) for raw in queries]
        for group, queries in SEARCHES.items()
    }


def page_groups() -> dict[str, list[str]]:
    """Return the addresses of the claim list with filters, the busiest source's
    page and the as-of view of the busiest claim, chosen from the data."""
    from django.db.models import Count, Max, Min

    from claims.models import Assertion, Claim
    from sources.models import Source

    claim = Claim.objects.visible().order_by("-assertion_count", "pk").first()
    busiest = (
        Assertion.objects.published()
        .order_by()
        .values("source")
        .annotate(figures=Count("pk"))
        .order_by("-figures", "source")
        .first()
    )
    source = Source.objects.get(pk=busiest["source"])
    dates = Assertion.objects.published().filter(claim=claim)
    span = dates.aggregate(first=Min("stated_on"), last=Max("stated_on"))
    middle = span["first"] + (span["last"] - span["first"]) / 2
    topic, day = claim.topic.slug, middle.isoformat()
    return {
        "Claim list with filters": [
            f"/claims/?{query}"
            for query in (
                f"topic={topic}&disagree=1.5&sort=spread",
                f"source={source.slug}&stated_after={day}&sort=sources",
                "q=claim&source_kind=government&unit=people",
                f"stated_before={day}&under_review=on&sort=latest",
                "disagree=2&sort=spread",
            )
        ],
        f"Source page ({busiest['figures']:,} figures)": [source.get_absolute_url()],
        f"As-of view of the busiest claim ({claim.assertion_count:,} figures)": [
            f"{claim.get_absolute_url()}?as_of={day}"
        ],
        # Lists and feeds whose cost must follow the page, not the data's size.
        "Source list": [
            "/sources/",
            "/sources/?page=last",
            "/sources/?kind=government",
        ],
        "Feeds": [
            "/feeds/",
            f"/feeds/topics/{topic}/",
            f"/feeds/claims/{claim.slug}/",
        ],
    }


def request_ms(client, path: str) -> float:
    """Return the time of one request of `path` with the page cache cleared; stop
    when the page does not answer 200 (a 404 or 429 would time the wrong page)."""
    from django.core.cache import cache

    cache.clear()
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(
    groups: dict[str, list[str]], repeat: int, warm_up: int = WARM_UP
) -> list[dict]:
    """Request each address of each group `repeat` times, uncached; return each
    group's median and 99th percentile against the budget and its slowest address
    (by median), then the same over every search ("All searches")."""
    from django.test import Client
    from django.test.utils import override_settings

    from claimtracker.wsgi import tune_collector

    # The garbage collector as a gunicorn worker sets it (claimtracker/wsgi.py).
    tune_collector()
    client = Client(HTTP_HOST="127.0.0.1")
    results, searches = [], []
    for name, paths in groups.items():
        # Debug off, as the test runner sets it: no query log, as in production.
        with override_settings(DEBUG=False):
            by_path = {}
            for path in paths:
                for _ in range(warm_up):  # not timed: see WARM_UP
                    request_ms(client, path)
                by_path[path] = [request_ms(client, path) for _ in range(repeat)]
        timings = [ms for values in by_path.values() for ms in values]
        if name.startswith("Search"):
            searches += timings
        slowest = max(by_path, key=lambda p: statistics.median(by_path[p]))
        results.append(summary(name, timings, paths=paths, slowest=slowest))
    if searches:
        results.append(summary("All searches", searches))
    return results


def summary(name: str, timings: list[float], **more) -> dict:
    median, p99 = statistics.median(timings), percentile(timings, 0.99)
    return {
        "name": name,
        "requests": len(timings),
        "median_ms": round(median, 1),
        "p99_ms": round(p99, 1),
        "met": median <= MEDIAN_BUDGET_MS and p99 <= P99_BUDGET_MS,
        **more,
    }


def table(results: list[dict]) -> list[str]:
    """Return the results as Markdown table rows, with the verdicts."""
    budget = f"median ≤ {MEDIAN_BUDGET_MS} ms, p99 ≤ {P99_BUDGET_MS} ms"
    lines = [
        "| uncached, page cache cleared | requests | median | p99 | budget |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in results:
        lines.append(
            f"| {row['name']} | {row['requests']} | {row['median_ms']} ms | "
            f"{row['p99_ms']} ms | {budget}: {'met' if row['met'] else 'MISSED'} |"
        )
    return lines


def slowest_plans(path: str, top: int = TOP_QUERIES) -> list[tuple[float, str, str]]:
    """Return the `top` slowest SELECT statements of one uncached request of `path`,
    each with its EXPLAIN ANALYZE taken in place, just before it ran (so under the
    settings the code set for it), and its execution time in ms."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    found = []

    def explained(execute, sql, params, many, context):
        if not many and sql.lstrip().upper().startswith("SELECT"):
            # psycopg's own cursor on the same connection (a query's own may be a
            # server-side one, which runs no EXPLAIN).
            with context["connection"].connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            ms = re.search(r"Execution Time: ([0-9.]+) ms", plan)
            found.append((float(ms.group(1)) if ms else 0.0, sql, plan))
        return execute(sql, params, many, context)

    cache.clear()
    with connection.execute_wrapper(explained):
        Client(HTTP_HOST="127.0.0.1").get(path)
    return sorted(found, key=lambda item: item[0], reverse=True)[:top]


def explain(results: list[dict], top: int = TOP_QUERIES) -> list[str]:
    """Return the plans of the slowest statements of each group's slowest address
    (PostgreSQL)."""
    out = []
    for result in results:
        path = result.get("slowest")
        if path is None:  # "All searches": its groups are explained
            continue
        for ms, sql, plan in slowest_plans(path, top):
            shown = sql if len(sql) <= SQL_SHOWN else sql[:SQL_SHOWN] + " …"
            out.append(f"-- {result['name']}: {path} ({ms:.1f} ms)\n{shown}\n{plan}\n")
    return out
