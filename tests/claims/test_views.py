import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.dense import START, dense_figures_create
from claims.models import Claim
from claims.pipeline import services
from claims.reader.selectors import FIGURES_PER_PAGE, RETRACTED_PER_PAGE
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    SourceFactory,
    TopicFactory,
    stated,
)
from tests.support.accounts import member, signed_in

pytestmark = pytest.mark.django_db

TROOPS_URL = reverse("claims:detail", kwargs={"slug": "north-korean-troops-in-russia"})


def markers(response) -> int:
    return response.content.decode().count('<g class="marker ')


def text(response) -> str:
    """Return the page's visible text with tags dropped and spaces folded."""
    return text_of(response.content.decode())


def text_of(html: str) -> str:
    body = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", body)


def dense_claim_of(source, count: int) -> Claim:
    """Return a claim of `count` daily figures of `source` (bench/dense.py)."""
    claim = ClaimFactory()
    document = DocumentFactory(publisher=source)
    dense_figures_create(
        claim=claim, source=source, document=document, count=count, reason="Test"
    )
    return claim


# Claim page


def test_troop_claim_page_shows_evolution_spread_and_every_figure(client, seeded):
    response = client.get(TROOPS_URL)

    page = text(response)
    assert response.status_code == 200
    # Figures as stated, with their sources; the ratio with the two ends it divides.
    assert (
        "several thousand (Ukrainian military intelligence (HUR), October) → first "
        "batch of 1,500 (South Korea National Intelligence Service (NIS), 18 Oct) → "
        "up to 1,500 (Dutch intelligence services) to at least 3,000 (John Kirby), "
        "23–25 Oct → 3,000 (US intelligence community) to closer to 12,000 "
        "(Ukrainian military intelligence (HUR)), 28–29 Oct → up to 1,500 (Dutch "
        "intelligence services) to closer to 12,000 (Ukrainian military "
        "intelligence (HUR)), 23–29 Oct"
    ) in page
    assert (
        "range from “up to 1,500” (Dutch intelligence services) to “closer to "
        "12,000” (Ukrainian military intelligence (HUR))"
    ) in page
    assert "lower end, 10,800, is 7.2 times the lowest estimate" in page
    assert "7.2×" in page
    assert "Discrepancy under review" in page  # once, in its box (issue 25)
    assert "Contested" not in page
    assert markers(response) == 11


def test_figures_are_listed_in_date_order(client, seeded):
    page = text(client.get(TROOPS_URL))

    listing = page[page.index("Every figure, in date order") :]
    figures = ["several thousand", "first batch of 1,500", "at least 3,000"]
    figures += ["closer to 12,000", "10,000 read"]
    order = [listing.index(figure) for figure in figures]
    assert order == sorted(order)


def test_as_of_shows_only_what_was_stated_by_then(client, seeded):
    response = client.get(TROOPS_URL, {"as_of": "2024-10-24"})

    page = text(response)
    assert "As known on 24 October 2024" in page
    assert "18 Oct) → at least 3,000 (John Kirby, 23 Oct)" in page
    assert "editors are looking into it" not in page  # no queue in that world
    assert "closer to 12,000" not in page
    assert "up to 1,500" not in page
    assert markers(response) == 3


def test_as_of_before_the_first_figure_says_nothing_was_stated(client, seeded):
    response = client.get(TROOPS_URL, {"as_of": "2024-09-01"})

    assert "No figure had been stated by 1 Sep 2024." in text(response)
    assert markers(response) == 0


def test_invalid_as_of_is_a_form_error_not_a_server_error(client, seeded):
    response = client.get(TROOPS_URL, {"as_of": "28/10/2024x"})

    assert response.status_code == 200
    assert "Enter a valid date" in text(response)
    assert markers(response) == 11


def test_log_scale_switch(client, seeded):
    response = client.get(TROOPS_URL, {"scale": "log"})

    assert "<strong>logarithmic</strong>" in response.content.decode()
    assert ">1k</text>" in response.content.decode()


def test_latest_estimate_per_source_shows_its_change(client, seeded):
    page = text(client.get(TROOPS_URL))

    assert "up from “up to 1,500” (25 Oct 2024)" in page


