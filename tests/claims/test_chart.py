from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.chart import (
    LOG,
    PLOT_BOTTOM,
    PLOT_TOP,
    Mark,
    compact_number,
    layout_sparkline,
    layout_timeline,
    period,
)
from claims.divergence import Point
from claims.figures import parse_figure


def mark(id, source, day, figure, precision="day", name=None, month=10):
    parsed = parse_figure(figure)
    point = Point(
        id=id,
        source_id=source,
        stated_on=date(2024, month, day),
        kind=parsed.kind,
        low=parsed.low,
        high=parsed.high,
        value=parsed.value,
        figure=figure,
    )
    return Mark(point, name or f"Source {source}", precision, f"They said {figure}.")


TROOPS = [
    mark(1, 1, 1, "several thousand", "month", "HUR"),
    mark(2, 2, 18, "first batch of 1,500", name="NIS"),
    mark(3, 3, 23, "at least 3,000", name="John Kirby"),
    mark(4, 4, 25, "up to 1,500", name="Dutch intelligence"),
    mark(5, 1, 28, "closer to 12,000", name="HUR"),
    mark(6, 5, 29, "10,000", name="Pentagon"),
    mark(7, 6, 29, "10,000–12,000", name="Think tank"),
]


def test_one_marker_per_figure_shaped_by_kind():
    chart = layout_timeline(TROOPS)

    assert [m.shape for m in chart.markers] == [
        "band",
        "dot",
        "up",
        "down",
        "ring",
        "dot",
        "bar",
    ]


def test_marker_title_names_source_date_figure_and_quote():
    chart = layout_timeline(TROOPS)

    assert chart.markers[0].title == (
        "HUR, October 2024: several thousand (read as 3,000 to 9,000)"
        " — “They said several thousand.”"
    )
    assert chart.markers[2].title.startswith("John Kirby, 23 Oct 2024: at least 3,000")


def test_month_precision_spans_its_month():
    chart = layout_timeline(TROOPS)

    first = chart.markers[0]
    assert first.spans_period
    assert first.x == "3.00%"
    assert first.x_end == "97.00%"  # 31 October closes the chart
    assert not chart.markers[1].spans_period


def test_open_sides_reach_the_edge_of_the_plot():
    chart = layout_timeline(TROOPS)

    at_least, at_most = chart.markers[2], chart.markers[3]
    assert at_least.y_high == PLOT_TOP
    assert at_most.y_low == PLOT_BOTTOM


def test_higher_figures_are_drawn_higher():
    chart = layout_timeline(TROOPS)

    nis, hur_later = chart.markers[1], chart.markers[4]
    assert hur_later.y < nis.y


def test_as_of_leaves_out_later_figures():
    chart = layout_timeline(TROOPS, as_of=date(2024, 10, 24))

    assert [m.point_id for m in chart.markers] == [1, 2, 3]


def test_one_colour_per_source_in_the_legend():
    chart = layout_timeline(TROOPS)

    names = [name for _, name in chart.legend]
    assert names == [
        "HUR",
        "NIS",
        "John Kirby",
        "Dutch intelligence",
        "Pentagon",
        "Think tank",
    ]
    assert len({colour for colour, _ in chart.legend}) == len(names)
    hur = [m.colour for m in chart.markers if m.point_id in (1, 5)]
    assert hur[0] == hur[1]


def test_markers_at_the_same_spot_are_spread_apart():
    same = [mark(1, 1, 25, "up to 1,500"), mark(2, 2, 25, "up to 1,500")]

    chart = layout_timeline(same)

    assert sorted(m.dx for m in chart.markers) == [-4, 4]


def test_step_line_runs_through_each_sources_figures_to_the_as_of_date():
    marks = [mark(1, 1, 2, "1,000"), mark(2, 1, 20, "3,000")]

    chart = layout_timeline(marks, as_of=date(2024, 10, 30))

    horizontal = [s for s in chart.segments if s.y1 == s.y2]
    vertical = [s for s in chart.segments if s.x1 == s.x2]
    assert len(horizontal) == 2  # to the next figure, then on to the end
    assert len(vertical) == 1  # the revision


def test_envelope_is_shaded_behind_the_current_estimates():
    chart = layout_timeline(TROOPS)

    assert chart.envelope
    assert all(band.height > 0 for band in chart.envelope)


def test_linear_ticks_start_at_zero_and_read_plainly():
    chart = layout_timeline(TROOPS)

    labels = [tick.label for tick in chart.y_ticks]
    assert labels[0] == "0"
    assert "10k" in labels


def test_log_scale_ticks_are_powers_of_ten():
    marks = [mark(1, 1, 2, "10"), mark(2, 2, 3, "1.3 million")]

    chart = layout_timeline(marks, scale=LOG)

    assert [t.label for t in chart.y_ticks] == [
        "10",
        "100",
        "1k",
        "10k",
        "100k",
        "1M",
        "10M",
    ]
    assert chart.scale == LOG


def test_day_ticks_over_a_month_name_the_year_once():
    chart = layout_timeline(TROOPS)

    assert [t.label for t in chart.x_ticks] == [
        "1 Oct 2024",
        "8 Oct",
        "15 Oct",
        "22 Oct",
        "29 Oct",
    ]
    assert [t.minor for t in chart.x_ticks] == [False, True, False, True, False]


def test_month_ticks_over_a_year():
    marks = [mark(1, 1, 1, "5", month=1), mark(2, 1, 1, "9", month=12)]

    chart = layout_timeline(marks)

    assert chart.x_ticks[0].label == "Jan 2024"
    assert len(chart.x_ticks) <= 6


def test_empty_chart_says_so():
    chart = layout_timeline([])

    assert not chart.has_data
    assert chart.description == "No figures to chart."


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (950, "950"),
        (1000, "1k"),
        (1500, "1.5k"),
        (10000, "10k"),
        (12500, "12k"),
        (1_300_000, "1.3M"),
        (2_000_000_000, "2B"),
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

    assert float(coordinates[0][1]) > float(coordinates[1][1])  # higher is up


@given(
    st.lists(
        st.tuples(st.integers(1, 28), st.integers(0, 10**9), st.integers(1, 4)),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["linear", "log"]),
)
def test_every_marker_lies_inside_the_plot(rows, scale):
    marks = [mark(i, source, day, f"{n:,}") for i, (day, n, source) in enumerate(rows)]

    chart = layout_timeline(marks, scale=scale)

    assert len(chart.markers) == len(marks)
    for marker in chart.markers:
        assert PLOT_TOP <= marker.y <= PLOT_BOTTOM
        assert 0 <= float(marker.x[:-1]) <= 100
