"""No surface shows a number no source stated (issue 24).

A scenario of its own, whose ranges, bounds and vague terms have distinctive
middles that no source stated: "between 7,100 and 7,300" (7,200), "several hundred"
(300 to 900: 600), "up to 2,340", "at least 4,470", "about 5,130" known only as
October 2024, and a retracted "8,260". Every public surface is fetched, and every
number on it must be a stated figure, a documented reading of one (the ends of its
interval), a count, a date, a ratio or an axis tick.
"""

import datetime
import itertools
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from claims.domain import divergence
from claims.models import Assertion
from claims.pipeline import services
from claims.selectors import point_from_assertion
from tests.factories import ClaimFactory, DocumentFactory, SourceFactory, TopicFactory
from tests.support.numbers import (
    csv_numbers,
    json_numbers,
    linked_data,
    numbers_in,
    page_text,
    strays,
)

MIDDLES = {Decimal(7200), Decimal(600)}  # stated by no source

FIGURES = [
    # (source, figure, day of October 2024, date precision)
    ("Sector Watch", "between 7,100 and 7,300", 3, "day"),
    ("Coastal Observers", "several hundred", 5, "day"),
    ("Air Defence Command", "up to 2,340", 8, "day"),
    ("Northern Monitor", "at least 4,470", 12, "day"),
    ("Harbour Office", "about 5,130", 1, "month"),
    ("Radio Lantern", "8,260", 14, "day"),
]


@pytest.fixture
def scenario(db):
    topic = TopicFactory(name="Drone raids on Sector Q", slug="drone-raids")
    claim = ClaimFactory(
        title="Drones launched at Sector Q",
        slug="drones-sector-q",
        unit="drones",
        topic=topic,
    )
    made = {}
    for name, figure, day, precision in FIGURES:
        slug = re.sub(r"\W+", "-", name.lower())
        source = SourceFactory(name=name, slug=slug)
        made[name] = services.assertion_create(
            claim=claim,
            source=source,
            stated_on=datetime.date(2024, 10, day),
            date_precision=precision,
            figure=figure,
            quote=f"Drones over Sector Q: {figure}.",
            # Named without a number: a factory sequence would put one on every page.
            document=DocumentFactory(publisher=source, title=f"{name} bulletin"),
        )
    services.assertion_retract(
        assertion=made["Radio Lantern"], reason="Misread the launch table"
    )
    return claim, made


def allowed_numbers(claim) -> set[Decimal]:
    """Return what may be written: stated numbers, interval ends, counts, dates,
    ratios between the figures, and the methodology's constants."""
    assertions = list(Assertion.objects.filter(claim=claim).select_related("source"))
    allowed = {Decimal(n) for n in range(0, 41)}  # counts, days, "10 %"
    allowed |= {Decimal(y) for y in range(2024, datetime.date.today().year + 2)}
    allowed |= {Decimal("1.5"), Decimal(100)}  # the threshold; "100 to a page"
    points = [point_from_assertion(a) for a in assertions]
    for a in assertions:
        allowed |= set(numbers_in(a.figure))
        allowed |= {bound for bound in (a.low, a.high) if bound is not None}
    for a, b in itertools.permutations(points, 2):
        ratio = divergence.pair_ratio(a, b)
        if ratio is not None:
            allowed.add(ratio)
    return {n.normalize() for n in allowed}