def test_drafts_are_hidden_and_a_retraction_is_struck_through(client):
    claim = ClaimFactory()
    stated(claim, "3,000", 2)
    stated(claim, "4,444", 3, status="draft")
    retracted = stated(claim, "5,555", 4)
    services.assertion_retract(assertion=retracted, reason="Misquoted")

    response = client.get(claim.get_absolute_url())

    page = response.content.decode()
    assert "3,000" in page
    assert "4,444" not in page and "4444" not in page
    assert "<del>5,555</del>" in page
    assert "Misquoted" in text(response)
    assert "“5,555”" not in page  # in no sentence comparing the figures
    assert markers(response) == 1


def test_claim_with_only_drafts_is_not_shown(client):
    claim = ClaimFactory()
    stated(claim, "3,000", 2, status="draft")

    assert client.get(claim.get_absolute_url()).status_code == 404
    assert claim.title not in client.get(reverse("claims:list")).content.decode()


def test_the_topic_menu_offers_only_topics_a_reader_finds_claims_in(client):
    with_figures = ClaimFactory(topic__name="Troop deployments")
    stated(with_figures, "3,000", 2)
    drafts_only = ClaimFactory(topic__name="Casualties, drafts only")
    stated(drafts_only, "500", 3, status="draft")
    TopicFactory(name="Shelling, nothing yet")

    page = client.get(reverse("claims:list")).content.decode()
    menu = re.search(r'<select name="topic".*?</select>', page, re.S).group()

    assert "Troop deployments" in menu
    assert "Casualties" not in menu
    assert "Shelling" not in menu


def test_unknown_claim_is_404(client):
    assert (
        client.get(reverse("claims:detail", kwargs={"slug": "nope"})).status_code == 404
    )


def test_user_text_is_escaped(client):
    claim = ClaimFactory(title="<script>alert(1)</script> troops")
    source = SourceFactory(name="<b>Bold</b> agency")
    stated(claim, "3,000", 2, source=source)

    page = client.get(claim.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Bold</b>" not in page


# Claim list


def test_list_shows_current_range_and_spread(client, seeded):
    response = client.get(reverse("claims:list"))

    page = text(response)
    assert "North Korean troops in Russia" in page
    assert "“up to 1,500” to “closer to 12,000” troops" in page
    assert "7.2×" in page
    assert "<polyline" in response.content.decode()


def test_the_list_shows_each_claims_derived_row_as_its_figures_give_it(client, seeded):
    """Issue 28: a page of the list read and summarised every figure of its twenty
    claims (4,617 for three dense ones). Derive now keeps each claim's row with its
    summary; a claim not derived since (a database migrated before it) has its row
    computed from its figures, and both read the same, sorted every way."""
    from django.core.cache import cache

    pages = [reverse("claims:list") + f"?sort={sort}" for sort in ("latest", "title")]
    derived = [client.get(page).content.decode() for page in pages]
    assert Claim.objects.visible().filter(list_row__isnull=True).count() == 0

    Claim.objects.update(list_row=None)  # as migration 0032 leaves them
    cache.clear()
    computed = [client.get(page).content.decode() for page in pages]

    assert computed == derived
    assert "“up to 1,500” to “closer to 12,000” troops" in text_of(derived[0])


def test_the_lists_row_follows_a_new_figure_and_a_retraction(client):
    claim = ClaimFactory(unit="troops")
    stated(claim, "1,000", 2)
    first = stated(claim, "1,200", 3)
    url = reverse("claims:list")
    assert "“1,000” to “1,200” troops" in text(client.get(url))

    services.assertion_retract(assertion=first, reason="Misread.", user=None)

    assert "“1,000” troops" in text(client.get(url))


def test_filters_combine(client, seeded):
    response = client.get(
        reverse("claims:list"),
        {"topic": "north-korean-troops-in-russia-2024", "source": "south-korea-nis"},
    )

    titles = [row.claim.title for row in response.context["rows"]]
    assert titles == ["North Korean troops in Russia"]


def test_disagree_filter_keeps_only_contested_claims(client, seeded):
    response = client.get(reverse("claims:list"), {"disagree": "5"})

    assert [row.claim.slug for row in response.context["rows"]] == [
        "north-korean-troops-in-russia"
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source_kind": "think_tank"}, ["north-korean-shipping-containers-to-russia"]),
        ({"unit": "USD"}, ["north-korean-arms-sales-revenue-russia"]),
        ({"q": "reservists"}, ["north-korean-reserve-soldiers"]),
        (
            {
                "stated_before": "2024-10-20",
                "topic": "north-korean-troops-in-russia-2024",
            },
            [
                "north-korean-deserters-near-ukraine-border",
                "north-korean-troops-in-russia",
            ],
        ),
    ],
)
def test_each_filter(client, seeded, params, expected):
    response = client.get(reverse("claims:list"), {**params, "sort": "title"})

    assert sorted(row.claim.slug for row in response.context["rows"]) == sorted(
        expected
    )


