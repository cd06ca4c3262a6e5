import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from claims.models import Assertion, Discrepancy
from claims.pipeline import services
from claims.review import services as review_services
from sources import services as source_services
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    SourceAliasFactory,
    SourceFactory,
    stated,
)
from tests.support.fuzz import examples

pytestmark = pytest.mark.django_db

TROOPS = "north-korean-troops-in-russia"


def results(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_claims_list_with_the_pages_filters(client, seeded):
    rows = results(client, "/api/claims/", disagree="5")

    assert [row["slug"] for row in rows] == [TROOPS]
    assert rows[0]["spread_ratio"] == "7.2"
    # The lowest estimate ("up to 1,500") has no lower end; the highest ("closer to
    # 12,000") is read up to 13,200. Midpoints are never stored.
    assert (rows[0]["current_low"], rows[0]["current_high"]) == (None, "13200")


def test_claim_detail_has_current_estimates_spread_and_evolution(client, seeded):
    claim = client.get(f"/api/claims/{TROOPS}/").json()

    # The evolution of issue 24: from the first report to the current range.
    steps = [
        "several thousand (Ukrainian military intelligence (HUR), October)",
        "first batch of 1,500 (South Korea National Intelligence Service (NIS), "
        "18 Oct)",
        "up to 1,500 (Dutch intelligence services) to at least 3,000 (John Kirby), "
        "23–25 Oct",
        "3,000 (US intelligence community) to closer to 12,000 "
        "(Ukrainian military intelligence (HUR)), 28–29 Oct",
        "up to 1,500 (Dutch intelligence services) to closer to 12,000 "
        "(Ukrainian military intelligence (HUR)), 23–29 Oct",
    ]
    assert claim["evolution"] == " → ".join(steps)
    assert claim["status"] == "under_review"
    assert claim["sentences"]["status_label"] == "Under review"
    assert [step["text"] for step in claim["evolution_steps"]] == [
        step.replace(", 18 Oct)", ", 18 Oct 2024)")
        .replace(", October)", ", October 2024)")
        .replace("23–25 Oct", "23–25 Oct 2024")
        .replace("28–29 Oct", "28–29 Oct 2024")
        .replace("23–29 Oct", "23–29 Oct 2024")
        for step in steps
    ]
    assert len(claim["current_estimates"]) == 6
    top = claim["current_estimates"][0]
    assert (top["figure"], top["kind"], top["low"], top["high"]) == (
        "closer to 12,000",
        "approximate",
        "10800",
        "13200",
    )


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"claim": TROOPS}, 11),
        ({"claim": TROOPS, "kind": "at_most"}, 4),
        ({"source": "south-korea-nis"}, 3),
        ({"topic": "north-korean-armed-forces"}, 3),
        ({"stated_after": "2024-10-28", "stated_before": "2024-10-28"}, 8),
    ],
)
def test_assertion_filters(client, seeded, params, count):
    response = client.get("/api/assertions/", {**params, "page_size": 500})

    assert len(response.json()["results"]) == count


def test_assertions_use_the_models_field_names(client, seeded):
    row = results(client, "/api/assertions/", claim=TROOPS, kind="qualitative")[0]

    assert {"figure", "kind", "low", "high", "stated_on", "date_precision"} <= set(row)
    assert (row["figure"], row["stated_on"], row["date_precision"]) == (
        "several thousand",
        "2024-10-01",
        "month",
    )


def test_assertions_are_paged_newest_first_by_cursor(client, seeded):
    pages, url = [], "/api/assertions/?page_size=5"
    while url:
        page = client.get(url).json()
        pages.append(page["results"])
        url = page["next"]

    dates = [row["stated_on"] for page in pages for row in page]
    assert [len(page) for page in pages] == [5, 5, 5, 3]
    assert dates == sorted(dates, reverse=True)
    assert len({row["id"] for page in pages for row in page}) == 18


def test_claims_are_paged_by_number(client, seeded):
    page = client.get("/api/claims/", {"page_size": 5}).json()

    assert page["count"] == 8
    assert "page=2" in page["next"]


def test_invalid_filter_is_a_400_naming_the_field(client, seeded):
    response = client.get("/api/assertions/", {"stated_after": "soon"})

    assert response.status_code == 400
    assert "stated_after" in response.json()


def test_sources_with_aliases_and_filters(client, seeded):
    rows = results(client, "/api/sources/", q="GUR")

    assert [row["slug"] for row in rows] == ["ukrainian-military-intelligence-hur"]
    assert "HUR" in rows[0]["aliases"]


def test_drafts_never_leak_and_retractions_carry_their_reason(client):
    claim = ClaimFactory()
    stated(claim, "3,000", 2)
    stated(claim, "4,444", 3, status="draft")
    gone = stated(claim, "5,555", 4)
    services.assertion_retract(assertion=gone, reason="Wrong")
    hidden = ClaimFactory()
    stated(hidden, "7,777", 2, status="draft")

    body = "".join(
        client.get(url).content.decode()
        for url in ("/api/assertions/", "/api/claims/", f"/api/claims/{claim.slug}/")
    )
    rows = {row["figure"]: row for row in results(client, "/api/assertions/")}

    assert "3,000" in body
    for secret in ("4,444", "7,777", hidden.slug):
        assert secret not in body
    assert rows["5,555"]["status"] == "retracted"
    assert rows["5,555"]["retraction_reason"] == "Wrong"
    assert rows["3,000"]["status"] == "published"
    assert "5,555" not in client.get(f"/api/claims/{claim.slug}/").content.decode()
    assert client.get(f"/api/claims/{hidden.slug}/").status_code == 404


