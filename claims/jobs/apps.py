from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background jobs: imports, detection, re-reading and exports run by a worker."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "claims.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
