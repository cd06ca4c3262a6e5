"""Imports side by side with the tools that only load: issue 26's import figures.

    .venv/bin/python bench/imports.py --rows 100000          # about 9 minutes
    .venv/bin/python bench/imports.py --rows 100000 --json out.json

On scratch PostgreSQL databases (BENCH_DATABASE_URL's name with `_imports`, dropped
and made again for each run), with production settings (debug off), for one
generated file of --rows rows (claims/interchange/synthetic.py):

- PostgreSQL's `COPY ... FROM STDIN (FORMAT csv)` of the file into a bare table of
  text columns, and `sqlite-utils insert --csv` of it into a new SQLite file: what
  loading the bytes costs, with no checks, no names matched and no history;
- the preview (`import_assertions --dry-run`) and the import (`import_assertions`),
  each a process of its own, three times each (the median run is reported): wall
  time, CPU time and peak memory;
- the same import as a background job, run by a real `db_worker`
  (bench/import_job.py): wall time, and the worker's CPU time and memory;
- the 16,000 daily figures of one data set (bench/import_dataset.py's file);
- a 200 MB file (--big-rows rows, each quote padded to about 1 KB) as a job: the
  worker's peak memory, issue 26's budget (bench/import_200mb.py).

It prints a table and the import's time as a multiple of each loader's. `make
bench` runs it once, after the pages (bench/run.py). sqlite-utils runs from the
benchmark's own virtualenv of comparison tools (bench/.datasette-venv, made from
bench/datasette-requirements.txt), as Datasette does.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
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
sys.path.insert(0, str(ROOT / "bench"))
DATABASE = "postgres://postgres@127.0.0.1:5432/claimtracker_bench"
TOOLS_VENV = ROOT / "bench" / ".datasette-venv"
TOOLS_REQUIREMENTS = ROOT / "bench" / "datasette-requirements.txt"
IMPORT_BUDGET_S, DATASET_BUDGET_S, WORKER_BUDGET_MB = 20, 5, 200
# The preview and the import run this many times each; their medians are reported.
RUNS = 3
# Rows of the 200 MB file (1 KB quotes) whose job the worker's memory budget is for.
BIG_ROWS = 200_000


def tool(name: str) -> Path:
    """Return the path of a comparison tool, installing the tools on first use."""
    binary = TOOLS_VENV / "bin" / name
    if not binary.exists():
        if not (TOOLS_VENV / "bin" / "pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(TOOLS_VENV)], check=True)
        subprocess.run(
            [str(TOOLS_VENV / "bin" / "pip"), "install", "--quiet", "-r",
             str(TOOLS_REQUIREMENTS)],
            check=True,
        )  # fmt: skip
    return binary


def scratch(url: str) -> str:
    """Return the URL of this benchmark's scratch database beside `url`."""
    return f"{url.rsplit('/', 1)[0]}/{urlparse(url).path.lstrip('/')}_imports"


