"""The template CSV the import page offers: every column, one example row for each
kind of figure. (What a preview shows is in claims/interchange/preview.py.)"""

from claims.interchange import csvformat

# One example per kind of figure, as a researcher would copy them from a report.
TEMPLATE_FIGURES = [
    ("1,500", "2024-10-18", "Officials said 1,500 troops had crossed."),
    ("about 12,000", "2024-10-23", "Officials said about 12,000 troops were there."),
    ("at least 3,000", "2024-10-24", "At least 3,000 troops had arrived."),
    ("up to 1,500", "2024-10-25", "Up to 1,500 troops have been sent."),
    ("10,000–12,000", "2024-10-28", "Between 10,000–12,000 troops are there."),
    ("several thousand", "2024-10-29", "Several thousand troops are on the way."),
]


def template_rows() -> list[dict]:
    """Return the rows of the template CSV: one per kind of figure."""
    return [
        {
            "claim": "Example: troops deployed",
            "unit": "troops",
            "topic": "Example topic",
            "source": "Example ministry of defence",
            "source_kind": "government",
            "stated_on": stated_on,
            "figure": figure,
            "quote": quote,
            "document_title": "Example report",
            "document_url": "https://example.org/report",
            "document_published_on": "2024-10-30",
            "date_precision": "day",
        }
        for figure, stated_on, quote in TEMPLATE_FIGURES
    ]


def template_csv() -> str:
    return "".join(csvformat.write(template_rows()))
