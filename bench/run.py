"""The performance benchmark behind `make bench` (README, "Performance").

On a scratch PostgreSQL database it loads the synthetic set (10,000 claims, 250,000
assertions, 2,000 sources), times a full detect_discrepancies and a 100,000-row import,
then serves the app with gunicorn on 127.0.0.1 as in production (debug off, whitenoise,
the Redis cache when Redis answers) and loads each page with wrk: 16 connections for
DURATION seconds, loopback only. It writes bench/results/latest.json and latest.md
and prints the table with each budget.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATABASE = "postgres://postgres@127.0.0.1:5432/claimtracker_bench"
REDIS = "redis://127.0.0.1:6379/9"
RESULTS = ROOT / "bench" / "results"

# name, path (filled in once the data exists), median budget in ms, login needed
PAGES = [
    ("Home page", "/", 40, False),
    ("Claim list with filters", None, 40, False),
    ("Typical claim page (~25 figures)", None, 25, False),
    ("Largest claim page (2,000+ figures)", None, 150, False),
    ("Source page", None, 40, False),
    ("Review queue (logged in)", "/review/", 40, True),
    ("API assertion list", "/api/assertions/?format=json", 40, False),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", DATABASE)
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--latency-connections",
        type=int,
        default=2,
        help="Connections for the latency run, which the median budgets apply to.",
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep an existing data set."
    )
    args = parser.parse_args()
    if not args.database.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: give --database postgres://...")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it).")

    # The editor's session is signed here with the key gunicorn will use.
    secret = secrets.token_urlsafe(50)
    os.environ.update(
        DATABASE_URL=args.database,
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY=secret,
        DJANGO_SETTINGS_MODULE="claimtracker.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    results: dict = {"machine": machine(), "started": datetime.now(UTC).isoformat()}
    if not args.reuse:
        recreate(args.database)
    call_command("migrate", verbosity=0)
    from claims.models import Claim

    if not Claim.objects.filter(slug__startswith="synthetic-s1-").exists():
        results["generate_s"] = timed(
            call_command, "generate_synthetic", claims=10_000, assertions=250_000,
            sources=2_000, seed=1,
        )  # fmt: skip
    results["detect_discrepancies_s"] = timed(call_command, "detect_discrepancies")
    results["import_100k_s"] = import_rows(100_000)
    analyze()
    paths = choose_pages()
    cookie = editor_session()

    static_root = Path(tempfile.mkdtemp(prefix="claimtracker-static-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": args.database,
    }
    if redis_answers():
        env["REDIS_URL"] = REDIS
        subprocess.run(
            ["redis-cli", "-n", "9", "flushdb"], check=True, capture_output=True
        )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "claimtracker.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        results["cache"] = "redis" if "REDIS_URL" in env else "local memory"
        results["workers"] = args.workers
        results["pages"] = []
        for (name, _, budget, login), path in zip(PAGES, paths, strict=True):
            url = f"http://127.0.0.1:{port}{path}"
            headers = {"Cookie": f"sessionid={cookie}"} if login else {}
            warm(url, headers)
            latency = load(url, headers, args.latency_connections, args.duration)
            throughput = load(url, headers, args.connections, args.duration)
            results["pages"].append(
                {
                    "name": name,
                    "path": path,
                    "budget_ms": budget,
                    "latency": latency,
                    "throughput": throughput,
                }
            )
        results["worker_peak_mb"] = worker_peak_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
    write(results)


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    models = [line.split(":", 1)[1].strip() for line in lines if "model name" in line]
    cpu = models[0] if models else platform.processor()
    gib = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    python = platform.python_version()
    return f"{os.cpu_count()} cores ({cpu}), {gib} GiB, Python {python}"


def recreate(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def analyze() -> None:
    """Refresh the planner's statistics after the bulk loads, as autovacuum would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return round(time.perf_counter() - started, 1)


def import_rows(count: int) -> float:
    from django.core.management import call_command

    from claims.interchange.synthetic import synthetic_csv_write

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.csv"
        synthetic_csv_write(path=path, count=count, seed=int(time.time()))
        return timed(call_command, "import_assertions", str(path), verbosity=0)


