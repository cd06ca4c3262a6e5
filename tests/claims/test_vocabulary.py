"""One home per vocabulary (issue 22): model choices, CSV enums, forms, review
states, the API and the wording take each vocabulary from claims/domain/vocabulary.py
(or sources/names.py), and the figure-logging form keeps the evidence rule."""

import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from claims.admin.forms import LogClaimForm, LogFigureForm
from claims.api.serializers import ClaimDetailSerializer, StepFigureSerializer
from claims.domain import dates, divergence, figures, rules, vocabulary, wording
from claims.filters import AssertionFilter
from claims.interchange import csvformat
from claims.models import (
    Assertion,
    AssertionKind,
    Claim,
    DatePrecision,
    Discrepancy,
    DiscrepancyState,
    Topic,
    Translation,
)
from claims.presentation import chart
from claims.presentation.chart import axes as chart_axes
from claims.presentation.chart import labels as chart_labels
from claims.review import states as review
from claims.review.filters import DiscrepancyFilter
from sources import names
from sources.models import Document, DocumentKind, Source, SourceAlias
from tests.factories import DocumentFactory, SourceAliasFactory, SourceFactory


def test_the_vocabulary_imports_no_django():
    code = (
        "import sys, claims.domain.vocabulary, sources.names; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )

    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# Figure kinds


def test_figure_kind_values_are_the_parsers_and_labels_the_vocabularys():
    assert tuple(v for v, _ in vocabulary.FIGURE_KINDS) == figures.KINDS
    assert AssertionKind.choices == list(vocabulary.FIGURE_KINDS)
    assert Assertion._meta.get_field("kind").choices == list(vocabulary.FIGURE_KINDS)


def test_figure_kinds_elsewhere_are_the_parsers_values():
    for name in ("EXACT", "APPROXIMATE", "AT_LEAST", "AT_MOST", "RANGE"):
        assert getattr(divergence, name) is getattr(figures, name)
        assert getattr(chart, name) is getattr(figures, name)
    assert divergence.QUALITATIVE is chart.QUALITATIVE is figures.QUALITATIVE
    assert csvformat.FIGURE_KINDS is figures.KINDS


def test_figure_kind_choices_of_the_api_and_its_filter_are_the_vocabularys():
    api = StepFigureSerializer().fields["kind"]
    assert list(api.choices.items()) == list(vocabulary.FIGURE_KINDS)
    assert AssertionFilter().filters["kind"].extra["choices"] == AssertionKind.choices


@pytest.mark.parametrize(("kind", "label"), vocabulary.FIGURE_KINDS)
def test_a_figures_interpretation_opens_with_its_kinds_label(kind, label):
    low = None if kind == figures.AT_MOST else Decimal(10)
    high = None if kind == figures.AT_LEAST else Decimal(10 if kind == "exact" else 20)
    assertion = Assertion(kind=kind, low=low, high=high)

    assert assertion.interpretation.startswith(f"{label}: ")
    assert assertion.get_kind_display() == label


# Date precisions


def test_date_precisions_are_the_dates_modules_with_the_vocabularys_labels():
    assert tuple(v for v, _ in vocabulary.DATE_PRECISIONS) == dates.PRECISIONS
    assert DatePrecision.choices == list(vocabulary.DATE_PRECISIONS)
    assert csvformat.PRECISIONS is dates.PRECISIONS
    assert divergence.DAY is dates.DAY
    assert chart_axes.MONTH is dates.MONTH
    assert chart_labels.MONTH is dates.MONTH


def test_date_precision_choices_of_the_forms_and_the_api_are_the_vocabularys():
    form = LogFigureForm().fields["date_precision"]
    api = StepFigureSerializer().fields["date_precision"]

    assert list(form.choices) == list(vocabulary.DATE_PRECISIONS)
    assert list(api.choices.items()) == list(vocabulary.DATE_PRECISIONS)


@pytest.mark.parametrize(
    ("text", "precision"),
    [("2024-10-28", dates.DAY), ("2024-10", dates.MONTH), ("2024", dates.YEAR)],
)
def test_the_csv_reads_each_precision_by_its_one_value(text, precision):
    day, read = csvformat.parse_date(text)

    assert read is precision
    assert csvformat.format_date(day, read) == text


# Judgement states


def test_discrepancy_states_are_the_vocabularys():
    assert DiscrepancyState.choices == list(vocabulary.DISCREPANCY_STATES)
    assert set(review.TRANSITIONS) == set(DiscrepancyState.values)
    assert review.PENDING is vocabulary.PENDING
    assert review.JUDGEMENTS is vocabulary.JUDGEMENTS is divergence.JUDGED
    assert review.LABELS is vocabulary.STATE_WORDS


def test_under_review_is_spelled_one_way_for_discrepancies_and_claims():
    assert DiscrepancyState.UNDER_REVIEW == divergence.UNDER_REVIEW == "under_review"
    assert "under-review" not in wording.STATUS_LABELS
    judged = {divergence.EXPLAINED, divergence.RESOLVED, divergence.DISMISSED}
    assert judged == set(vocabulary.JUDGEMENTS)


def test_readers_words_for_states_and_statuses_are_the_vocabularys():
    assert wording.STATUS_LABELS is vocabulary.CLAIM_STATUS_LABELS
    assert wording.DISCREPANCY_LABELS is vocabulary.DISCREPANCY_READER_LABELS
    assert set(wording.DISCREPANCY_LABELS) == set(DiscrepancyState.values)
    api = ClaimDetailSerializer().fields["status"]
    assert list(api.choices.items()) == list(vocabulary.CLAIM_STATUSES)


def test_a_pending_discrepancy_reads_as_under_review():
    for state in vocabulary.PENDING:
        assert Discrepancy(state=state).public_state == "under review"
    assert Discrepancy(state="dismissed").public_state == "dismissed"


@pytest.mark.django_db
def test_the_review_queue_filters_by_the_one_spelling():
    queue = DiscrepancyFilter({"state": "under_review"})
    old = DiscrepancyFilter({"state": "under-review"})

    assert queue.is_valid()
    assert not old.is_valid()


# The default threshold


def test_the_default_threshold_is_the_vocabularys():
    assert divergence.DEFAULT_THRESHOLD is vocabulary.DEFAULT_DISCREPANCY_RATIO
    assert settings.CLAIMTRACKER_DISCREPANCY_RATIO == Decimal("1.5")
    assert Claim().effective_discrepancy_ratio == vocabulary.DEFAULT_DISCREPANCY_RATIO


# The evidence each document kind needs


def test_document_kinds_in_sources_are_the_vocabularys_keys():
    # sources may not import claims: this keeps the two lists one.
    assert DocumentKind.values == list(vocabulary.EVIDENCE)
    assert list(vocabulary.DOCUMENT_KIND_NAMES) == list(vocabulary.EVIDENCE)


def test_the_evidence_rule_and_the_csv_take_the_vocabularys_kinds():
    assert rules.EVIDENCE is vocabulary.EVIDENCE
    assert rules.KIND_NAMES is vocabulary.DOCUMENT_KIND_NAMES
    assert csvformat.DOCUMENT_KINDS is vocabulary.DOCUMENT_KINDS
    located = {k for k, need in vocabulary.EVIDENCE.items() if need == rules.LOCATOR}
    assert set(vocabulary.LOCATOR_HINTS) == located


def _figure_row(**evidence):
    return {
        "new_source": "Kyiv Independent",
        "new_source_kind": "media",
        "stated_on": "2024-10-28",
        "date_precision": "day",
        "figure": "3,000",
        **evidence,
    }


@pytest.mark.parametrize("kind", vocabulary.DOCUMENT_KINDS)
@pytest.mark.parametrize(
    "evidence",
    [
        {"quote": "They said 3,000."},
        {"locator": "p. 4"},
        {"quote": "They said 3,000.", "locator": "p. 4"},
        {},
    ],
    ids=["quote", "locator", "both", "neither"],
)
def test_the_figure_logging_form_keeps_the_evidence_rule(kind, evidence):
    form = LogFigureForm(_figure_row(**evidence), document_kind=kind)
    expected = rules.evidence_problems(
        document_kind=kind,
        quote=evidence.get("quote", ""),
        locator=evidence.get("locator", ""),
    )

    form.is_valid()

    assert {name: form.errors.get(name) for name in expected} == {
        name: [message] for name, message in expected.items()
    }
    assert not {"quote", "locator"} & (set(form.errors) - set(expected))


@pytest.mark.django_db
def test_a_data_set_figure_is_logged_by_its_locator_without_a_quote(
    researcher_client,
):
    document = DocumentFactory(kind=Document.Kind.DATASET, text="")
    locator = "russia_losses_equipment.json, date=2022-03-01, field=tank"
    topic = Topic.objects.create(name="Equipment losses", slug="equipment-losses")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "50",
        "new_title": "Russian tanks lost",
        "new_unit": "tanks",
        "new_topic": topic.pk,
        "save": "Save figures",
        **{f"form-0-{k}": v for k, v in _figure_row(locator=locator).items()},
    }

    response = researcher_client.post(
        reverse("admin:claims_assertion_log") + f"?document={document.pk}", data
    )

    assert response.status_code == 302
    saved = Assertion.objects.get()
    assert (saved.quote, saved.locator) == ("", locator)


