"""An index of the assertions on record (published and retracted), newest first, for
the API's assertion list (claims/api/views.py). The index of published assertions
by status cannot give both statuses in date order, so at 1.2 million figures
PostgreSQL joined and sorted every one of them for each page: 3 s; through this
index, 3 ms (docs/performance.md). Built concurrently: writes go on meanwhile."""

from django.db import migrations, models

from sources.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("claims", "0030_claim_list_orders")]

    operations = [
        AddIndexConcurrently(
            model_name="assertion",
            index=models.Index(
                condition=models.Q(status__in=["published", "retracted"]),
                fields=["-stated_on", "-id"],
                name="assertion_on_record_idx",
            ),
        ),
    ]
