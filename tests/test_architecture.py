"""Every write to a domain row goes through the services and derive (issue 22).

Pure: the source is read with `ast` (tests/support/architecture.py), nothing is
imported and no database is used. Migrations and tests may write as they please and
are not scanned.
"""

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.support.architecture import (
    Violation,
    scan_source,
    scan_tree,
    writers_without_handover,
)

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("claims", "sources", "scripts", "bench")

# The writers (STYLE.md, "Where domain logic lives").
HOMES = (
    "claims/pipeline/services.py",
    "claims/pipeline/derive.py",
    "claims/review/services.py",
    "sources/services.py",
)


@dataclass(frozen=True)
class Allowed:
    """Code that may write without a service, and why."""

    path: str  # a file, or a folder ending in "/"
    reason: str
    # When set, only writes whose receiver starts with one of these names.
    receivers: frozenset[str] | None = None

    def covers(self, violation: Violation) -> bool:
        if not (
            violation.path == self.path
            or (self.path.endswith("/") and violation.path.startswith(self.path))
        ):
            return False
        if self.receivers is None:
            return True
        return violation.call.split(".", 1)[0].split("(", 1)[0] in self.receivers


ALLOWED = (
    Allowed(
        "claims/jobs/",
        "Jobs' own rows: a Job's status, progress and heartbeat, and the ImportLock "
        "the sweep clears, and the queue's DBTaskResult of a job swept or cancelled. "
        "They are bookkeeping, not data a page shows, and derive "
        "has nothing to follow from them. Writes to any other model are reported.",
        receivers=frozenset({"Job", "ImportLock", "job", "DBTaskResult"}),
    ),
    Allowed(
        "claims/management/commands/sweep_jobs.py",
        "The sweep forgets the file of an old finished import it deleted: a Job's "
        "own bookkeeping, as in claims/jobs/.",
        receivers=frozenset({"Job"}),
    ),
    Allowed(
        "claims/interchange/synthetic.py",
        "The synthetic generator bulk-inserts millions of made-up rows for the bench "
        "and load tests, with no history (nobody edited them), then calls derive "
        "once for the whole set.",
    ),
    Allowed(
        "bench/",
        "The benchmark builds its fixtures in a scratch database it recreates.",
    ),
    Allowed(
        "scripts/",
        "Backup and restore copy the whole database as it is; going through the "
        "services would rewrite history and stamps. (They write with pg_restore and "
        "sqlite3's backup API today, which this test does not see.)",
    ),
)

# Writes that break the rule today. Issue 22: the engineer who routes one of these
# through a service removes its line here; the test fails while a fixed write is
# still listed, so the list only shrinks. Keys are "path: call" without the line
# number, so that edits elsewhere in the file do not move them.
KNOWN_VIOLATIONS: list[str] = [
    # Empty: every write found so far goes through a service (issue 22). A write
    # that must stay outside one belongs in ALLOWED, with its reason.
]


def unexpected(
    violations: list[Violation], known: list[str]
) -> tuple[list[Violation], list[str]]:
    """Return the writes outside the homes and the allow-list that are not known,
    and the known ones that are gone."""
    outside = [
        v
        for v in violations
        if v.path not in HOMES and not any(a.covers(v) for a in ALLOWED)
    ]
    remaining = Counter(known)
    new = []
    for violation in outside:
        if remaining[violation.key]:
            remaining[violation.key] -= 1
        else:
            new.append(violation)
    return new, sorted(remaining.elements())


@cache
def tree_violations() -> list[Violation]:
    """Scan the project once per run (about a second and a half)."""
    return scan_tree(ROOT, SCANNED)


def test_orm_writes_happen_only_in_the_services_and_derive():
    new, fixed = unexpected(tree_violations(), KNOWN_VIOLATIONS)

    assert not new, (
        "ORM writes outside the services and derive; call the owning service "
        "(STYLE.md, 'Where domain logic lives'):\n" + "\n".join(map(str, new))
    )
    assert not fixed, (
        "These KNOWN_VIOLATIONS are gone; remove them from the list:\n"
        + "\n".join(fixed)
    )


