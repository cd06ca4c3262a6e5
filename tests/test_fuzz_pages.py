"""Query-parameter fuzzing of every page: whatever the query string, no page answers
with a server error. Hypothesis generates the parameters; the test client raises any
exception a view lets escape, so a 500 fails the test with the example that caused it.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import Claim, Discrepancy
from tests.support.fuzz import examples, report
from tests.support.permissions import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# The names the pages read, and what the admin's change lists read, so that generated
# queries reach the code behind them; random names come on top.
KNOWN = [
    "q", "topic", "source", "source_kind", "unit", "stated_after", "stated_before",
    "disagree", "under_review", "sort", "page", "as_of", "scale", "state", "mine",
    "assigned", "kind", "country", "reliability", "format", "o", "p", "e",
    "_changelist_filters", "status__exact", "stated_on__gte", "claim", "cursor",
    "limit", "offset", "ordering", "_facets", "stated_on__year",
    "stated_on__month", "stated_on__day", "stated_on__lt", "published_on__year",
    "arose_on__year", "topic__id__exact", "source__id__exact", "source__kind",
    "kind__exact", "all", "_to_field", "_popup", "document", "relayed_by",
    "stated_on", "figure", "title", "name", "url", "published_on",
]  # fmt: skip

values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(str),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "2024-13-45",
            "9999-12-31",
            "0001-01-01",
            "on",
            "\x00",
            "%00",
            "' OR 1=1 --",
            "1e309",
            "NaN",
            "log",
            "linear",
            "<script>",
            "../../etc/passwd",
            "a" * 3000,
        ]
    ),  # fmt: skip
)
queries = st.dictionaries(
    st.one_of(st.sampled_from(KNOWN), st.text(min_size=1, max_size=12)),
    values,
    max_size=5,
)

STAFF_ROLES = ["researcher", "editor", "superuser"]
MODELS = [
    "claims_assertion",
    "claims_claim",
    "claims_topic",
    "claims_discrepancy",
    "sources_source",
    "sources_document",
    "jobs_job",
]


@pytest.fixture
def pages(seeded):
    claim = Claim.objects.get(slug="north-korean-troops-in-russia")
    source = claim.assertions.first().source
    reader = [
        reverse("home"),
        reverse("claims:list"),
        claim.get_absolute_url(),
        reverse("claims:list-export", args=["csv"]),
        reverse("claims:list-export", args=["json"]),
        reverse("claims:export", args=[claim.slug, "csv"]),
        reverse("sources:list"),
        source.get_absolute_url(),
        reverse("feeds:all"),
        reverse("feeds:claim", args=[claim.slug]),
        reverse("api:claim-list"),
        reverse("api:assertion-list"),
        reverse("api:source-list"),
        reverse("api:discrepancy-list"),
        reverse("api:claim-detail", args=[claim.slug]),
    ]
    editor = [
        reverse("review:queue"),
        Discrepancy.objects.live().get(claim=claim).get_absolute_url(),
    ]
    staff = [
        *editor,
        reverse("admin:index"),
        *(reverse(f"admin:{model}_changelist") for model in MODELS),
        *(reverse(f"admin:{model}_add") for model in MODELS),
        reverse("admin:claims_claim_change", args=[claim.pk]),
        reverse("admin:claims_claim_history", args=[claim.pk]),
        reverse("admin:autocomplete"),
    ]
    return {"anonymous": reader, "staff": staff}


def consume(response) -> None:
    """Read a streamed download to its end, where an error would surface."""
    if response.streaming:
        b"".join(response.streaming_content)


def test_no_query_string_makes_any_public_page_fail(pages, capsys):
    client, cases = client_for("anonymous"), 0

    @settings(
        max_examples=examples(100),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(url=st.sampled_from(pages["anonymous"]), query=queries)
    def fetch(url, query):
        nonlocal cases
        cases += 1
        response = client.get(url, query)
        consume(response)
        assert response.status_code < 500, (url, query)

    fetch()
    report(capsys, "public pages", cases)


def test_no_query_string_makes_any_staff_page_fail_for_any_role(pages, capsys):
    """Admin lists, filters, facets, date drill-downs and prefilled add forms, and
    the review pages, as each staff role: a refusal (302, 403, 404) but never a 500.
    """
    clients, cases = {role: client_for(role) for role in STAFF_ROLES}, 0

    @settings(
        max_examples=examples(100),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        role=st.sampled_from(STAFF_ROLES),
        url=st.sampled_from(pages["staff"]),
        query=queries,
    )
    def fetch(role, url, query):
        nonlocal cases
        cases += 1
        response = clients[role].get(url, query)
        consume(response)
        assert response.status_code < 500, (role, url, query)

    fetch()
    report(capsys, "staff pages", cases)
