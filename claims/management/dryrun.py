"""The --dry-run rule of every writing command: do all the work, then roll it back."""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def atomic_unless_dry_run(dry_run: bool):
    """Run the block in one transaction; with `dry_run`, roll it back at the end."""
    with transaction.atomic():
        yield
        if dry_run:
            transaction.set_rollback(True)
