"""Page weight follows what a reader sees, not the row count: the claim page of a
dense claim (1,631 daily figures from one source, as official loss figures come)
stays within its byte budgets, raw and gzipped."""

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
