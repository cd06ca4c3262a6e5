"""Trigram indexes on PostgreSQL, so that searching names and aliases by any part
("ukrainian", "HUR") uses an index (claims/reader/search.py). SQLite has none."""

from django.db import migrations

INDEXES = {
    "source_name_trgm_idx": "sources_source",
    "sourcealias_name_trgm_idx": "sources_sourcealias",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            "USING GIN ((UPPER(name::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("sources", "0002_history_reason_text")]

    operations = [migrations.RunPython(create, drop)]