def test_each_writer_and_allowed_path_is_a_scanned_file_or_folder():
    for path in [*HOMES, *(a.path for a in ALLOWED)]:
        assert (ROOT / path).exists(), path
        assert path.split("/", 1)[0] in SCANNED, path


def test_the_services_are_seen_writing():
    """A detector that finds nothing would pass everything: it must see the homes'
    own writes."""
    paths = {v.path for v in tree_violations()}

    assert set(HOMES) <= paths


@pytest.mark.parametrize("path", [h for h in HOMES if h.endswith("services.py")])
def test_every_service_that_writes_hands_its_change_to_derive(path):
    """A service that writes a row and never calls derive.apply (or sends the
    sources' `changed`) leaves summaries, detection and cached pages behind: the
    decision that nothing follows is derive's, not the service's."""
    missing = writers_without_handover((ROOT / path).read_text(), path)

    assert not missing, (
        f"{path}: these services write without handing a Change to derive.apply: "
        + ", ".join(missing)
    )


def test_a_service_writing_without_a_handover_is_reported():
    source = """
def topic_delete(*, topic):
    topic.delete()

def claim_save(*, claim):
    _write(claim)
    derive.apply(derive.Change())

def _write(claim):
    claim.save()

def claims_bulk_create(*, claims):
    source_services.validated_bulk_create(Claim, claims)

def _hand(ids):
    changed.send(sender=None, sources=ids, documents=[])

def source_save(*, source):
    source.save()
    _hand([source.pk])

def document_lock(*, pk):
    return Document.objects.select_for_update().get(pk=pk)
"""

    assert writers_without_handover(source) == ["topic_delete", "claims_bulk_create"]


# The detector itself: a planted violation is reported, ordinary code is not.

PLANTED = [
    (
        "Claim.objects.filter(pk=1).update(title='x')",
        "Claim.objects.filter(…).update(…)",
    ),
    ("Topic.objects.create(name='x')", "Topic.objects.create(…)"),
    ("Source.objects.get_or_create(name='x')", "Source.objects.get_or_create(…)"),
    ("Claim.objects.update_or_create(slug='x')", "Claim.objects.update_or_create(…)"),
    ("Assertion.objects.bulk_create(rows)", "Assertion.objects.bulk_create(…)"),
    ("Claim.objects.bulk_update(rows, ['title'])", "Claim.objects.bulk_update(…)"),
    ("bulk_create_with_history(rows, Claim)", "bulk_create_with_history(…)"),
    (
        "utils.bulk_update_with_history(rows, Claim, ['x'])",
        "utils.bulk_update_with_history(…)",
    ),
    ("claim.save()", "claim.save()"),
    ("claim.save(update_fields=['title'])", "claim.save(…)"),
    ("assertion.delete()", "assertion.delete()"),
    ("Claim.objects.published().delete()", "Claim.objects.published().delete()"),
    ("claim.assertions.update(status='retracted')", "claim.assertions.update(…)"),
    ("Claim.history.filter(pk=1).delete()", "Claim.history.filter(…).delete()"),
    (
        "type(claim)._base_manager.filter(pk=1).update(version=2)",
        "type(claim)._base_manager.filter(…).update(…)",
    ),
    ("rows = Claim.objects.filter(pk=1)\nrows.update(title='x')", "rows.update(…)"),
    ("queryset.update(title='x')", "queryset.update(…)"),
    ("form.save()", "form.save()"),
    ("formset.save()", "formset.save()"),
]


@pytest.mark.parametrize(("source", "call"), PLANTED)
def test_detector_reports_a_planted_write(source, call):
    module = (
        "class ClaimQuerySet(models.QuerySet):\n"
        "    def published(self):\n"
        "        return self.filter(status='published')\n"
        "class Assertion(models.Model):\n"
        "    claim = models.ForeignKey(Claim, related_name='assertions')\n"
        "def planted(claim, assertion, rows, form, formset, queryset):\n"
        + "".join(f"    {line}\n" for line in source.splitlines())
    )

    violations = scan_source(module, "claims/reader/planted.py")

    assert [v.call for v in violations] == [call]
    assert str(violations[0]).startswith("claims/reader/planted.py:")


