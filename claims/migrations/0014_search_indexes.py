"""Full-text indexes for the search box on PostgreSQL (claims/reader/search.py).

The expressions match what django.contrib.postgres's SearchVector generates, so the
planner uses them. SQLite has no such index; its search is bounded by the query caps.
"""

from django.db import migrations

INDEXES = {
    "assertion_quote_fts_idx": (
        "claims_assertion",
        "to_tsvector('english'::regconfig, COALESCE(quote, '') || ' ' || "
        "COALESCE(figure, ''))",
    ),
    "claim_title_fts_idx": (
        "claims_claim",
        "to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || "
        "COALESCE(scope, ''))",
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING GIN (({expression}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0013_discrepancy_one_pending_per_claim"),
        ("sources", "0003_name_trigram_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
