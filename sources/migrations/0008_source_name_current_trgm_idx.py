"""A trigram index on the names of current sources (not merged into another), on
PostgreSQL, for the search's name suggestions (claims/reader/search.py,
_similar_names). With only the index over every name, the planner read the current
sources through the `merged_into_id` index and compared each name: 16 ms at 12,000
sources, every search (docs/performance.md, "Uncached pages and search"); through
this one, 0.1 ms. Built concurrently: writes to sources go on meanwhile. SQLite has
no trigram index."""

from django.db import migrations

INDEX = "source_name_current_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON sources_source "
        "USING GIN ((UPPER(name::text)) gin_trgm_ops) WHERE merged_into_id IS NULL"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("sources", "0007_source_merged_into")]

    operations = [migrations.RunPython(create, drop)]
