"""Fill the claim summary fields for claims recorded before they existed.

A frozen copy of services.claim_summary_refresh as it was when the fields were added:
a migration must not depend on application code that will change after it.
"""

from django.db import migrations

from claims import divergence


def fill(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Assertion = apps.get_model("claims", "Assertion")
    for claim in Claim.objects.all():
        rows = Assertion.objects.filter(claim=claim, status="published").select_related(
            "source"
        )
        points = [
            divergence.Point(
                id=a.pk,
                source_id=a.source_id,
                stated_on=a.stated_on,
                kind=a.kind,
                low=a.low,
                high=a.high,
                value=a.value,
                origin_id=a.source.parent_id,
                document_id=a.document_id,
            )
            for a in rows
        ]
        summary = divergence.summarise(points)
        Claim.objects.filter(pk=claim.pk).update(
            assertion_count=len(points),
            source_count=summary.source_count,
            first_stated_on=summary.first_stated_on,
            latest_stated_on=summary.latest_stated_on,
            current_low=summary.range_low,
            current_high=summary.range_high,
            spread_ratio=summary.spread_ratio,
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_claim_summary")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