def run(command: list[str], env: dict) -> dict:
    """Run `command` to its end; return its wall time, CPU time and peak resident
    memory, as GNU time reports them (a child of this process would count this
    process's own memory, copied before its exec, in its peak)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-f", "%U %S %M", "-o", report.name, *command],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        user, system, peak_kb = report.read().split()[-3:]
    return {
        "seconds": round(seconds, 1),
        "cpu_s": round(float(user) + float(system), 1),
        "peak_mb": round(int(peak_kb) / 1024, 1),
    }


def median_run(runs: list[dict]) -> dict:
    """Return the run of median wall time among `runs` (an odd number of them),
    with every run's wall time as `runs_s`."""
    ordered = sorted(runs, key=lambda figures: figures["seconds"])
    return {**ordered[len(ordered) // 2], "runs_s": [r["seconds"] for r in runs]}


def copy_seconds(url: str, path: Path) -> float:
    """Return the time PostgreSQL's COPY takes to load the file into a bare table."""
    header = path.open(encoding="utf-8").readline().strip().split(",")
    columns = sql.SQL(", ").join(
        sql.SQL("{} text").format(sql.Identifier(name)) for name in header
    )
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_copy")
        connection.execute(sql.SQL("CREATE TABLE bench_copy ({})").format(columns))
        started = time.perf_counter()
        with connection.cursor() as cursor:
            statement = "COPY bench_copy FROM STDIN (FORMAT csv, HEADER true)"
            with cursor.copy(statement) as copy, path.open("rb") as file:
                while chunk := file.read(1 << 20):
                    copy.write(chunk)
        seconds = time.perf_counter() - started
        connection.execute("DROP TABLE bench_copy")
    return round(seconds, 3)


def sqlite_utils_seconds(path: Path, folder: str) -> float:
    """Return the time `sqlite-utils insert --csv` takes to load the file."""
    binary = tool("sqlite-utils")
    started = time.perf_counter()
    subprocess.run(
        [str(binary), "insert", f"{folder}/loaded.db", "rows", str(path), "--csv"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return round(time.perf_counter() - started, 3)


def measure(database: str, rows: int, days: int, big_rows: int = BIG_ROWS) -> dict:
    """Run every step on the scratch database beside `database`; return the
    figures. `big_rows` rows with 1 KB quotes make the 200 MB file."""
    from import_200mb import padded_csv
    from import_job import job_import, recreate

    from claims.interchange.synthetic import dataset_csv, synthetic_csv_write

    url = scratch(database)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    }
    manage = [sys.executable, "manage.py"]
    result: dict = {"rows": rows, "load_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="claimtracker-imports-") as folder:
        path = Path(folder) / "bench.csv"
        synthetic_csv_write(path=path, count=rows)
        result["megabytes"] = round(path.stat().st_size / 1024 / 1024, 1)
        recreate(url)
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        result["copy_s"] = copy_seconds(url, path)
        result["sqlite_utils_s"] = sqlite_utils_seconds(path, folder)
        command = [*manage, "import_assertions", str(path), "-v0"]
        # The preview and the import, RUNS times each, one after the other, each
        # import into an empty database; the median run of each is reported, with
        # every run's time: one run of either moved by ±5 % with the machine, and
        # the preview's budget is a share of the import's time.
        previews, imported = [], []
        for number in range(RUNS):
            if number:
                recreate(url)
                subprocess.run(
                    [*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True
                )
            previews.append(run([*command, "--dry-run"], env))
            imported.append(run(command, env))
        result["preview"], result["import"] = median_run(previews), median_run(imported)
        result["job"] = job_import(url, path, folder)
        data = Path(folder) / "dataset.csv"
        data.write_text(dataset_csv(days=days), encoding="utf-8")
        recreate(url)
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        result["dataset"] = {
            "rows": days,
            **run([*manage, "import_assertions", str(data), "-v0"], env),
        }
        if big_rows:
            # The worker's memory for a 200 MB file (issue 26), as
            # bench/import_200mb.py measures it: the rows' quotes padded to 1 KB.
            raw, big = Path(folder) / "raw.csv", Path(folder) / "big.csv"
            synthetic_csv_write(path=raw, count=big_rows, seed=11)
            padded_csv(raw, big)
            raw.unlink()
            result["big_job"] = job_import(url, big, folder)
    result["load_end"] = os.getloadavg()[0]
    return result


def table(result: dict) -> list[str]:
    """Return the figures as the lines of a Markdown table, with their budgets."""

    def verdict(value: float, budget: float, unit: str) -> str:
        return f"≤ {budget:g} {unit}: {'met' if value <= budget else 'MISSED'}"

    def runs(step: dict) -> str:
        times = step.get("runs_s", [])
        return f" (median of {', '.join(map(str, times))})" if len(times) > 1 else ""

    rows, imported, job = result["rows"], result["import"], result["job"]
    preview, dataset = result["preview"], result["dataset"]
    copy, loaded = result["copy_s"], result["sqlite_utils_s"]
    share = preview["seconds"] / imported["seconds"]
    return [
        f"{rows:,} generated rows ({result['megabytes']} MB), PostgreSQL, production "
        f"settings; load average {result['load_start']:.1f} at the start, "
        f"{result['load_end']:.1f} at the end.",
        "",
        "| step | wall | CPU | peak memory | budget |",
        "| --- | --- | --- | --- | --- |",
        f"| `COPY` into a bare table of text columns | {copy} s | — | — | — |",
        f"| `sqlite-utils insert --csv` | {loaded} s | — | — | — |",
        f"| preview (`import_assertions --dry-run`) | {preview['seconds']} s"
        f"{runs(preview)} | "
        f"{preview['cpu_s']} s | {preview['peak_mb']} MB | a third of the import: "
        f"{share:.0%}, {'met' if share <= 1 / 3 else 'MISSED'} |",
        f"| import (`import_assertions`) | {imported['seconds']} s{runs(imported)} | "
        f"{imported['cpu_s']} s | {imported['peak_mb']} MB | "
        f"{verdict(imported['seconds'], IMPORT_BUDGET_S, 's')} |",
        f"| the same import as a job | {job['seconds']} s | {job['cpu_s']} s "
        f"(worker) | worker: {job['start_mb']} MB at the start, {job['peak_mb']} MB "
        f"at its peak, {job['after_mb']} MB after | "
        f"{verdict(job['seconds'], IMPORT_BUDGET_S, 's')}; peak "
        f"{verdict(job['peak_mb'], WORKER_BUDGET_MB, 'MB')} |",
        f"| {dataset['rows']:,} daily figures of one data set | {dataset['seconds']} "
        f"s | {dataset['cpu_s']} s | {dataset['peak_mb']} MB | "
        f"{verdict(dataset['seconds'], DATASET_BUDGET_S, 's')} |",
        *(
            [
                f"| a {big['megabytes']:.0f} MB file (1 KB quotes) as a job | "
                f"{big['seconds']} s | {big['cpu_s']} s (worker) | worker: "
                f"{big['start_mb']} MB at the start, {big['peak_mb']} MB at its "
                f"peak, {big['after_mb']} MB after | peak "
                f"{verdict(big['peak_mb'], WORKER_BUDGET_MB, 'MB')} |"
            ]
            if (big := result.get("big_job"))
            else []
        ),
        "",
        f"The import takes {imported['seconds'] / max(copy, 0.001):,.0f}× `COPY`'s "
        f"time and {imported['seconds'] / max(loaded, 0.001):,.1f}× sqlite-utils'.",
    ]


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the options of this benchmark (and bench/imports_side_by_side.py)."""
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", DATABASE)
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=16_000)
    parser.add_argument(
        "--big-rows",
        type=int,
        default=BIG_ROWS,
        help="rows of the 200 MB file imported as a job for the worker's memory "
        "(1 KB quotes; 0 leaves it out)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser


def main() -> None:
    args = add_arguments(argparse.ArgumentParser(description=__doc__)).parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    result = measure(args.database, args.rows, args.days, args.big_rows)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print("\n".join(table(result)))  # noqa: T201


if __name__ == "__main__":
    main()
