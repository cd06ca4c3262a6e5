"""Refuse a new migration that would lock a large table (`make lint`;
docs/development.md, "Migrations on large tables").

Reads every migration of the project's apps from disk (no database needed) and names
each operation that, on a table that already exists, holds its lock for a scan or an
index build, or rewrites it:

- AddIndex, or AddField/AlterField with an index or a unique constraint: use
  sources.migration_ops.AddIndexConcurrently (and `atomic = False`);
- AddConstraint: a CHECK constraint through AddConstraintNotValid, then
  ValidateConstraint in a later migration; a unique constraint as a unique index built
  concurrently;
- AlterField that changes the column (type, length, null, default in the database);
- AlterUniqueTogether and AlterIndexTogether; RunSQL that creates an index without
  CONCURRENTLY or adds a constraint without NOT VALID.

Operations on a table created in the same migration are safe (it is empty). The
migrations that existed when the check came are its baseline
([tool.claimtracker.migrations] in pyproject.toml); a new migration whose blocking
operation is safe all the same (a small table) says why in a class attribute,
`blocking_reviewed = "..."`. Exit status 1 names each offence.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("claims", "jobs", "sources")
# What a column is in the database; a change to anything else (help_text, choices,
# validators, verbose_name) touches no table.
COLUMN = {
    "max_length", "max_digits", "decimal_places", "null", "unique", "db_index",
    "primary_key", "db_column", "to", "db_default", "db_collation", "to_field",
}  # fmt: skip


def baseline() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return set(config["tool"]["claimtracker"]["migrations"]["baseline"])


def offences(migration, before) -> list[str]:
    """Return what in `migration` blocks a large table; `before` is the project's
    state before it."""
    from django.contrib.postgres import operations as postgres
    from django.db.migrations import operations as ops

    SAFE = (
        postgres.AddIndexConcurrently,
        postgres.AddConstraintNotValid,
        postgres.ValidateConstraint,
    )
    created: set[str] = set()
    found = []
    for operation in migration.operations:
        name = type(operation).__name__
        if isinstance(operation, ops.CreateModel):
            created.add(operation.name_lower)
            continue
        model = getattr(operation, "model_name_lower", None) or getattr(
            operation, "name_lower", None
        )
        if model in created:
            continue
        if isinstance(operation, SAFE):
            continue
        if isinstance(operation, ops.AddIndex):
            found.append(f"{name} {operation.index.name}: build it CONCURRENTLY")
        elif isinstance(operation, ops.AddConstraint):
            found.append(
                f"{name} {operation.constraint.name}: add it NOT VALID, then VALIDATE"
            )
        elif isinstance(operation, ops.AddField):
            field = operation.field
            if field.db_index or field.unique:
                found.append(f"{name} {operation.name}: its index locks the table")
        elif isinstance(operation, ops.AlterField):
            old = before.models[migration.app_label, model].fields[operation.name]
            new = operation.field
            if changed_column(old, new):
                found.append(f"{name} {operation.name}: the column changes")
        elif isinstance(operation, ops.AlterUniqueTogether | ops.AlterIndexTogether):
            found.append(f"{name} {operation.name}: its index locks the table")
        elif isinstance(operation, ops.RunSQL):
            found += raw_sql(name, operation.sql)
        elif isinstance(operation, ops.RunPython):
            # The SQL a function runs is read from its source, as written.
            found += raw_sql(name, inspect.getsource(operation.code))
    return found


def raw_sql(name: str, sql) -> list[str]:
    """Return what blocks in SQL written by hand (a string, or a list of them)."""
    parts = sql if isinstance(sql, list | tuple) else [sql]
    text = " ".join(str(part) for part in parts).upper()
    found = []
    if re.search(r"CREATE\s+(UNIQUE\s+)?INDEX(?!\s+CONCURRENTLY)", text):
        found.append(f"{name}: CREATE INDEX without CONCURRENTLY")
    if "ADD CONSTRAINT" in text and "NOT VALID" not in text:
        found.append(f"{name}: ADD CONSTRAINT without NOT VALID")
    return found


def changed_column(old, new) -> bool:
    old_path, _, old_kwargs = old.deconstruct()[1:]
    new_path, _, new_kwargs = new.deconstruct()[1:]
    if old_path != new_path:
        return True
    return any(old_kwargs.get(k) != new_kwargs.get(k) for k in COLUMN)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = baseline()
    failures = []
    for key in sorted(loader.disk_migrations):
        app_label, name = key
        if app_label not in APPS or f"{app_label}.{name}" in known:
            continue
        migration = loader.disk_migrations[key]
        if getattr(migration, "blocking_reviewed", "").strip():
            continue
        before = loader.project_state(key, at_end=False)
        module = type(migration).__module__.replace(".", "/")
        failures += [
            f"{module}.py: {offence}" for offence in offences(migration, before)
        ]
    for failure in failures:
        sys.stderr.write(failure + "\n")
    if failures:
        sys.stderr.write(
            "These lock a large table while they run: docs/development.md, "
            '"Migrations on large tables". If it is safe here, say why in the '
            'migration: blocking_reviewed = "...".\n'
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
