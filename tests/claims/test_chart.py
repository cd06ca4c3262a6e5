import random
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations

import pytest
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.domain.divergence import Point
from claims.domain.figures import parse_figure
from claims.presentation.chart import (
    LABEL_WIDTH,
    LINEAR,
    LOG,
    MAX_WIDTH,
    MID_WIDTH,
    MIN_WIDTH,
    MIN_X_TICKS,
    PALETTE,
    PLOT_BOTTOM,
    PLOT_RIGHT,
    PLOT_TOP,
    Mark,
    compact_number,
    layout_sparkline,
    layout_timeline,
    period,
    short_name,
    source_colours,
    text_width,
    unit_label,
    wrap,
)
from claims.presentation.chart.layout import thinned
from tests.support.chart import label_boxes, tick_spans
from tests.support.colour import (
    ciede2000,
    colour_difference,
    contrast_ratio,
    simulate,
)


def mark(id, source, day, figure, precision="day", name=None, month=10, year=2024):
    parsed = parse_figure(figure)
    point = Point(
        id=id,
        source_id=source,
        stated_on=date(year, month, day),
        kind=parsed.kind,
        low=parsed.low,
        high=parsed.high,
        value=parsed.value,
        figure=figure,
    )
    return Mark(point, name or f"Source {source}", precision, f"They said {figure}.")


def on(id, source, day: date, figure, name=None):
    return mark(id, source, day.day, figure, name=name, month=day.month, year=day.year)


# The seed's troop claim: eleven figures, four on 25 October, two 3,000s on 28 October.
TROOPS = [
    mark(1, 1, 1, "several thousand", "month", "Ukrainian military intelligence (HUR)"),
    mark(2, 2, 18, "first batch of 1,500", name="South Korea NIS (NIS)"),
    mark(3, 3, 23, "at least 3,000", name="John Kirby"),
    mark(4, 4, 25, "up to 1,500", name="Dutch intelligence services"),
    mark(5, 1, 25, "up to 1,500", name="Ukrainian military intelligence (HUR)"),
    mark(6, 5, 25, "up to 1,500", name="US intelligence community"),
    mark(7, 2, 25, "up to 1,500", name="South Korea NIS (NIS)"),
    mark(8, 5, 28, "3,000", name="US intelligence community"),
    mark(9, 2, 28, "3,000", name="South Korea NIS (NIS)"),
    mark(10, 1, 28, "closer to 12,000", name="Ukrainian military intelligence (HUR)"),
    mark(11, 6, 29, "10,000", name="US Department of Defense (Pentagon)"),
]


def dense_claim(count=1631, sources=2, seed=7):
    """Return a claim of `count` daily figures: one source's running total, every
    day, and a second source's weekly figure."""
    rng = random.Random(seed)
    start = date(2022, 2, 24)
    marks, total, i = [], 1000, 0
    day = start
    while len(marks) < count:
        total += rng.randint(200, 1300)
        i += 1
        marks.append(on(i, 1, day, f"{total:,}", name="General Staff of Ukraine"))
        if sources > 1 and day.weekday() == 0 and len(marks) < count:
            i += 1
            marks.append(on(i, 2, day, f"about {total * 0.8:,.0f}", name="UK MoD"))
        day += timedelta(days=1)
    return marks


def assert_no_overlaps(chart):
    boxes = [m.box for m in chart.markers]
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    for width in (MIN_WIDTH, 480, 600, MAX_WIDTH):
        placed = [
            (box.left(width), box.right(width), box.top, box.bottom) for box in boxes
        ]
        for (l1, r1, t1, b1), (l2, r2, t2, b2) in combinations(placed, 2):
            assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1


def assert_inside(chart):
    for marker in chart.markers:
        box = marker.box
        for width in (MIN_WIDTH, MAX_WIDTH):
            assert box.left(width) >= 0
            assert box.right(width) <= PLOT_RIGHT * width / 100
        assert PLOT_TOP - 14 <= box.top and box.bottom <= PLOT_BOTTOM + 14


