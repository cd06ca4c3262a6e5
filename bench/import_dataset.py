"""Time the import of a data file's daily figures: 16,000 rows from one data set,
their evidence a locator each and their quotes empty (issue 19).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claimtracker_bench \\
        .venv/bin/python bench/import_dataset.py --days 16000

Creates the database's tables if needed, imports the file, exports it again and
prints the import's wall time and whether the round trip gave the same bytes. Run it
against a scratch database: it adds rows.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=16_000)
    args = parser.parse_args()

    import django
    from django.core.management import call_command

    django.setup()
    from claims.interchange import exports
    from claims.interchange.imports import assertions_import
    from claims.interchange.synthetic import dataset_csv

    call_command("migrate", verbosity=0)
    data = dataset_csv(days=args.days)
    started, cpu = time.perf_counter(), time.process_time()
    summary = assertions_import(data=data)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    claim = "Tanks lost, official daily count"
    again = "".join(
        exports.csv_text(
            exports.exported_assertions().filter(claim__title=claim).iterator(2000)
        )
    )
    created = summary.created["assertions"]
    print(  # noqa: T201
        f"{args.days:,} rows ({created:,} new) in {seconds:.1f} s "
        f"({args.days / seconds:,.0f} rows/s; CPU {cpu:.1f} s, load average "
        f"{os.getloadavg()[0]:.1f}); round trip "
        f"{'byte-identical' if again == data else 'DIFFERS'}"
    )


if __name__ == "__main__":
    main()
