"""The dense claim: one figure a day from one source, as official loss figures come.

One builder for the benchmark (bench/run.py, 1,631 figures on the bench database) and
the tests (tests/claims/test_page_weight.py, the page's byte budgets): the figures are
inserted in bulk through the service, and meet the rules by construction (whole
numbers, dates in the past, a quote that holds the figure).
"""

import datetime as dt

DENSE_FIGURES = 1631  # issue 17: four and a half years of daily figures
START = dt.date(2022, 2, 25)


def dense_figures_create(*, claim, source, document, count: int, reason: str) -> None:
    """Add `count` daily figures of `source` to `claim`, every other one citing
    `document` (published the day after the last figure)."""
    from claims.models import Assertion
    from claims.pipeline import services

    rows = []
    for day in range(count):
        figure = f"{1_000 + day * 487:,}"
        row = Assertion(
            claim=claim,
            source=source,
            document=document if day % 2 else None,
            stated_on=START + dt.timedelta(days=day),
            figure=f"about {figure}",
            quote=f"The total losses reached about {figure} personnel.",
        )
        row.normalise()
        rows.append(row)
    services.assertions_bulk_create(assertions=rows, reason=reason)


def published_on(count: int) -> dt.date:
    """Return the date of the document that cites `count` daily figures."""
    return START + dt.timedelta(days=count)
