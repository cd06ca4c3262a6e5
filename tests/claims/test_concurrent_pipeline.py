"""Issue 22's write paths under two people at once, over real database connections:
a document's kind changed while a researcher cites it, and an editor judging while
a researcher adds a figure. Whatever the order the database gives them, no figure
is stranded and the stored state is what a recomputation gives.

PostgreSQL serialises them on the document's and the claim's rows; SQLite queues
writers with IMMEDIATE transactions on a file test database (settings)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from claims.models import Assertion, Claim, Discrepancy
from claims.pipeline import derive, services
from claims.review import services as review_services
from sources import services as source_services
from sources.models import Document
from tests.factories import ClaimFactory, DocumentFactory, SourceFactory, UserFactory
from tests.support.concurrency import together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 8


def test_a_kind_change_and_a_quoted_figure_at_once_never_strand_it():
    claim = ClaimFactory()
    source = SourceFactory()
    for round_ in range(ROUNDS):
        document = DocumentFactory(
            kind="article",
            text="Officials said 3,000 troops had arrived.",
            published_on=datetime.date(2024, 10, 28),
        )

        def cite(document=document, round_=round_):
            services.assertion_create(
                claim=claim,
                source=source,
                document=Document.objects.get(pk=document.pk),
                stated_on=datetime.date(2024, 10, 1 + round_),
                figure="3,000",
                quote="3,000 troops",
            )

        def make_dataset(document=document):
            row = Document.objects.get(pk=document.pk)
            row.kind = "dataset"
            source_services.document_save(document=row)

        outcomes = together(cite, make_dataset)

        document.refresh_from_db()
        cited = Assertion.objects.not_retracted().filter(document=document)
        # One of them went first; the other saw it and was refused, or had
        # nothing to break.
        assert not (document.kind == "dataset" and cited.filter(locator="").exists())
        assert outcomes.count("ok") >= 1


def test_a_judgement_and_a_new_figure_at_once_leave_derived_state_true():
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    claim = ClaimFactory()
    services.assertion_create(
        claim=claim,
        source=SourceFactory(),
        stated_on=datetime.date(2024, 10, 1),
        figure="1,000",
        quote="1,000",
    )
    services.assertion_create(
        claim=claim,
        source=SourceFactory(),
        stated_on=datetime.date(2024, 10, 2),
        figure="9,000",
        quote="9,000",
    )
    for round_ in range(ROUNDS):
        pending = Discrepancy.objects.pending().filter(claim=claim).first()

        def judge(pending=pending):
            if pending is not None:
                review_services.discrepancy_judge(
                    discrepancy=pending,
                    state="dismissed",
                    note="Judged.",
                    user=editor,
                )

        def add(round_=round_):
            services.assertion_create(
                claim=claim,
                source=SourceFactory(),
                stated_on=datetime.date(2024, 10, 3 + round_),
                figure=f"{20_000 + round_ * 10_000:,}",
                quote="A new figure.",
            )

        together(judge, add)

        stored = _state(claim)
        with transaction.atomic():
            derive.claims_derive(claim_ids=[claim.pk])
            recomputed = _state(claim)
            transaction.set_rollback(True)
        assert stored == recomputed
        assert Discrepancy.objects.pending().filter(claim=claim).count() <= 1


def _state(claim) -> tuple:
    claim = Claim.objects.get(pk=claim.pk)
    live = sorted(
        Discrepancy.objects.live()
        .filter(claim=claim)
        .values_list("state", "assertion_low_id", "assertion_high_id")
    )
    return claim.assertion_count, claim.current_low, claim.current_high, live


def test_two_editors_setting_aside_and_restoring_one_figure_at_once_keep_it_whole():
    editors = []
    for name in ("ana", "ben"):
        editor = UserFactory(username=name, is_staff=True)
        editor.groups.add(Group.objects.get(name="Editors"))
        editors.append(editor)
    claim = ClaimFactory()
    for day, figure in ((1, "about 40,000"), (2, "between 38,000 and 46,000")):
        services.assertion_create(
            claim=claim,
            source=SourceFactory(),
            stated_on=datetime.date(2024, 10, day),
            figure=figure,
            quote=figure,
        )
    outlier = services.assertion_create(
        claim=claim,
        source=SourceFactory(),
        stated_on=datetime.date(2024, 10, 3),
        figure="no more than 900",
        quote="no more than 900",
    )
    reasons = {"ana": "One district only.", "ben": "A misreading of the table."}

    def set_aside(editor):
        return lambda: services.assertion_set_aside(
            assertion=Assertion.objects.get(pk=outlier.pk),
            reason=reasons[editor.username],
            user=editor,
        )

    def restore(editor):
        return lambda: services.assertion_restore(
            assertion=Assertion.objects.get(pk=outlier.pk), user=editor
        )

    for _ in range(ROUNDS // 2):
        # Both set it aside at once: one does, the other is told it already is.
        assert sorted(together(*map(set_aside, editors))) == ["ok", "refused"]
        row = _set_aside_state(outlier, claim)
        assert row.set_aside_reason in reasons.values()
        # Both count it again at once: one does, the other is told it counts.
        assert sorted(together(*map(restore, editors))) == ["ok", "refused"]
        assert _set_aside_state(outlier, claim).set_aside_at is None
        # One sets it aside while the other counts it again: either order holds.
        together(set_aside(editors[0]), restore(editors[1]))
        if _set_aside_state(outlier, claim).set_aside_at is not None:
            services.assertion_restore(assertion=outlier, user=editors[0])


def _set_aside_state(outlier, claim) -> Assertion:
    """Return the outlier's row, checked: its last history step says what the row
    holds, and the claim's stored state is what a recomputation gives."""
    row = Assertion.objects.get(pk=outlier.pk)
    last = row.history.order_by("-history_date", "-history_id").first()
    if row.set_aside_at is None:
        assert last.history_change_reason == "Counted again"
        assert last.set_aside_reason == ""
    else:
        assert last.history_change_reason == f"Set aside: {row.set_aside_reason}"
        assert last.set_aside_reason == row.set_aside_reason
    stored = _state(claim)
    with transaction.atomic():
        derive.claims_derive(claim_ids=[claim.pk])
        recomputed = _state(claim)
        transaction.set_rollback(True)
    assert stored == recomputed
    pending = Discrepancy.objects.pending().filter(claim=claim).exists()
    assert pending == (row.set_aside_at is None)
    return row
