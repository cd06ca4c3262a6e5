"""Lay out a claim's timeline chart and sparkline. Pure logic: the templates draw.

The chart is one SVG of fixed pixel height whose x coordinates are percentages of its
width, so it fills any screen while text and markers keep their pixel size (12 px
text stays 12 px on a phone). The step lines sit in a nested SVG stretched over the
date axis, so a dense series is one compact path per source.

What is drawn, and why:

- **Markers** only where a source's figure changes, or where a point is highlighted
  (a judgement's pair). A repeated figure is carried by the line. Markers are placed
  so that no two boxes overlap at any width from MIN_WIDTH to MAX_WIDTH: markers on
  the same spot are spread sideways, and in a dense series a marker that has no room
  is left out (the line still shows it, and the figures table lists it).
- **Shapes say what was stated**: a dot for a number, a ring for "about", a bar for a
  stated range, a band for a vague term's interval, an open arrow up or down from the
  stated bound for "at least" and "up to". No midpoint is ever drawn as a marker, and
  no number that no source stated is ever a label.
- **Lines**: each source's latest figure carried forward; a range or vague term is
  carried forward as a faint band, not as a line through its middle.
- **Labels** at each line's end name the source and its latest figure as stated,
  spread vertically so they never collide, with a leader line to the line's end.
- **Colours**: PALETTE keeps any two colours CIEDE2000 ≥ 20 apart and each ≥ 3:1
  against the page (tests/support/colour.py checks it). With more sources than colours,
  the
  colours repeat with dashed, then dotted, lines.
- **The date axis** gives the busy period the room: when most figures sit in a short
  late window, earlier figures are squeezed into a stub at the left. `full_range`
  draws the plain axis.

Everything here is numbers and strings; escaping is the templates' job.

The package: layout.py (the chart's data classes, colours, layout_timeline and
layout_sparkline), axes.py (the plot's geometry, the date axis, the y scale, the
ticks) and labels.py (which figures get markers, marker and end-label placement, text
wrapping and titles). Import from the package, not from its modules.
"""

from claims.presentation.chart.axes import (
    HEIGHT,
    LINEAR,
    LOG,
    MAX_WIDTH,
    MID_WIDTH,
    MIN_WIDTH,
    MIN_X_TICKS,
    PLOT_BOTTOM,
    PLOT_RIGHT,
    PLOT_TOP,
    STUB_GAP,
    STUB_SHARE,
    TICK_LABEL_Y,
    TICK_YEAR_Y,
    X_END,
    X_START,
    DateAxis,
    Tick,
    compact_number,
    period,
    stated_label,
    text_width,
)
from claims.presentation.chart.labels import (
    APPROXIMATE,
    ARROW,
    AT_LEAST,
    AT_MOST,
    EXACT,
    FONT_SIZE,
    HALF_WIDTH,
    HIGHLIGHT_PAD,
    LABEL_WIDTH,
    LABEL_X,
    LINE_HEIGHT,
    MAX_SPREAD,
    QUALITATIVE,
    RANGE,
    SHAPES,
    SPREAD_LIMIT,
    Box,
    Marker,
    short_name,
    wrap,
)
from claims.presentation.chart.layout import (
    BACKGROUND,
    DASHES,
    GRID,
    INK,
    MUTED,
    PALETTE,
    STANDALONE_WIDTH,
    STUB,
    UNIT_NAMES,
    Band,
    Estimate,
    LegendEntry,
    Mark,
    Series,
    Timeline,
    layout_sparkline,
    layout_timeline,
    source_colours,
    unit_label,
)

__all__ = [
    "APPROXIMATE",
    "ARROW",
    "AT_LEAST",
    "AT_MOST",
    "BACKGROUND",
    "Band",
    "Box",
    "DASHES",
    "DateAxis",
    "EXACT",
    "Estimate",
    "FONT_SIZE",
    "GRID",
    "HALF_WIDTH",
    "HEIGHT",
    "HIGHLIGHT_PAD",
    "INK",
    "LABEL_WIDTH",
    "LABEL_X",
    "LINEAR",
    "LINE_HEIGHT",
    "LOG",
    "LegendEntry",
    "MAX_SPREAD",
    "MAX_WIDTH",
    "MID_WIDTH",
    "MIN_WIDTH",
    "MIN_X_TICKS",
    "MUTED",
    "Mark",
    "Marker",
    "PALETTE",
    "PLOT_BOTTOM",
    "PLOT_RIGHT",
    "PLOT_TOP",
    "QUALITATIVE",
    "RANGE",
    "SHAPES",
    "SPREAD_LIMIT",
    "STANDALONE_WIDTH",
    "STUB",
    "STUB_GAP",
    "STUB_SHARE",
    "Series",
    "TICK_LABEL_Y",
    "TICK_YEAR_Y",
    "Tick",
    "Timeline",
    "UNIT_NAMES",
    "X_END",
    "X_START",
    "compact_number",
    "layout_sparkline",
    "layout_timeline",
    "period",
    "short_name",
    "source_colours",
    "stated_label",
    "text_width",
    "unit_label",
    "wrap",
]
