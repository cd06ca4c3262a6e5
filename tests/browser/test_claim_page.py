import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TROOPS = "/claims/north-korean-troops-in-russia/"


def test_seed_claim_page_charts_every_assertion_without_console_errors(
    seeded_server, open_page, screenshot
):
    page = open_page(seeded_server.url + TROOPS)

    assert page.locator("svg.chart-plot g.marker").count() == 11
    assert page.console_errors == []
    assert page.locator("h1").inner_text() == "North Korean troops in Russia"
    assert screenshot(page, "claim-page-desktop").stat().st_size > 10_000


def test_marker_tooltips_name_source_date_figure_and_quote(seeded_server, open_page):
    page = open_page(seeded_server.url + TROOPS)

    titles = page.locator("svg.chart-plot g.marker > title").all_text_contents()

    # A marker of the pair under review says so first.
    assert any(
        t.removeprefix("In conflict: ").startswith(
            "Ukrainian military intelligence (HUR), 28 Oct 2024: closer to 12,000"
        )
        and "closer to 12,000 troops" in t
        for t in titles
    )


def test_claim_page_fits_a_phone(seeded_server, open_page):
    page = open_page(seeded_server.url + TROOPS, width=375, height=812)

    page_width = page.evaluate("document.documentElement.scrollWidth")
    plot = page.locator("svg.chart-plot").bounding_box()
    markers = [m.bounding_box() for m in page.locator("svg.chart-plot g.marker").all()]
    assert page_width <= 375
    assert plot["width"] >= 250
    for box in markers:
        assert (
            plot["x"] - 8 <= box["x"]
            and box["x"] + box["width"] <= plot["x"] + plot["width"] + 8
        )
    font_size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.chart text')).fontSize)"
    )
    assert font_size >= 11


def test_as_of_control_works_without_javascript(seeded_server, open_page):
    page = open_page(seeded_server.url + TROOPS, javascript=False)

    page.get_by_label("As known on").fill("2024-10-24")
    page.get_by_role("button", name="Show").click()

    assert "as_of=2024-10-24" in page.url
    assert page.locator("svg.chart-plot g.marker").count() == 3
    evolution = page.locator(".evolution").inner_text()
    assert "first batch of 1,500" in evolution and "→ at least 3,000" in evolution
    # "several thousand" is a range no one narrowed: never shown as a middle figure.
    assert "6,000" not in page.locator("main").inner_text()


def test_claim_list_filters_without_javascript_keep_their_state(
    seeded_server, open_page
):
    page = open_page(seeded_server.url + "/claims/", javascript=False)

    page.get_by_label("Topic").select_option("north-korean-armed-forces")
    page.get_by_label("Sort by").select_option("title")
    page.get_by_role("button", name="Apply").click()

    assert "topic=north-korean-armed-forces" in page.url
    assert page.get_by_label("Topic").input_value() == "north-korean-armed-forces"
    rows = page.locator("table.claims tbody th a").all_inner_texts()
    assert rows == [
        "Length of North Korea's mandatory military service",
        "North Korean active-duty soldiers",
        "North Korean reserve soldiers",
    ]


@pytest.mark.parametrize("width", [360, 1280])
def test_no_marker_hides_another_in_chromium(seeded_server, open_page, width):
    page = open_page(seeded_server.url + TROOPS, width=width, height=900)

    # Each marker's glyphs, joined into one box: not the dotted line across the month
    # or year of a date known only that precisely, which runs behind other markers.
    glyphs = ":is(circle, use, line:not([stroke-dasharray]))"
    boxes, titles = [], []
    for marker in page.locator("svg.chart-plot g.marker").all():
        parts = [g.bounding_box() for g in marker.locator(glyphs).all()]
        if not parts:
            # A figure known to its month or year only is drawn as its span, with no
            # point of its own (issue 24): it runs behind the markers of its period.
            continue
        left = min(b["x"] for b in parts)
        top = min(b["y"] for b in parts)
        right = max(b["x"] + b["width"] for b in parts)
        bottom = max(b["y"] + b["height"] for b in parts)
        boxes.append(
            {"x": left, "y": top, "width": right - left, "height": bottom - top}
        )
        titles.append(marker.locator("title").text_content()[:70])

    def overlap(a, b):
        return (
            a["x"] < b["x"] + b["width"] - 0.5
            and b["x"] < a["x"] + a["width"] - 0.5
            and a["y"] < b["y"] + b["height"] - 0.5
            and b["y"] < a["y"] + a["height"] - 0.5
        )

    assert len(boxes) >= 8
    clashes = [
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if overlap(boxes[i], boxes[j])
    ]
    assert clashes == [], [(titles[i], titles[j]) for i, j in clashes]
