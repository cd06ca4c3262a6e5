"""Time a CSV import of N generated rows into the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimtracker_bench \\
        .venv/bin/python bench/import_csv.py --rows 100000

Creates the database's tables if needed, writes a deterministic CSV (1,000 claims,
200 sources, every figure kind), imports it with `import_assertions`, and prints the
wall time and rows per second. Run it against a scratch database: it adds rows.
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

KINDS = ["intelligence", "government", "military", "media", "think_tank", "ngo"]
PHRASES = ["{n:,}", "about {n:,}", "at least {n:,}", "up to {n:,}", "{n:,}–{m:,}"]


def write_rows(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    start = date(2022, 2, 24)
    columns = "claim,unit,topic,source,source_kind,stated_on,figure,quote"
    columns += ",document_title,document_url,document_published_on"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns.split(","))
        for i in range(count):
            claim = i % 1000
            source = rng.randrange(200)
            n = rng.randrange(100, 100_000)
            figure = rng.choice(PHRASES).format(n=n, m=n + rng.randrange(1, 5000))
            day = start + timedelta(days=i // 1000)
            report = i // 50
            writer.writerow(
                [
                    f"Bench claim {claim}",
                    "troops",
                    f"Bench topic {claim % 20}",
                    f"Bench source {source}",
                    KINDS[source % len(KINDS)],
                    day.isoformat(),
                    figure,
                    f"Row {i} says {figure}.",
                    f"Bench report {report}",
                    f"https://example.org/bench/{report}",
                    (day + timedelta(days=1)).isoformat(),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        write_rows(path, args.rows, args.seed)
        started = time.perf_counter()
        call_command("import_assertions", str(path))
        seconds = time.perf_counter() - started
    rate = args.rows / seconds
    print(f"{args.rows:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)")  # noqa: T201


if __name__ == "__main__":
    main()
