"""Instructions the quote rule spends on one generated import row, counted by
callgrind: the finder's cost, whatever else the machine is doing (issue 26).

    .venv/bin/python bench/finder_cost.py                          # about 2 minutes
    .venv/bin/python bench/finder_cost.py --code ../claimtracker-before

It runs rules.figure_quote_problem on the first 1,000 and then the first 4,000 rows
of the generated import file (claims/interchange/synthetic.py, the rows `make
bench` imports) under `valgrind --tool=callgrind`, each in a process of its own,
and prints the difference divided by 3,000: the instructions of one row, with the
start-up (Python, the imports, reading the file) taken out. Instruction counts
repeat from run to run, where seconds on a shared machine do not; --code measures
another checkout (a worktree of the commit before a change) with this virtualenv.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEW, MANY = 1_000, 4_000


def checked(code: Path, path: Path, rows: int) -> None:
    """In the measured process: check the quote of each of the first `rows` rows."""
    sys.path.insert(0, str(code))
    from claims.domain import rules
    from claims.domain.figures import parse_figure

    with path.open(newline="") as handle:
        for k, row in enumerate(csv.DictReader(handle)):
            if k == rows:
                break
            reading = parse_figure(row["figure"])
            problem = rules.figure_quote_problem(
                row["figure"], row["quote"], reading=reading
            )
            assert not problem, (row["figure"], row["quote"], problem)


def instructions(code: Path, path: Path, rows: int) -> int:
    completed = subprocess.run(
        [
            "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
            sys.executable, __file__, "--inner", str(rows),
            "--code", str(code), "--file", str(path),
        ],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"refs:\s+([\d,]+)", completed.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count:\n{completed.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.inner is not None:
        checked(options.code.resolve(), options.file, options.inner)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = options.file or Path(folder) / "rows.csv"
        if options.file is None:
            # The generator lives beside the models; it reads no database.
            sys.path.insert(0, str(ROOT))
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
            os.environ.setdefault("DJANGO_DEBUG", "1")
            import django

            django.setup()
            from claims.interchange.synthetic import synthetic_csv_write

            synthetic_csv_write(path=path, count=MANY, seed=1)
        code = options.code.resolve()
        few, many = instructions(code, path, FEW), instructions(code, path, MANY)
    per_row = (many - few) / (MANY - FEW)
    print(f"{code}: {per_row:,.0f} instructions a row ({few:,} and {many:,})")  # noqa: T201


if __name__ == "__main__":
    main()
