"""The reader's template filters (claims/reader/templatetags.py)."""

import pytest
from django.template import Context, Template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from claims.reader.templatetags import escaped, visible_controls


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        ("abc\u202edef", 'abc<span class="control-mark">[U+202E]</span>def'),
        ("x\u2066y\u2069", "x<span"),
        ("bell\x07", '<span class="control-mark">[U+0007]</span>'),
        ("nul\x00", "[U+0000]"),
    ],
)
def test_controls_in_a_quote_are_shown_as_marks_not_obeyed(quote, shown):
    result = visible_controls(quote)

    assert shown in result
    assert not any(c in result for c in "\u202e\u2066\u2069\x07\x00")


@pytest.mark.parametrize("quote", ["plain", "a\tb\nc", "\u200fمصدر\u200e 3,000"])
def test_ordinary_text_tabs_newlines_and_direction_marks_are_kept(quote):
    assert visible_controls(quote) == quote


def test_the_quote_is_escaped_around_the_marks():
    rendered = Template("{% load claims_tags %}{{ q|visible_controls }}").render(
        Context({"q": "<b>\u202e</b>"})
    )

    assert rendered == ('&lt;b&gt;<span class="control-mark">[U+202E]</span>&lt;/b&gt;')


def test_escaped_writes_values_as_the_templates_autoescape_does():
    """Markup written in Python (figure_tags, chart_tags) escapes each value as the
    template engine's autoescape did: conditional_escape, as plain text."""
    for value in (
        "<script>alert('x')</script> & \"q\"",
        mark_safe("<b>ours</b>"),
        gettext_lazy("Lazy <text>"),
        3000,
        None,
    ):
        assert escaped(value) == str(conditional_escape(value))