def surfaces(client, claim, made):
    """Yield (address, numbers shown) for every public surface of the claim."""
    detail = claim.get_absolute_url()
    as_of = f"{detail}?as_of=2024-10-09"
    for url in (
        reverse("home"),
        reverse("claims:list"),
        f"{reverse('search')}?q=drones",
        detail,
        as_of,
        reverse("sources:list"),
        *(a.source.get_absolute_url() for a in made.values()),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        markup = response.content.decode()
        yield url, numbers_in(page_text(markup))
        for block in linked_data(markup):
            yield f"{url} (JSON-LD)", list(json_numbers(block))
    for url in (
        reverse("claims:chart", args=[claim.slug]),
        reverse("claims:chart", args=[claim.slug]) + "?as_of=2024-10-09",
    ):
        svg = client.get(url).content.decode()
        ticks = set(_ticks(svg))
        yield url, [n for n in numbers_in(page_text(svg)) if n not in ticks]
    for url in (
        reverse("feeds:all"),
        reverse("feeds:claim", args=[claim.slug]),
        reverse("feeds:topic", args=[claim.topic.slug]),
    ):
        yield url, numbers_in(_feed_text(client.get(url).content.decode()))
    for url in (
        "/api/claims/",
        f"/api/claims/{claim.slug}/",
        "/api/assertions/",
        "/api/discrepancies/",
    ):
        yield url, list(json_numbers(client.get(url).json()))
    for fmt in ("csv", "json"):
        for url in (
            reverse("claims:export", args=[claim.slug, fmt]),
            reverse("claims:list-export", args=[fmt]),
        ):
            body = b"".join(client.get(url).streaming_content).decode()
            found = (
                csv_numbers(body) if fmt == "csv" else json_numbers(json.loads(body))
            )
            yield url, list(found)


def _ticks(svg: str) -> list[Decimal]:
    """Return the y axis's tick values ("2,000", "7.5k")."""
    found = []
    for label in re.findall(r'<text x="0" y="[\d.]+" dy="-3">([^<]+)</text>', svg):
        scale = 1000 if label.endswith("k") else 10**6 if label.endswith("M") else 1
        for n in numbers_in(label):
            found.append(n * scale)
            found.append(n)
    return found


def _feed_text(xml: str) -> str:
    """Return a feed's titles and entries' words, without its ids and timestamps."""
    kept = re.findall(r"<(?:title|summary|content|subtitle)[^>]*>(.*?)</", xml, re.S)
    return " ".join(page_text(part) for part in kept)


def test_no_surface_shows_a_number_no_source_stated(client, scenario):
    claim, made = scenario
    allowed = allowed_numbers(claim)

    shown = {
        url: strays(found, allowed) for url, found in surfaces(client, claim, made)
    }

    assert {url: found for url, found in shown.items() if found} == {}


def test_the_sweep_finds_a_middle(scenario):
    # The sweep would catch the middles: they are in no allowed set.
    claim, _ = scenario

    assert MIDDLES.isdisjoint(allowed_numbers(claim))
    assert strays(numbers_in("from 2,340 to 7,200 (600)"), allowed_numbers(claim)) == [
        Decimal(600),
        Decimal(7200),
    ]


def _text(response) -> str:
    return " ".join(page_text(response.content.decode()).split())


# The source page, in its own words (the NIS page of issue 24).


def test_source_page_compares_with_the_stated_figures_not_a_middle(client, scenario):
    _, made = scenario

    page = _text(client.get(made["Coastal Observers"].source.get_absolute_url()))

    # "about 5,130" is known as October 2024: it counts from the 1st.
    assert (
        "below all the 2 other estimates: “about 5,130” (Harbour Office) to "
        "“between 7,100 and 7,300” (Sector Watch)"
    ) in page
    assert "7,200" not in page


def test_source_page_keeps_qualifiers_and_agreeing_is_no_alarm(client, scenario):
    _, made = scenario

    response = client.get(made["Air Defence Command"].source.get_absolute_url())

    assert (
        "agrees with 1 of the 3 other estimates: “several hundred” (Coastal "
        "Observers) to “between 7,100 and 7,300” (Sector Watch)"
    ) in _text(response)
    assert '<span class="verdict">agrees with 1 of</span>' in response.content.decode()


# Retractions shown.


def test_a_retraction_is_struck_through_with_its_reason_and_date(client, scenario):
    claim, made = scenario
    retracted = made["Radio Lantern"]

    response = client.get(claim.get_absolute_url())

    markup = response.content.decode()
    assert "<del>8,260</del>" in markup
    day = retracted.retracted_at
    assert "Retracted on" in _text(response)
    assert f"{day.day} {day:%b %Y}</time>: Misread the launch table" in markup
    assert "8,260" not in page_text(
        client.get(reverse("claims:chart", args=[claim.slug])).content.decode()
    )
    assert "“8,260”" not in markup  # in no sentence comparing figures


def test_the_api_and_the_feed_carry_a_retraction_and_its_reason(client, scenario):
    claim, _ = scenario

    rows = client.get("/api/assertions/").json()["results"]
    feed = client.get(reverse("feeds:claim", args=[claim.slug])).content.decode()

    (row,) = [row for row in rows if row["figure"] == "8,260"]
    assert (row["status"], row["retraction_reason"]) == (
        "retracted",
        "Misread the launch table",
    )
    assert "Retracted: Radio Lantern: 8,260" in feed
    assert "Misread the launch table" in feed


# The API and the linked data give a value only for one stated number.


def test_value_only_where_the_source_stated_one_number(client, scenario):
    claim, _ = scenario

    values = {
        row["figure"]: row["value"]
        for row in client.get("/api/assertions/").json()["results"]
    }
    (data,) = linked_data(client.get(claim.get_absolute_url()).content.decode())
    in_page = {part["about"]["description"]: part["about"] for part in data["hasPart"]}

    assert values == {
        "between 7,100 and 7,300": None,
        "several hundred": None,
        "up to 2,340": None,
        "at least 4,470": None,
        "about 5,130": "5130",
        "8,260": "8260",
    }
    assert "value" not in in_page["at least 4,470"]
    assert "value" not in in_page["several hundred"]
    assert in_page["about 5,130"]["value"] == 5130


# Precision everywhere.


def test_a_month_known_figure_is_october_2024_in_lists_and_the_api(client, db):
    claim = ClaimFactory(title="Boats seen", slug="boats-seen")
    services.assertion_create(
        claim=claim,
        source=SourceFactory(),
        stated_on=datetime.date(2024, 10, 1),
        date_precision="month",
        figure="about 5,130",
        quote="Boats: about 5,130.",
    )

    listing = _text(client.get(reverse("claims:list")))
    (row,) = client.get("/api/assertions/").json()["results"]

    assert "October 2024" in listing
    assert "1 Oct 2024" not in listing
    assert row["stated"] == "October 2024"


def test_the_chart_draws_a_month_known_figure_as_its_span_without_a_dot(client, db):
    claim = ClaimFactory()
    services.assertion_create(
        claim=claim,
        source=SourceFactory(),
        stated_on=datetime.date(2024, 10, 1),
        date_precision="month",
        figure="5,130",
        quote="Boats: 5,130.",
    )

    svg = client.get(reverse("claims:chart", args=[claim.slug])).content.decode()

    assert "<circle" not in svg
    assert 'stroke-width="5" stroke-linecap="round"' in svg


# Home ranks real disagreements only.


def _two_figures(title, low, high, **fields):
    claim = ClaimFactory(title=title, **fields)
    for figure, day in ((low, 2), (high, 3)):
        services.assertion_create(
            claim=claim,
            source=SourceFactory(),
            stated_on=datetime.date(2024, 10, day),
            figure=figure,
            quote=f"They said {figure}.",
        )
    return claim


def test_home_leaves_out_dismissed_conflicts_and_claims_below_threshold(
    client, db, editor
):
    from claims.models import Discrepancy
    from claims.review import services as review_services

    contested = _two_figures("Contested count", "1,000", "3,000")
    dismissed = _two_figures("Dismissed count", "1,000", "9,000")
    review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.get(claim=dismissed, state="open"),
        state="dismissed",
        note="Different scopes: one counts only the first wave.",
        user=editor,
    )
    _two_figures("Close count", "1,000", "1,350")
    _two_figures("Strict count", "1,000", "1,800", discrepancy_ratio=Decimal(2))

    home = client.get(reverse("home"))

    titles = [row.claim.title for row in home.context["disagreements"]]
    assert titles == [contested.title]


