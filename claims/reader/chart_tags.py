"""The timeline chart's repeated SVG elements, written here rather than in
templates/claims/includes/timeline_svg.html: a dense claim draws about a hundred
markers and hundreds of carried-forward bands, and the template engine spent more on
them than on the rest of the page (issue 28). The markup is the template's, byte
for byte; every value from the data is escaped.
"""

from django import template
from django.utils.safestring import mark_safe

from claims.reader.templatetags import escaped as escape

register = template.Library()


@register.simple_tag
def chart_bands(series) -> str:
    """Return the series' carried-forward bands as SVG rectangles."""
    colour = escape(series.colour)
    # Safe: every value is escaped, the rest is our own markup.
    return mark_safe(
        "".join(
            f'<rect x="{escape(b.x)}" width="{escape(b.width)}" y="{b.y:d}" '
            f'height="{b.height:d}" fill="{colour}" fill-opacity="0.14"/>'
            for b in series.bands
        )
    )


@register.simple_tag
def chart_lines(series) -> str:
    """Return each source's carried-forward bands and step line, one source a
    line."""
    parts = []
    for s in series:
        parts.append(chart_bands(s))
        if s.path:
            dash = f' stroke-dasharray="{escape(s.dash)}"' if s.dash else ""
            parts.append(
                f'<path d="{escape(s.path)}" fill="none" stroke="{escape(s.colour)}"'
                f' stroke-width="2" vector-effect="non-scaling-stroke"{dash}/>'
            )
        parts.append("\n")
    # Safe: every value is escaped, the rest is our own markup.
    return mark_safe("".join(parts))


@register.simple_tag
def chart_labels(timeline) -> str:
    """Return each source's end label with its leader line from its line's end,
    one source a line."""
    x_end, leader_x = escape(timeline.x_end), escape(timeline.leader_x)
    label_x, line_height = escape(timeline.label_x), escape(timeline.line_height)
    parts = []
    for s in timeline.series:
        if s.label_lines:
            colour = escape(s.colour)
            dash = f' stroke-dasharray="{escape(s.dash)}"' if s.dash else ""
            parts.append(
                f'<line x1="{x_end}" y1="{s.end_y:d}" x2="{leader_x}"'
                f' y2="{s.label_mid:d}" stroke="{colour}" stroke-width="2"{dash}/>'
                f'<text x="{label_x}" y="{s.label_y:d}" fill="#1a1d21">'
            )
            for index, (line, is_name) in enumerate(s.label_lines):
                parts.append(
                    f'<tspan x="{label_x}"'
                    + (f' dy="{line_height}"' if index else "")
                    + (' font-weight="600"' if is_name else "")
                    + f">{escape(line)}</tspan>"
                )
            parts.append("</text>")
        parts.append("\n")
    # Safe: every value is escaped, the rest is our own markup.
    return mark_safe("".join(parts))


@register.simple_tag
def chart_markers(markers, standalone=False) -> str:
    """Return the markers, each with its tooltip, linked to its figure's row on the
    page (not in the standalone file), one a line."""
    # Safe: every value is escaped, the rest is our own markup.
    return mark_safe("".join(_marker(m, standalone) + "\n" for m in markers))


def _marker(m, standalone: bool) -> str:
    x, shape = escape(m.x), m.shape
    title = escape(("In conflict: " if m.highlighted else "") + m.title)
    colour = escape(m.colour)
    highlight = " highlight" if m.highlighted else ""
    parts = (
        []
        if standalone
        else [f'<a href="#assertion-{m.point_id:d}" aria-label="{title}">']
    )
    parts.append(
        f'<g class="marker marker-{escape(shape)}{highlight}"'
        f' fill="{colour}" stroke="{colour}"'
        + (f' transform="translate({m.dx:d} 0)"' if m.dx else "")
        + f"><title>{title}</title>"
    )
    if m.highlighted:
        box = m.box
        parts.append(
            f'<rect x="{x}" y="{box.top:d}" width="{box.half_width + box.half_width:d}"'
            f' height="{box.bottom - box.top:d}"'
            f' transform="translate(-{box.half_width:d} 0)"'
            ' rx="3" fill="#ffffff" stroke="#1a1d21" stroke-width="2"/>'
        )
    parts.append(_shape(m, x, escape(shape)))
    parts.append("</g>" if standalone else "</g></a>")
    return "".join(parts)


def _shape(m, x: str, shape: str) -> str:
    if m.spans_period:
        if shape in ("bar", "band"):
            opacity = "0.5" if shape == "bar" else "0.25"
            return (
                f'<rect x="{x}" width="{escape(m.span_width)}" y="{m.y_high:d}"'
                f' height="{m.band_height:d}" fill-opacity="{opacity}"'
                ' stroke-width="1.5"/>'
            )
        x_end = escape(m.x_end)
        if shape in ("dot", "ring"):
            width = "5" if shape == "dot" else "3"
            dashes = ' stroke-dasharray="6 3"' if shape == "ring" else ""
            return (
                f'<line x1="{x}" x2="{x_end}" y1="{m.y:d}" y2="{m.y:d}"'
                f' stroke-width="{width}" stroke-linecap="round"{dashes}/>'
            )
        return (
            f'<line x1="{x}" x2="{x_end}" y1="{m.y:d}" y2="{m.y:d}" stroke-width="2"'
            f' stroke-linecap="round"/><use href="#m-{shape}" x="{escape(m.x_mid)}"'
            f' y="{m.y:d}" stroke-width="2"/>'
        )
    if shape == "dot":
        return f'<circle cx="{x}" cy="{m.y:d}" r="4.5" stroke="#ffffff"/>'
    if shape == "ring":
        return f'<circle cx="{x}" cy="{m.y:d}" r="4" fill="#ffffff" stroke-width="2"/>'
    if shape == "bar":
        return (
            f'<line x1="{x}" x2="{x}" y1="{m.y_high:d}" y2="{m.y_low:d}"'
            ' stroke-width="6"/>'
        )
    if shape == "band":
        return (
            f'<line x1="{x}" x2="{x}" y1="{m.y_high:d}" y2="{m.y_low:d}"'
            ' stroke-width="14" stroke-opacity="0.3"/>'
            f'<use href="#m-cap" x="{x}" y="{m.y_high:d}" stroke-width="2"/>'
            f'<use href="#m-cap" x="{x}" y="{m.y_low:d}" stroke-width="2"/>'
        )
    return f'<use href="#m-{shape}" x="{x}" y="{m.y:d}" stroke-width="2"/>'