def assert_labels_apart(chart):
    spans = sorted(label_boxes(chart.series))
    for (_, bottom), (top, _) in zip(spans, spans[1:], strict=False):
        assert bottom <= top
    assert all(top >= 0 and bottom <= chart.height for top, bottom in spans)


# Shapes say what was stated.


def test_shapes_follow_the_kind_of_figure():
    chart = layout_timeline(TROOPS)

    shapes = {m.point_id: m.shape for m in chart.markers}
    assert shapes[1] == "band"  # several thousand: its range, not a midpoint
    assert shapes[3] == "up"  # at least 3,000: an arrow up from 3,000
    assert shapes[4] == "down"
    assert shapes[8] == "dot"
    assert shapes[10] == "ring"


def test_an_open_bound_is_drawn_at_its_stated_number():
    chart = layout_timeline(TROOPS)

    at_least = next(m for m in chart.markers if m.point_id == 3)
    exact = next(m for m in chart.markers if m.point_id == 8)
    assert at_least.y == exact.y  # both at 3,000


def test_a_vague_term_is_a_band_over_its_interval():
    chart = layout_timeline(TROOPS)

    band = next(m for m in chart.markers if m.point_id == 1)
    assert band.y_high < band.y_low
    assert band.box.top < band.y_high and band.box.bottom > band.y_low


# A vague term is its band only: no line, end or label at a middle no source stated
# (issue 24). A dam breach's displaced people: "a few thousand" reads as 2,000 to
# 5,000, whose middle 3,500 nobody said; "thousands" as 2,000 to 9,999.
DISPLACED = [
    mark(1, 1, 2, "a few thousand", name="Regional governor"),
    mark(2, 2, 3, "4,800", name="Red Cross"),
    mark(3, 2, 6, "thousands", name="Red Cross"),
    mark(4, 3, 7, "about 8,200", name="UN OCHA"),
]


def _path_ys(path: str) -> set[int]:
    """Return every y a step path visits: after each M (x y) and each V."""
    ys = {int(y) for y in re.findall(r"M[\d.]+ (\d+)", path)}
    return ys | {int(y) for y in re.findall(r"V(\d+)", path)}


