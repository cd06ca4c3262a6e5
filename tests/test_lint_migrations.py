"""The migration check of `make lint` (scripts/lint_migrations.py) and the operations
it asks for (sources/migration_ops.py), on the suite's engine."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from sources import migration_ops

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "lint_migrations", ROOT / "scripts" / "lint_migrations.py"
)
lint = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lint)


@pytest.fixture(scope="module")
def state():
    return MigrationLoader(None, ignore_no_migrations=True).project_state()


def migration(*operations):
    new = migrations.Migration("0099_new", "claims")
    new.operations = list(operations)
    return new


def check_constraint(name="claim_unit_not_blank"):
    return models.CheckConstraint(condition=~models.Q(unit=""), name=name)


@pytest.mark.parametrize(
    "operation",
    [
        migrations.AddIndex("claim", models.Index(fields=["unit"], name="unit_idx")),
        migrations.AddConstraint("claim", check_constraint()),
        migrations.AddField(
            "claim", "code", models.CharField(max_length=9, null=True, db_index=True)
        ),
        migrations.AlterField("claim", "unit", models.CharField(max_length=20)),
        migrations.RunSQL("CREATE INDEX unit_idx ON claims_claim (unit)"),
        migrations.RunSQL("ALTER TABLE claims_claim ADD CONSTRAINT c CHECK (true)"),
    ],
)
def test_a_blocking_operation_on_an_existing_table_is_named(state, operation):
    found = lint.offences(migration(operation), state)

    assert len(found) == 1
    assert type(operation).__name__ in found[0]


@pytest.mark.parametrize(
    "operations",
    [
        [
            migration_ops.AddIndexConcurrently(
                "claim", models.Index(fields=["unit"], name="unit_idx")
            )
        ],
        [
            migration_ops.AddConstraintNotValid("claim", check_constraint()),
            migration_ops.ValidateConstraint("claim", "claim_unit_not_blank"),
        ],
        [
            migrations.CreateModel(
                "Fresh", [("id", models.BigAutoField(primary_key=True))]
            ),
            migrations.AddIndex("fresh", models.Index(fields=["id"], name="fresh_idx")),
        ],
        [
            migrations.AlterField(
                "claim",
                "unit",
                models.CharField(max_length=50, help_text="New words for researchers."),
            )
        ],
        [
            migrations.RunSQL(
                "CREATE INDEX CONCURRENTLY unit_idx ON claims_claim (unit)"
            )
        ],
    ],
)
def test_the_safe_ways_pass(state, operations):
    assert lint.offences(migration(*operations), state) == []


def test_the_projects_migrations_pass_with_their_baseline():
    result = subprocess.run(
        [sys.executable, "scripts/lint_migrations.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1"},
    )

    assert result.returncode == 0, result.stderr


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "claims_claim")
    return set(found)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_index_built_concurrently_exists_on_either_engine_and_goes_back():
    operation = migration_ops.AddIndexConcurrently(
        "claim", models.Index(fields=["unit"], name="claim_unit_test_idx")
    )
    before = MigrationLoader(connection).project_state()
    after = before.clone()
    operation.state_forwards("claims", after)

    with connection.schema_editor(atomic=False) as editor:
        operation.database_forwards("claims", editor, before, after)
    built = "claim_unit_test_idx" in index_names()
    with connection.schema_editor(atomic=False) as editor:
        operation.database_backwards("claims", editor, after, before)

    assert built
    assert "claim_unit_test_idx" not in index_names()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_constraint_added_not_valid_then_validated_holds_on_either_engine():
    add = migration_ops.AddConstraintNotValid("claim", check_constraint("claim_t"))
    validate = migration_ops.ValidateConstraint("claim", "claim_t")
    before = MigrationLoader(connection).project_state()
    after = before.clone()
    add.state_forwards("claims", after)

    with connection.schema_editor() as editor:
        add.database_forwards("claims", editor, before, after)
    with connection.schema_editor() as editor:
        validate.database_forwards("claims", editor, after, after)
    added = "claim_t" in index_names()
    with connection.schema_editor() as editor:
        add.database_backwards("claims", editor, after, before)

    assert added
    assert "claim_t" not in index_names()