def test_filter_state_stays_in_the_form_and_pagination_links(client):
    topic = TopicFactory(slug="war")
    for _ in range(25):
        stated(ClaimFactory(topic=topic), "1,000", 2)

    response = client.get(reverse("claims:list"), {"topic": "war", "sort": "title"})

    page = response.content.decode()
    assert '<option value="war" selected>' in page
    assert "?topic=war&amp;sort=title&amp;page=2" in page


def test_invalid_filter_value_is_a_form_error(client, seeded):
    response = client.get(
        reverse("claims:list"), {"disagree": "zzz", "stated_after": "soon"}
    )

    page = text(response)
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert "Enter a valid date" in page
    assert response.context["rows"] == []


def test_sort_by_spread_puts_the_widest_disagreement_first(client):
    calm, stormy = ClaimFactory(title="Calm"), ClaimFactory(title="Stormy")
    for claim, figures in ((calm, ("1,000", "1,500")), (stormy, ("1,000", "9,000"))):
        stated(claim, figures[0], 2)
        stated(claim, figures[1], 3)

    response = client.get(reverse("claims:list"), {"sort": "spread"})

    assert [row.claim.title for row in response.context["rows"]] == ["Stormy", "Calm"]


def test_the_list_shows_twenty_claims_a_page(client):
    for _ in range(21):
        claim = ClaimFactory()
        stated(claim, "1,000", 2)

    response = client.get(reverse("claims:list"))

    assert len(response.context["rows"]) == 20


def test_a_list_within_the_count_cap_says_how_many_claims_and_pages(client):
    for _ in range(21):
        stated(ClaimFactory(), "1,000", 2)

    page = text(client.get(reverse("claims:list"), {"sort": "title"}))

    assert "21 claims" in page
    assert "Page 1 of 2" in page


def test_a_list_past_the_count_cap_says_more_than_it_and_pages_on(
    client, settings, django_assert_max_num_queries
):
    settings.CLAIMTRACKER_LIST_COUNT_CAP = 5
    for _ in range(21):
        stated(ClaimFactory(), "1,000", 2)

    with django_assert_max_num_queries(7):
        first = client.get(reverse("claims:list"), {"sort": "title"})
    last = client.get(reverse("claims:list"), {"sort": "title", "page": 2})

    assert "More than 5 claims" in text(first)
    assert "Page 1 Next" in text(first)
    assert "Page 1 of" not in text(first)
    assert len(last.context["rows"]) == 1
    assert "Previous Page 2" in text(last)
    assert "Next" not in text(last)


def test_a_page_past_the_end_of_an_uncounted_list_is_404(client, settings):
    settings.CLAIMTRACKER_LIST_COUNT_CAP = 5
    for _ in range(6):
        stated(ClaimFactory(), "1,000", 2)

    response = client.get(reverse("claims:list"), {"page": 2})

    assert response.status_code == 404


def test_reported_until_counts_published_figures_only(client):
    claim = ClaimFactory(title="Withdrawn early figure")
    early = stated(claim, "1,000", 2)
    stated(claim, "2,000", 20)
    services.assertion_retract(assertion=early, reason="Misquoted")

    response = client.get(reverse("claims:list"), {"stated_before": "2024-10-10"})

    assert response.context["rows"] == []


# Sources


def test_source_page_groups_figures_by_claim_and_compares(client, seeded):
    url = reverse("sources:detail", kwargs={"slug": "dutch-intelligence-services"})

    page = text(client.get(url))

    assert "North Korean troops in Russia" in page
    assert "up to 1,500" in page
    assert "agrees with 3 of the 4 other estimates" in page


