import csv
import datetime
import io
import time
from decimal import Decimal

import pytest
from django.core import checks
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError

from claims.domain import rules
from claims.interchange import csvformat, exports
from claims.interchange.imports import ImportFailed, assertions_import
from claims.models import Assertion, Claim, Discrepancy, Topic
from claims.pipeline import services
from claims.selectors import claim_state
from sources.models import Document, Source
from tests.factories import DocumentFactory, SourceAliasFactory, SourceFactory
from tests.support.imports import (
    GOOD,
    HEADER,
    STANDING_HEADER,
    csv_of,
    row,
    standing_row,
)
from tests.support.rows import wipe_claims_data

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Assertion, Claim, Topic, Source, Document)]


def refused(data) -> list[str]:
    before = counts()
    with pytest.raises(ImportFailed) as raised:
        assertions_import(data=data)
    assert counts() == before, "a refused import must write nothing"
    return [str(error) for error in raised.value.errors]


def test_a_good_file_creates_claim_topic_source_document_and_assertion(researcher):
    summary = assertions_import(data=csv_of(GOOD), user=researcher)

    assertion = Assertion.objects.select_related("claim__topic", "source").get()
    assert (assertion.kind, assertion.low, assertion.high) == ("exact", 10000, 10000)
    assert assertion.claim.topic.name == "NK troops 2024"
    assert assertion.source.kind == "military"
    assert assertion.document.url == "https://example.org/c"
    assert assertion.created_by == researcher
    assert assertion.history.get().history_change_reason == "Imported from CSV"
    assert summary.created["assertions"] == 1


def test_importing_the_same_file_twice_adds_nothing():
    data = csv_of(GOOD, row(source="NIS", source_kind="intelligence", figure="1,500"))
    assertions_import(data=data)

    summary = assertions_import(data=data)

    assert Assertion.objects.count() == 2
    assert summary.created["assertions"] == 0
    assert summary.skipped["assertions"] == 2
    assert "assertions: created 0, already present 2" in summary.lines()


def test_sources_are_matched_by_alias_ignoring_case():
    hur = SourceFactory(name="Ukrainian military intelligence (HUR)")
    SourceAliasFactory(source=hur, name="GUR")

    assertions_import(data=csv_of(row(source="gur", source_kind="")))

    assert Assertion.objects.get().source == hur
    assert Source.objects.count() == 1


def test_month_and_year_dates_set_the_precision():
    assertions_import(
        data=csv_of(
            row(stated_on="2024-10", figure="several thousand"),
            row(stated_on="2024", figure="1,500"),
        )
    )

    precisions = dict(Assertion.objects.values_list("figure", "date_precision"))
    assert precisions == {"several thousand": "month", "1,500": "year"}


def test_the_import_refreshes_summary_and_discrepancies():
    assertions_import(
        data=csv_of(row(source="A", figure="1,000"), row(source="B", figure="9,000"))
    )

    claim = Claim.objects.get()
    assert (claim.assertion_count, claim.spread_ratio) == (2, 9)
    assert Discrepancy.objects.live().filter(claim=claim).exists()


NO_QUOTE = HEADER.replace(",quote", "")
LATIN_1 = "claim,unit\n\xff\n".encode("latin-1")


