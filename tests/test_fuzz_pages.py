"""Query-parameter fuzzing of every page: whatever the query string, no page answers
with a server error. Hypothesis generates the parameters; the test client raises any
exception a view lets escape, so a 500 fails the test with the example that caused it.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import Claim, Discrepancy
from tests.test_permissions import client_for

pytestmark = pytest.mark.django_db

# The names the pages read, and what the admin's change lists read, so that generated
# queries reach the code behind them; random names come on top.
KNOWN = [
    "q", "topic", "source", "source_kind", "unit", "stated_after", "stated_before",
    "disagree", "under_review", "sort", "page", "as_of", "scale", "state", "mine",
    "assigned", "kind", "country", "reliability", "format", "o", "p", "e",
    "_changelist_filters", "status__exact", "stated_on__gte", "claim", "cursor",
    "limit", "offset", "ordering",
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

EXAMPLES_PER_PAGE = 25


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
    researcher = [
        reverse(f"admin:{model}_changelist")
        for model in (
            "claims_assertion",
            "claims_claim",
            "claims_discrepancy",
            "claims_job",
            "sources_source",
            "sources_document",
        )
    ]
    return {"anonymous": reader, "editor": editor, "researcher": researcher}


def consume(response) -> None:
    """Read a streamed download to its end, where an error would surface."""
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.mark.parametrize("role", ["anonymous", "editor", "researcher"])
def test_no_query_string_makes_any_page_fail(role, pages):
    client = client_for(role)

    @settings(
        max_examples=EXAMPLES_PER_PAGE * len(pages[role]),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(url=st.sampled_from(pages[role]), query=queries)
    def fetch(url, query):
        response = client.get(url, query)
        consume(response)
        assert response.status_code < 500, (url, query)

    fetch()