def choose_pages() -> list[str]:
    """Return the path of each page in PAGES, chosen from the data."""
    from claims.models import Claim
    from sources.models import Source

    typical = (
        Claim.objects.filter(
            slug__startswith="synthetic-s1-", assertion_count__range=(20, 30)
        )
        .order_by("pk")
        .first()
    )
    largest = Claim.objects.order_by("-assertion_count").first()
    topic = typical.topic.slug
    source = Source.objects.filter(slug__startswith="synthetic-s1-").order_by("pk")[7]
    chosen = {
        "Claim list with filters": f"/claims/?topic={topic}&disagree=1.5&sort=spread",
        "Typical claim page (~25 figures)": typical.get_absolute_url(),
        "Largest claim page (2,000+ figures)": largest.get_absolute_url(),
        "Source page": source.get_absolute_url(),
    }
    return [path or chosen[name] for name, path, *_ in PAGES]


def editor_session() -> str:
    """Return the session key of a logged-in editor, for the review queue."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore

    user, _ = User.objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="Editors"))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")


def warm(url: str, headers: dict) -> None:
    """Request `url` a few times; stop if it does not answer 200 itself (a redirect to
    the login page would measure the wrong page)."""
    request = urllib.request.Request(url, headers=headers)
    for _ in range(3):
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.status != 200 or response.url != url:
                raise SystemExit(f"{url} answered {response.status} at {response.url}")


def load(url: str, headers: dict, connections: int, duration: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "report.lua"), url]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    seconds = figures["duration_us"] / 1e6
    return {
        "median_ms": round(figures["p50_us"] / 1000, 1),
        "p95_ms": round(figures["p95_us"] / 1000, 1),
        "requests_per_s": round(figures["requests"] / seconds),
        "errors": figures["socket_errors"] + figures["http_errors"],
        "requests": figures["requests"],
    }


def worker_peak_mb(master: int) -> float:
    """Return the largest peak resident memory (VmHWM) among gunicorn's workers."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master) and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return round(max(peaks), 1) if peaks else 0.0


def write(results: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        f"Machine: {results['machine']}; {results['workers']} gunicorn workers; "
        f"cache: {results['cache']}; wrk on 127.0.0.1 (2 threads) sharing the cores.",
        "Latency: 2 connections, what one reader waits. Load: 16 connections, how much "
        "the server carries; there the median is mostly queueing (≈ 16 ÷ requests/s).",
        "",
        "| page | median | p95 | median, 16 conn. | requests/s, 16 conn. | errors "
        "| budget |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page in results["pages"]:
        latency, load = page["latency"], page["throughput"]
        met = latency["median_ms"] <= page["budget_ms"]
        budget = f"median ≤ {page['budget_ms']} ms"
        if page["name"].startswith("Typical claim page"):  # the 16-conn. budget
            met = met and load["median_ms"] <= 25 and load["requests_per_s"] >= 200
            budget += ", and ≤ 25 ms, ≥ 200 req/s at 16 conn."
        errors = latency["errors"] + load["errors"]
        met = met and errors == 0
        lines.append(
            f"| {page['name']} | {latency['median_ms']} ms | {latency['p95_ms']} ms | "
            f"{load['median_ms']} ms | {load['requests_per_s']} | {errors} | "
            f"{budget}: {'met' if met else 'MISSED'} |"
        )
    lines += [
        "",
        "| task | time | budget |",
        "| --- | --- | --- |",
    ]
    if "generate_s" in results:
        lines.append(
            f"| generate 250,000 assertions | {results['generate_s']} s | ≤ 120 s |"
        )
    detect = results["detect_discrepancies_s"]
    lines += [
        f"| full detect_discrepancies (250,000 assertions) | {detect} s | ≤ 30 s |",
        f"| import 100,000 CSV rows | {results['import_100k_s']} s | ≤ 60 s |",
        f"| peak memory of a worker | {results['worker_peak_mb']} MB | ≤ 200 MB |",
    ]
    table = "\n".join(lines) + "\n"
    (RESULTS / "latest.md").write_text(table)
    print(table)  # noqa: T201


if __name__ == "__main__":
    main()
