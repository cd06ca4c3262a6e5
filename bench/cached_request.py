"""What one cached request costs the app, in CPU time (docs/performance.md, "Cached
requests").

On a scratch PostgreSQL database (dropped and made again) holding the bench's dense
claim (1,631 daily figures, bench/dense.py), under production settings with the Redis
cache (REDIS_URL's database 7, emptied) and the kept connection of a gunicorn thread,
it requests the dense claim page --requests times through Django's full middleware
stack in this process, after warming the cache, and prints the CPU time and wall
time per request; --profile adds the functions that cost most.

    .venv/bin/python bench/cached_request.py [--requests 2000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/7"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="claimtracker_cached")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        name = sql.Identifier(args.database)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    os.chdir(ROOT)
    os.environ.update(
        CLAIMTRACKER_LIMITS="0",
        DATABASE_URL=f"{SERVER}/{args.database}",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=os.urandom(48).hex(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="claimtracker.settings",
        DJANGO_STATIC_ROOT=tempfile.mkdtemp(prefix="claimtracker-static-"),
        REDIS_URL=REDIS,
    )
    subprocess.run(["redis-cli", "-n", "7", "flushdb"], check=True, capture_output=True)
    import django

    django.setup()
    import run
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    run.dense_claim()
    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/claims/{run.DENSE_SLUG}/"
    for _ in range(50):
        assert client.get(url).status_code == 200
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.requests):
        client.get(url)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sys.stdout.write(
        f"cached dense claim page, {args.requests} requests in this process: "
        f"{1000 * cpu / args.requests:.3f} ms CPU, {1000 * wall / args.requests:.3f} "
        "ms wall a request\n"
    )
    sys.stdout.flush()
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [client.get(url) for _ in range(args.requests)])
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
