"""Create the Researchers and Editors groups with their model permissions.

Researchers log sources, documents, claims and assertions and retract assertions;
nobody but a superuser deletes. Editors read everything (their judging rights come with
the discrepancy review). Permissions are created here first, because Django only creates
them after all migrations have run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Researchers": {
        "sources": {"source": "add change view", "sourcealias": "add change view",
                    "document": "add change view"},
        "claims": {"topic": "add change view", "claim": "add change view",
                   "assertion": "add change view retract"},
    },
    "Editors": {
        "sources": {"source": "view", "sourcealias": "view", "document": "view"},
        "claims": {"topic": "view", "claim": "view", "assertion": "view"},
    },
}  # fmt: skip


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, apps_models in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, models in apps_models.items():
            for model, actions in models.items():
                for action in actions.split():
                    group.permissions.add(
                        Permission.objects.get(
                            content_type__app_label=app_label,
                            codename=f"{action}_{model}",
                        )
                    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0001_initial"),
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
