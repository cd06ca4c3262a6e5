"""Uncached search timings on PostgreSQL (docs/performance.md, "Search").

Fills a scratch database (--database, default ct_secsearch) with the synthetic set
up to --assertions figures (claims/interchange/synthetic.py; nothing is added when it
holds them already), then times `claims.reader.search.search` directly, so no page
cache is involved: queries drawn from the data's words, rare words, nonsense, quoted
phrases and the longest query the box accepts, each run --repeat times. Prints the
median and 99th percentile per group and overall, and the plans of the quote search
for a common word, a rare one and a phrase (--explain).

    .venv/bin/python bench/search_bench.py --assertions 200000 --explain
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "postgres://postgres@127.0.0.1:5432/ct_secsearch"

QUERIES = {
    "data words": ["troops", "tanks", "source said", "drones people", "synthetic"],
    "rare words": ["kirby", "s1-1234", "hur", "zelensky", "retraction"],
    "nonsense": ["qwxz", "zzyzx plorf", "blarg fnord quux", "ünïcödé 𝔁𝔂𝔃"],
    "phrases": ['"source said"', "“the source said about”", '"claim s1-42"'],
    "longest": [
        " ".join(["troops"] * 3 + ["tanks", "people", "source", "said", "about"])
        + " "
        + "x" * 150,
        " ".join(f"w{i}" for i in range(40)),
    ],
}


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


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
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from claims.interchange.synthetic import synthetic_generate
    from claims.models import Assertion
    from claims.reader import search

    call_command("migrate", verbosity=0)
    have = Assertion.objects.count()
    seed = 1
    while have < args.assertions:
        step = min(250_000, args.assertions - have)
        started = time.perf_counter()
        synthetic_generate(
            claims=max(1, step // 25), assertions=step, sources=2000, seed=100 + seed
        )
        say(f"generated {step:,} figures in {time.perf_counter() - started:.0f} s")
        have, seed = Assertion.objects.count(), seed + 1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"{have:,} assertions on {connection.vendor}")

    everything: list[float] = []
    for group, queries in QUERIES.items():
        timings = []
        for raw in queries:
            query = search.parse_query(raw)
            for _ in range(args.repeat):
                started = time.perf_counter()
                results = search.search(query)
                timings.append((time.perf_counter() - started) * 1000)
            say(f"  {raw[:40]!r:44} {results.total:3} results")
        everything += timings
        say(
            f"{group:12} median {statistics.median(timings):7.1f} ms"
            f"  p99 {percentile(timings, 0.99):7.1f} ms"
        )
    say(
        f"{'all':12} median {statistics.median(everything):7.1f} ms"
        f"  p99 {percentile(everything, 0.99):7.1f} ms"
    )
    if args.explain and connection.vendor == "postgresql":
        for words in ("troops", "retraction", '"source said"'):
            for label, queryset in search.explained(search.parse_query(words)):
                plan = queryset.explain(analyze=True)
                say(f"\n-- {words}: {label}\n{plan}")


if __name__ == "__main__":
    main()