# A zero, and a claim whose every current figure is set aside: no surface calls
# them close, overlapping or empty.


def _stated(claim, figure, day, name):
    return services.assertion_create(
        claim=claim,
        source=SourceFactory(name=name),
        stated_on=datetime.date(2025, 5, day),
        figure=figure,
        quote=f"They said {figure}.",
    )


def _list_row(client, claim) -> str:
    page = client.get(reverse("claims:list")).content.decode()
    row = next(tr for tr in page.split("<tr") if claim.get_absolute_url() in tr)
    return " ".join(page_text(row).split())


def test_a_zero_against_other_figures_is_apart_on_every_surface(client, db):
    """0 against "nearly 1,000" is as far apart as figures can be: no ratio is
    given, and no surface calls the estimates close or overlapping."""
    claim = ClaimFactory(title="Deaths at the Delta camps", unit="deaths")
    _stated(claim, "0", 1, "Aid Alliance")
    _stated(claim, "at least 50", 2, "Camp Watch")
    _stated(claim, "nearly 1,000", 3, "Shelter Net")

    page = _text(client.get(claim.get_absolute_url()))
    api = client.get(f"/api/claims/{claim.slug}/").json()
    row = _list_row(client, claim)

    assert "the lowest is zero: no ratio measures how far apart they are" in page
    assert "no two are" not in page and "Close, not overlapping" not in page
    assert "zero: no ratio" in row and "overlap" not in row
    assert (api["status"], api["spread_ratio"]) == ("apart", None)
    # The filter of disagreement and the home page's widest count it, first.
    for value in ("1", "5"):
        found = client.get(reverse("claims:list"), {"disagree": value})
        assert claim.title in found.content.decode()
    home = _text(client.get(reverse("home")))
    widest = home[home.index("Where sources disagree most") : home.index("Topics")]
    assert claim.title in widest
    assert "apart, the lowest zero (no ratio)" in widest