def test_a_vague_term_draws_no_line_end_or_label_at_a_middle():
    chart = layout_timeline(DISPLACED)

    by_name = {s.name: s for s in chart.series}
    governor, red_cross = by_name["Regional governor"], by_name["Red Cross"]
    band = governor.bands[0]
    middles = set(range(band.y + band.height // 2 - 1, band.y + band.height // 2 + 2))
    assert governor.path == ""  # only ever vague: a band, never a line
    assert governor.end_y == band.y  # the line's end sits on the band's top
    assert not middles & {governor.end_y, governor.label_mid} - {band.y}
    # The Red Cross's 4,800 is a line; its "thousands" after it only a band.
    later = red_cross.bands[-1]
    assert _path_ys(red_cross.path) == {red_cross_y(chart)}
    assert red_cross.end_y == later.y
    assert _label_figure(red_cross) == "thousands"
    assert _label_figure(governor) == "a few thousand"


def _label_figure(series) -> str:
    return " ".join(text for text, is_name in series.label_lines if not is_name)


def red_cross_y(chart) -> int:
    """Return the y of the Red Cross's stated 4,800, from its dot."""
    return next(m.y for m in chart.markers if m.point_id == 2)


def test_a_vague_terms_marker_is_drawn_at_its_bounds_not_its_middle():
    svg = render("claims/includes/timeline_chart.html", layout_timeline(DISPLACED))
    chart = layout_timeline(DISPLACED)

    band = next(m for m in chart.markers if m.point_id == 1)
    drawn = svg[
        svg.index('href="#assertion-1"') : svg.index(
            "</a>", svg.index('href="#assertion-1"')
        )
    ]
    assert f'y1="{band.y_high}" y2="{band.y_low}"' in drawn
    assert f'y="{band.y}"' not in drawn and f'cy="{band.y}"' not in drawn
    assert "3,500" not in svg and "3.5k" not in svg


# A figure the editors set aside for the claim leaves the chart (issue 24).


def set_aside(m: Mark, on: date) -> Mark:
    point = replace(m.point, set_aside_on=on, set_aside_reason="A different scope.")
    return m._replace(point=point)


def test_a_figure_set_aside_leaves_the_chart():
    blogger = set_aside(
        mark(9, 9, 8, "no more than 90", name="Blogger"), date(2024, 10, 9)
    )

    chart = layout_timeline([*DISPLACED, blogger])

    assert 9 not in {m.point_id for m in chart.markers}
    assert "Blogger" not in {s.name for s in chart.series}
    assert "Blogger" not in {e.source_name for e in chart.current}
    assert chart.y_ticks == layout_timeline(DISPLACED).y_ticks  # 90 set no scale


def test_a_figure_set_aside_later_is_drawn_as_known_before():
    blogger = set_aside(
        mark(9, 9, 8, "no more than 90", name="Blogger"), date(2024, 10, 9)
    )

    chart = layout_timeline([*DISPLACED, blogger], as_of=date(2024, 10, 8))

    assert 9 in {m.point_id for m in chart.markers}


def test_a_source_whose_latest_figure_is_set_aside_stops_and_has_no_end_label():
    first = mark(9, 9, 2, "4,000", name="Blogger")
    later = set_aside(
        mark(10, 9, 6, "no more than 90", name="Blogger"), date(2024, 10, 9)
    )

    chart = layout_timeline([*DISPLACED, first, later])

    blogger = next(s for s in chart.series if s.name == "Blogger")
    assert blogger.label_lines == ()
    assert "Blogger" not in {e.source_name for e in chart.current}
    red_cross = next(s for s in chart.series if s.name == "Red Cross")
    # The line of 4,800 runs from 3 Oct to 6 Oct, as the blogger's stops on 6 Oct.
    assert blogger.path.split("H")[-1] == red_cross.path.split("H")[-1]


def test_marker_title_names_source_date_figure_and_quote():
    chart = layout_timeline(TROOPS)

    titles = {m.point_id: m.title for m in chart.markers}
    assert titles[1] == (
        "Ukrainian military intelligence (HUR), October 2024: several thousand "
        "(read as 3,000 to 9,000) — “They said several thousand.”"
    )
    assert titles[10].startswith(
        "Ukrainian military intelligence (HUR), 28 Oct 2024: closer to 12,000"
    )


def test_month_precision_is_dated_no_more_precisely():
    chart = layout_timeline(TROOPS)

    band = next(m for m in chart.markers if m.point_id == 1)
    assert band.spans_period
    assert "October 2024" in chart.description
    assert "1 Oct" not in chart.description


# Markers only where a figure changes, and never on top of each other.


def test_a_repeated_figure_gets_no_marker():
    marks = [mark(1, 1, 2, "1,000"), mark(2, 1, 5, "1,000"), mark(3, 1, 9, "2,000")]

    chart = layout_timeline(marks)

    assert [m.point_id for m in chart.markers] == [1, 3]


def test_a_highlighted_repeat_keeps_its_marker():
    marks = [mark(1, 1, 2, "1,000"), mark(2, 1, 5, "1,000"), mark(3, 2, 9, "9,000")]

    chart = layout_timeline(marks, highlight=frozenset({2, 3}))

    assert {m.point_id for m in chart.markers if m.highlighted} == {2, 3}


def test_every_troop_figure_has_a_marker_and_none_overlap():
    chart = layout_timeline(TROOPS)

    assert len(chart.markers) == 11
    assert_no_overlaps(chart)
    assert_inside(chart)


def test_identical_values_from_different_sources_are_spread_apart():
    same = [mark(1, 1, 25, "3,000"), mark(2, 2, 25, "3,000"), mark(3, 3, 25, "3,000")]

    chart = layout_timeline(same)

    assert len({m.dx for m in chart.markers}) == 3
    assert_no_overlaps(chart)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 28),
            st.integers(0, 10**9),
            st.integers(1, 12),
            st.sampled_from(["{}", "about {}", "at least {}", "up to {}", "{}–{}"]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["linear", "log"]),
)
def test_generated_claims_keep_markers_apart_inside_the_plot(rows, scale):
    marks = [
        mark(i, source, day, shape.format(f"{n:,}", f"{n * 2 + 1:,}"))
        for i, (day, n, source, shape) in enumerate(rows)
    ]

    chart = layout_timeline(marks, scale=scale)

    assert_no_overlaps(chart)
    assert_inside(chart)
    assert_labels_apart(chart)


