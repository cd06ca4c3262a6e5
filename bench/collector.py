"""What the garbage collector costs a reader's request, with Python's default
collector and with a gunicorn worker's (claimtracker/wsgi.py, tune_collector)
(docs/performance.md, "The collector").

On a database that holds data already (--database; the synthetic set of `make
bench` or bench/search_bench.py), it requests one address (--path; by default the
as-of view of the claim with the most figures, as bench/uncached.py chooses it)
uncached, --repeat times per round, in a child process for each setting, the
settings taking turns for --rounds rounds; it prints the time spent in collections
per request (gc.callbacks), the collections of each generation and the median wall
time of a request.

    .venv/bin/python bench/collector.py --database postgres://postgres@127.0.0.1:5432/ct_secsearch
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "postgres://postgres@127.0.0.1:5432/ct_secsearch"
SETTINGS = ("default", "worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", DATABASE)
    )
    parser.add_argument("--path", help="The address to request (default: as-of view).")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=SETTINGS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")  # noqa: T201
    for round_ in range(args.rounds):
        for setting in SETTINGS if round_ % 2 == 0 else reversed(SETTINGS):
            command = [sys.executable, __file__, "--child", setting]
            command += ["--database", args.database, "--repeat", str(args.repeat)]
            if args.path:
                command += ["--path", args.path]
            subprocess.run(command, check=True, cwd=ROOT)


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("REDIS_URL", None)
    os.environ.update(
        CLAIMTRACKER_LIMITS="0",
        DATABASE_URL=args.database,
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
        DJANGO_SETTINGS_MODULE="claimtracker.settings",
    )
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from bench import uncached

    path = args.path or next(
        paths[0]
        for name, paths in uncached.page_groups().items()
        if name.startswith("As-of")
    )
    client = Client(HTTP_HOST="127.0.0.1")
    spent, collections, started = [0.0], [0, 0, 0], [0.0]

    def timed(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - started[0]
            collections[info["generation"]] += 1

    with override_settings(DEBUG=False):
        for _ in range(5):  # warm: templates, the connection, PostgreSQL's buffers
            uncached.request_ms(client, path)
        if args.child == "worker":
            from claimtracker.wsgi import tune_collector

            tune_collector()
        gc.callbacks.append(timed)
        walls = [uncached.request_ms(client, path) for _ in range(args.repeat)]
        gc.callbacks.remove(timed)
    print(  # noqa: T201
        f"{args.child:8} {path}: collections {spent[0] * 1000 / args.repeat:.2f} ms a "
        f"request (by generation, in all: {collections}), median request "
        f"{statistics.median(walls):.1f} ms"
    )


if __name__ == "__main__":
    main()
