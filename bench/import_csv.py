"""Time a CSV import of N generated rows into the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimtracker_bench \\
        .venv/bin/python bench/import_csv.py --rows 100000

Creates the database's tables if needed, writes a deterministic CSV (1,000 claims,
200 sources, every figure kind), previews it (`import_assertions --dry-run`, which
checks every row and writes nothing), imports it with `import_assertions`, and prints
each wall time and this process's CPU time (PostgreSQL's own is not in it), rows
per second and the preview's share of the import's time. Run it
against a scratch database: it adds rows.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django
    from django.core.management import call_command

    django.setup()
    from claims.interchange.synthetic import synthetic_csv_write

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        synthetic_csv_write(path=path, count=args.rows, seed=args.seed)
        started, cpu = time.perf_counter(), time.process_time()
        call_command("import_assertions", str(path), dry_run=True, verbosity=0)
        preview = time.perf_counter() - started
        preview_cpu = time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        call_command("import_assertions", str(path))
        seconds = time.perf_counter() - started
        seconds_cpu = time.process_time() - cpu
    rate = args.rows / seconds
    print(  # noqa: T201
        f"{args.rows:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s; CPU "
        f"{seconds_cpu:.1f} s); preview {preview:.1f} s (CPU {preview_cpu:.1f} s), "
        f"{preview / seconds:.0%} of the import's time "
        f"({preview_cpu / seconds_cpu:.0%} of its CPU); "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
