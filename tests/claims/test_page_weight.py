"""Page weight follows what a reader sees, not the row count: the claim page of a
dense claim (1,631 daily figures from one source, as official loss figures come)
stays within its byte budgets, raw and gzipped."""

import datetime
import json

import pytest

from bench.dense import DENSE_FIGURES, dense_figures_create, published_on
from tests.factories import ClaimFactory, DocumentFactory, SourceFactory, stated

pytestmark = pytest.mark.django_db

KB = 1024


def dense_claim(count: int = DENSE_FIGURES):
    """Return a claim with `count` daily figures from one source (bench/dense.py)."""
    claim = ClaimFactory(title="Personnel losses, official daily figure")
    source = SourceFactory(name="Ministry of Defence")
    document = DocumentFactory(publisher=source, published_on=published_on(count))
    dense_figures_create(
        claim=claim,
        source=source,
        document=document,
        count=count,
        reason="Dense claim for a test",
    )
    return claim


def weight(client, url) -> tuple[int, int]:
    """Return the page's size in bytes, raw and gzipped as the site sends it."""
    raw = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    assert raw.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    return len(raw.content), len(packed.content)


def test_a_dense_claim_page_keeps_to_its_budget(client):
    claim = dense_claim()

    raw, packed = weight(client, claim.get_absolute_url())

    assert raw <= 600 * KB, f"{raw / KB:.0f} KB of HTML"
    assert packed <= 150 * KB, f"{packed / KB:.0f} KB gzipped"


def test_a_claim_of_fifty_figures_is_at_most_100_kb(client):
    claim = ClaimFactory()
    sources = [SourceFactory() for _ in range(5)]
    for n in range(50):
        stated(claim, f"{(n + 1) * 1_000:,}", n % 28 + 1, source=sources[n % 5])

    raw, _ = weight(client, claim.get_absolute_url())

    assert raw <= 100 * KB, f"{raw / KB:.0f} KB of HTML"


def test_the_claim_page_lists_the_latest_figures_with_the_rest_a_link_away(client):
    claim = dense_claim(250)

    page = client.get(claim.get_absolute_url()).content.decode()

    assert "Figures 201–250 of 250" in page
    assert "<strong>about 122,263</strong>" in page  # the latest figure
    assert "<strong>about 1,000</strong>" not in page  # on the first page
    assert "?figures=2#all-heading" in page
    assert claim.get_absolute_url() + "export.csv" in page


def test_an_earlier_page_of_figures_is_one_link_away(client):
    claim = dense_claim(250)

    page = client.get(claim.get_absolute_url(), {"figures": 1}).content.decode()

    assert "Figures 1–100 of 250" in page
    assert "<strong>about 1,000</strong>" in page


def test_the_linked_data_carries_the_current_estimates_and_links_the_download(
    client,
):
    claim = dense_claim(250)

    page = client.get(claim.get_absolute_url()).content.decode()
    data = json.loads(
        page.split('type="application/ld+json">')[1].split("</script>")[0]
    )

    assert [part["about"]["description"] for part in data["hasPart"]] == [
        "about 122,263"
    ]
    assert {d["encodingFormat"] for d in data["distribution"]} == {
        "text/csv",
        "application/json",
    }


def crowded_claim(count: int):
    """Return a claim with one figure from each of `count` outlets: outlet n states
    n × 1,000 drones (bulk, through the service, as an import writes them)."""
    from claims.models import Assertion
    from claims.pipeline import services

    claim = ClaimFactory(title="Drones launched at Kyiv", unit="drones")
    rows = []
    for n in range(1, count + 1):
        figure = f"{n * 1_000:,}"
        row = Assertion(
            claim=claim,
            source=SourceFactory(name=f"Outlet {n:03d}"),
            stated_on=datetime.date(2024, 10, 1 + n % 28),
            figure=figure,
            quote=f"Outlet {n:03d} counted {figure} drones.",
        )
        row.normalise()
        rows.append(row)
    services.assertions_bulk_create(assertions=rows, reason="Outlets for a test")
    return claim


def test_a_claim_of_hundreds_of_sources_weighs_what_a_reader_sees(client):
    """One figure from each of 300 outlets: the page lists 20 sources' estimates a
    page, labels twelve sources on the chart (it was 28,600 pixels tall for 500)
    and links the estimates listed, not every one; every figure is still in the
    list of every figure and the downloads."""
    claim = crowded_claim(300)

    raw, packed = weight(client, claim.get_absolute_url())
    page = client.get(claim.get_absolute_url()).content.decode()

    assert raw <= 300 * KB, f"{raw / KB:.0f} KB of HTML"
    assert packed <= 60 * KB, f"{packed / KB:.0f} KB gzipped"
    assert page.count('<th scope="row">') == 20
    height = int(
        page.split('class="chart-plot" width="100%" height="')[1].split('"')[0]
    )
    assert height <= 800
    assert "288 more sources are drawn without a label" in page
    data = json.loads(
        page.split('type="application/ld+json">')[1].split("</script>")[0]
    )
    assert len(data["hasPart"]) == 20
    assert {part["about"]["description"] for part in data["hasPart"]} == {
        f"{n * 1_000:,}" for n in range(281, 301)
    }


def test_each_sources_latest_estimate_is_a_page_away_highest_first(client):
    claim = crowded_claim(45)
    url = claim.get_absolute_url()

    first = client.get(url).content.decode()
    last = client.get(url, {"sources": 3}).content.decode()

    def table(page):
        return page.split('id="current-heading"')[1].split("</table>")[0]

    assert "Latest estimate of each source (45 sources)" in first
    assert "Sources 1–20 of 45" in first
    assert table(first).index(">Outlet 045<") < table(first).index(">Outlet 026<")
    assert ">Outlet 025<" not in table(first)  # on the second page
    assert 'href="?sources=2#current-heading" rel="next">Lower estimates' in first
    assert "Sources 41–45 of 45" in last
    assert ">Outlet 001<" in table(last) and ">Outlet 005<" in table(last)
    assert ">Outlet 006<" not in table(last)
    # A page past the last, or spelled another way, has the page's one address.
    for asked in ("9", "03", "abc"):
        assert client.get(url, {"sources": asked}).status_code == 302, asked
    assert client.get(url, {"sources": "9"})["Location"] == f"{url}?sources=3"
    assert client.get(url, {"sources": "abc"})["Location"] == f"{url}?sources=1"
