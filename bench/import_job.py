"""Time a CSV import of N generated rows run as a background job by a real worker.

    .venv/bin/python bench/import_job.py --rows 100000                   # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_bench_jobs \\
        .venv/bin/python bench/import_job.py --rows 100000

The worker runs with production settings (DJANGO_DEBUG off; --debug turns it on).
Creates a fresh scratch database (a SQLite file in a temporary folder, or the named
PostgreSQL database, dropped and created again), migrates it, starts `manage.py
db_worker`, queues the import with `import_assertions --background` and polls the
job's row from this process, printing each phase with its row counts and the time
it was first seen, then the total, with the worker's CPU time and its memory
(resident, from /proc) at its start, at its peak and once the job has ended.
"""

import argparse
import contextlib
import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--debug", action="store_true", help="run the worker with DJANGO_DEBUG=1"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from claims.interchange.synthetic import synthetic_csv_write

    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
        path = Path(folder) / "bench.csv"
        synthetic_csv_write(path=path, count=args.rows)
        result = job_import(url, path, folder, debug=args.debug, echo=True)
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(  # noqa: T201
        f"{engine}: {args.rows:,} rows ({result['megabytes']:.0f} MB) as a job in "
        f"{result['seconds']:.1f} s ({args.rows / result['seconds']:,.0f} rows/s), "
        f"{result['status']}; the worker's CPU {result['cpu_s']:.1f} s, its memory "
        f"{result['start_mb']:,.0f} MB at the start, peak {result['peak_mb']:,.0f} "
        f"MB, {result['after_mb']:,.0f} MB afterwards"
    )


def job_import(
    url: str, path: Path, folder: str, *, debug: bool = False, echo: bool = False
) -> dict:
    """Import the CSV at `path` as a job run by a real `db_worker` on the fresh
    database `url` (a PostgreSQL one is dropped and made again); return its wall
    time, the worker's CPU time and memory (MB) at the start, at its peak and
    once the job has ended, and the job's status. bench/imports.py uses it."""
    if url.startswith("postgres"):
        recreate(url)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": url,
        "CLAIMTRACKER_MEDIA_ROOT": f"{folder}/media",
    }
    if debug:
        env["DJANGO_DEBUG"] = "1"
    else:
        # Production settings, as a worker runs: with DEBUG on, Django keeps the
        # text of every query, each 5,000-row insert's included, in the worker.
        env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    worker = subprocess.Popen(
        [*manage, "db_worker", "--no-reload", "--interval", "0.1",
         "--no-startup-delay", "-v0"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        time.sleep(3)  # the worker has started and is waiting for jobs
        at_start = memory(worker.pid)
        started = time.perf_counter()
        output = subprocess.run(
            [*manage, "import_assertions", str(path), "--background"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        job_id = int(output.split()[1])
        last = None
        while True:
            state = read(url, job_id)
            if state != last and echo:
                seconds = time.perf_counter() - started
                print(f"{seconds:6.1f} s  {state}")  # noqa: T201
            last = state
            if state[0] in ("succeeded", "failed"):
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        time.sleep(3)  # the worker is idle again
        after = memory(worker.pid)
        cpu = cpu_seconds(worker.pid)
    finally:
        worker.terminate()
        worker.wait()
    return {
        "seconds": round(seconds, 1),
        "status": last[0],
        "cpu_s": round(cpu, 1),
        "megabytes": round(path.stat().st_size / 1024 / 1024, 1),
        "start_mb": round(at_start["VmRSS"], 1),
        "peak_mb": round(after["VmHWM"], 1),
        "after_mb": round(after["VmRSS"], 1),
    }


def memory(pid: int) -> dict[str, float]:
    """Return a process's resident memory now (VmRSS) and at its peak (VmHWM), MB."""
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in status if line.startswith("Vm"))
    return {k: int(v.split()[0]) / 1024 for k, v in fields.items()}


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user and system) a process has used so far, with that
    of its children that have ended: an import's helper processes
    (claims/interchange/quotechecks.py)."""
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(n) for n in stat[11:15]) / os.sysconf("SC_CLK_TCK")


def read(url: str, job_id: int) -> tuple:
    query = (
        "SELECT status, phase, rows_checked, rows_written FROM claims_job WHERE id = %s"
    )
    if url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as c:
            return c.execute(query.replace("%s", "?"), [job_id]).fetchone()
    with psycopg.connect(url) as connection:
        return connection.execute(query, [job_id]).fetchone()


def recreate(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