def test_source_list_filters_by_kind(client, seeded):
    response = client.get(reverse("sources:list"), {"kind": "think_tank"})

    assert [s.name for s in response.context["object_list"]] == [
        "Brookings Institution"
    ]


def test_source_list_counts_each_sources_published_figures_on_every_page(client):
    """The Figures column counts a source's published figures, a retracted one not,
    on the list's second page as on its first."""
    claim = ClaimFactory()
    first = SourceFactory(name="Aaa Ministry")
    last = SourceFactory(name="Zzz Agency")
    for name in (f"Mmm Source {n:02}" for n in range(50)):
        SourceFactory(name=name)
    stated(claim, "3,000", 1, source=first)
    retracted = stated(claim, "4,000", 2, source=first)
    services.assertion_retract(assertion=retracted, reason="Misquoted.")
    for day in (3, 4, 5):
        stated(claim, f"{day},000", day, source=last)

    page_one = client.get(reverse("sources:list")).context["object_list"]
    page_two = client.get(reverse("sources:list"), {"page": 2}).context["object_list"]

    totals = {s.name: s.published_total for s in [*page_one, *page_two]}
    assert "Aaa Ministry" in [s.name for s in page_one]
    assert "Zzz Agency" in [s.name for s in page_two]
    assert (totals["Aaa Ministry"], totals["Zzz Agency"]) == (1, 3)
    assert totals["Mmm Source 00"] == 0


def test_source_list_reads_figures_of_the_pages_sources_only(client, seeded):
    """Its cost follows the page: the figures counted are those of the sources
    shown, never every source's (issue 28: 1.1 s at 351,629 figures)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("sources:list"), {"kind": "think_tank"})

    shown = [s.pk for s in response.context["object_list"]]
    reading = [q["sql"] for q in queries if "claims_assertion" in q["sql"]]
    assert len(reading) == 1
    assert re.search(rf'"source_id" IN \({shown[0]}\)', reading[0])


def test_source_found_by_alias(client, seeded):
    response = client.get(reverse("sources:list"), {"q": "GUR"})

    assert [s.slug for s in response.context["object_list"]] == [
        "ukrainian-military-intelligence-hur"
    ]


def test_source_page_hides_drafts(client):
    source = SourceFactory()
    stated(ClaimFactory(), "3,000", 2, source=source)
    stated(
        ClaimFactory(title="Secret draft claim"),
        "9,999",
        3,
        source=source,
        status="draft",
    )

    page = client.get(source.get_absolute_url()).content.decode()

    assert "Secret draft claim" not in page
    assert "9,999" not in page


def test_unknown_source_is_404(client):
    assert (
        client.get(reverse("sources:detail", kwargs={"slug": "nope"})).status_code
        == 404
    )


def test_source_page_shows_a_hundred_figures_a_page_each_compared(client):
    source = SourceFactory(name="Ministry of Defence")
    claim = dense_claim_of(source, FIGURES_PER_PAGE + 5)
    services.assertion_create(
        claim=claim,
        source=SourceFactory(name="Other estimate"),
        stated_on=START,
        figure="200,000",
        quote="They said 200,000.",
    )

    first = text(client.get(source.get_absolute_url()))
    second = text(client.get(source.get_absolute_url(), {"figures": 2}))

    assert "Figures 1–100 of 105" in first
    assert "about 49,700" not in first
    assert "Figures 101–105 of 105" in second
    # The last page's figures are compared with the other source's earlier one.
    assert (
        "5 Jun 2022 about 49,700 44,730 to 54,670 below the 1 other estimate: "
        "“200,000” (Other estimate)"
    ) in second


# The planner's settings the source page reads its figures' ids under.
PLANNED = (
    "enable_hashjoin",
    "enable_mergejoin",
    "enable_incremental_sort",
    "max_parallel_workers_per_gather",
)


def planner_settings() -> dict:
    """The planner's settings a query on this connection runs under (PostgreSQL)."""
    with connection.cursor() as cursor:
        found = {}
        for name in PLANNED:
            cursor.execute(f"SHOW {name}")
            found[name] = cursor.fetchone()[0]
    return found


