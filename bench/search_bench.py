"""Uncached search and page timings on PostgreSQL (docs/performance.md, "Uncached
pages and search").

Fills a scratch database (--database, default ct_secsearch) with the synthetic set
up to --assertions figures (claims/interchange/synthetic.py; nothing is added when it
holds them already), then times the search, the claim list with filters, the
busiest source's page and the as-of view of the busiest claim uncached, each address
--repeat times, through the real view code with the page cache cleared before every
request (bench/uncached.py, which `make bench` uses too). Prints each group's median
and 99th percentile against issue 28's budget, and with --explain the plans
(EXPLAIN ANALYZE) of the slowest statements of each group's slowest address.

    .venv/bin/python bench/search_bench.py --assertions 200000 --explain
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "postgres://postgres@127.0.0.1:5432/ct_secsearch"


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", DATABASE)
    )
    parser.add_argument("--assertions", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database
    # The page cache is this process's memory, cleared before every request: never
    # a shared Redis. The per-client limits are lifted (they count in that cache).
    os.environ.pop("REDIS_URL", None)
    os.environ["CLAIMTRACKER_LIMITS"] = "0"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import uncached
    from claims.interchange.synthetic import synthetic_generate
    from claims.models import Assertion, Claim

    call_command("migrate", verbosity=0)
    have = Assertion.objects.count()
    seed = 1
    while Claim.objects.filter(slug__startswith=f"synthetic-s{100 + seed}-").exists():
        seed += 1  # a set of an earlier run is there: the next one adds to it
    while have < args.assertions:
        step = min(250_000, args.assertions - have)
        started = time.perf_counter()
        synthetic_generate(
            claims=max(1, step // 25), assertions=step, sources=2000, seed=100 + seed
        )
        say(f"generated {step:,} figures in {time.perf_counter() - started:.0f} s")
        have, seed = Assertion.objects.count(), seed + 1
    with connection.cursor() as cursor:
        # As autovacuum leaves a running site, which this machine's server runs
        # without: the statistics, and the GIN indexes' pending lists merged. A
        # fresh load's unmerged lists made the planner read every source's name
        # for a trigram match (70 ms where the index takes 1).
        cursor.execute("VACUUM (ANALYZE)")
    say(f"{have:,} assertions on {connection.vendor}")
    say(f"load average at the start: {Path('/proc/loadavg').read_text().strip()}")

    groups = {**uncached.search_groups(), **uncached.page_groups()}
    for name, paths in groups.items():
        say(f"{name}: {', '.join(paths)}")
    results = uncached.measure(groups, args.repeat)
    say("\n".join(uncached.table(results)))
    if args.explain and connection.vendor == "postgresql":
        for plan in uncached.explain(results):
            say("\n" + plan)
    say(f"load average at the end: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