def test_only_judged_discrepancies_are_published(client, editor):
    pending, judged = ClaimFactory(), ClaimFactory()
    for claim in (pending, judged):
        stated(claim, "1,000", 2)
        stated(claim, "9,000", 3)
    review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.get(claim=pending),
        state="under_review",
        note="Private working note.",
        user=editor,
    )
    review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.get(claim=judged),
        state="explained",
        note="Different scope.",
        user=editor,
    )

    rows = results(client, "/api/discrepancies/")

    assert [(row["claim"], row["note"]) for row in rows] == [
        (judged.slug, "Different scope.")
    ]
    assert (
        "Private working note" not in client.get("/api/discrepancies/").content.decode()
    )


def test_the_api_refuses_writes(client, researcher_client, seeded):
    for c in (client, researcher_client):
        assert c.post("/api/assertions/", {"figure": "1"}).status_code in (403, 405)
        assert c.delete(f"/api/claims/{TROOPS}/").status_code in (403, 405)
    assert Assertion.objects.count() == 18


def test_schema_and_documentation_are_served(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/assertions/" in schema.content
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/" in docs.content
    assert b"cdn" not in docs.content.lower()


# Schema-driven fuzzing: every operation of /api/schema/, generated requests, no 5xx.
# The document comes from the same generator that serves /api/schema/; the requests go
# to the WSGI application in process.


def _api_schema():
    from drf_spectacular.generators import SchemaGenerator

    document = json.loads(json.dumps(SchemaGenerator().get_schema(public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = get_wsgi_application()
    return loaded


schema = _api_schema()
OPERATIONS = sum(
    method in ("get", "post", "put", "patch", "delete", "head", "options")
    for methods in schema.raw_schema["paths"].values()
    for method in methods
)


@pytest.fixture
def in_process_requests():
    """Keep the test's database connection across requests, as Django's test client
    does: a real request closes it when it finishes."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=examples(25, ci=25, operations=OPERATIONS),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz_finds_no_server_error(case, seeded, in_process_requests):
    response = case.call()

    assert response.status_code < 500, (case.path, case.query, response.text[:500])


def test_an_answer_is_built_once_a_change_and_a_write_shows_at_once(
    client, django_assert_max_num_queries
):
    claim = ClaimFactory()
    first = stated(claim, "3,000", 2)
    url = f"/api/assertions/?claim={claim.slug}"
    assert [row["figure"] for row in client.get(url).json()["results"]] == ["3,000"]

    # Kept under the site's stamp: asked again, only the stamp is read.
    with django_assert_max_num_queries(1):
        again = client.get(url)
    assert [row["figure"] for row in again.json()["results"]] == ["3,000"]

    # Each write moves the stamp, so the next answer shows it.
    stated(claim, "12,000", 9)
    assert [row["figure"] for row in client.get(url).json()["results"]] == [
        "12,000",
        "3,000",
    ]
    services.assertion_retract(assertion=first, reason="Misread the briefing.")
    rows = {row["figure"]: row for row in client.get(url).json()["results"]}
    assert rows["3,000"]["status"] == "retracted"
    assert rows["3,000"]["retraction_reason"] == "Misread the briefing."
    detail = client.get(f"/api/claims/{claim.slug}/").json()
    assert [e["figure"] for e in detail["current_estimates"]] == ["12,000"]


def test_a_renamed_source_or_retitled_document_shows_at_once(client):
    """Each list is kept under the stamp of what it shows: a source's or a
    document's edit moves it as a figure's does (derive)."""
    claim = ClaimFactory()
    figure = stated(claim, "3,000", 2, document=DocumentFactory(title="Briefing"))
    source, document = figure.source, figure.document
    assertions = f"/api/assertions/?claim={claim.slug}"
    assert source.name in {row["name"] for row in results(client, "/api/sources/")}
    assert results(client, assertions)[0]["document"]["title"] == "Briefing"

    source.name = "Ministry of Defence of Ukraine"
    source_services.source_save(source=source, reason="Its full name.")
    document.title = "Briefing of 2 October"
    source_services.document_save(document=document, reason="Its date.")

    names = {row["name"] for row in results(client, "/api/sources/")}
    assert "Ministry of Defence of Ukraine" in names
    row = results(client, assertions)[0]
    assert row["source_name"] == "Ministry of Defence of Ukraine"
    assert row["document"]["title"] == "Briefing of 2 October"


def test_made_up_parameters_neither_fill_the_cache_nor_reach_the_links(
    client, seeded, django_assert_max_num_queries
):
    first = client.get("/api/assertions/", {"page_size": 2, "utm_source": "x"})
    assert first.status_code == 200
    assert "utm_source" not in first.json()["next"]
    assert "page_size=2" in first.json()["next"]

    # Another made-up value is the same answer, from the cache; so is a filter's
    # value with its spaces collapsed.
    for junk in ("<script>alert(1)</script>", "y" * 5000):
        with django_assert_max_num_queries(1):
            answer = client.get("/api/assertions/", {"page_size": 2, "junk": junk})
        assert answer.json() == first.json()
    with django_assert_max_num_queries(1):
        spaced = client.get("/api/assertions/", {"page_size": " 2 "})
    assert spaced.json() == first.json()


def test_an_alias_of_a_source_without_figures_shows_at_once(client, seeded):
    """An alias moves no claim's stamp when its source has no figures: the
    sources' stamp reads the aliases' edits too, or the list kept its old copy."""
    lonely = SourceFactory(name="Lonely press office")

    def row():
        found = results(client, "/api/sources/", q="Lonely press")
        return [(r["name"], r["aliases"]) for r in found]

    assert row() == [("Lonely press office", [])]
    SourceAliasFactory(source=lonely, name="LPO")
    assert row() == [("Lonely press office", ["LPO"])]
    assert [r["name"] for r in results(client, "/api/sources/", q="LPO")] == [
        "Lonely press office"
    ]