NOT_WRITES = [
    "storage.delete(name)",
    "default_storage.save(name, content)",
    "job.file.save(name, upload, save=False)",
    "cache.delete(key)",
    "context.update(extra)",
    "context.update(title='x')",
    "os.environ.update(values)",
    "fields.update(kind='x')",
    "form.save(commit=False)",
    "formset.save(commit=False)",
    "session.create()",
    "services.rows_bulk_create(model=Claim, rows=rows)",
    "services.assertions_bulk_create(assertions=rows)",
    "Claim.objects.filter(pk=1).exists()",
    "User = get_user_model()\n    user = User(username='x')\n    user.save()",
    "Group.objects.create(name='editor')",
]


@pytest.mark.parametrize("source", NOT_WRITES)
def test_detector_leaves_other_calls_alone(source):
    module = f"def ordinary():\n    {source}\n"

    assert scan_source(module, "claims/reader/ordinary.py") == []


def test_a_models_own_save_may_call_super_and_bump_its_own_row():
    module = (
        "class Versioned(models.Model):\n"
        "    def save(self, *args, **kwargs):\n"
        "        type(self)._base_manager.filter(pk=self.pk).update(version=2)\n"
        "        super().save(*args, **kwargs)\n"
        "    def retract(self):\n"
        "        self.save()\n"
    )

    violations = scan_source(module, "claims/models.py")

    assert [(v.line, v.call) for v in violations] == [(6, "self.save()")]


def test_admin_hook_reaching_django_is_a_write_but_one_reaching_a_service_is_not():
    module = (
        "class ServiceAdmin(admin.ModelAdmin):\n"
        "    def save_model(self, request, obj, form, change):\n"
        "        services.claim_save(claim=obj)\n"
        "class ClaimAdmin(ServiceAdmin):\n"
        "    def save_model(self, request, obj, form, change):\n"
        "        super().save_model(request, obj, form, change)\n"
        "class TopicAdmin(admin.ModelAdmin):\n"
        "    def delete_model(self, request, obj):\n"
        "        super().delete_model(request, obj)\n"
    )

    violations = scan_source(module, "claims/admin/planted.py")

    assert [str(v) for v in violations] == [
        "claims/admin/planted.py:9: super().delete_model(…)"
    ]


def test_a_planted_file_fails_the_check(tmp_path):
    """The whole check, run on a tree with one new module that writes."""
    (tmp_path / "claims" / "reader").mkdir(parents=True)
    (tmp_path / "claims" / "pipeline").mkdir(parents=True)
    (tmp_path / "claims" / "reader" / "planted.py").write_text(
        "from claims.models import Claim\n"
        "\n"
        "def touch(pk):\n"
        "    Claim.objects.filter(pk=pk).update(title='planted')\n"
    )
    (tmp_path / "claims" / "pipeline" / "services.py").write_text(
        "def claim_save(*, claim):\n    claim.save()\n"
    )
    (tmp_path / "claims" / "migrations").mkdir()
    (tmp_path / "claims" / "migrations" / "0001_initial.py").write_text(
        "def forwards(apps, schema_editor):\n    Claim.objects.create(title='x')\n"
    )

    new, fixed = unexpected(scan_tree(tmp_path, SCANNED), known=[])

    assert [str(v) for v in new] == [
        "claims/reader/planted.py:4: Claim.objects.filter(…).update(…)"
    ]
    assert fixed == []


def test_a_fixed_known_violation_still_listed_fails_the_check():
    known = ["claims/interchange/imports.py: ImportLock.objects.get_or_create(…)"]

    new, fixed = unexpected([], known)

    assert (new, fixed) == ([], known)