@pytest.mark.parametrize("scale", [LINEAR, LOG])
@pytest.mark.parametrize(
    "figure",
    ["3,000", "about 3,000", "between 10,000 and 12,000", "several thousand",
     "at least 3,000", "up to 1,500", "between 2,000 and 2,010", "0"],
)  # fmt: skip
def test_a_marker_left_in_place_takes_the_room_its_drawn_marker_takes(figure, scale):
    from claims.presentation.chart.axes import _y_scale
    from claims.presentation.chart.labels import _box, _extent, _heights

    point = mark(1, 1, 28, figure).point
    y_of, _ = _y_scale([Decimal(1), Decimal(20000)], scale)
    shape, y, y_low, y_high = _heights(point, y_of)

    assert _box(point, y_of) == (shape, *_extent(shape, y, y_low, y_high, False))


@pytest.mark.parametrize("seed", range(5))
def test_seeded_dense_claims_keep_markers_apart(seed):
    marks = dense_claim(count=400, sources=2, seed=seed)

    chart = layout_timeline(marks)

    assert_no_overlaps(chart)
    assert_inside(chart)
    assert chart.omitted > 0  # the line carries what has no room
    assert {m.point_id for m in chart.markers} >= {s.point_id for s in chart.series}


# Labels at the lines' ends.


def test_each_line_is_labelled_with_short_name_and_latest_figure_as_stated():
    chart = layout_timeline(TROOPS)

    labels = {s.name: [text for text, _ in s.label_lines] for s in chart.series}
    assert labels["Ukrainian military intelligence (HUR)"] == [
        "HUR",
        "closer to",
        "12,000",
    ]
    assert labels["US Department of Defense (Pentagon)"][0] == "Pentagon"


def test_end_labels_never_collide():
    # As many sources as are labelled, all at one height: the most labels to stack.
    marks = [mark(i, i, 20, "3,000", name=f"Agency number {i}") for i in range(1, 13)]

    chart = layout_timeline(marks)

    assert len([s for s in chart.series if s.label_lines]) == 12
    assert_labels_apart(chart)
    assert any(s.moved for s in chart.series)  # moved ones get a leader line


def many_sources(count: int) -> list[Mark]:
    """Return one figure from each of `count` outlets, outlet n stating n × 1,000."""
    return [
        mark(n, n, 1 + n % 28, f"{n * 1_000:,}", name=f"Outlet {n}")
        for n in range(1, count + 1)
    ]


def test_a_chart_of_many_sources_labels_the_highest_and_lowest_twelve():
    chart = layout_timeline(many_sources(300))

    labelled = {s.name for s in chart.series if s.label_lines}
    highest = {f"Outlet {n}" for n in range(295, 301)}
    lowest = {f"Outlet {n}" for n in range(1, 7)}
    assert labelled == highest | lowest
    # Every source's line is drawn; the chart stays as tall as twelve labels need.
    assert len(chart.series) == 300
    assert chart.height <= 800
    assert_labels_apart(chart)
    # Beside it, the same twelve, highest first, and how many more there are.
    assert [e.source_name for e in chart.current] == [
        *(f"Outlet {n}" for n in range(300, 294, -1)),
        *(f"Outlet {n}" for n in range(6, 0, -1)),
    ]
    assert chart.unlabelled == 288
    assert chart.description.endswith(
        "Outlet 2: 2,000; Outlet 1: 1,000; and 288 more sources."
    )
    assert "300 figures from 300 sources" in chart.description


def test_the_figures_in_question_are_labelled_before_the_extremes():
    marks = many_sources(40)

    chart = layout_timeline(marks, highlight=frozenset({20, 21}))

    labelled = [s.name for s in chart.series if s.label_lines]
    assert {"Outlet 20", "Outlet 21"} <= set(labelled)
    assert len(labelled) == 12
    assert chart.names_highlighted


