"""The claim page's every-figure list and its retracted figures, written here
rather than in the template: a page of 100 figures, each with its head, reading,
evidence and locator, cost Django's template engine about 120 µs a figure, the
largest part of an as-of view after the chart (issue 28). The markup is what the
template wrote; every value from the data is escaped (conditional_escape), as the
template's autoescape did.

A run of figures sharing their quote and document shows the evidence once, as the
template's `{% ifchanged %}` did.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat
from django.utils.safestring import mark_safe
from django.utils.timezone import localdate, template_localtime

from claims.domain.wording import as_sentence
from claims.reader.templatetags import (
    escaped,
    reading,
    stated,
    stated_iso,
    visible_controls,
)

register = template.Library()

_LOCATOR_LABELS = {"video": "At", "image": "Where"}


@register.simple_tag
def figure_list(figures, unit: str, as_of=None) -> str:
    """Return the list items of a page of figures (Assertion rows read with their
    source, document, translations and files), for a claim counted in `unit`, as
    known on `as_of` (None: today)."""
    writer, items, previous = _Writer(), [], None
    for assertion in figures:
        evidence_key = (assertion.quote, assertion.document_id)
        items.append(
            writer.item(assertion, unit, as_of, repeated=evidence_key == previous)
        )
        previous = evidence_key
    # Safe: every value is escaped by the writer, the rest is our own markup.
    return mark_safe("".join(items))


@register.simple_tag
def retracted_list(retracted) -> str:
    """Return the list items of a claim's retracted figures, struck through with
    the reason and date of their retraction."""
    writer = _Writer()
    # Safe: every value is escaped by the writer, the rest is our own markup.
    return mark_safe("".join(writer.retracted(assertion) for assertion in retracted))


def _date(value, format: str) -> str:
    """Return a date or time as the template's `date` filter wrote it with the
    format (a time in the site's time zone), without its look-up of named
    formats."""
    return dateformat.format(template_localtime(value), format)


# `value` as the template wrote a variable: text, escaped unless safe. The same
# function under a short name, for the markup below (not a wrapper: a dense page
# calls it thousands of times).
_e = escaped


class _Writer:
    """Writes one list. What figures of a page share (a source's address and
    grade, a document's citation, a kind's name) is worked out once: a page of
    figures holds a few sources and documents again and again."""

    def __init__(self):
        self.urls: dict[int, str] = {}
        self.cites: dict[int, str] = {}
        self.grades: dict[tuple, str] = {}
        self.kinds: dict[str, str] = {}
        self.days: dict[tuple, str] = {}

    def day(self, moment, format: str) -> str:
        """Return `_date(moment, format)` for a format of the day alone (no time):
        retracted figures are often retracted on one day."""
        local = template_localtime(moment)
        key = (local.date() if isinstance(local, datetime) else local, format)
        if key not in self.days:
            self.days[key] = dateformat.format(local, format)
        return self.days[key]

    def head(self, assertion) -> str:
        """Return the opening of a figure's head: its date and source."""
        source = assertion.source
        if source.pk not in self.urls:
            self.urls[source.pk] = _e(source.get_absolute_url())
        return (
            '        <p class="assertion-head">\n'
            f'          <time datetime="{stated_iso(assertion)}">'
            f"{_e(stated(assertion))}</time> ·\n"
            f'          <a href="{self.urls[source.pk]}">{_e(source)}</a>\n'
        )

    def grade(self, assertion) -> str:
        source = assertion.source
        key = (source.reliability, assertion.credibility)
        if key not in self.grades:
            self.grades[key] = (
                f'<span class="grade" title="{_e(source.get_reliability_display())};'
                f' {_e(assertion.get_credibility_display())}">'
                f"{_e(source.reliability)}{_e(assertion.credibility)}</span>"
                if source.reliability
                else '<span class="small">not graded yet</span>'
            )
        return self.grades[key]

    def kind(self, assertion) -> str:
        if assertion.kind not in self.kinds:
            self.kinds[assertion.kind] = _e(assertion.get_kind_display().lower())
        return self.kinds[assertion.kind]

    def item(self, assertion, unit: str, as_of, *, repeated: bool) -> str:
        relay = (
            f'<span class="relay">relayed by {_e(assertion.relayed_by)}</span>'
            if assertion.relayed_by
            else ""
        )
        return "".join(
            (
                f'\n      <li class="assertion" id="assertion-{assertion.pk:d}">\n',
                self.head(assertion),
                f"          {self.grade(assertion)}\n",
                f"          {relay}\n",
                "        </p>\n",
                f'        <p class="figure"><strong>{_e(assertion.figure)}</strong> '
                f'<span class="reading">read as {_e(reading(assertion, unit))} '
                f"({self.kind(assertion)})</span></p>\n",
                f"        {_set_aside(assertion, as_of)}\n",
                "        ",
                self.evidence(assertion, repeated),
                "\n      </li>\n      ",
            )
        )

    def evidence(self, assertion, repeated: bool) -> str:
        """Return a figure's evidence: its quote (with its translation, the
        original one click away) and its document, or a line saying it is the
        figure above's; then its locator."""
        document = assertion.document
        parts = ["\n\n"]
        if repeated:
            if assertion.quote:
                parts.append(
                    '<p class="small same-quote">Same quote and report as the figure '
                    "above.</p>"
                )
        else:
            cite = ""
            if document:
                if document.pk not in self.cites:
                    self.cites[document.pk] = _cite(document)
                cite = self.cites[document.pk]
            parts += [_quote(assertion), "\n", cite, "\n"]
        parts.append("\n")
        if assertion.locator:
            kind = document.kind if document else ""
            parts.append(
                '<p class="locator small"><span class="label">'
                f"{_LOCATOR_LABELS.get(kind, 'Located at')}:</span> "
                f'<code dir="auto">{_e(assertion.locator)}</code></p>'
            )
        parts.append("\n\n")
        return "".join(parts)

    def retracted(self, assertion) -> str:
        when = assertion.retracted_at
        on = (
            f' on <time datetime="{self.day(when, "Y-m-d")}">'
            f"{self.day(when, 'j M Y')}</time>"
            if when
            else ""
        )
        quote = (
            f"<blockquote><del>{visible_controls(assertion.quote)}</del></blockquote>"
            if assertion.quote
            else ""
        )
        return "".join(
            (
                '\n      <li class="assertion assertion-retracted" id="assertion-'
                f'{assertion.pk:d}">\n',
                self.head(assertion),
                "        </p>\n",
                f'        <p class="figure"><del>{_e(assertion.figure)}</del> '
                f'<span class="retraction">Retracted{on}: '
                f"{_e(as_sentence(assertion.retraction_reason))}</span></p>\n",
                f"        {quote}\n",
                "      </li>\n      ",
            )
        )


def _set_aside(assertion, as_of) -> str:
    """Return the editors' setting aside of the figure, if it stood on `as_of`: from
    the day it was set aside in the site's time zone, the day the comparison counts
    it from (claims/selectors.py)."""
    when = assertion.set_aside_at
    if not when or (as_of and localdate(when) > as_of):
        return ""
    return (
        '<p class="set-aside">Set aside by the editors for this claim on '
        f'<time datetime="{_date(when, "Y-m-d")}">{_date(when, "j M Y")}'
        f"</time>: {_e(as_sentence(assertion.set_aside_reason))} Not compared with "
        "the other figures.</p>"
    )


def _quote(assertion) -> str:
    if not assertion.quote:
        return ""
    language = _e(assertion.quote_language)
    quote = visible_controls(assertion.quote)
    translations = assertion.translation_list
    if not translations:
        return f'<blockquote lang="{language}" dir="auto">“{quote}”</blockquote>'
    translation = translations[0]
    if translation.method == "source":
        how = "given by the source"
    elif translation.method == "machine":
        how = f"machine, {_e(translation.translated_by)}"
    else:
        how = f"by {_e(translation.translated_by)}"
    if not translation.is_reviewed:
        how += ", not reviewed"
    return (
        f'\n<p class="translation"><span class="label">Translation from {language} '
        f"({how}):</span> "
        f'<span lang="{_e(translation.language)}" dir="auto">'
        f"{visible_controls(translation.text)}</span></p>\n"
        '<details class="original"><summary>Original quote</summary>'
        f'<blockquote lang="{language}" dir="auto">“{quote}”</blockquote></details>\n'
    )


def _cite(document) -> str:
    title = _e(document.title)
    parts = [
        '<p class="cite">',
        "From the data set" if document.kind == "dataset" else "Reported in",
        "\n  ",
        f'<a href="{_e(document.url)}" rel="noopener">{title}</a>'
        if document.url
        else f"<cite>{title}</cite>",
    ]
    if document.publisher:
        parts.append(f", {_e(document.publisher)}")
    if document.published_on:
        parts.append(f", {_date(document.published_on, 'j M Y')}")
    if document.archive_url:
        parts.append(
            f' (<a href="{_e(document.archive_url)}" rel="noopener">archived copy</a>)'
        )
    parts.append(".")
    files = document.file_list
    if files:
        file = files[0]
        download = (
            f' (<a href="{_e(file.get_absolute_url())}" download>download</a>)'
            if document.files_public
            else ""
        )
        parts.append(
            f'\n  <span class="archived">Archived '
            f"{_date(file.retrieved_at, 'j M Y')}{download}, SHA-256 "
            f'<code class="hash">{_e(file.sha256)}</code>.</span>'
        )
    parts.append("\n</p>")
    return "".join(parts)
