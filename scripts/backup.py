"""Back up the configured database to one file: `make backup [BACKUP=path]`.

PostgreSQL (DATABASE_URL=postgres://...): pg_dump's custom format, which pg_restore
reads. SQLite: a consistent copy of the database file, taken with SQLite's own backup
API, so it is safe while the site is running. Without BACKUP, the file goes to
backups/claimtracker-<UTC time>.(dump|sqlite3). Restore with scripts/restore.py.
"""

import argparse
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from database import ROOT, describe, pg_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, help="the file to write")
    args = parser.parse_args()
    database = describe()
    suffix = "dump" if database["engine"] == "postgresql" else "sqlite3"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or ROOT / "backups" / f"claimtracker-{stamp}.{suffix}"
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    if database["engine"] == "postgresql":
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)],
            env=pg_environment(database),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            sys.exit(f"Backup failed, nothing written: {result.stderr.strip()}")
    else:
        source = Path(database["name"])
        if not source.is_file():
            sys.exit(f"Backup failed: there is no database file at {source}.")
        with (
            closing(sqlite3.connect(source)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.backup(copy)
    partial.replace(output)  # a backup file is complete or absent, never half there
    print(f"Backed up the {database['engine']} database to {output}")  # noqa: T201


if __name__ == "__main__":
    main()