def test_a_figure_in_question_whose_source_names_no_estimate_takes_no_label():
    # Outlet 20's only figure is set aside: the pair is highlighted, but its
    # source has no current estimate to name, so the twelve are the extremes.
    marks = many_sources(40)
    aside = replace(marks[19].point, set_aside_on=date(2024, 10, 28))
    marks[19] = marks[19]._replace(point=aside)

    chart = layout_timeline(marks, highlight=frozenset({20, 21}))

    labelled = {s.name for s in chart.series if s.label_lines}
    assert "Outlet 20" not in labelled and "Outlet 21" in labelled
    assert len(labelled) == 12 and chart.names_highlighted


def test_twelve_sources_or_fewer_are_all_labelled_and_nothing_is_said_of_more():
    chart = layout_timeline(many_sources(12), highlight=frozenset({3}))

    assert all(s.label_lines for s in chart.series)
    assert chart.unlabelled == 0 and not chart.names_highlighted
    assert "more source" not in chart.description
    html = render_to_string(
        "claims/includes/timeline_chart.html", {"timeline": chart, "claim": None}
    )
    assert "drawn without a label" not in html


def test_no_label_states_a_number_no_source_stated():
    chart = layout_timeline(TROOPS)

    stated = {m.point.figure for m in TROOPS}
    for s in chart.series:
        figure = " ".join(text for text, is_name in s.label_lines if not is_name)
        assert figure in stated


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("US intelligence community", ["US", "intelligence", "community"]),
        ("Dutch intelligence services", ["Dutch", "intelligence", "services"]),
        ("Ukrainian military intelligence", ["Ukrainian", "military", "intelligence"]),
        ("Bundesnachrichtendienst", ["Bundesnac-", "hrichtendi-", "enst"]),
        (
            "Kyiv-Mohyla-Academy-Institute",
            ["Kyiv-", "Mohyla-", "Academy-", "Institute"],
        ),
    ],
)
def test_end_label_names_wrap_on_whole_words_and_are_never_cut(name, lines):
    """Issue 25: "US intelligence…" at 1,280 px, the ellipsis cut at 360 px."""
    wrapped = wrap(name, bold=True)

    assert wrapped == lines
    assert all(text_width(line, bold=True) <= LABEL_WIDTH for line in wrapped)
    assert "".join(wrapped).replace("-", "") == name.replace(" ", "").replace("-", "")


@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_name_wraps_to_fit_without_losing_a_letter(name):
    wrapped = wrap(name, bold=True)

    assert "…" not in "".join(wrapped) or "…" in name
    assert all(
        text_width(line, bold=True) <= LABEL_WIDTH for line in wrapped if len(line) > 1
    )
    kept = "".join(" ".join(wrapped).split()).replace("-", "")
    assert kept == "".join(name.split()).replace("-", "")


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Ukrainian military intelligence (HUR)", "HUR"),
        ("US Department of Defense (Pentagon)", "Pentagon"),
        ("John Kirby", "John Kirby"),
    ],
)
def test_short_name(name, short):
    assert short_name(name) == short


# Colours.


def test_palette_colours_differ_by_at_least_20_ciede2000():
    for a, b in combinations(PALETTE, 2):
        assert colour_difference(a, b) >= 20, (a, b)


def test_palette_colours_have_3_to_1_contrast_on_the_page():
    for colour in PALETTE:
        assert contrast_ratio(colour, "#ffffff") >= 3, colour


@pytest.mark.parametrize("deficiency", ["deuteranopia", "protanopia"])
def test_palette_stays_apart_with_colour_blindness(deficiency):
    for a, b in combinations(PALETTE, 2):
        seen = simulate(a, deficiency), simulate(b, deficiency)
        assert colour_difference(*seen) >= 12, (a, b)


def test_sources_beyond_the_palette_get_dashed_lines():
    styles = source_colours(range(len(PALETTE) + 2))

    assert styles[0] == (PALETTE[0], "")
    assert styles[len(PALETTE)][0] == PALETTE[0]
    assert styles[len(PALETTE)][1] != ""