def test_a_claim_whose_every_figure_is_set_aside_says_so(client, db, editor):
    claim = ClaimFactory(title="Bridges lost on the Delta", unit="bridges")
    figure = _stated(claim, "3", 5, "Camp Watch")
    services.assertion_set_aside(assertion=figure, reason="Another river", user=editor)

    page = _text(client.get(claim.get_absolute_url()))
    api = client.get(f"/api/claims/{claim.slug}/").json()
    row = _list_row(client, claim)

    assert "No figure is compared: the editors set aside every current figure" in page
    assert "“3” (Camp Watch) is set aside by the editors for this claim" in page
    assert "Not compared: every current figure is set aside by the editors." in page
    assert "Another river. It is not compared with the other figures." in page
    assert "No figure had been stated" not in page
    assert "No figure has been published" not in json.dumps(api)
    assert "No figures yet" not in json.dumps(api)
    assert "none compared" in row and "one source" not in row


def test_machine_readable_dates_keep_the_precision_they_were_stated_at(client, db):
    """A figure of March 2025 and one of 2025 are dated so for machines too: the
    pages' `<time datetime>` and the JSON-LD, never the 1st of the period."""
    claim = ClaimFactory(title="Wells dug in the north", unit="wells")
    for figure, day, precision in (("about 40", 1, "year"), ("52", 1, "month")):
        services.assertion_create(
            claim=claim,
            source=SourceFactory(),
            stated_on=datetime.date(2025, 3 if precision == "month" else 1, day),
            date_precision=precision,
            figure=figure,
            quote=f"Wells: {figure}.",
        )

    page = client.get(claim.get_absolute_url()).content.decode()
    home = client.get(reverse("home")).content.decode()
    found = client.get(reverse("search"), {"q": "Wells"}).content.decode()
    (data,) = linked_data(page)

    for html in (page, home, found):
        assert '<time datetime="2025-03">March 2025</time>' in html
        assert '<time datetime="2025">2025</time>' in html
        assert 'datetime="2025-03-01"' not in html
        assert 'datetime="2025-01-01"' not in html
    assert {part["dateCreated"] for part in data["hasPart"]} == {"2025", "2025-03"}
    assert data["temporalCoverage"] == "2025/2025-03"


def test_a_narrowed_estimate_is_revised_not_restated(client, db):
    claim = ClaimFactory(title="Aid trucks at the crossing", unit="trucks")
    source = SourceFactory(name="Aid Alliance")
    for figure, day in (("between 1,000 and 9,000", 1), ("5,000", 5)):
        services.assertion_create(
            claim=claim,
            source=source,
            stated_on=datetime.date(2025, 4, day),
            figure=figure,
            quote=f"Trucks: {figure}.",
        )

    page = _text(client.get(claim.get_absolute_url()))

    assert "revised from “between 1,000 and 9,000”" in page
    assert "restated from" not in page


def test_a_claim_whose_every_figure_was_retracted_opens_from_its_feed(client, db):
    """The feeds carry a retraction with a link to its claim: that page opens,
    listing the figure struck through, though the lists leave the claim out."""
    claim = ClaimFactory(title="Bridges destroyed on the Delta", unit="bridges")
    figure = _stated(claim, "12", 5, "Aid Alliance")
    services.assertion_retract(assertion=figure, reason="Misread the table")

    feed = client.get(reverse("feeds:all")).content.decode()
    link = re.search(r'<link href="http://[^/]+(/claims/[^"#]+)#assertion-', feed)[1]
    answer = client.get(link)
    page = _text(answer)

    assert answer.status_code == 200
    assert "Every figure recorded for this claim was retracted: 1 figure" in page
    assert "Misread the table." in page
    as_of = _text(client.get(link.split("#")[0], {"as_of": "2025-06-01"}))
    assert (
        "No figure stated by 1 Jun 2025 stands: 1 figure stated by then was " in as_of
    )
    assert "No figure had been stated" not in as_of
    assert claim.title not in _text(client.get(reverse("claims:list")))
    detail = client.get(f"/api/claims/{claim.slug}/")
    assert detail.status_code == 200 and detail.json()["current_estimates"] == []
    assert claim.slug not in client.get("/api/claims/").content.decode()
    assert (
        client.get(reverse("claims:export", args=[claim.slug, "csv"])).status_code
        == 200
    )


def test_a_merged_claims_download_redirects_to_the_claim_it_joined(client, db):
    kept = ClaimFactory(title="Wells dug, total")
    merged = ClaimFactory(title="Wells dug overall")
    _stated(kept, "40", 1, "Water Board")
    _stated(merged, "41", 2, "Water Watch")
    services.claim_merge(claim=merged, into=kept, reason="The same count.")

    answer = client.get(reverse("claims:export", args=[merged.slug, "csv"]))

    assert answer.status_code == 301
    assert answer["Location"] == reverse("claims:export", args=[kept.slug, "csv"])
