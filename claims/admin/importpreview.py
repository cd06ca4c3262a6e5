"""What the import's preview shows beyond its counts: each row's figure as read, the
claims and sources the file would create with "did you mean" suggestions from the
names already recorded, and a template file to start from."""

import difflib
from dataclasses import dataclass

from claims.admin.forms import reading_of
from claims.interchange import csvformat
from claims.models import Claim
from sources.models import Source, SourceAlias

# How alike a new name and a recorded one must be to suggest the recorded one
# (difflib's ratio, ignoring case): "Ukranian military inteligence" and "Ukrainian
# military intelligence (HUR)" score 0.88; unrelated names stay well below.
SUGGEST_CUTOFF = 0.75


@dataclass
class NewName:
    name: str
    suggestions: list[str]


def new_names(summary) -> dict[str, list[NewName]]:
    """Return the claims and sources the import would create, each with the recorded
    names it may be a misspelling of."""
    claim_titles = {
        title.lower(): title for title in Claim.objects.values_list("title", flat=True)
    }
    source_names = {
        name.lower(): name for name in Source.objects.values_list("name", flat=True)
    }
    for alias, name in SourceAlias.objects.values_list("name", "source__name"):
        source_names.setdefault(alias.lower(), name)
    return {
        "claims": _with_suggestions(summary.new_names.get("claims", []), claim_titles),
        "sources": _with_suggestions(
            summary.new_names.get("sources", []), source_names
        ),
    }


def _with_suggestions(names: list[str], recorded: dict[str, str]) -> list[NewName]:
    result = []
    for name in names:
        close = difflib.get_close_matches(
            name.lower(), list(recorded), n=5, cutoff=SUGGEST_CUTOFF
        )
        suggestions = list(dict.fromkeys(recorded[match] for match in close))[:3]
        result.append(NewName(name=name, suggestions=suggestions))
    return result


def readings(summary) -> list[dict]:
    """Return the previewed rows with how each one's figure reads."""
    return [
        {
            "line": row.line,
            "claim": row.claim,
            "source": row.source,
            "stated_on": row.stated_on,
            "figure": row.figure.text,
            "reading": reading_of(row.figure),
        }
        for row in summary.readings
    ]


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