def test_one_chart_has_distinct_styles_per_source():
    chart = layout_timeline(TROOPS)

    styles = [(s.colour, s.dash) for s in chart.series]
    assert len(set(styles)) == len(styles)


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu and Dalal (2005), table 1
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
        ((50, -1.3802, -84.2814), (50, 0, -82.7485), 1.0000),
        ((50, 2.5, 0), (50, 0, -2.5), 4.3065),
        ((50, 2.5, 0), (73, 25, -18), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#000000", "#ffffff", 21), ("#ffffff", "#ffffff", 1), ("#777777", "#fff", 4.48)],
)
def test_contrast_ratio(a, b, ratio):
    assert contrast_ratio(a, b) == pytest.approx(ratio, abs=0.01)


# Axes.


@pytest.mark.parametrize(
    ("unit", "label"), [("troops", "troops"), ("USD", "US dollars"), ("", "")]
)
def test_y_axis_carries_the_unit(unit, label):
    chart = layout_timeline(TROOPS, unit=unit)

    assert chart.unit_label == label


def test_log_scale_says_so_and_ticks_are_powers_of_ten():
    marks = [mark(1, 1, 2, "10"), mark(2, 2, 3, "1.3 million")]

    chart = layout_timeline(marks, scale=LOG, unit="troops")

    assert chart.unit_label == "troops (log scale)"
    assert [t.label for t in chart.y_ticks] == [
        "10",
        "100",
        "1k",
        "10k",
        "100k",
        "1M",
        "10M",
    ]


def test_linear_ticks_start_at_zero():
    chart = layout_timeline(TROOPS)

    assert chart.y_ticks[0].label == "0"


def test_busy_period_gets_the_room():
    marks = [mark(1, 1, 1, "100", month=1)] + [
        mark(i, 1 + i % 2, i, f"{i * 100:,}", month=6) for i in range(2, 20)
    ]

    fitted = layout_timeline(marks)
    full = layout_timeline(marks, full_range=True)

    busy = [Decimal(m.x[:-1]) for m in fitted.markers if m.point_id != 1]
    plain = [Decimal(m.x[:-1]) for m in full.markers if m.point_id != 1]
    assert fitted.is_fitted and not full.is_fitted and full.fittable
    assert max(busy) - min(busy) > 3 * (max(plain) - min(plain))
    assert fitted.x_ticks[0].under == "← earlier"
    assert "squeezed" in fitted.description


def test_evenly_spread_figures_keep_a_plain_axis():
    marks = [mark(i, 1, 1, f"{i},000", month=i) for i in range(1, 12)]

    chart = layout_timeline(marks)

    assert not chart.is_fitted and not chart.fittable


def test_x_labels_do_not_collide_on_a_phone():
    chart = layout_timeline(dense_claim(count=600))

    major = [t for t in chart.x_ticks if not t.minor]
    assert len(major) >= 2
    spans = sorted(Decimal(t.position[:-1]) * MIN_WIDTH / 100 for t in major)
    assert all(b - a >= 30 for a, b in zip(spans, spans[1:], strict=False))


@st.composite
def spans(draw):
    """A claim's figures over any span, from one day to twelve years: one source
    early on, then a run of figures from several sources (busy at the end or not),
    several on the last day."""
    first = draw(st.dates(date(1990, 1, 1), date(2035, 1, 1)))
    days = draw(st.integers(0, 12 * 366))
    busy = draw(st.integers(0, days))  # how long the last run lasts
    sources = draw(st.integers(1, 6))
    run = draw(st.integers(0, 30))
    last = first + timedelta(days=days)
    marks = [on(1, 1, first, "1,000")]
    for i in range(run):
        day = last - timedelta(days=draw(st.integers(0, busy)))
        marks.append(on(i + 2, 1 + i % sources, day, f"{(i + 2) * 100:,}"))
    marks.append(on(run + 2, 1, last, "9,000"))
    return sorted(marks, key=lambda m: (m.point.stated_on, m.point.id))


def assert_apart(spans, width):
    assert all(a[1] + 6 <= b[0] for a, b in zip(spans, spans[1:], strict=False)), (
        width,
        spans,
    )
    assert all(0 <= a and b <= PLOT_RIGHT * width / 100 for a, b in spans), spans


