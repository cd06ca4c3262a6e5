"""Job and ImportLock move from the claims app to claims.jobs (issue 22).

Their tables and rows stay as they are (`claims_job`, `claims_importlock`): this
migration only tells Django's state that the models now belong here, and moves their
content types, so that the permissions the roles hold (view_job, add_job) stay theirs.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(
        app_label="claims", model__in=["job", "importlock"]
    ).update(app_label="jobs")


def move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(
        app_label="jobs", model__in=["job", "importlock"]
    ).update(app_label="claims")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("claims", "0021_evidence_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Job",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("import_preview", "CSV import preview (dry run)"),
                                    ("import", "CSV import"),
                                    ("detect", "discrepancy detection over all claims"),
                                    ("reparse", "re-reading of stored figures"),
                                    ("export", "export of every published figure (CSV)"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "waiting for a worker"),
                                    ("running", "running"),
                                    ("succeeded", "finished"),
                                    ("failed", "failed"),
                                ],
                                default="queued",
                                max_length=20,
                            ),
                        ),
                        (
                            "phase",
                            models.CharField(
                                blank=True,
                                help_text="What the job is doing now.",
                                max_length=100,
                            ),
                        ),
                        ("rows_checked", models.PositiveIntegerField(default=0)),
                        ("rows_written", models.PositiveIntegerField(default=0)),
                        (
                            "rows_total",
                            models.PositiveIntegerField(
                                blank=True,
                                help_text="How many rows there are, once known.",
                                null=True,
                            ),
                        ),
                        (
                            "errors",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="The problems that stopped the job: {line, column, message} each.",
                            ),
                        ),
                        ("errors_total", models.PositiveIntegerField(default=0)),
                        (
                            "result",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="What the job did, when it succeeded.",
                            ),
                        ),
                        (
                            "failure",
                            models.TextField(blank=True, help_text="Why the job failed."),
                        ),
                        (
                            "file",
                            models.FileField(
                                blank=True,
                                help_text="The uploaded file (imports/) or the file written (exports/).",
                                max_length=300,
                                upload_to="imports/",
                            ),
                        ),
                        (
                            "file_name",
                            models.CharField(
                                blank=True,
                                help_text="The uploaded file's own name.",
                                max_length=255,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "heartbeat_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="When the worker last said it was alive.",
                                null=True,
                            ),
                        ),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("task_id", models.CharField(blank=True, max_length=64)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="jobs",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "preview",
                            models.ForeignKey(
                                blank=True,
                                help_text="The preview this import was started from.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="imports",
                                to="jobs.job",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "claims_job",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["status", "heartbeat_at"],
                                name="claims_job_status_3324c5_idx",
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "kind__in",
                                        [
                                            "import_preview",
                                            "import",
                                            "detect",
                                            "reparse",
                                            "export",
                                        ],
                                    )
                                ),
                                name="job_kind_valid",
                                violation_error_message="Unknown kind of job.",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("status__in", ["queued", "running", "succeeded", "failed"])
                                ),
                                name="job_status_valid",
                                violation_error_message="Unknown job status.",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("finished_at__isnull", False),
                                        ("status__in", ["succeeded", "failed"]),
                                    ),
                                    models.Q(
                                        ("finished_at__isnull", True),
                                        ("status__in", ["queued", "running"]),
                                    ),
                                    _connector="OR",
                                ),
                                name="job_finished_when_ended",
                                violation_error_message="A job has a finishing time exactly when it has succeeded or failed.",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "failed"), _negated=True),
                                    models.Q(("failure", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="job_failure_explained",
                                violation_error_message="A failed job says why it failed.",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ImportLock",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(default="import", max_length=20, unique=True)),
                        ("holder", models.CharField(max_length=150)),
                        ("started_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "db_table": "claims_importlock",
                        "verbose_name": "running import",
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_back),
    ]
