"""Issue 14's four figures, as a reader and an editor see them: one set of numbers,
every sentence true."""

import csv
import html
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from claims.models import Discrepancy
from claims.review.services import discrepancy_judge
from tests.factories import ClaimFactory, SourceFactory, stated

ORGANISERS = "Organisers"
POLICE = "City police"
NEWSPAPER = "Daily Courier"
AERIAL = "Aerial count"


def text(response) -> str:
    """Return the page's visible text, tags dropped, entities read, spaces folded."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


@pytest.fixture
def march(db):
    claim = ClaimFactory(title="Marchers in the capital", unit="people")
    stated(claim, "more than 50,000", 1, source=SourceFactory(name=ORGANISERS))
    stated(claim, "around 35,000", 1, source=SourceFactory(name=POLICE))
    stated(claim, "tens of thousands", 2, source=SourceFactory(name=NEWSPAPER))
    stated(claim, "between 20,000 and 25,000", 2, source=SourceFactory(name=AERIAL))
    claim.refresh_from_db()
    return claim


RANGE = (
    f"range from “between 20,000 and 25,000” ({AERIAL}) to "
    f"“more than 50,000” ({ORGANISERS})"
)
APART = "lower end, 50,000, is 2.0 times the lowest estimate's upper end, 25,000"


def test_claim_page_shows_no_midpoint_or_number_no_source_stated(client, march):
    page = text(client.get(march.get_absolute_url()))

    assert "22,500" not in page
    assert "59,999.5" not in page
    assert "60,000" not in page


def test_claim_page_range_names_the_stated_figures(client, march):
    page = text(client.get(march.get_absolute_url()))

    assert RANGE in page


def test_claim_page_overlap_sentence_is_true(client, march):
    page = text(client.get(march.get_absolute_url()))

    # The two named estimates (20,000-25,000 and 50,000 up) do not overlap, and the
    # ratio divides the two ends the sentence names.
    assert (
        f"“between 20,000 and 25,000” ({AERIAL}) and “more than 50,000” "
        f"({ORGANISERS}) do not overlap"
    ) in page
    assert APART in page
    assert "they overlap" not in page


def test_the_open_discrepancy_is_aerial_count_against_organisers(client, march):
    (live,) = Discrepancy.objects.live()

    assert (live.assertion_low.figure, live.assertion_high.figure) == (
        "between 20,000 and 25,000",
        "more than 50,000",
    )
    assert live.spread_ratio == 2
    assert live.is_pending
    page = text(client.get(march.get_absolute_url()))
    assert "Discrepancy under review" in page
    assert "Contested" not in page


def test_a_vague_term_does_not_hide_the_conflict(march):
    """“tens of thousands” (20,000-99,999) overlaps the aerial count: no conflict."""
    pairs = {
        (d.assertion_low.figure, d.assertion_high.figure)
        for d in Discrepancy.objects.all()
    }

    assert ("between 20,000 and 25,000", "tens of thousands") not in pairs


def test_every_page_export_and_the_api_show_one_set_of_numbers(
    client, editor_client, march
):
    """The same figures and the same ratio on the home page, the claim list, the
    claim page, the review queue, the CSV export and the API."""
    pages = {
        "home": text(client.get(reverse("home"))),
        "list": text(client.get(reverse("claims:list"))),
        "claim": text(client.get(march.get_absolute_url())),
        "queue": text(editor_client.get(reverse("review:queue"))),
    }
    export = client.get(reverse("claims:export", args=[march.slug, "csv"]))
    body = b"".join(export.streaming_content) if export.streaming else export.content
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    api = client.get(reverse("api:claim-detail", args=[march.slug])).json()

    stated_range = "“between 20,000 and 25,000” to “more than 50,000”"
    assert stated_range in pages["home"]
    assert stated_range in pages["list"]
    assert RANGE in pages["claim"]
    for name in ("home", "list", "claim", "queue"):
        assert "2.0×" in pages[name], name
        assert "22,500" not in pages[name], name
        assert "59,999.5" not in pages[name], name
    assert "“between 20,000 and 25,000”" in pages["queue"]
    assert "“more than 50,000”" in pages["queue"]

    figures = {row["figure"] for row in rows}
    assert {"between 20,000 and 25,000", "more than 50,000"} <= figures

    assert api["spread_ratio"] == "2"
    assert RANGE in api["sentences"]["range"]
    assert APART in api["sentences"]["overlap"]
    assert api["open_conflict"]["ratio"] == "2"
    assert api["sentences"]["status_label"] == "Under review"


def test_a_dismissed_discrepancy_shows_no_contested_badge(client, editor, march):
    (live,) = Discrepancy.objects.live()
    discrepancy_judge(
        discrepancy=live,
        state="dismissed",
        note="The organisers counted the whole day.",
        user=editor,
    )

    page = text(client.get(march.get_absolute_url()))
    assert "Not a real conflict" in page
    assert "The organisers counted the whole day." in page
    assert "Contested" not in page
    assert "Under review" not in page
    assert RANGE in page


def test_judged_stays_on_record_and_detection_moves_to_the_next_pair(
    client, editor, march
):
    (dismissed,) = Discrepancy.objects.live()
    discrepancy_judge(
        discrepancy=dismissed,
        state="dismissed",
        note="The organisers counted the whole day.",
        user=editor,
    )
    # 40,000 / 25,000 = 1.6: narrower than the judged pair, and not yet judged.
    stated(march, "at least 40,000", 3, source=SourceFactory(name="Union"))

    dismissed.refresh_from_db()
    assert dismissed.state == "dismissed"
    (pending,) = Discrepancy.objects.pending().filter(claim=march)
    assert (pending.assertion_low.figure, pending.assertion_high.figure) == (
        "between 20,000 and 25,000",
        "at least 40,000",
    )
    assert pending.spread_ratio == Decimal("1.6")
    assert Discrepancy.objects.live().filter(claim=march).count() == 2
    page = text(client.get(march.get_absolute_url()))
    assert "Discrepancy under review" in page
    assert "“at least 40,000” (Union)" in page
