"""CPU time of the as-of view of the busiest claim, uncached, in process.

The address bench/uncached.py times in `make bench` ("As-of view of the busiest
claim"), or `--path`, requested through django.test.Client with the page cache
cleared before each request and the collector tuned as a worker's. Prints the median
and least CPU time (`time.process_time`) and wall time of `--requests` requests.
`--code` runs another checkout's code (its folder), so that two versions can be
compared one after the other on the same data (docs/performance.md, "The as-of view,
third pass"):

    DB=postgres://postgres@127.0.0.1:5432/ct_asof_big
    .venv/bin/python bench/asof_cpu.py --database $DB --code /work/main
    .venv/bin/python bench/asof_cpu.py --database $DB
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="a postgres:// URL")
    parser.add_argument("--code", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--path", default="")
    args = parser.parse_args()
    code = str(Path(args.code).resolve())
    sys.path[:0] = [code, os.path.join(code, "bench")]
    os.chdir(code)
    os.environ.pop("REDIS_URL", None)
    os.environ.update(
        CLAIMTRACKER_LIMITS="0",
        DATABASE_URL=args.database,
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY="bench-" + "x" * 50,
        DJANGO_SETTINGS_MODULE="claimtracker.settings",
    )
    import django

    django.setup()
    import uncached
    from django.core.cache import cache
    from django.test import Client

    from claimtracker.wsgi import tune_collector

    groups = uncached.page_groups()
    path = args.path or next(
        paths[0] for name, paths in groups.items() if name.startswith("As-of")
    )
    tune_collector()
    client = Client(HTTP_HOST="127.0.0.1")

    def request() -> int:
        cache.clear()
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    for _ in range(3):
        size = request()
    cpu, wall = [], []
    for _ in range(args.requests):
        started, used = time.perf_counter(), time.process_time()
        request()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    print(  # noqa: T201
        f"{path} ({size:,} bytes, code {code}): CPU median "
        f"{statistics.median(cpu):.1f} ms, least {min(cpu):.1f}; wall median "
        f"{statistics.median(wall):.1f} ms, least {min(wall):.1f}"
    )


if __name__ == "__main__":
    main()
