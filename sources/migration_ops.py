"""Migration operations that a large table survives, on either engine
(docs/development.md, "Migrations on large tables").

On PostgreSQL they are django.contrib.postgres's: an index built CONCURRENTLY (no
lock on writes while it builds; the migration sets `atomic = False`), and a CHECK
constraint added NOT VALID (new rows are checked at once, existing ones are not
scanned under the lock) and validated by a later operation, which scans without
blocking writes. On SQLite, which has no such thing, they are the plain operations.

They live in sources, the lowest app, so that the migrations of both apps can use
them (claims may import sources, never the other way round)."""

from django.contrib.postgres import operations as postgres
from django.db.migrations.operations import AddConstraint, AddIndex


def _on_postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexConcurrently(postgres.AddIndexConcurrently):
    """Build an index without blocking writes on PostgreSQL; AddIndex elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgresql(schema_editor):
            return super().database_forwards(
                app_label, schema_editor, from_state, to_state
            )
        return AddIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgresql(schema_editor):
            return super().database_backwards(
                app_label, schema_editor, from_state, to_state
            )
        return AddIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )


class AddConstraintNotValid(postgres.AddConstraintNotValid):
    """Add a CHECK constraint for new rows only (NOT VALID) on PostgreSQL;
    AddConstraint elsewhere. Follow it with ValidateConstraint."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgresql(schema_editor):
            return super().database_forwards(
                app_label, schema_editor, from_state, to_state
            )
        return AddConstraint.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )


class ValidateConstraint(postgres.ValidateConstraint):
    """Check the existing rows against a NOT VALID constraint, without blocking
    writes, on PostgreSQL; nothing to do elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