@given(spans())
@settings(max_examples=300, deadline=None)
def test_any_span_has_three_readable_dates_on_a_phone(marks):
    """Issue 25: 18 Oct-5 Nov showed one tick ("30 Oct"). Whatever the span, a
    phone shows at least three date labels, in order, none touching another (nor
    its year, nor "earlier"), all inside the plot; a desktop shows more, apart."""
    chart = layout_timeline(marks)

    phone = [t for t in chart.x_ticks if not t.minor]
    dated = [t for t in phone if t.label]
    positions = [Decimal(t.position[:-1]) for t in dated]
    assert len(dated) >= MIN_X_TICKS
    assert positions == sorted(set(positions))
    for line in ("label", "under"):
        assert_apart(tick_spans(phone, MIN_WIDTH, line), MIN_WIDTH)
        for width in (MID_WIDTH, MAX_WIDTH):
            assert_apart(tick_spans(chart.x_ticks, width, line), width)
    if not dated[0].label.isdigit():  # days or months: the year is said
        assert any(t.under.isdigit() for t in phone)


@given(spans(), st.integers(2, 3))
@settings(max_examples=150, deadline=None)
def test_figures_of_the_last_day_stay_by_their_day(marks, same):
    """Issue 25: four markers crowded the right edge, pushed into earlier days.
    Figures equal on the last day are spread either side of it, one step at most."""
    last = marks[-1].point.stated_on
    marks += [on(900 + n, 20 + n, last, "9,000") for n in range(same - 1)]

    chart = layout_timeline(marks)

    ids = {
        m.point.id
        for m in marks
        if (m.point.stated_on, m.point.figure) == (last, "9,000")
    }
    at_end = [m for m in chart.markers if m.point_id in ids]
    assert len(at_end) == len(ids)
    assert all(abs(m.dx) <= 2 * 5 + 7 for m in at_end), (last, at_end)


def test_the_figures_to_5_november_get_dated_ticks_and_room_at_the_end():
    """The walkthrough's troop claim, with figures added up to 5 November."""
    later = [
        mark(12, 4, 1, "about 4,000", name="Dutch intelligence services", month=11),
        mark(13, 5, 5, "11,000", name="US intelligence community", month=11),
        mark(14, 2, 5, "11,000", name="South Korea NIS (NIS)", month=11),
        mark(15, 3, 5, "12,000", name="John Kirby", month=11),
    ]

    chart = layout_timeline(TROOPS + later)

    labels = [t.label for t in chart.x_ticks if t.label and not t.minor]
    assert len(labels) >= 3 and "5 Nov" not in labels[:-1]
    end = [m for m in chart.markers if m.point_id in (13, 14, 15)]
    assert len(end) == 3 and max(m.dx for m in end) > 0


# As of a date.


def test_as_of_stops_the_chart_at_its_date_with_a_cut_off():
    chart = layout_timeline(TROOPS, as_of=date(2024, 10, 24))

    assert [m.point_id for m in chart.markers] == [1, 2, 3]
    assert chart.cut_off.label == "As known on 24 Oct 2024"
    band = next(m for m in chart.markers if m.point_id == 1)
    assert Decimal(band.x_end[:-1]) == Decimal(
        chart.x_end[:-1]
    )  # October's span stops at the cut-off
    assert any(entry.key == "cutoff" for entry in chart.legend)


# What the page shows beside the chart.


def test_current_estimates_list_each_sources_latest_figure_highest_first():
    chart = layout_timeline(TROOPS)

    assert [(e.source_name, e.figure) for e in chart.current][:2] == [
        ("Ukrainian military intelligence (HUR)", "closer to 12,000"),
        ("US Department of Defense (Pentagon)", "10,000"),
    ]


def test_legend_says_what_each_mark_means():
    chart = layout_timeline(TROOPS)

    keys = [entry.key for entry in chart.legend]
    assert keys == ["marker", "band", "arrow", "line", "period", "stub"]
    assert not any("precision" in entry.text for entry in chart.legend)


def test_empty_chart_says_so():
    chart = layout_timeline([])

    assert not chart.has_data
    assert chart.description == "No figures to chart."


