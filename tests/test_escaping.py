"""Markup typed into any text field is shown as text everywhere: reader pages, the
chart, the review and admin pages, feeds, JSON-LD, the API and the downloads."""

import datetime
import json

import pytest
from django.urls import reverse

from claims import csvformat, services
from claims.models import Assertion, Discrepancy
from sources.models import Document, Source, SourceAlias
from tests.factories import ClaimFactory, TopicFactory, UserFactory
from tests.test_permissions import GET_MATRIX, PUBLIC, client_for

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("xss")</script>'
TAG = "<img src=x onerror=alert(1)>"
PAYLOAD = f"{SCRIPT}{TAG}&amp; \"quoted\" 'single'"
RAW = (SCRIPT, TAG, "</script><script>")


@pytest.fixture
def hostile():
    """A claim whose every typed-in text carries markup, with a judged conflict."""
    topic = TopicFactory(name=f"Topic {PAYLOAD}", description=PAYLOAD)
    claim = ClaimFactory(
        title=f"Troops {PAYLOAD}",
        slug="hostile",
        topic=topic,
        unit=f"troops{TAG}",
        description=PAYLOAD,
        scope=PAYLOAD,
    )
    sources = [
        Source.objects.create(
            name=f"Agency {n} {PAYLOAD}", slug=f"agency-{n}", kind="government"
        )
        for n in (1, 2)
    ]
    for source in sources:
        SourceAlias.objects.create(source=source, name=f"A{source.pk}{TAG}")
        source.notes = PAYLOAD
        source.save()
    document = Document.objects.create(
        title=f"Report {PAYLOAD}",
        publisher=sources[0],
        url="https://example.org/report",
        published_on=datetime.date(2024, 10, 20),
    )
    for day, figure, source in ((10, "1,000", sources[0]), (20, "9,000", sources[1])):
        services.assertion_create(
            claim=claim,
            source=source,
            document=document,
            stated_on=datetime.date(2024, 10, day),
            figure=figure,
            quote=f"{PAYLOAD} {figure}",
            notes=PAYLOAD,
        )
    services.discrepancy_judge(
        discrepancy=Discrepancy.objects.live().get(claim=claim),
        state="explained",
        note=PAYLOAD,
        user=UserFactory(username="judge", is_superuser=True),
    )
    return claim


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def reader_urls(claim) -> list[str]:
    source = claim.assertions.first().source
    return [
        reverse("home"),
        reverse("claims:list"),
        reverse("claims:list") + "?q=Troops",
        claim.get_absolute_url(),
        claim.get_absolute_url() + "?scale=log",
        reverse("sources:list"),
        source.get_absolute_url(),
        reverse("feeds:all"),
        reverse("feeds:claim", args=[claim.slug]),
        reverse("feeds:topic", args=[claim.topic.slug]),
    ]


def test_every_public_page_kind_is_covered():
    public_pages = {name for name, codes in GET_MATRIX.items() if codes == PUBLIC}
    covered = {"home", "claims:list", "claims:detail", "sources:list"}
    covered |= {"sources:detail", "feeds:all", "feeds:claim", "feeds:topic"}
    # The API, its docs and the downloads are checked below in their own formats.
    elsewhere = {name for name in public_pages if name.startswith("api:")}
    elsewhere |= {"claims:export", "claims:list-export"}
    assert public_pages - covered - elsewhere == set()


def test_markup_is_shown_as_text_on_reader_pages_the_chart_and_feeds(client, hostile):
    for url in reader_urls(hostile):
        response = client.get(url)
        page = body_of(response)

        assert response.status_code == 200, url
        for raw in RAW:
            assert raw not in page, f"{raw} unescaped on {url}"
        assert "&lt;script&gt;" in page or "\\u003Cscript\\u003E" in page, url


def test_the_chart_labels_carry_the_names_as_text(client, hostile):
    page = body_of(client.get(hostile.get_absolute_url()))
    start = page.index('<svg class="chart-plot"')
    chart = page[start : page.index("</svg>", start)]

    assert "Agency 1 &lt;script&gt;" in chart
    assert SCRIPT not in chart


def test_json_ld_cannot_close_its_script_element(client, hostile):
    page = body_of(client.get(hostile.get_absolute_url()))
    start = page.index('<script type="application/ld+json">')
    block = page[start : page.index("</script>", start)]

    data = json.loads(block.split(">", 1)[1])
    assert data["name"] == hostile.title
    assert "<" not in block.split(">", 1)[1]


@pytest.mark.parametrize("role", ["editor", "researcher"])
def test_markup_is_shown_as_text_on_review_and_admin_pages(role, hostile):
    client = client_for(role)
    assertion = hostile.assertions.first()
    urls = [
        reverse("admin:claims_claim_change", args=[hostile.pk]),
        reverse("admin:claims_assertion_change", args=[assertion.pk]),
        reverse("admin:claims_assertion_changelist"),
        reverse("admin:sources_source_change", args=[assertion.source.pk]),
        reverse("admin:claims_assertion_history", args=[assertion.pk]),
    ]
    if role == "editor":
        urls += [
            reverse("review:queue") + "?state=explained",
            Discrepancy.objects.get(claim=hostile).get_absolute_url(),
        ]

    for url in urls:
        page = body_of(client.get(url))
        for raw in RAW:
            assert raw not in page, f"{raw} unescaped on {url}"


def test_api_answers_carry_markup_as_json_strings_never_as_html(client, hostile):
    response = client.get(reverse("api:claim-detail", args=[hostile.slug]))

    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["title"] == hostile.title


def test_downloads_keep_the_text_and_defuse_spreadsheet_formulas(client, hostile):
    assertion = hostile.assertions.first()
    Assertion.objects.filter(pk=assertion.pk).update(quote='=HYPERLINK("x","y")')
    url = reverse("claims:export", args=[hostile.slug, "csv"])

    csv_text = body_of(client.get(url))
    rows = json.loads(
        body_of(client.get(reverse("claims:export", args=[hostile.slug, "json"])))
    )

    assert '"\'=HYPERLINK(""x"",""y"")"' in csv_text
    assert f"{PAYLOAD} 9,000" in [row["quote"] for row in rows]
    read_back = csvformat.read(csv_text, source_kinds=["government"])
    assert read_back.errors == []
    assert {row.quote for row in read_back.rows} == {
        '=HYPERLINK("x","y")',
        f"{PAYLOAD} 9,000",
    }
