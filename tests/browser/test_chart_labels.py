"""The chart in Chromium with long source names, over a two-day and a four-year span
(issue 25): end labels wrap whole, never end in "…" and stay inside the chart, and
the date axis shows at least three labels that do not touch, at 360 and 1,280 px."""

import datetime

import pytest

from claims.pipeline import services
from tests.factories import ClaimFactory, DocumentFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LONG_NAMES = [
    "Ukrainian military intelligence (HUR)",
    "US intelligence community",
    "Dutch intelligence services",
    "International Institute for Strategic Studies",
]
SPANS = {"two-days": 2, "four-years": 4 * 365}

# Each end label (the text at the line's end: its name in bold, then its figure)
# and each date label, as drawn: the text, its box, and whether it is shown.
MEASURE = """() => {
    const svg = document.querySelector('svg.chart-plot');
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll(':scope > text')];
    const shown = t => getComputedStyle(t).display !== 'none';
    const rect = t => { const r = t.getBoundingClientRect();
                        return [r.left, r.right, r.top, r.bottom]; };
    return {
        left: box.left, right: box.right,
        ends: texts.filter(t => t.querySelector('tspan[font-weight="600"]')).map(
            t => ({lines: [...t.querySelectorAll('tspan')].map(s => s.textContent),
                   box: rect(t)})),
        dates: [...svg.querySelectorAll('text')].filter(
            t => t.getAttribute('y') === '%s' && shown(t)).map(
            t => ({text: t.textContent, box: rect(t)})),
        years: [...svg.querySelectorAll('text')].filter(
            t => t.getAttribute('y') === '%s' && shown(t)).map(
            t => ({text: t.textContent, box: rect(t)})),
    };
}"""


@pytest.fixture
def charts(transactional_db, live_server):
    """A claim per span, each source stating two figures across it."""
    urls = {}
    sources = [SourceFactory(name=name) for name in LONG_NAMES]
    for slug, days in SPANS.items():
        claim = ClaimFactory(title=f"Troops, over {slug}", slug=slug)
        start = datetime.date(2021, 3, 1)
        for n, source in enumerate(sources):
            for step, on in enumerate((start, start + datetime.timedelta(days=days))):
                figure = f"{(n + 2) * 1_000 + step * 500:,}"
                services.assertion_create(
                    claim=claim,
                    source=source,
                    stated_on=on,
                    figure=figure,
                    quote=f"Officials said {figure} soldiers were there.",
                    document=DocumentFactory(
                        publisher=source, published_on=on, title=f"{source} on {on}"
                    ),
                )
        urls[slug] = live_server.url + claim.get_absolute_url()
    return urls


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("span", SPANS)
def test_end_labels_wrap_whole_and_dates_stay_readable(charts, open_page, width, span):
    from claims.presentation.chart import TICK_LABEL_Y, TICK_YEAR_Y

    page = open_page(charts[span], width=width, height=900)
    drawn = page.evaluate(MEASURE % (TICK_LABEL_Y, TICK_YEAR_Y))

    names = [line for end in drawn["ends"] for line in end["lines"]]
    assert len(drawn["ends"]) == len(LONG_NAMES)
    assert not [line for line in names if line.endswith("…")]
    assert all(drawn["left"] <= e["box"][0] for e in drawn["ends"])
    assert all(e["box"][1] <= drawn["right"] + 0.5 for e in drawn["ends"])
    dates = sorted(drawn["dates"], key=lambda d: d["box"][0])
    years = sorted(drawn["years"], key=lambda d: d["box"][0])
    assert len(dates) >= 3, dates
    for line in (dates, years):
        assert all(
            a["box"][1] < b["box"][0] for a, b in zip(line, line[1:], strict=False)
        )
    assert "2021" in {d["text"] for d in dates + years}  # the year is said
    assert page.console_errors == []