# The byte budget (issue 17): 150 KB of SVG for 1,600 figures.


def test_dense_claim_layout_stays_small():
    chart = layout_timeline(dense_claim())

    assert chart.figure_count > 1600
    assert len(chart.markers) <= 250
    assert sum(len(s.path) for s in chart.series) <= 60_000


def render(template, timeline, **extra):
    context = {"timeline": timeline, "claim": {"title": "Russian losses"}, **extra}
    return render_to_string(template, context)


def test_dense_claim_renders_within_150_kb():
    svg = render("claims/includes/timeline_chart.html", layout_timeline(dense_claim()))

    assert len(svg.encode()) <= 150_000
    assert svg.count('<g class="marker ') > 20


def test_small_claim_renders_compactly():
    svg = render("claims/includes/timeline_chart.html", layout_timeline(TROOPS))

    assert len(svg.encode()) <= 20_000
    assert svg.count('<g class="marker ') == 11


def test_rendered_chart_is_accessible_and_links_each_marker_to_its_row():
    svg = render("claims/includes/timeline_chart.html", layout_timeline(TROOPS))

    assert 'role="img" aria-labelledby="chart-title chart-desc"' in svg
    assert svg.count('<a href="#assertion-') == 11 + len(
        layout_timeline(TROOPS).current
    )
    assert "<style" not in svg  # the CSP forbids inline styles
    assert 'font-size="12"' in svg


def test_standalone_svg_carries_everything_it_needs():
    svg = render(
        "claims/timeline_chart.svg", layout_timeline(TROOPS, unit="troops")
    ).strip()

    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert 'width="736"' in svg and 'height="' in svg
    assert '<title id="chart-title">How the figures for Russian losses moved' in svg
    assert "<desc" in svg and "troops" in svg
    assert "<a " not in svg  # no links to a page it is not on


# Unchanged helpers.


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (950, "950"),
        (1500, "1.5k"),
        (1_300_000, "1.3M"),
        (Decimal("0.5"), "0.5"),
    ],
)
def test_compact_number(value, text):
    assert compact_number(value) == text


def test_period_of_a_month_and_a_year():
    assert period(date(2024, 2, 1), "month") == (date(2024, 2, 1), date(2024, 2, 29))
    assert period(date(2024, 1, 1), "year") == (date(2024, 1, 1), date(2024, 12, 31))


def test_sparkline_climbs_with_the_figures():
    points = [m.point for m in (mark(1, 1, 2, "1,000"), mark(2, 1, 20, "3,000"))]

    coordinates = [pair.split(",") for pair in layout_sparkline(points).split()]

    assert float(coordinates[0][1]) > float(coordinates[1][1])


def test_unit_label():
    assert unit_label("usd") == "US dollars"


@given(
    st.lists(
        st.tuples(st.floats(2, 118), st.floats(2, 26)), min_size=1, max_size=300
    ).map(sorted)
)
def test_a_thinned_sparkline_keeps_each_columns_ends_and_extremes(places):
    kept = thinned(places)

    rest = iter(places)
    assert all(place in rest for place in kept)  # in order, none made up
    for column in {int(x) for x, _ in places}:
        here = [p for p in places if int(p[0]) == column]
        shown = [p for p in kept if int(p[0]) == column]
        assert len(shown) <= 4
        assert here[0] in shown and here[-1] in shown
        assert min(y for _, y in here) == min(y for _, y in shown)
        assert max(y for _, y in here) == max(y for _, y in shown)


def test_a_dense_claims_sparkline_stays_small():
    points = [
        Point(
            id=n,
            source_id=1,
            stated_on=date(2022, 1, 1) + timedelta(days=n),
            kind="exact",
            low=Decimal(1000 + (n * 37) % 500),
            high=Decimal(1000 + (n * 37) % 500),
            value=Decimal(1000 + (n * 37) % 500),
            figure=f"{1000 + (n * 37) % 500:,}",
        )
        for n in range(1600)
    ]

    line = layout_sparkline(points)

    assert len(line.split()) <= 4 * 120
    assert len(line) < 5_000
