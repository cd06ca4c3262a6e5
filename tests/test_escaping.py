"""Markup typed into any text field is shown as text everywhere: reader pages, the
chart, the review and admin pages, feeds, JSON-LD, the API and the downloads."""

import datetime
import json
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from claims.interchange import csvformat
from claims.models import Assertion, Discrepancy, Translation
from claims.pipeline import services
from sources.models import Source
from tests.factories import PAYLOAD, SCRIPT, TAG
from tests.support.permissions import GET_MATRIX, PUBLIC, client_for

pytestmark = pytest.mark.django_db

RAW = (SCRIPT, TAG, "</script><script>")


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
        reverse("claims:chart", args=[claim.slug]),
        reverse("search") + "?q=Troops",
        reverse("search") + "?q=" + PAYLOAD,
    ]


def test_every_public_page_kind_is_covered():
    public_pages = {name for name, codes in GET_MATRIX.items() if codes == PUBLIC}
    covered = {"home", "claims:list", "claims:detail", "sources:list"}
    covered |= {"sources:detail", "feeds:all", "feeds:claim", "feeds:topic"}
    covered |= {"claims:chart", "search"}
    # The methodology page shows no data: nothing typed in reaches it.
    elsewhere_static = {"methodology"}
    covered |= elsewhere_static
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


def test_the_figure_lists_evidence_carries_markup_as_text(client, hostile, editor):
    """The every-figure list is written in Python (claims/reader/figure_tags.py):
    each of its values is escaped there, the locator, the translation and its
    translator, the relaying source and the editors' reason included."""
    first = hostile.assertions.order_by("stated_on").first()
    relay = Source.objects.create(name=f"Relay {PAYLOAD}", slug="relay", kind="media")
    figure = services.assertion_create(
        claim=hostile,
        source=first.source,
        relayed_by=relay,
        document=first.document,
        stated_on=datetime.date(2024, 10, 15),
        figure="2,000",
        quote=f"{PAYLOAD} 2,000",
        quote_language="uk",
        locator=f"p. 4 {PAYLOAD}",
    )
    services.translation_save(
        translation=Translation(
            assertion=figure,
            language="en",
            text=f"Translated {PAYLOAD} 2,000",
            method="machine",
            translated_by=f"Engine {PAYLOAD}",
        )
    )
    services.assertion_set_aside(
        assertion=figure, reason=f"Other scope {PAYLOAD}", user=editor
    )

    page = body_of(client.get(hostile.get_absolute_url()))
    listed = page[page.index('id="all-heading"') :]
    item = listed[listed.index(f'id="assertion-{figure.pk}"') :]
    item = item[: item.index("</li>")]

    for raw in RAW:
        assert raw not in item
    for shown in (
        "relayed by Relay &lt;script&gt;",
        "(machine, Engine &lt;script&gt;",
        "Translated &lt;script&gt;",
        "Other scope &lt;script&gt;",
        "p. 4 &lt;script&gt;",
        "Report &lt;script&gt;",
    ):
        assert shown in item, shown


def test_the_chart_download_and_feed_stay_well_formed_xml_whatever_a_quote_holds(
    client, hostile
):
    """A quote is kept verbatim, so it may hold a character XML forbids (U+FFFE,
    U+FFFF): the downloaded chart and the claim's feed show it as a mark, and stay
    files an SVG or feed reader opens."""
    source = hostile.assertions.order_by("stated_on").first().source
    quoted = {"quote": f"{PAYLOAD} 2,000 \ufffe\uffff", "quote_language": "en"}
    day = datetime.date(2024, 10, 12)
    services.assertion_create(
        claim=hostile, source=source, stated_on=day, figure="2,000", **quoted
    )

    svg = client.get(reverse("claims:chart", args=[hostile.slug])).content
    feed = client.get(reverse("feeds:claim", args=[hostile.slug]))

    chart = ElementTree.fromstring(svg)
    titles = [t.text for t in chart.iter("{http://www.w3.org/2000/svg}title")]
    assert any("2,000 [U+FFFE][U+FFFF]" in (title or "") for title in titles)
    entries = ElementTree.fromstring(body_of(feed).encode())
    assert "[U+FFFE]" in ElementTree.tostring(entries, encoding="unicode")


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
            reverse("review:figure", args=[assertion.pk]),
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
