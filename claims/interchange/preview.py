"""What an import's preview shows beyond its counts: each row's figure as read, and
the claims and sources the file would create, with "did you mean" suggestions from
the names already recorded. Plain data, kept on the preview job's row
(claims/jobs/tasks.py)
and shown on its page."""

import difflib

from claims.domain import figures, wording
from claims.models import Claim
from sources.models import Source, SourceAlias


def reading_of(parsed: figures.Figure) -> str:
    """Return how a parsed figure reads: “Range: 10,000 to 12,000”."""
    return wording.interpretation(parsed.kind, parsed.low, parsed.high)


# How alike a new name and a recorded one must be to suggest the recorded one
# (difflib's ratio, ignoring case): "Ukranian military inteligence" and "Ukrainian
# military intelligence (HUR)" score 0.88; unrelated names stay well below.
SUGGEST_CUTOFF = 0.75


def new_names(summary) -> dict[str, list[dict]]:
    """Return the claims and sources the import would create, each with the recorded
    names it may be a misspelling of."""
    claim_titles = {
        title.lower(): title
        for title in Claim.objects.current().values_list("title", flat=True)
    }
    source_names = {
        name.lower(): name
        for name in Source.objects.current().values_list("name", flat=True)
    }
    for alias, name in SourceAlias.objects.values_list("name", "source__name"):
        source_names.setdefault(alias.lower(), name)
    return {
        "claims": _with_suggestions(summary.new_names.get("claims", []), claim_titles),
        "sources": _with_suggestions(
            summary.new_names.get("sources", []), source_names
        ),
    }


def _with_suggestions(names: list[str], recorded: dict[str, str]) -> list[dict]:
    result = []
    for name in names:
        close = difflib.get_close_matches(
            name.lower(), list(recorded), n=5, cutoff=SUGGEST_CUTOFF
        )
        suggestions = list(dict.fromkeys(recorded[match] for match in close))[:3]
        result.append({"name": name, "suggestions": suggestions})
    return result


def readings(summary) -> list[dict]:
    """Return the previewed rows with how each one's figure reads."""
    return [
        {
            "line": row.line,
            "claim": row.claim,
            "source": row.source,
            "stated_on": row.stated_on.isoformat(),
            "figure": row.figure.text,
            "reading": reading_of(row.figure),
        }
        for row in summary.readings
    ]
