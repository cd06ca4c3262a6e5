"""Search reads its indexes alone on PostgreSQL (claims/reader/search.py, issue 28).

GIN indexes on the text vector of each searchable kind (quotes with their figures,
translations, claims, documents), built from the very SearchVector expressions the
search uses (search.VECTORS), so the planner matches `vector @@ query` to them; a
trigram index on claim titles for suggestions. They replace migration 0014's two
hand-written full-text indexes. Built CONCURRENTLY (so the migration is not atomic):
writes go on while a large table is indexed. SQLite has none of these; its search
is bounded otherwise.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"
# name: (app, model, fields of the vector); as in claims/reader/search.py VECTORS.
VECTORS = {
    "assertion_search_idx": ("claims", "Assertion", ("quote", "figure")),
    "translation_search_idx": ("claims", "Translation", ("text",)),
    "claim_search_idx": ("claims", "Claim", ("title", "scope")),
    "document_search_idx": ("sources", "Document", ("title", "authors")),
}
OLD = {
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
TRIGRAM = "claim_title_trgm_idx"


def _index(name, fields):
    return GinIndex(SearchVector(*fields, config=CONFIG), name=name)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (app, model, fields) in VECTORS.items():
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.add_index(
            apps.get_model(app, model), _index(name, fields), concurrently=True
        )
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {TRIGRAM} ON claims_claim "
        "USING GIN ((UPPER(title::text)) gin_trgm_ops)"
    )
    for name in OLD:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in OLD.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
            f"USING GIN (({expression}))"
        )
    for name in (*VECTORS, TRIGRAM):
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("claims", "0022_jobs_move_to_their_app"),
        ("sources", "0006_document_kind_archive"),
    ]

    operations = [migrations.RunPython(create, drop)]
