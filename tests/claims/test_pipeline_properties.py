"""Issue 22: random sequences of writes through every service. After each step the
state derive stores (summaries, open discrepancies and their flags) equals a
recomputation from scratch, and every claim whose shown data changed has a new
stamp, so no reader is served a stale page."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from claims.interchange import csvformat
from claims.interchange.imports import ImportFailed, assertions_import
from claims.models import Assertion, Claim, Discrepancy, Translation
from claims.pipeline import derive, services
from claims.review import services as review_services
from sources import services as source_services
from sources.models import Document, Source
from tests.factories import ClaimFactory, DocumentFactory, SourceFactory

pytestmark = pytest.mark.django_db

FIGURES = [
    "1,000",
    "1,500",
    "up to 1,500",
    "at least 3,000",
    "several thousand",
    "10,000",
    "closer to 12,000",
    "between 11,000 and 12,000",
    "no more than 500",
    "about 7,000",
]
TEXT = " ".join(f"They said {figure}." for figure in FIGURES)


def summary(claim: Claim) -> tuple:
    return (
        claim.assertion_count,
        claim.source_count,
        claim.first_stated_on,
        claim.latest_stated_on,
        claim.current_low,
        claim.current_high,
        claim.spread_ratio,
    )


def stored_state() -> dict:
    """Return what derive stores, by claim: the summary and the discrepancies that
    stand, with their pair, spread, date and flag (not the stamp)."""
    standing: dict[int, set] = {}
    for d in Discrepancy.objects.live():
        standing.setdefault(d.claim_id, set()).add(
            (
                d.state,
                d.assertion_low_id,
                d.assertion_high_id,
                d.spread_ratio,
                d.arose_on,
                d.involves_vague_term,
            )
        )
    return {
        claim.pk: (summary(claim), standing.get(claim.pk, set()))
        for claim in Claim.objects.all()
    }


def shown(claim: Claim) -> tuple:
    """Return what the claim's page shows, as data: its topic, its figures with
    their sources, documents and translations, and its discrepancies."""
    figures = tuple(
        Assertion.objects.filter(claim=claim)
        .order_by("pk")
        .values_list(
            "pk",
            "figure",
            "status",
            "stated_on",
            "kind",
            "low",
            "high",
            "quote",
            "source__name",
            "document__title",
            "document__kind",
        )
    )
    translations = tuple(
        Translation.objects.filter(assertion__claim=claim)
        .order_by("pk")
        .values_list("pk", "text")
    )
    discrepancies = tuple(
        Discrepancy.objects.filter(claim=claim)
        .order_by("pk")
        .values_list("pk", "state", "assertion_low_id", "assertion_high_id")
    )
    return (claim.title, claim.topic.name, figures, translations, discrepancies)


class Writes(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.editor = self._editor()
        self.claims = [ClaimFactory(), ClaimFactory()]
        self.sources = [SourceFactory() for _ in range(3)]
        self.document = DocumentFactory(
            text=TEXT, published_on=datetime.date(2024, 11, 30)
        )
        self.seen = self._seen()

    @staticmethod
    def _editor():
        from django.contrib.auth.models import Group

        from tests.factories import UserFactory

        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name="Editors"))
        return user

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    def _seen(self) -> dict:
        return {
            claim.pk: (shown(claim), claim.updated_at)
            for claim in Claim.objects.select_related("topic")
        }

    def _assertions(self):
        return list(Assertion.objects.order_by("pk"))

    # The writes.

    @rule(
        claim=st.integers(0, 1),
        source=st.integers(0, 2),
        figure=st.sampled_from(FIGURES),
        day=st.integers(1, 28),
        cited=st.booleans(),
    )
    def add(self, claim, source, figure, day, cited):
        try:
            services.assertion_create(
                claim=self.claims[claim],
                source=self.sources[source],
                stated_on=datetime.date(2024, 10, day),
                figure=figure,
                document=self.document if cited else None,
                quote=f"They said {figure}.",
            )
        except ValidationError:
            pass  # a duplicate, or a figure its document's kind refuses

    @precondition(lambda self: Assertion.objects.exists())
    @rule(data=st.data(), figure=st.sampled_from(FIGURES))
    def edit(self, data, figure):
        assertion = data.draw(st.sampled_from(self._assertions()))
        assertion.figure, assertion.quote = figure, f"They said {figure}."
        try:
            services.assertion_save(assertion=assertion, reason="Edited")
        except ValidationError:
            pass

    @precondition(lambda self: Assertion.objects.exists())
    @rule(data=st.data())
    def override_as_range(self, data):
        assertion = data.draw(st.sampled_from(self._assertions()))
        if assertion.low is None or assertion.high is None:
            return
        assertion.is_overridden, assertion.kind = True, "range"
        try:
            services.assertion_save(assertion=assertion, reason="Read as a range")
        except ValidationError:
            pass

    @precondition(lambda self: Assertion.objects.exists())
    @rule(data=st.data())
    def move(self, data):
        assertion = data.draw(st.sampled_from(self._assertions()))
        assertion.claim = next(c for c in self.claims if c.pk != assertion.claim_id)
        try:
            services.assertion_save(assertion=assertion, reason="Moved")
        except ValidationError:
            pass

    @precondition(lambda self: Assertion.objects.not_retracted().exists())
    @rule(data=st.data())
    def retract(self, data):
        assertion = data.draw(
            st.sampled_from(list(Assertion.objects.not_retracted().order_by("pk")))
        )
        services.assertion_retract(assertion=assertion, reason="Misattributed.")

    @precondition(lambda self: Discrepancy.objects.live().exists())
    @rule(data=st.data(), state=st.sampled_from(["dismissed", "resolved", "open"]))
    def judge(self, data, state):
        discrepancy = data.draw(
            st.sampled_from(list(Discrepancy.objects.live().order_by("pk")))
        )
        try:
            review_services.discrepancy_judge(
                discrepancy=discrepancy,
                state=state,
                note="" if state == "open" else "Judged.",
                favoured=discrepancy.assertion_high if state == "resolved" else None,
                user=self.editor,
            )
        except ValidationError:
            pass  # a move the workflow refuses (open to open)

    @rule(kind=st.sampled_from(["article", "dataset", "report"]), n=st.integers())
    def document_edit(self, kind, n):
        document = Document.objects.get(pk=self.document.pk)
        document.kind, document.title = kind, f"Report {n}"
        try:
            source_services.document_save(document=document)
        except ValidationError:
            pass  # it would strand figures: refused, nothing written

    @rule(source=st.integers(0, 2), n=st.integers(0, 99))
    def source_rename(self, source, n):
        row = Source.objects.get(pk=self.sources[source].pk)
        row.name = f"Agency {n} {row.pk}"
        source_services.source_save(source=row)

    @rule(claim=st.integers(0, 1), source=st.integers(0, 2), day=st.integers(1, 28))
    def import_batch(self, claim, source, day):
        claim, source = (
            Claim.objects.select_related("topic").get(pk=self.claims[claim].pk),
            Source.objects.get(pk=self.sources[source].pk),
        )
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=csvformat.COLUMNS)
        writer.writeheader()
        writer.writerow(
            {name: "" for name in csvformat.COLUMNS}
            | {
                "topic": claim.topic.name,
                "claim": claim.title,
                "unit": claim.unit,
                "source": source.name,
                "stated_on": f"2024-10-{day:02d}",
                "figure": "2,500",
                "quote": "2,500 were counted.",
            }
        )
        try:
            assertions_import(data=out.getvalue().encode())
        except ImportFailed:
            pass

    # What must hold after every step.

    @invariant()
    def stored_state_is_what_a_recomputation_gives(self):
        stored = stored_state()
        sid = transaction.savepoint()
        derive.claims_derive(claim_ids=Claim.objects.values_list("pk", flat=True))
        recomputed = stored_state()
        transaction.savepoint_rollback(sid)
        assert stored == recomputed

    @invariant()
    def a_claim_whose_page_changed_has_a_new_stamp(self):
        now = self._seen()
        for pk, (page, stamp) in now.items():
            before = self.seen.get(pk)
            if before is not None and before[0] != page:
                assert stamp > before[1], f"claim {pk} changed without a new stamp"
        self.seen = now


def test_every_write_leaves_derived_state_as_a_recomputation_gives(db):
    run_state_machine_as_test(
        Writes,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
