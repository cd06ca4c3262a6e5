"""Import a 200 MB file as a background job and report the worker's peak memory
(issue 26: under 200 MB for a 200 MB file; docs/performance-imports.md, "Memory").

The file: --rows generated rows (claims/interchange/synthetic.py), each quote padded
with plain sentences (no figures) to about 1 KB, so that 200,000 rows make about
200 MB. It is imported by a real `db_worker` on a fresh PostgreSQL database
(dropped and made again) with production settings, by bench/import_job.py's
job_import.

    .venv/bin/python bench/import_200mb.py \\
        --database postgres://postgres@127.0.0.1:5432/ct_bench_200mb   # about 3 min
"""

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FILLER = (
    " Officials added that the situation along the front remained fluid and that the"
    " assessment would be revised as reports from the region came in, while analysts"
    " cautioned that the picture was incomplete and that independent verification of"
    " the account had not been possible at the time of writing."
)


def padded_csv(raw: Path, path: Path) -> None:
    """Write `raw`'s rows to `path` with each quote about 1 KB long."""
    with (
        raw.open(newline="", encoding="utf-8") as source,
        path.open("w", newline="", encoding="utf-8") as out,
    ):
        reader = csv.DictReader(source)
        writer = csv.DictWriter(out, reader.fieldnames)
        writer.writeheader()
        for row in reader:
            if row.get("quote"):
                row["quote"] += FILLER * 3
            writer.writerow(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/ct_bench_200mb"
    )
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from import_job import job_import

    from claims.interchange.synthetic import synthetic_csv_write

    with tempfile.TemporaryDirectory() as folder:
        raw, path = Path(folder) / "raw.csv", Path(folder) / "padded.csv"
        synthetic_csv_write(path=raw, count=args.rows, seed=11)
        padded_csv(raw, path)
        result = job_import(args.database, path, folder)
    print(  # noqa: T201
        f"{args.rows:,} rows ({result['megabytes']:.0f} MB) as a job in "
        f"{result['seconds']:.1f} s, {result['status']}; the worker's CPU "
        f"{result['cpu_s']:.1f} s, its memory {result['start_mb']:,.0f} MB at the "
        f"start, peak {result['peak_mb']:,.1f} MB, {result['after_mb']:,.0f} MB after"
    )


if __name__ == "__main__":
    main()
