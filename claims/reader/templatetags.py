"""Filters that show figures and dates the way readers should read them."""

import html
import json
import re
from datetime import timedelta
from decimal import Decimal

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from claims.domain import figures, wording
from claims.domain.dates import StatedDate

register = template.Library()

# A number as a history stores it: 500.0000.
DECIMAL = re.compile(r"-?\d+\.\d+")


# Characters a quote keeps as stored but must never obey: shown as their names.
# The noncharacters U+FFFE and U+FFFF too: XML forbids them, and a feed holding one
# is a file no feed reader opens.
_CONTROL_MARKS = {
    **{code: f"U+{code:04X}" for code in (*range(0x00, 0x09), 0x0B, 0x0C)},
    **{code: f"U+{code:04X}" for code in (*range(0x0E, 0x20), 0x7F)},
    **{
        code: f"U+{code:04X}"
        for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
    },
    **{code: f"U+{code:04X}" for code in (0xFFFE, 0xFFFF)},
}

_CONTROLS = re.compile("[" + "".join(map(chr, _CONTROL_MARKS)) + "]")


@register.filter
def plain_controls(text) -> str:
    """Return `text` as plain text with control and direction-override characters
    shown as “[U+202E]” (feed titles, which are not HTML)."""
    return "".join(
        f"[{_CONTROL_MARKS[ord(char)]}]" if ord(char) in _CONTROL_MARKS else char
        for char in ("" if text is None else str(text))
    )


def escaped(value) -> str:
    """Return `value` as a template writes a variable: escaped, unless it is safe
    markup already (conditional_escape's answer, as plain text), for markup written
    in Python. Django's escape goes through a wrapper for lazy text that cost more
    than the escaping on a chart of a thousand values (issue 28)."""
    safe = getattr(value, "__html__", None)
    return safe() if safe is not None else html.escape(str(value))


@register.filter(needs_autoescape=True)
def visible_controls(text, autoescape=True):
    """Return `text` with control and direction-override characters shown as marks.

    A quote is kept verbatim, so it may hold U+202E (which would display the rest
    reversed) or a control character; each is shown as a visible “[U+202E]” instead
    of being obeyed. Tab, newlines and the direction marks U+200E and U+200F, which
    right-to-left quotes need, are left alone."""
    escape = conditional_escape if autoescape else str
    text = "" if text is None else str(text)
    parts, start = [], 0
    # The runs between marks are escaped whole, not a character at a time: a page
    # of 100 quotes escaped them one call per character (issue 28).
    for found in _CONTROLS.finditer(text):
        mark = _CONTROL_MARKS[ord(found.group())]
        parts += [
            escape(text[start : found.start()]),
            f'<span class="control-mark">[{mark}]</span>',
        ]
        start = found.end()
    parts.append(escape(text[start:]))
    # Safe: every run of the text was escaped above; the marks are ours.
    return mark_safe("".join(parts))


@register.filter
def number(value):
    """Return 10800.0000 as “10,800”."""
    return figures.format_number(value) if value is not None else ""


@register.filter
def history_value(value):
    """Return a value in a row's history as people read it: 500.0000 as “500”, an
    empty value as “—”."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal) or DECIMAL.fullmatch(str(value)):
        return figures.format_number(Decimal(str(value)))
    return value


@register.filter
def interval(assertion):
    """Return how an assertion's figure reads as an interval: “10,000 to 12,000”."""
    return figures.describe_interval(assertion.kind, assertion.low, assertion.high)


@register.filter
def reading(assertion, unit=""):
    """Return how an assertion's figure reads, with the claim's unit as people write
    it: “8 to 10 years”, “$540 million”, “at least 3,000 troops”."""
    return wording.reading_with_unit(
        assertion.kind, assertion.low, assertion.high, unit
    )


@register.filter
def stated(assertion):
    """Return the date at the precision it was stated: “October 2024”, “28 Oct 2024”."""
    return StatedDate(assertion.stated_on, assertion.date_precision).label()


@register.filter
def sentence(text):
    """Return an editor's note or a reason ending as a sentence (“… regions.”), so
    that the words after it do not run on."""
    return wording.as_sentence(text or "")


@register.filter
def stated_iso(assertion):
    """Return the date for an HTML `datetime` at the precision it was stated:
    2024-10-28, 2024-10 or 2024 (a month's figure is not dated the 1st)."""
    return StatedDate(assertion.stated_on, assertion.date_precision).iso()


@register.filter
def state_label(state):
    """Return a discrepancy's state in the words the claim page uses."""
    return wording.DISCREPANCY_LABELS.get(state, state)


@register.filter
def ratio(value):
    """Return a spread ratio as “7.2×”."""
    if value is None:
        return ""
    return f"{wording.format_ratio(Decimal(value))}×"


# What json_script escapes: no text inside the data can close the script element.
_SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# Direction overrides travel as escapes too: the same JSON string, and nothing in
# the page's source that reorders what is displayed around it.
_SCRIPT_SAFE |= {
    code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


@register.filter
def jsonld(data):
    """Return `data` as a JSON-LD script element, for search engines."""
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)
    # Safe: <, > and & are escaped as \u003C, \u003E and \u0026 (as json_script
    # does), so no text in the data can close the script element.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.filter
def duration(value: timedelta) -> str:
    """Return a time span in words: "15 minutes", "1 hour", "1 hour 30 minutes"."""
    minutes = round(value.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{pluralize(hours)}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{pluralize(minutes)}")
    return " ".join(parts)


@register.simple_tag(takes_context=True)
def page_query(context, name: str, number) -> str:
    """Return the query string of this request with `name` set to `number`: the
    `querystring` tag, for a list whose page parameter a variable names (one
    navigation, templates/includes/list_pages.html, for every list of a page)."""
    query = context["request"].GET.copy()
    query[name] = number
    return f"?{query.urlencode()}"