def test_queries_after_the_source_page_are_planned_as_usual(client):
    source = SourceFactory(name="Ministry of Defence")
    claim = dense_claim_of(source, 3)
    before = planner_settings() if connection.vendor == "postgresql" else None

    page = text(client.get(source.get_absolute_url()))

    assert claim.title in page
    if connection.vendor == "postgresql":
        assert before["enable_hashjoin"] == "on"
        assert planner_settings() == before


# Home


def test_home_shows_topics_disagreements_and_latest(client, seeded):
    page = text(client.get(reverse("home")))

    assert "North Korean troops in Russia, 2024" in page
    assert "Where sources disagree most" in page
    assert (
        "“up to 1,500” to “closer to 12,000” (troops) from 6 sources; 7.2× apart"
    ) in page
    assert "US Department of Defense (Pentagon) gave 10,000" in page


# Summary kept in step


def test_retraction_updates_the_claim_summary():
    claim = ClaimFactory()
    stated(claim, "1,000", 2)
    high = stated(claim, "9,000", 3)
    claim.refresh_from_db()
    assert claim.spread_ratio == 9

    services.assertion_retract(assertion=high, reason="Withdrawn")

    claim.refresh_from_db()
    assert (claim.assertion_count, claim.spread_ratio) == (1, None)


def test_moving_an_assertion_updates_both_claims():
    first, second = ClaimFactory(), ClaimFactory()
    moving = stated(first, "1,000", 2)

    moving.claim = second
    services.assertion_save(assertion=moving)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.assertion_count, second.assertion_count) == (0, 1)


