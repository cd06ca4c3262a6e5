"""Whether a claim's current estimates are apart with no ratio (the lowest is zero:
claims/domain/vocabulary.py, APART), derived with its summary, so that the filter
"sources disagree" and the home page's widest disagreements count such a claim.
A nullable column with no default: on PostgreSQL adding it rewrites nothing and
holds its lock for no scan. It fills as claims are derived; `manage.py
detect_discrepancies` derives them all at once (docs/operations.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0034_assertion_recorded_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="apart",
            field=models.BooleanField(blank=True, editable=False, null=True),
        ),
    ]
