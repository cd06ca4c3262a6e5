"""Which way of keeping PostgreSQL connections serves a cached page fastest
(docs/performance.md, "Database connections").

On a scratch PostgreSQL database holding the demo data it serves the app with gunicorn
on 127.0.0.1 under production settings, with the Redis cache when Redis answers, once
per connection setting, and loads a cached claim page with wrk:

- `none`: a new connection per request (DJANGO_CONN_MAX_AGE=0, the old default);
- `persistent`: the default on PostgreSQL (connections kept 60 s, health-checked);
- `pool`: Django's psycopg pool (CLAIMTRACKER_DB_POOL=4 connections per process).

Each setting runs under sync workers and under threaded workers (--threads 4), in
rounds that interleave the settings, so that the machine's other load falls on all of
them alike. It prints a Markdown table of the median requests/s and latency.

    .venv/bin/python bench/connections.py [--rounds 3] [--duration 10]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/8"
PAGE = "/claims/north-korean-troops-in-russia/"
SETTINGS = {
    "none": {"DJANGO_CONN_MAX_AGE": "0"},
    "persistent": {},
    "pool": {"CLAIMTRACKER_DB_POOL": "4"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="claimtracker_connections")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    url = f"{SERVER}/{args.database}"
    static_root = Path(tempfile.mkdtemp(prefix="claimtracker-static-"))
    base = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "CLAIMTRACKER_LIMITS": "0",
    }
    base.pop("REDIS_URL", None)
    base.pop("CLAIMTRACKER_DB_POOL", None)
    if subprocess.run(["redis-cli", "ping"], capture_output=True).returncode == 0:
        base.update(REDIS_URL=REDIS, CLAIMTRACKER_CACHE_PREFIX=args.database)
    recreate(args.database)
    try:
        manage(base, "migrate", "--no-input", "-v0")
        manage(base, "load_seed")
        manage(base, "collectstatic", "--no-input", "-v0")
        results: dict[tuple[str, int], list[dict]] = {}
        for _ in range(args.rounds):
            for threads in (1, 4):
                for name, extra in SETTINGS.items():
                    figures = serve_and_load(args, {**base, **extra}, threads)
                    results.setdefault((name, threads), []).append(figures)
        report(args, results)
    finally:
        drop(args.database)
        shutil.rmtree(static_root, ignore_errors=True)
        if "REDIS_URL" in base:  # the cached pages, under this run's prefix
            import redis

            client = redis.Redis.from_url(REDIS)
            for key in client.scan_iter(f"{args.database}:*"):
                client.delete(key)


def recreate(name: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(name: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def serve_and_load(args, env: dict, threads: int) -> dict:
    """Serve with gunicorn under `env`, warm the page, load it; return wrk's figures."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "claimtracker.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads",
         str(threads), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        page = f"http://127.0.0.1:{port}{PAGE}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(page, timeout=60).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        for _ in range(20):  # every worker process renders it, and caches it
            urllib.request.urlopen(page, timeout=60).read()
        return wrk(page, args.connections, args.duration)
    finally:
        server.terminate()
        server.wait(timeout=30)


def wrk(url: str, connections: int, duration: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[median[2]]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": rate,
        "median_ms": float(median[1]) * scale,
        "errors": int(errors[1]) if errors else 0,
    }


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def report(args, results: dict) -> None:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    lines = [
        f"{args.workers} gunicorn workers, wrk {args.connections} connections, "
        f"{args.duration} s × {args.rounds} rounds; load average at the end: {load}",
        "",
        "| connections | gunicorn | requests/s (median of rounds) | median latency "
        "| errors |",
        "| --- | --- | --- | --- | --- |",
    ]
    for (name, threads), runs in results.items():
        rate = statistics.median(run["rate"] for run in runs)
        latency = statistics.median(run["median_ms"] for run in runs)
        errors = sum(run["errors"] for run in runs)
        shape = "sync" if threads == 1 else f"{threads} threads"
        lines.append(f"| {name} | {shape} | {rate:.0f} | {latency:.1f} ms | {errors} |")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
