"""The words of published quotes, for spelling suggestions (issue 25).

One row per word (claims/models.py QuoteWord), filled here from the published
quotes already recorded, a chunk at a time, then kept by claims/pipeline/derive.py.
On PostgreSQL a GIN trigram index on the word (pg_trgm, installed by migration
0023) and a function that reads through it the recorded words alike each typed
one let the search spell-check a query in one bounded query, whatever the number
of quotes. SQLite has neither.
"""

from django.db import migrations, models

from claims.domain import spelling

INDEX = "quoteword_word_trgm_idx"
FUNCTION = "claims_quote_words_near"
# The recorded words alike each typed word (trigram similarity 0.2 or more: pg_trgm's
# `%` with its threshold set for this function alone, so that "frist" finds
# "first", 0.2), the `per_word` closest of each. The threshold is the function's
# own: set for a session, it would loosen the name suggestions' `%` too.
NEAR = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(typed text[], per_word integer)
RETURNS TABLE (typed text, word text)
LANGUAGE sql STABLE
SET pg_trgm.similarity_threshold = 0.2
AS $$
    SELECT t.typed, near.word::text
    FROM unnest(typed) AS t(typed)
    CROSS JOIN LATERAL (
        SELECT w.word FROM claims_quoteword w
        WHERE w.word % t.typed
        ORDER BY w.word <-> t.typed
        LIMIT per_word
    ) AS near
$$
"""
CHUNK = 5_000


def fill(apps, schema_editor):
    Assertion = apps.get_model("claims", "Assertion")
    QuoteWord = apps.get_model("claims", "QuoteWord")
    published = (
        Assertion.objects.filter(status="published")
        .exclude(quote="")
        .order_by("pk")
    )
    words, last = set(), 0
    while True:
        rows = list(published.filter(pk__gt=last).values_list("pk", "quote")[:CHUNK])
        if not rows:
            break
        last = rows[-1][0]
        found = set().union(*(spelling.words_of(quote) for _pk, quote in rows))
        QuoteWord.objects.bulk_create([QuoteWord(word=w) for w in found - words])
        words |= found
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON claims_quoteword USING GIN (word gin_trgm_ops)"
        )
        schema_editor.execute(NEAR, params=None)  # `%` is the operator


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text[], integer)")


class Migration(migrations.Migration):
    blocking_reviewed = (
        "The index is built on claims_quoteword, created by this migration: no "
        "other write can be waiting on it."
    )
    dependencies = [
        ("claims", "0027_claim_merged_into"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuoteWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("word", models.CharField(max_length=40)),
            ],
            options={
                "verbose_name": "word of quotes",
                "verbose_name_plural": "words of quotes",
                "indexes": [
                    models.Index(fields=["word"], name="quoteword_word_idx")
                ],
            },
        ),
        migrations.RunPython(fill, unfill),
    ]
