"""A merged claim names a current claim (issue 25): claims merged into a claim that
was itself merged later are pointed at where it went, as claim_merge now does for
every merge (claims/pipeline/services.py). Chains could exist since merges began
(0027); a merged claim has no figures, so only its redirect moves. Written here
without history rows: the merges that made the chains are in history already."""

from django.db import migrations


def flatten(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    while True:
        chained = list(
            Claim.objects.filter(merged_into__merged_into__isnull=False).values_list(
                "pk", "merged_into__merged_into"
            )
        )
        if not chained:
            return
        for pk, target in chained:
            Claim.objects.filter(pk=pk).update(merged_into_id=target)


class Migration(migrations.Migration):
    dependencies = [("claims", "0028_quote_words")]

    operations = [migrations.RunPython(flatten, migrations.RunPython.noop)]