@pytest.mark.parametrize(
    ("data", "where", "what"),
    [
        (csv_of(GOOD, header=NO_QUOTE), "line 1, column quote", "missing"),
        (csv_of(GOOD, header=HEADER + ",colour"), "line 1, column colour", "unknown"),
        (csv_of(row(stated_on="28/10/2024")), "line 2, column stated_on", "is not"),
        (csv_of(row(stated_on="2024-02-30")), "line 2, column stated_on", "not a date"),
        (csv_of(row(figure="lots")), "line 2, column figure", "no recognisable"),
        (csv_of(row(figure="12,000–10,000")), "line 2, column figure", "reversed"),
        (csv_of(row(source_kind="spy")), "line 2, column source_kind", "“spy” is not"),
        (csv_of(row(quote="")), "line 2, column quote", "needs its quote"),
        (csv_of(row(document_url="no url")), "line 2, column document_url", "web"),
        (
            csv_of(row(stated_on="2024-11-01")),
            "line 2, column stated_on",
            "a report cannot precede the statement",
        ),
        ("", "line 1", "the file is empty"),
        (HEADER + "\n", "line 2", "the file has a header but no rows"),
        (LATIN_1, "line 2", "the file is not UTF-8 (byte 0xff)"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(data, where, what):
    errors = refused(data)

    assert any(e.startswith(f"{where}: ") and what in e for e in errors), errors


def test_every_bad_row_is_reported_not_just_the_first():
    errors = refused(csv_of(GOOD, row(figure="-5"), GOOD, row(stated_on="soon")))

    assert [error.split(":")[0] for error in errors] == [
        "line 3, column figure",
        "line 5, column stated_on",
    ]


def test_a_new_source_needs_its_kind():
    errors = refused(csv_of(row(source="Nobody we know", source_kind="")))

    assert errors == [
        "line 2, column source_kind: “Nobody we know” is a new source: "
        "give its source_kind"
    ]


def test_a_claim_keeps_its_unit():
    errors = refused(csv_of(GOOD, row(unit="tanks", figure="5")))

    assert errors == [
        "line 3, column unit: “North Korean troops in Russia” is counted in troops, "
        "not tanks"
    ]


def test_relays_must_name_a_known_source():
    data = (
        csv_of(GOOD)
        .replace(HEADER, HEADER + ",relayed_by")
        .replace("2024-10-29\n", "2024-10-29,Unknown relay\n")
    )

    assert refused(data) == [
        "line 2, column relayed_by: no source named “Unknown relay”; add it first"
    ]


def test_one_bad_row_among_ten_thousand_writes_nothing_and_is_named():
    rows = [row(source=f"Source {n % 50}", figure=f"{n + 1:,}") for n in range(10_000)]
    rows[7_340] = row(source="Source 3", figure="twelve-ish")

    errors = refused(csv_of(*rows))

    assert len(errors) == 1
    assert errors[0].startswith("line 7342, column figure:")


def test_dry_run_counts_and_writes_nothing():
    summary = assertions_import(data=csv_of(GOOD), dry_run=True)

    assert summary.created["assertions"] == 1
    assert counts() == [0, 0, 0, 0, 0]


def test_hand_set_interpretation_survives_the_import():
    data = csv_of(GOOD, header=HEADER).replace(HEADER, HEADER + ",kind,low,high")
    data = data.replace("2024-10-29\n", "2024-10-29,range,9000,11000\n")

    assertions_import(data=data)

    assertion = Assertion.objects.get()
    assert (assertion.kind, assertion.low, assertion.high) == ("range", 9000, 11000)
    assert assertion.is_overridden


def test_read_and_hand_set_figures_in_one_file_are_written_with_their_history(
    researcher,
):
    # The write takes each row's values as they are (no model row is built for
    # it): a hand-set row after a read one keeps its own, and each has its history.
    plain = row(figure="about 12,000", stated_on="2024-10-28") + ",,,"
    hand_set = row() + ",range,9000,11000"
    data = csv_of(plain, hand_set, header=HEADER + ",kind,low,high")

    assertions_import(data=data, user=researcher)

    read, set_by_hand = Assertion.objects.order_by("stated_on")
    assert (read.kind, read.low, read.high, read.value) == (
        "approximate",
        Decimal("10800"),
        Decimal("13200"),
        Decimal("12000"),
    )
    assert (set_by_hand.kind, set_by_hand.low, set_by_hand.high) == (
        "range",
        9000,
        11000,
    )
    assert set_by_hand.is_overridden and set_by_hand.value is None
    for assertion in (read, set_by_hand):
        (history,) = assertion.history.all()
        assert history.history_type == "+"
        assert history.history_user == researcher
        assert history.history_change_reason == "Imported from CSV"
        assert (history.kind, history.low, history.high, history.value) == (
            assertion.kind,
            assertion.low,
            assertion.high,
            assertion.value,
        )
        assert assertion.created_by == researcher


def test_hand_set_bounds_that_do_not_fit_the_kind_are_refused():
    data = csv_of(GOOD).replace(HEADER, HEADER + ",kind,low,high")
    data = data.replace("2024-10-29\n", "2024-10-29,at_least,9000,11000\n")

    assert refused(data) == [f"line 2, column kind: {rules.MESSAGES['bounds_kind']}"]


def test_quotes_are_checked_against_a_stored_document_text(seeded):
    document = Document.objects.get(title__startswith="What do North Korean")
    data = csv_of(
        row(
            document_title=document.title,
            document_url="",
            document_published_on="",
            quote="Invented words.",
        )
    )

    assert refused(data) == [f"line 2, column quote: {rules.MESSAGES['quote_missing']}"]


# Round trip and exports


def test_export_import_export_is_byte_identical(seeded):
    first = "".join(exports.csv_text(exports.exported_assertions()))
    wipe_claims_data()

    assertions_import(data=first.encode())
    second = "".join(exports.csv_text(exports.exported_assertions()))

    assert Assertion.objects.count() == 18
    assert second == first


def test_export_command_writes_csv_and_json(seeded, tmp_path):
    out = io.StringIO()

    call_command(
        "export_assertions", "--claim", "north-korean-troops-in-russia", stdout=out
    )
    call_command(
        "export_assertions", "--format", "json", "--output", str(tmp_path / "all.json")
    )

    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(csvformat.COLUMNS)
    assert len(lines) == 12
    assert '"figure": "closer to 12,000"' in (tmp_path / "all.json").read_text()


def test_exports_never_contain_drafts(seeded):
    hidden = Assertion.objects.get(figure="10,000")
    hidden.status = "draft"
    hidden.save()

    text = "".join(exports.csv_text(exports.exported_assertions()))

    assert "Pentagon now believes" not in text


PENTAGON_WITHDREW = "The Pentagon corrected its briefing the next day."
HUR_SCOPE = "HUR counts troops on their way, not those in Kursk: a different scope."


def _retract_and_set_aside(researcher, editor):
    """Retract the Pentagon's 10,000 and set HUR's "closer to 12,000" aside."""
    retracted = services.assertion_retract(
        assertion=Assertion.objects.get(figure="10,000"),
        reason=PENTAGON_WITHDREW,
        user=researcher,
    )
    aside = services.assertion_set_aside(
        assertion=Assertion.objects.get(figure="closer to 12,000"),
        reason=HUR_SCOPE,
        user=editor,
    )
    return retracted, aside


def test_an_export_carries_each_figures_status_retraction_and_set_aside(
    seeded, researcher, editor
):
    retracted, aside = _retract_and_set_aside(researcher, editor)

    rows = list(csv.DictReader(io.StringIO(_export())))

    by_figure = {r["figure"]: r for r in rows}
    assert len(rows) == 18  # the retracted figure stays on record
    assert {r["status"] for r in rows} == {"published", "retracted"}
    pentagon = by_figure["10,000"]
    assert (pentagon["status"], pentagon["retraction_reason"]) == (
        "retracted",
        PENTAGON_WITHDREW,
    )
    assert pentagon["retracted_at"] == retracted.retracted_at.isoformat()
    hur = by_figure["closer to 12,000"]
    assert (hur["status"], hur["set_aside_reason"]) == ("published", HUR_SCOPE)
    assert hur["set_aside_at"] == aside.set_aside_at.isoformat()


def test_retractions_and_set_asides_survive_export_import_export(
    seeded, researcher, editor
):
    retracted, aside = _retract_and_set_aside(researcher, editor)
    first = _export()
    wipe_claims_data()

    summary = assertions_import(data=first.encode(), user=editor)

    assert summary.created["assertions"] == 18
    assert _export() == first
    again = Assertion.objects.get(figure="10,000")
    assert (again.status, again.retraction_reason, again.retracted_at) == (
        "retracted",
        PENTAGON_WITHDREW,
        retracted.retracted_at,
    )
    hur = Assertion.objects.get(figure="closer to 12,000")
    assert (hur.set_aside_reason, hur.set_aside_at, hur.set_aside_by) == (
        HUR_SCOPE,
        aside.set_aside_at,
        editor,
    )
    # What follows is derived as before: neither figure counts.
    claim = Claim.objects.get(slug="north-korean-troops-in-russia")
    state = claim_state(claim)
    assert hur.pk not in {p.id for p in state.summary.estimates}
    assert again.pk not in {p.id for p in state.summary.estimates}
    assert [p.id for p in state.summary.set_aside] == [hur.pk]


def test_importing_an_export_into_its_own_database_adds_nothing(
    seeded, researcher, editor
):
    _retract_and_set_aside(researcher, editor)

    summary = assertions_import(data=_export().encode(), user=editor)

    assert summary.created["assertions"] == 0
    assert summary.skipped["assertions"] == 18
    assert Assertion.objects.retracted().count() == 1


def test_only_an_editors_import_sets_figures_aside(seeded, researcher, editor):
    _retract_and_set_aside(researcher, editor)
    data = _export()
    wipe_claims_data()

    with pytest.raises(ImportFailed) as raised:
        assertions_import(data=data.encode(), user=researcher)

    line = next(
        n
        for n, text in enumerate(data.splitlines(), start=1)
        if text.startswith("North Korean troops in Russia,troops,")
        and HUR_SCOPE in text
    )
    assert [str(e) for e in raised.value.errors] == [
        f"line {line}, column set_aside_reason: only editors set figures aside: ask "
        "an editor to import this file, or empty the column"
    ]
    assert not Assertion.objects.exists()


def test_a_retraction_of_a_figure_recorded_as_published_is_refused():
    assertions_import(data=csv_of(GOOD))
    retraction = standing_row(
        {"status": "retracted", "retraction_reason": "Withdrawn."}
    )

    errors = refused(csv_of(retraction, header=STANDING_HEADER))

    assert errors == [
        "line 2, column status: this figure is recorded as published; an import "
        "only adds figures: retract it on its page in the admin"
    ]


def _export() -> str:
    return "".join(exports.csv_text(exports.exported_assertions()))


def test_import_command_names_rows_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(csv_of(row(figure="lots")), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 1 error"):
        call_command("import_assertions", str(path), stderr=err)

    assert "line 2, column figure" in err.getvalue()


def test_import_command_dry_run(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(csv_of(GOOD), encoding="utf-8")
    out = io.StringIO()

    call_command("import_assertions", str(path), "--dry-run", stdout=out)

    assert "assertions: would create 1" in out.getvalue()
    assert not Assertion.objects.exists()


@pytest.fixture
def failing_checks():
    """Register a failing system check under the tags asked for; unregister it."""
    added = []

    def register(tag: str) -> None:
        def failing(app_configs=None, **kwargs):
            return [checks.Error(f"a broken {tag} check", id=f"tests.E{len(added)}")]

        checks.register(failing, tag)
        added.append(failing)

    yield register
    for check in added:
        checks.registry.registry.registered_checks.discard(check)


def test_import_command_stops_on_a_broken_model_check(tmp_path, failing_checks):
    path = tmp_path / "good.csv"
    path.write_text(csv_of(GOOD), encoding="utf-8")
    failing_checks(checks.Tags.models)

    with pytest.raises(SystemCheckError, match="a broken models check"):
        call_command("import_assertions", str(path), skip_checks=False)

    assert not Assertion.objects.exists()


def test_import_command_does_not_stop_for_the_rest_of_the_site(
    tmp_path, failing_checks
):
    # The URL map's and the templates' checks are the servers' and `manage.py
    # check`'s: the import writes models only, and starts 0.35 s sooner.
    path = tmp_path / "good.csv"
    path.write_text(csv_of(GOOD), encoding="utf-8")
    failing_checks(checks.Tags.urls)
    failing_checks(checks.Tags.templates)

    call_command("import_assertions", str(path), skip_checks=False)

    assert Assertion.objects.count() == 1


def test_decimal_bounds_are_written_plainly(seeded):
    text = "".join(exports.csv_text(exports.exported_assertions()))

    assert ",approximate,10800,13200," in text
    assert Decimal("10800") == Assertion.objects.get(figure="closer to 12,000").low


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"stated_on": "2024-11-01"}, "stated_on", "a report cannot precede"),
        ({"quote": "Nothing like this was said."}, "quote", "does not occur"),
        ({"stated_on": "2999-01-01"}, "stated_on", "Give a date from 1 Jan 1800"),
    ],
)
def test_form_and_import_refuse_the_same_values_with_the_same_message(
    fields, field, message
):
    from datetime import date

    from django.core.exceptions import ValidationError

    from claims.models import Assertion
    from tests.factories import ClaimFactory, DocumentFactory, SourceFactory

    document = DocumentFactory(
        title="Brief",
        url="",
        published_on=date(2024, 10, 29),
        text="Officials said 3,000.",
    )
    values = {"stated_on": "2024-10-28", "quote": "Officials said 3,000.", **fields}
    assertion = Assertion(
        claim=ClaimFactory(),
        source=SourceFactory(),
        document=document,
        figure="3,000",
        stated_on=date.fromisoformat(values["stated_on"]),
        quote=values["quote"],
    )
    with pytest.raises(ValidationError) as form_error:
        assertion.full_clean()
    form_message = form_error.value.message_dict[field][0]

    data = csv_of(row(document_title="Brief", document_url="", **fields))
    import_message = refused(data)[0].split(f"column {field}: ", 1)[1]

    assert message in form_message
    assert form_message == import_message


def test_an_import_started_while_another_runs_is_told_who_and_writes_nothing(
    researcher,
):
    from claims.interchange.imports import ImportBusy
    from claims.jobs.models import ImportLock

    ImportLock.objects.create(holder="rita")
    before = counts()

    with pytest.raises(ImportBusy) as busy:
        assertions_import(data=csv_of(GOOD), user=researcher)

    assert "rita is importing a file (since" in str(busy.value)
    assert counts() == before


def test_the_import_lock_is_released_when_an_import_fails():
    from claims.jobs.models import ImportLock

    refused(csv_of(row(figure="abc123xyz")))

    assert not ImportLock.objects.exists()
    assertions_import(data=csv_of(GOOD))


OVERRIDE = HEADER + ",kind,low,high"


def with_bounds(kind: str, low: str, high: str) -> str:
    data = csv_of(GOOD).replace(HEADER, OVERRIDE)
    return data.replace("2024-10-29\n", f"2024-10-29,{kind},{low},{high}\n")


# Issue 13, "Seen at the doors": each of these once answered 500 or was rounded.
@pytest.mark.parametrize(
    ("data", "where", "what"),
    [
        (with_bounds("range", "-5", "10"), "line 2, column low", "negative"),
        (with_bounds("range", "NaN", "10"), "line 2, column low", "not a finite"),
        (with_bounds("range", "sNaN", "10"), "line 2, column low", "not a finite"),
        (with_bounds("range", "1", "Infinity"), "line 2, column high", "not a fini"),
        (with_bounds("range", "1", "1e30"), "line 2, column high", "largest figure"),
        (with_bounds("range", "1.23456", "9"), "line 2, column low", "not rounded"),
        (csv_of(row(figure="1e30")), "line 2, column figure", "scientific"),
        (csv_of(row(figure="1.23456")), "line 2, column figure", "decimal places"),
        (csv_of(row(claim="Troops\x00")), "line 2, column claim", "NUL"),
        (csv_of(row(quote="He said\x00 10000")), "line 2, column quote", "NUL"),
        (
            csv_of(row(document_title="", document_url="https://e.org/" + "a" * 600)),
            "line 2, column document_title",
            "give the document a title",
        ),
        (csv_of(row(document_url="ftp://e.org")), "line 2, column document_url", "ht"),
        (csv_of(row(source="HUR\u202e")), "line 2, column source", "U+202E"),
        (csv_of(row(topic="NK\x1b[31m")), "line 2, column topic", "U+001B"),
        (csv_of(row(claim="Troops\u2066")), "line 2, column claim", "U+2066"),
        (csv_of(row(document_title="\u202a")), "line 2, column document_title", "202A"),
        (csv_of(row(stated_on="9999-12-31")), "line 2, column stated_on", "1800"),
        (csv_of(row(stated_on="0001-01-01")), "line 2, column stated_on", "1800"),
        (
            csv_of(row(document_published_on="9999-12-31")),
            "line 2, column document_published_on",
            "Give a date from 1 Jan 1800",
        ),
        (
            csv_of(row(document_published_on="0001-01-01")),
            "line 2, column document_published_on",
            "Give a date from 1 Jan 1800",
        ),
        (csv_of(GOOD, 'a,b,"unclosed'), "line 3", "is not closed"),
    ],
)  # fmt: skip
def test_hostile_cells_are_refused_naming_line_and_column(data, where, what):
    errors = refused(data)

    assert any(e.startswith(f"{where}: ") and what in e for e in errors), errors


def test_direction_marks_stay_allowed_in_names():
    assertions_import(data=csv_of(row(source="\u200fمصدر\u200e")))

    assert Source.objects.get().name == "\u200fمصدر\u200e"


def test_a_header_of_a_hundred_thousand_columns_is_refused_in_one_pass():
    header = HEADER + "," + ",".join(f"c{n}" for n in range(100_000))

    errors = refused(csv_of(GOOD, header=header))

    assert errors[0] == (
        "line 1, column "
        + ", ".join(f"c{n}" for n in range(csvformat.LISTED))
        + f" and {100_000 - csvformat.LISTED:,} more: unknown column(s)"
    )


def test_repeated_columns_are_named_once():
    errors = refused(csv_of(GOOD + ",x", header=HEADER + ",claim"))

    assert "line 1, column claim: repeated column(s)" in errors


def test_empty_columns_after_the_last_are_named_by_their_place():
    """A spreadsheet keeps empty columns after the last ("…,document_published_on,,"):
    the error says which, where it listed no name at all."""
    errors = refused(csv_of(GOOD + ",,", header=HEADER + ",,"))

    assert errors == [
        "line 1: columns 12, 13 of the header have no name: delete the empty "
        "columns (a spreadsheet often keeps some after the last)"
    ]


def test_a_file_separated_by_semicolons_is_named_so():
    data = csv_of(GOOD.replace(",", ";"), header=HEADER.replace(",", ";"))

    assert refused(data) == [f"line 1: {csvformat.SEMICOLONS}"]


def test_a_file_past_the_row_limit_is_refused_before_the_rest_is_parsed(settings):
    settings.CLAIMTRACKER_IMPORT_MAX_ROWS = 100
    # 100 good rows, then 100,000 more whose figures would each be an error:
    # the refusal names only the limit, so the rest was never parsed.
    rest = (row(figure="not a figure") + "\n") * 100_000
    data = csv_of(*[row(stated_on=f"2024-10-{n % 28 + 1:02}") for n in range(100)])

    started = time.monotonic()
    errors = refused(data + rest)

    assert errors == ["line 1: the file has more than 100 rows"]
    assert time.monotonic() - started < 5  # parsing every row took far longer


def test_a_relay_may_name_a_source_that_a_much_later_row_introduces():
    # More rows than the import keeps in memory at once (its Spool's batch of
    # 1,000): the relay on line 2 is resolved after every source has been read.
    rows = [
        row(source=f"Source {n % 40}", figure=f"{n + 1:,}") + "," for n in range(1_500)
    ]
    rows[0] = rows[0].removesuffix(",") + ",Late Agency"
    rows[1_400] = row(source="Late Agency", source_kind="ngo", figure="1,401") + ","
    data = csv_of(*rows).replace(HEADER, HEADER + ",relayed_by")

    summary = assertions_import(data=data)

    assert summary.created["assertions"] == 1_500
    relayed = Assertion.objects.get(relayed_by__isnull=False)
    assert (relayed.figure, relayed.relayed_by.name) == ("1", "Late Agency")
    assert Source.objects.filter(name="Late Agency").count() == 1


def test_a_relay_to_a_source_that_later_rows_name_without_a_kind_is_refused():
    # "Ghost Agency" is named as a source further down, but never with its kind,
    # so it is never made: the relay on line 2 names no source, and the messages
    # come in the file's order, whichever check found them.
    rows = [
        row(figure="1,000") + ",Ghost Agency",
        row(source="Ghost Agency", source_kind="", figure="2,000") + ",",
        row(unit="tanks", figure="3,000") + ",",
    ]
    data = csv_of(*rows).replace(HEADER, HEADER + ",relayed_by")

    assert refused(data) == [
        "line 2, column relayed_by: no source named “Ghost Agency”; add it first",
        "line 3, column source_kind: “Ghost Agency” is a new source: give its "
        "source_kind",
        "line 4, column unit: “North Korean troops in Russia” is counted in troops, "
        "not tanks",
    ]


def test_a_relay_to_its_own_rows_source_by_another_name_is_refused():
    hur = SourceFactory(name="Ukrainian military intelligence (HUR)")
    SourceAliasFactory(source=hur, name="GUR")
    data = csv_of(
        row(source="GUR", source_kind="", figure="1,000")
        + ",Ukrainian military intelligence (HUR)"
    ).replace(HEADER, HEADER + ",relayed_by")

    assert refused(data) == [
        f"line 2, column relayed_by: {rules.MESSAGES['self_relay']}"
    ]


def late_names_file(last_row: str) -> str:
    """Return 2,500 rows (more than the Spool writes to disk at a time, so the
    last rows are in its last, partial batch) ending with `last_row`."""
    rows = [row(source=f"Source {n % 40}", figure=f"{n + 1:,}") for n in range(2_499)]
    return csv_of(*rows, last_row)


def test_names_first_given_in_the_last_row_are_found_and_counted_alike():
    recorded = SourceFactory(name="Oryx")
    data = late_names_file(
        row(
            claim="A claim named last",
            topic="A topic named last",
            source="ORYX",  # recorded: matched, not made again
            source_kind="",
            document_title="A report named last",
            document_url="https://example.org/last",
            figure="2,500",
        )
    )

    preview = assertions_import(data=data, dry_run=True)
    summary = assertions_import(data=data)

    assert preview.lines() == [
        line.replace("created", "would create") for line in summary.lines()
    ]
    assert (summary.created, summary.skipped["sources"]) == (
        {"topics": 2, "claims": 2, "sources": 40, "documents": 2, "assertions": 2_500},
        1,
    )
    assert "A claim named last" in preview.new_names["claims"]
    assert "ORYX" not in preview.new_names["sources"]
    last = Assertion.objects.get(figure="2,500")
    assert (last.claim.title, last.source, last.document.title) == (
        "A claim named last",
        recorded,
        "A report named last",
    )


def test_a_document_given_another_kind_in_the_last_row_is_refused_by_the_preview():
    DocumentFactory(
        title="Commentary",
        url="https://example.org/c",
        kind="article",
        published_on=datetime.date(2024, 10, 29),  # the rows' date
    )
    rows = [
        row(source=f"Source {n % 40}", figure=f"{n + 1:,}") + "," for n in range(2_499)
    ]
    data = csv_of(*rows, row(figure="2,500") + ",dataset").replace(
        HEADER, HEADER + ",document_kind", 1
    )

    with pytest.raises(ImportFailed) as raised:
        assertions_import(data=data, dry_run=True)

    assert [str(error) for error in raised.value.errors] == [
        "line 2501, column document_kind: the document “Commentary” is recorded "
        "as article; line 2501 gives dataset"
    ]


def test_claims_and_topics_match_as_names_do_whatever_hides_in_them():
    """A title with a zero-width space at its end, or a no-break space inside,
    names the claim and topic it displays as (they made silent duplicates)."""
    assertions_import(data=csv_of(row(figure="1,001")))
    claims, topics = Claim.objects.count(), Topic.objects.count()
    title, topic = "North Korean troops in Russia", "NK troops 2024"

    summary = assertions_import(
        data=csv_of(
            row(claim=title + "\u200b", figure="1,002"),
            row(
                claim=title.replace(" ", "\u00a0", 1),
                topic="NK\u00a0troops 2024",
                figure="1,003",
            ),
        )  # fmt: skip
    )

    assert (Claim.objects.count(), Topic.objects.count()) == (claims, topics)
    assert summary.created["assertions"] == 2
    assert set(Claim.objects.get(title=title).assertions.values_list(
        "figure", flat=True)) == {"1,001", "1,002", "1,003"}  # fmt: skip
    assert Topic.objects.filter(name=topic).exists()


def test_rows_that_give_one_document_two_dates_or_titles_are_refused():
    """The first row's date and title won silently, and a later row's figure was
    checked against a date it never gave."""
    url = "https://example.org/briefing"
    data = csv_of(
        row(document_url=url, document_title="Briefing", figure="1,001",
            document_published_on="2024-10-29"),
        row(document_url=url, document_title="Briefing, corrected", figure="1,002",
            document_published_on="2024-10-30"),
        row(document_url=url, document_title="Briefing", figure="1,003",
            document_published_on="2024-10-29"),
    )  # fmt: skip

    with pytest.raises(ImportFailed) as failed:
        assertions_import(data=data)

    assert [str(e) for e in failed.value.errors] == [
        "line 3, column document_published_on: line 2 dates the document "
        "“Briefing” 2024-10-29; this row gives 2024-10-30: a document has one date",
        "line 3, column document_title: line 2 titles the document at this URL "
        "“Briefing”: a document has one title",
    ]
    assert not Document.objects.filter(url=url).exists()


def test_a_row_giving_a_recorded_document_another_date_is_refused():
    assertions_import(data=csv_of(row(figure="1,001")))
    recorded = Document.objects.get(url="https://example.org/c")

    with pytest.raises(ImportFailed) as failed:
        assertions_import(
            data=csv_of(row(figure="1,002", document_published_on="2024-10-30"))
        )

    (error,) = failed.value.errors
    assert str(error) == (
        "line 2, column document_published_on: the record dates the document "
        f"“{recorded.title}” 2024-10-29; this row gives 2024-10-30: a document has "
        "one date"
    )


def test_rows_that_give_a_new_source_two_kinds_or_a_new_claim_two_topics_are_refused():
    """The first row's kind, grade and topic won silently (the second topic was
    made, empty)."""
    header = HEADER + ",reliability"
    data = csv_of(
        row(source="Delta Relief", source_kind="ngo", figure="1,001") + ",",
        row(source="Delta Relief", source_kind="military", figure="1,002") + ",B",
        row(claim="Wells dug", topic="Water", figure="1,003") + ",",
        row(claim="Wells dug", topic="Water, 2025", figure="1,004") + ",",
        header=header,
    )

    assert refused(data) == [
        "line 3, column source_kind: line 2 gives the new source “Delta Relief” "
        "the kind ngo, this row military: a source has one kind",
        "line 3, column reliability: line 2 gives the new source “Delta Relief” no "
        "grade, this row B: a source has one grade",
        "line 5, column topic: line 4 puts the new claim “Wells dug” in “Water”: a "
        "claim has one topic",
    ]


def test_a_row_of_a_recorded_claim_makes_no_topic_and_counts_what_it_names():
    """A recorded claim keeps its topic: a row giving another made that topic,
    empty. Names count once each, however a row names them (an alias)."""
    assertions_import(data=csv_of(row(figure="1,001")))
    SourceAliasFactory(source=Source.objects.get(name="Pentagon"), name="DoD")

    summary = assertions_import(
        data=csv_of(
            row(topic="Some brand new topic", figure="1,002"),
            row(source="DoD", figure="1,003"),
            row(source="dod", figure="1,004"),
        )
    )

    assert not Topic.objects.filter(name="Some brand new topic").exists()
    assert summary.created["topics"] == 0
    assert (summary.skipped["claims"], summary.skipped["sources"]) == (1, 1)


def test_blank_lines_count_in_no_row_limit(settings):
    """A spreadsheet's export ends in lines of commas: they are no rows."""
    settings.CLAIMTRACKER_IMPORT_MAX_ROWS = 4
    blank = "," * (len(csvformat.REQUIRED) - 1)
    data = csv_of(*[row(figure=f"{n},001") for n in range(1, 4)], blank, blank, blank)

    assert assertions_import(data=data).created["assertions"] == 3


def test_a_bound_that_is_no_number_is_the_one_error_of_its_row():
    header = HEADER + ",kind,low,high"
    data = csv_of(row(figure="between 10 and 20") + ",range,0x10,20", header=header)

    assert refused(data) == ["line 2, column low: “0x10” is not a number"]


def test_a_date_given_after_a_row_that_gave_its_document_none_is_refused():
    """The later row's date was dropped, the document saved undated, and that
    row's figure never checked against it. A title after a URL-only row is the
    document's first title, not a second one."""
    url = "https://example.org/undated"
    data = csv_of(
        row(document_url=url, document_title="", document_published_on="",
            figure="1,001"),
        row(document_url=url, document_title="Undated report", figure="1,002",
            document_published_on="2024-10-29"),
    )  # fmt: skip

    assert refused(data) == [
        "line 3, column document_published_on: line 2 gives the document "
        f"“{url}” no date; this row gives 2024-10-29: a document has one date (give "
        "it on each of its rows, or date a recorded one in the admin first)"
    ]
