"""Fill the claim summary fields for claims recorded before they existed.

Frozen: it once called claims.divergence, whose API has since changed, and a
migration must not depend on application code that changes after it. Every database
this project runs on was created after the fields existed, so there is nothing to
fill here; `manage.py detect_discrepancies` (claims/derive.py) recomputes every
stored summary if an older database ever needs it.
"""

from django.db import migrations


def fill(apps, schema_editor):
    """Do nothing: left to claims/derive.py, run after migrating (see above)."""


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_claim_summary")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
