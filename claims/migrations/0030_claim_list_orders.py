"""Indexes in the claim list's orders (claims/filters.py SORTS: latest report,
spread, sources, each then by title, empty values last) and on the unit, whose
filter choices are read a unit at a time. Without them a page of the list sorted
every claim its filters matched (90 ms at 48,000 claims) and the unit choices read
every claim (20 ms) (docs/performance.md, "Uncached pages and search"). Built
concurrently: writes to claims go on meanwhile. The two orders with empty values
last are indexed on PostgreSQL only: SQLite cannot index NULLS LAST."""

from django.db import migrations, models

from sources.migration_ops import AddIndexConcurrently

NULLS_LAST = {
    "claim_list_latest_idx": "latest_stated_on DESC NULLS LAST, title",
    "claim_list_spread_idx": "spread_ratio DESC NULLS LAST, title",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in NULLS_LAST.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
            f"ON claims_claim ({columns})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NULLS_LAST:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("claims", "0029_claim_merges_name_a_current_claim")]

    operations = [
        migrations.RunPython(create, drop),
        AddIndexConcurrently(
            model_name="claim",
            index=models.Index(
                models.OrderBy(models.F("source_count"), descending=True),
                models.F("title"),
                name="claim_list_sources_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="claim",
            index=models.Index(fields=["unit"], name="claim_unit_idx"),
        ),
    ]
