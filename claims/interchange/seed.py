"""The demo data set: every sourced figure of the seed documents (shared/seeds)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from claims.models import Assertion, Claim, Topic
from claims.pipeline import derive, services
from sources import services as source_services
from sources.models import Document, Source, SourceAlias

DEMO_DATA = Path(__file__).resolve().parent.parent / "seed" / "demo.json"


# Each kind of row is written by its service, with the service's rules and history.
SAVE = {
    Topic: lambda row, reason: services.topic_save(topic=row, reason=reason),
    Source: lambda row, reason: source_services.source_save(source=row, reason=reason),
    Document: lambda row, reason: source_services.document_save(
        document=row, reason=reason
    ),
    Claim: lambda row, reason: services.claim_save(claim=row, reason=reason),
}


class SeedError(Exception):
    """A row of a data set that cannot be loaded, named by section and number."""


@transaction.atomic
def demo_data_load(*, path: Path = DEMO_DATA) -> dict[str, Counter]:
    """Load the data set at `path`; return what was created and what existed.

    Rows are matched on their slugs (documents on their titles, assertions on claim,
    source, date and figure), so a second run creates nothing and changes nothing.
    A file that is not such a data set raises SeedError naming what is wrong (and
    the transaction leaves nothing behind)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise SeedError(f"the file is not UTF-8: {error.reason}") from error
    except json.JSONDecodeError as error:
        raise SeedError(
            f"the file is not JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg})"
        ) from error
    try:
        return _load(data, path)
    except KeyError as error:
        raise SeedError(
            f"a row names {error.args[0]!r}, which no row before it defines, or "
            f"lacks that field (parents come before the rows that name them)"
        ) from error
    except (TypeError, AttributeError) as error:
        raise SeedError(
            "the file is not a data set: an object with lists of topics, sources, "
            "documents, claims and assertions"
        ) from error
    except ValueError as error:  # a date that is not YYYY-MM-DD
        raise SeedError(str(error)) from error
    except ValidationError as error:  # a row saved outside keep(): an alias
        raise SeedError(_describe(error)) from error
    except OSError as error:  # a document's text_file
        raise SeedError(f"cannot read {error.filename}: {error.strerror}") from error


def _load(data: dict, path: Path) -> dict[str, Counter]:
    counts: dict[str, Counter] = defaultdict(Counter)
    reason = "Loaded from the demo data set"

    def keep(section: str, number: int, model, lookup: dict, defaults: dict):
        found = model.objects.filter(**lookup).first()
        if found is not None:
            counts[section]["existing"] += 1
            return found
        row = model(**lookup, **defaults)
        try:
            SAVE[model](row, reason)
        except ValidationError as error:
            raise SeedError(
                f"{section} row {number} ({lookup}): {_describe(error)}"
            ) from error
        counts[section]["created"] += 1
        return row

    topics = {}
    for n, row in enumerate(data["topics"], 1):
        defaults = {"name": row["name"], "description": row.get("description", "")}
        topics[row["slug"]] = keep("topics", n, Topic, {"slug": row["slug"]}, defaults)
    sources: dict[str, Source] = {}
    for n, row in enumerate(data["sources"], 1):
        parent = sources[row["parent"]] if row.get("parent") else None
        defaults = {
            "name": row["name"],
            "kind": row["kind"],
            "country": row.get("country", ""),
            "parent": parent,
            "notes": row.get("notes", ""),
        }
        source = keep("sources", n, Source, {"slug": row["slug"]}, defaults)
        sources[row["slug"]] = source
        for alias in row.get("aliases", []):
            if SourceAlias.objects.filter(name__iexact=alias).exists():
                counts["source aliases"]["existing"] += 1
            else:
                source_services.alias_save(alias=SourceAlias(source=source, name=alias))
                counts["source aliases"]["created"] += 1
    documents = {}
    for n, row in enumerate(data["documents"], 1):
        defaults = {
            "publisher": sources.get(row.get("publisher", "")),
            "authors": row["authors"],
            "published_on": date.fromisoformat(row["published_on"]),
            "kind": row.get("kind", Document.Kind.ARTICLE),
            "text": (path.parent / row["text_file"]).read_text(encoding="utf-8")
            if row.get("text_file")
            else "",
            "notes": row.get("notes", ""),
        }
        documents[row["key"]] = keep(
            "documents", n, Document, {"title": row["title"]}, defaults
        )
    claims = {
        row["slug"]: keep(
            "claims",
            n,
            Claim,
            {"slug": row["slug"]},
            {
                "title": row["title"],
                "topic": topics[row["topic"]],
                "unit": row["unit"],
                "description": row.get("description", ""),
                "scope": row.get("scope", ""),
            },
        )
        for n, row in enumerate(data["claims"], 1)
    }
    touched: set[int] = set()
    for n, row in enumerate(data["assertions"], 1):
        fields = {
            "claim": claims[row["claim"]],
            "source": sources[row["source"]],
            "stated_on": date.fromisoformat(row["stated_on"]),
            "figure": row["figure"],
        }
        if Assertion.objects.not_retracted().filter(**fields).exists():
            counts["assertions"]["existing"] += 1
            continue
        assertion = Assertion(
            **fields,
            date_precision=row["date_precision"],
            document=documents[row["document"]],
            quote=row.get("quote", ""),
            quote_language=row.get("quote_language", "en"),
            locator=row.get("locator", ""),
            notes=row.get("notes", ""),
        )
        try:
            services.assertion_save(
                assertion=assertion, reason=reason, derive_after=False
            )
        except ValidationError as error:
            raise SeedError(
                f"assertions row {n} ({row['claim']}, {row['source']}, "
                f"“{row['figure']}”): {_describe(error)}"
            ) from error
        counts["assertions"]["created"] += 1
        touched.add(assertion.claim_id)
    derive.apply(derive.Change.of(claims=touched))
    return dict(counts)


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
