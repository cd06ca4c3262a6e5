"""The claim list's row on the claim (Claim.list_row: the stated figures bounding
its current estimates, its latest report's date, its sparkline), derived with its
summary by claims/pipeline/derive.py, so that a page of the list reads its twenty
rows, not their figures (docs/performance.md, "Uncached pages and search"). A
nullable column with no default: on PostgreSQL adding it rewrites nothing and
holds its lock for no scan. It fills as claims are derived; `manage.py
detect_discrepancies` derives every claim of two figures or more at once. Until
then the list computes a claim's row from its figures, as before."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0031_assertion_on_record_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="list_row",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
