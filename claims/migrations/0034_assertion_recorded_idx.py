"""An index of the figures on record, newest recorded first: the site's Atom feed of
new figures. Without it PostgreSQL sorted every figure on record to find the newest
50 (1.5 s at 351,629 figures, past the readers' statement timeout at a few
million); through it, 0.1 ms (docs/performance.md). Built concurrently: writes go on
meanwhile."""

from django.db import migrations, models

from sources.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("claims", "0033_assertion_retracted_idx")]

    operations = [
        AddIndexConcurrently(
            model_name="assertion",
            index=models.Index(
                condition=models.Q(status__in=["published", "retracted"]),
                fields=["-created_at", "-id"],
                name="assertion_recorded_idx",
            ),
        ),
    ]
