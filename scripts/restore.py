"""Replace the configured database's contents with a backup: `make restore BACKUP=path`.

All or nothing: PostgreSQL restores in a single transaction (pg_restore --clean
--single-transaction), SQLite through its backup API, so a failed restore leaves the
database as it was. It asks for confirmation unless given --yes.
"""

import argparse
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from database import describe, pg_environment  # noqa: E402

SIGNATURES = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("backup", type=Path, help="a file written by make backup")
    parser.add_argument("--yes", action="store_true", help="do not ask to confirm")
    args = parser.parse_args()
    database = describe()
    engine = database["engine"]
    if not args.backup.is_file():
        sys.exit(f"Restore refused: there is no file at {args.backup}.")
    with args.backup.open("rb") as handle:
        start = handle.read(16)
    if not start.startswith(SIGNATURES[engine]):
        sys.exit(
            f"Restore refused: {args.backup} is not a {engine} backup made by "
            "make backup. Nothing was changed."
        )
    if not args.yes:
        try:
            answer = input(
                f"Replace everything in the {engine} database {database['name']} "
                f"with {args.backup}? Type yes: "
            )
        except EOFError:  # no terminal to answer from: run with --yes (YES=1)
            answer = ""
        if answer.strip().lower() != "yes":
            sys.exit("\nNothing was changed (answer yes, or pass YES=1 to make).")
    if engine == "postgresql":
        result = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                database["name"],
                str(args.backup),
            ],  # fmt: skip
            env=pg_environment(database),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.exit(f"Restore failed, nothing was changed: {result.stderr.strip()}")
    else:
        restore_sqlite(args.backup, database["name"])
    print(f"Restored the {engine} database from {args.backup}")  # noqa: T201


def restore_sqlite(path: Path, live_name: str) -> None:
    """Copy the SQLite backup at `path` over the live database, or exit with a
    message: a damaged or cut-short file is found before anything is copied."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as backup:
            problems = [row[0] for row in backup.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError("; ".join(problems[:3]))
            with closing(sqlite3.connect(live_name)) as live:
                backup.backup(live)
    except sqlite3.DatabaseError as error:
        sys.exit(
            f"Restore refused: {path} is damaged or incomplete ({error}); it may "
            "have been cut short while copying. Nothing was changed."
        )


if __name__ == "__main__":
    main()
