"""Let Researchers archive document files and translate quotes, and Editors read
both (issue 19). Staff download every archived file through `view_documentfile`."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Researchers": {
        "sources": {"documentfile": "add change view"},
        "claims": {"translation": "add change view"},
    },
    "Editors": {
        "sources": {"documentfile": "view"},
        "claims": {"translation": "view"},
    },
}


def _permissions(apps, app_label, models):
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model}"
        for model, actions in models.items()
        for action in actions.split()
    ]
    return Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )


def grant(apps, schema_editor):
    for label in ("sources", "claims"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, by_app in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, models in by_app.items():
            group.permissions.add(*_permissions(apps, app_label, models))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, by_app in GRANTS.items():
        for group in Group.objects.filter(name=name):
            for app_label, models in by_app.items():
                group.permissions.remove(*_permissions(apps, app_label, models))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0020_evidence"),
        ("sources", "0006_document_kind_archive"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