# Field limits


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Topic, "name", vocabulary.TOPIC_NAME_MAX_LENGTH),
        (Claim, "title", vocabulary.CLAIM_TITLE_MAX_LENGTH),
        (Claim, "unit", vocabulary.UNIT_MAX_LENGTH),
        (Assertion, "figure", vocabulary.FIGURE_MAX_LENGTH),
        (Assertion, "locator", vocabulary.LOCATOR_MAX_LENGTH),
        (Assertion, "quote_language", vocabulary.LANGUAGE_MAX_LENGTH),
        (Translation, "language", vocabulary.LANGUAGE_MAX_LENGTH),
        (Translation, "translated_by", vocabulary.TRANSLATOR_MAX_LENGTH),
        (Source, "name", names.SOURCE_NAME_MAX_LENGTH),
        (SourceAlias, "name", names.SOURCE_NAME_MAX_LENGTH),
        (Document, "title", names.DOCUMENT_TITLE_MAX_LENGTH),
        (Document, "url", names.URL_MAX_LENGTH),
        (Document, "archive_url", names.URL_MAX_LENGTH),
    ],
)
def test_model_field_limits_are_the_vocabularys(model, field, limit):
    assert model._meta.get_field(field).max_length == limit


@pytest.mark.parametrize(
    ("column", "model", "field"),
    [
        ("claim", Claim, "title"),
        ("unit", Claim, "unit"),
        ("topic", Topic, "name"),
        ("source", Source, "name"),
        ("relayed_by", Source, "name"),
        ("figure", Assertion, "figure"),
        ("document_title", Document, "title"),
        ("document_url", Document, "url"),
        ("locator", Assertion, "locator"),
        ("quote_language", Assertion, "quote_language"),
        ("translation_language", Translation, "language"),
        ("translated_by", Translation, "translated_by"),
    ],
)
def test_each_csv_limit_is_the_limit_of_the_field_it_fills(column, model, field):
    assert csvformat.MAX_LENGTHS is vocabulary.CSV_MAX_LENGTHS
    assert csvformat.MAX_LENGTHS[column] == model._meta.get_field(field).max_length


def test_the_figure_logging_forms_limits_are_the_fields():
    claim, figure = LogClaimForm().fields, LogFigureForm().fields

    assert claim["new_title"].max_length == vocabulary.CLAIM_TITLE_MAX_LENGTH
    assert claim["new_unit"].max_length == vocabulary.UNIT_MAX_LENGTH
    assert figure["figure"].max_length == vocabulary.FIGURE_MAX_LENGTH
    assert figure["new_source"].max_length == names.SOURCE_NAME_MAX_LENGTH
    assert figure["locator"].max_length == vocabulary.LOCATOR_MAX_LENGTH


# Source-name matching


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["Ukrainian military intelligence", "  UKRAINIAN Military intelligence ", "hur"],
)
def test_the_matcher_and_the_name_key_agree(typed):
    source = SourceFactory(name="Ukrainian military intelligence")
    SourceAliasFactory(source=source, name="HUR")
    keys = {names.name_key(source.name), names.name_key("HUR")}

    assert list(Source.objects.matching(typed)) == [source]
    assert names.name_key(typed) in keys