def test_chart_downloads_as_a_standalone_svg_file(client):
    claim = ClaimFactory(unit="troops")
    stated(claim, "1,500", 18)
    stated(claim, "at least 3,000", 23)

    response = client.get(reverse("claims:chart", args=[claim.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    svg = response.content.decode()
    assert svg.startswith("<svg") or svg.lstrip().startswith("<?xml")
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "troops" in svg


def test_methodology_page_explains_the_rules_with_the_worked_examples(client):
    response = client.get(reverse("methodology"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "we divide the higher one's lower end by the lower one's upper end" in page
    assert "<td>up to 1,500</td><td>10,000</td><td>no</td><td>6.67</td>" in page
    assert "yes, as a vague-term conflict" in page


def test_every_claim_page_links_to_the_methodology(client):
    claim = ClaimFactory()
    stated(claim, "1,500", 18)

    page = client.get(claim.get_absolute_url()).content.decode()

    assert f'href="{reverse("methodology")}"' in page


def test_as_of_view_cuts_the_chart_at_its_date_with_a_visible_line(client):
    claim = ClaimFactory()
    stated(claim, "1,500", 18)
    stated(claim, "10,000", 29)

    page = client.get(claim.get_absolute_url() + "?as_of=2024-10-24").content.decode()
    chart = page[page.index('<svg class="chart-plot"') : page.index("</figure>")]

    assert "As known on 24 Oct 2024" in chart
    assert "10,000" not in chart


def test_the_claim_pages_chart_draws_a_vague_term_as_its_band_only(client):
    claim = ClaimFactory(title="People displaced by the dam breach", unit="people")
    stated(claim, "a few thousand", 2, SourceFactory(name="Regional governor"))
    stated(claim, "4,800", 3, SourceFactory(name="Red Cross"))
    stated(claim, "about 8,200", 7, SourceFactory(name="UN OCHA"))

    page = client.get(claim.get_absolute_url()).content.decode()
    svg = page[page.index('<svg class="chart-plot"') : page.index("</figure>")]

    # The governor's band: "a few thousand" read as 2,000 to 5,000.
    (band,) = re.findall(
        r'<rect x="[\d.]+" width="[\d.]+" y="(\d+)" height="(\d+)"', svg
    )
    top, height = int(band[0]), int(band[1])
    middle = {top + height // 2 + d for d in (-1, 0, 1)}
    drawn = {int(y) for y in re.findall(r'(?:y1|y2|cy|y)="(\d+)"', svg)}
    drawn |= {int(y) for y in re.findall(r"(?:V|M[\d.]+ )(\d+)", svg)}
    ticks = {int(y) for y in re.findall(r'<line x1="0" x2="[\d.]+%" y1="(\d+)"', svg)}
    assert not (drawn - ticks) & middle  # nothing at 3,500, which nobody said
    assert "3,500" not in svg and "3.5k" not in svg
    assert "a few" in svg and "thousand" in svg  # its end label, as stated


def test_source_filter_matches_part_of_a_name_in_any_case(client):
    from sources.models import SourceAlias

    hur = SourceFactory(name="Ukrainian military intelligence")
    SourceAlias.objects.create(source=hur, name="HUR")
    theirs, other = ClaimFactory(title="Theirs"), ClaimFactory(title="Other")
    stated(theirs, "3,000", 2, source=hur)
    stated(other, "3,000", 2)

    by_part = client.get(reverse("claims:list"), {"source": "ukrainian"})
    by_alias = client.get(reverse("claims:list"), {"source": "hur"})

    for response in (by_part, by_alias):
        assert [row.claim.title for row in response.context["rows"]] == ["Theirs"]


def test_a_source_filter_naming_many_sources_finds_each_ones_claims(
    client, monkeypatch
):
    """Up to NAMED_IDS sources named are looked for by their ids, and up to
    NAMED_CLAIMS of their claims by theirs; more, by a subquery: either way, the
    claims of every source named, an alias's and a merged source's old slug's
    included."""
    from django.core.cache import cache

    from claims import filters
    from sources import services as source_services
    from sources.models import SourceAlias

    hur = SourceFactory(name="Ukrainian military intelligence")
    SourceAlias.objects.create(source=hur, name="HUR")
    navy = SourceFactory(name="Ukrainian navy")
    gone = SourceFactory(name="General Staff", slug="general-staff")
    staff = SourceFactory(name="Armed Forces staff")
    source_services.source_merge(source=gone, into=staff, reason="Duplicate.")
    for title, source in (("Intel", hur), ("Navy", navy), ("Staff", staff)):
        stated(ClaimFactory(title=title), "3,000", 2, source=source)
    stated(ClaimFactory(title="Other"), "3,000", 2)

    def titles(value):
        cache.clear()  # each time through the filter, not the cached page
        response = client.get(
            reverse("claims:list"), {"source": value, "sort": "title"}
        )
        return [row.claim.title for row in response.context["rows"]]

    for sources, claims in ((100, 1_000), (100, 0), (1, 1_000)):
        monkeypatch.setattr(filters, "NAMED_IDS", sources)
        monkeypatch.setattr(filters, "NAMED_CLAIMS", claims)
        assert titles("ukrainian") == ["Intel", "Navy"]
        assert titles("hur") == ["Intel"]
        assert titles("general-staff") == ["Staff"]


def test_a_search_of_thousands_of_words_uses_ten_and_says_so(client, seeded):
    response = client.get(reverse("claims:list"), {"q": "troops " * 5000})

    assert response.status_code == 200
    assert "Only the first 10 words (200 characters)" in response.text


def test_a_short_search_gets_no_note(client, seeded):
    response = client.get(reverse("claims:list"), {"q": "troops"})

    assert "Only the first" not in response.text


@pytest.mark.parametrize(
    "url",
    [
        ("claims:list-export", "csv"),
        ("claims:list-export", "json"),
        ("sources:list", None),
        ("api:claim-list", None),
        ("api:source-list", None),
    ],
)
def test_searches_of_thousands_of_words_are_answered(client, seeded, url):
    name, fmt = url
    path = reverse(name, args=[fmt] if fmt else [])

    response = client.get(path, {"q": "troops russia " * 5000})

    assert response.status_code == 200
    if response.streaming:
        assert b"".join(response.streaming_content).strip()


def test_a_long_search_exports_the_same_rows_as_its_first_ten_words(client, seeded):
    words = "North Korean troops " * 1000
    path = reverse("claims:list-export", args=["csv"])

    long = b"".join(client.get(path, {"q": words}).streaming_content)
    short = b"".join(client.get(path, {"q": "North Korean troops"}).streaming_content)

    assert long == short


def test_an_export_the_database_refuses_is_refused_whole(client, seeded, monkeypatch):
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    def refuse(*args, **kwargs):
        raise OperationalError("Expression tree is too large")
        yield

    monkeypatch.setattr(QuerySet, "iterator", refuse)

    response = client.get(reverse("claims:list-export", args=["csv"]))

    assert response.status_code == 503
    assert "none was sent" in response.text


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_claim_with_an_extreme_date_inserted_raw_still_renders(client, seeded, day):
    from claims.models import Assertion
    from claims.pipeline import derive

    claim = Claim.objects.get(slug="north-korean-troops-in-russia")
    Assertion.objects.filter(pk=claim.assertions.first().pk).update(stated_on=day)
    derive.claims_derive(claim_ids=[claim.pk])

    for query in ({}, {"scale": "log"}, {"as_of": "2024-11-01"}):
        response = client.get(claim.get_absolute_url(), query)
        assert response.status_code == 200, query


def test_a_direction_override_in_a_quote_is_shown_not_obeyed(client):
    claim = ClaimFactory()
    stated(claim, "1,500", 18, quote="They said 1,500.\u202e003,1 ton")

    page = client.get(claim.get_absolute_url()).content.decode()

    assert "\u202e" not in page
    assert '<span class="control-mark">[U+202E]</span>' in page


def test_claim_page_has_open_graph_and_twitter_tags_for_sharing(client):
    claim = ClaimFactory(title="Troops & <tanks>")
    stated(claim, "1,500", 18)

    page = client.get(claim.get_absolute_url()).content.decode()

    assert '<meta property="og:title" content="Troops &amp; &lt;tanks&gt;: what' in page
    assert '<meta property="og:type" content="article">' in page
    description = re.search(r'property="og:description" content="([^"]*)"', page)
    assert "1,500" in description.group(1)
    assert '<meta name="twitter:card" content="summary">' in page


def test_the_same_quote_from_one_report_is_shown_once_for_a_run_of_figures(client):
    claim = ClaimFactory()
    shared = "Ukraine, the U.S. and South Korea confirmed up to 1,500 troops."
    for _ in range(3):
        stated(claim, "up to 1,500", 25, quote=shared)

    page = client.get(claim.get_absolute_url()).content.decode()
    figures = page[page.index('id="all-heading"') :]

    assert figures.count(shared) == 1
    assert figures.count("Same quote and report as the figure above.") == 2


def test_a_mass_retraction_is_listed_a_page_at_a_time_and_counted_in_full(client):
    """A mistaken import of 23 figures, each retracted: the claim page lists them
    a page of 20 at a time, the latest page first (as the every-figure list),
    linking to the earlier ones, while the lede and the as-of view count every
    one; page numbers a reader types never break it."""
    claim = ClaimFactory(title="Shells fired at the Delta", unit="shells")
    source = SourceFactory(name="Delta Watch")
    for day in range(1, RETRACTED_PER_PAGE + 4):
        figure = services.assertion_create(
            claim=claim,
            source=source,
            stated_on=datetime.date(2025, 3, day),
            figure=f"{day * 100:,}",
            quote=f"They fired {day * 100:,} shells.",
        )
        services.assertion_retract(assertion=figure, reason=f"Row {day} misread")
    url = claim.get_absolute_url()

    latest = client.get(url).content.decode()
    earliest = client.get(url, {"retracted": 1}).content.decode()

    struck = 'class="assertion assertion-retracted"'
    assert latest.count(struck) == 3
    assert "Row 23 misread." in latest and "Row 20 misread." not in latest
    assert "Every figure recorded for this claim was retracted: 23 figures" in (
        text_of(latest)
    )
    assert "Retracted figures (23)" in text_of(latest)
    assert "Retracted figures 21–23 of 23" in text_of(latest)
    assert 'href="?retracted=1#retracted-heading"' in latest
    assert '<ol class="assertions retracted" start="21">' in latest
    assert earliest.count(struck) == RETRACTED_PER_PAGE
    assert "Row 1 misread." in earliest and "Row 21 misread." not in earliest
    as_of = text(client.get(url, {"as_of": "2025-03-02"}))
    assert "2 figures stated by then were retracted" in as_of


def test_a_page_number_spelled_another_way_redirects_to_the_page_shown(client):
    """Each page of a claim's lists has one address, so one copy in the page cache:
    a number with zeros, past the last page, or no number at all answers with a
    redirect to the page it would show, keeping the other parameters."""
    claim = ClaimFactory(title="Shells fired at the Delta", unit="shells")
    for day in range(1, 4):
        figure = stated(claim, f"{day * 100:,}", day)
        if day < 3:
            services.assertion_retract(assertion=figure, reason="Misread")
    url = claim.get_absolute_url()
    cases = {
        "retracted=02": "retracted=1",  # one page of two retracted figures
        "retracted=99999": "retracted=1",
        "retracted=" + "2" * 40: "retracted=1",
        "retracted=abc": "retracted=1",
        "retracted=-1": "retracted=1",
        "retracted=0": "retracted=1",
        "figures=1e3": "figures=1",
        "figures=%EF%BC%91": "figures=1",  # a full-width digit one
        "scale=log&figures=007": "scale=log&figures=1",
    }
    for asked, shown in cases.items():
        answer = client.get(f"{url}?{asked}")
        assert answer.status_code == 302, asked
        assert answer["Location"] == f"{url}?{shown}", asked
        assert client.get(answer["Location"]).status_code == 200, asked
    assert client.get(f"{url}?retracted=1").status_code == 200
    bare = ClaimFactory(title="Wells dug", unit="wells")
    stated(bare, "40", 1)
    answer = client.get(bare.get_absolute_url() + "?retracted=1&figures=1")
    assert answer["Location"] == bare.get_absolute_url() + "?figures=1"


def test_staff_and_the_source_page_read_page_numbers_as_readers_do(client, db):
    """Staff pages skip the cache's normalising, so the view reads the number
    itself: spaces around it, thousands of digits, a blank; the source page reads
    them as the claim page does, its default being its first page."""
    claim = ClaimFactory(title="Shells fired at the Delta", unit="shells")
    source = SourceFactory(name="Delta Watch")
    for day in range(1, 4):
        stated(claim, f"{day * 100:,}", day, source=source)
    staff = signed_in(member("rita", "Researchers"))
    url = claim.get_absolute_url()
    cases = {
        "figures=%201": "figures=1",
        "figures=%C2%A01": "figures=1",  # a no-break space before it
        "figures=" + "1" * 4301: "figures=1",
        "retracted=" + "9" * 5000: "",
    }
    for asked, shown in cases.items():
        answer = staff.get(f"{url}?{asked}")
        assert answer.status_code == 302, asked
        assert answer["Location"] == (f"{url}?{shown}" if shown else url), asked
    assert staff.get(f"{url}?figures=").status_code == 200  # names no page
    own = source.get_absolute_url()
    for asked in ("0", "-1", "abc", "%D9%A2", "1_0", "%EF%BC%91"):
        answer = client.get(f"{own}?figures={asked}")
        assert answer["Location"] == f"{own}?figures=1", asked
    assert client.get(own + "?figures=1").status_code == 200


def test_a_blank_page_number_is_the_plain_page_and_not_limited(client, db, settings):
    settings.CLAIMTRACKER_LIMITS = True
    settings.CLAIMTRACKER_LIMIT_RATES = {
        **settings.CLAIMTRACKER_LIMIT_RATES,
        "reader": "2/minute",
    }
    claim = ClaimFactory(title="Wells dug", unit="wells")
    stated(claim, "40", 1)

    answers = [client.get(claim.get_absolute_url() + "?figures=") for _ in range(4)]

    assert {answer.status_code for answer in answers} == {200}


def test_the_summary_names_ten_figures_set_aside_and_counts_the_rest(client, db):
    """An editor's clean-up of a dozen sources' figures: the summary words ten of
    them with their reasons and counts the others, which the list marks."""
    claim = ClaimFactory(title="Drones over the Delta", unit="drones")
    editor = member("eddie", "Editors")
    stated(claim, "400", 1)
    for n in range(12):
        figure = stated(claim, f"{n + 1},000", 2)
        services.assertion_set_aside(
            assertion=figure, reason=f"Counts region {n}", user=editor
        )

    page = text(client.get(claim.get_absolute_url()))

    assert page.count("is set aside by the editors for this claim") == 10
    assert (
        "2 more figures are set aside by the editors for this claim, each marked "
        "with the reason in the list of every figure."
    ) in page
