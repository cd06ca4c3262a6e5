"""Emptying the claim tables inside a test, for the round trips that export the seed,
empty the tables and import the export again."""

from claims.models import Assertion, Claim, Discrepancy, Topic, Translation
from sources.models import Document, Source, SourceAlias


def wipe_claims_data():
    """Empty the claim tables, as a fresh database would be (bypassing PROTECT)."""
    Translation.objects.all()._raw_delete(Translation.objects.db)
    for model in (Discrepancy, Assertion, Document, SourceAlias, Source, Claim, Topic):
        model.history.all()._raw_delete(model.objects.db)
        model.objects.all()._raw_delete(model.objects.db)
