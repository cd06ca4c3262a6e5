"""An index of each claim's retracted figures, which every claim page lists struck
through. Few figures are retracted: at 1.2 million figures PostgreSQL found a
claim's by intersecting the claim's figures with every retracted figure up to the
page's date (1.7 ms of a 2.5 ms statement); through this index, 0.01 ms
(docs/performance.md). Built concurrently: writes go on meanwhile."""

from django.db import migrations, models

from sources.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("claims", "0032_claim_list_row")]

    operations = [
        AddIndexConcurrently(
            model_name="assertion",
            index=models.Index(
                condition=models.Q(status="retracted"),
                fields=["claim", "stated_on"],
                name="assertion_retracted_idx",
            ),
        ),
    ]
