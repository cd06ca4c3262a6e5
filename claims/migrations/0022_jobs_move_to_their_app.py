"""Job and ImportLock now belong to claims.jobs (claims/jobs/migrations/0001): they
leave the claims app's state only; their tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0021_evidence_roles"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Job"),
                migrations.DeleteModel(name="ImportLock"),
            ],
        ),
    ]
