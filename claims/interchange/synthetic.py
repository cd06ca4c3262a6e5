"""Generate a large, realistic, deterministic data set for benchmarks and load tests.

The same arguments and seed always give the same rows. Rows are written with bulk
inserts; synthetic rows get no history records (they were never edited by anyone).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from claims.domain import figures
from claims.models import Assertion, Claim, Topic
from claims.pipeline import derive
from sources.models import Document, Source, SourceAlias, SourceKind

BATCH = 5000
START = date(2022, 2, 24)
DAYS = 3 * 365
BIG_CLAIMS = 3  # claims with a figure every day for three years
PHRASES = (
    ("{n:,}", 40),
    ("about {n:,}", 15),
    ("at least {n:,}", 12),
    ("up to {n:,}", 10),
    ("{n:,}–{m:,}", 15),
    ("closer to {n:,}", 4),
    ("several thousand", 2),
    ("hundreds", 2),
)


@dataclass
class Generated:
    topics: int = 0
    sources: int = 0
    claims: int = 0
    documents: int = 0
    assertions: int = 0


@transaction.atomic
def synthetic_generate(
    *, claims: int, assertions: int, sources: int, seed: int = 1
) -> Generated:
    """Add `claims` claims with `assertions` assertions from `sources` sources."""
    rng = random.Random(seed)
    tag = f"s{seed}"
    result = Generated()
    now = timezone.now()

    topics = [
        Topic(name=f"Synthetic topic {tag}-{i}", slug=f"synthetic-{tag}-topic-{i}")
        for i in range(max(1, claims // 200))
    ]
    Topic.objects.bulk_create(topics, batch_size=BATCH)
    result.topics = len(topics)

    kinds = SourceKind.values
    source_rows = []
    for i in range(sources):
        source_rows.append(
            Source(
                name=f"Synthetic source {tag}-{i}",
                slug=f"synthetic-{tag}-source-{i}",
                kind=kinds[i % len(kinds)],
                country=rng.choice(["UA", "US", "KR", "GB", "FR", "DE", "NL", ""]),
                reliability=rng.choice("ABCDEF"),
            )
        )
    Source.objects.bulk_create(source_rows, batch_size=BATCH)
    for i, source in enumerate(source_rows):  # a spokesperson belongs to an office
        if i % 10 == 9:
            source.parent = source_rows[i - 1]
    Source.objects.bulk_update([s for s in source_rows if s.parent_id], ["parent"])
    SourceAlias.objects.bulk_create(
        [
            SourceAlias(source=s, name=f"SYN-{tag}-{i}")
            for i, s in enumerate(source_rows)
            if i % 3 == 0
        ],
        batch_size=BATCH,
    )
    result.sources = len(source_rows)

    documents = [
        Document(
            title=f"Synthetic report {tag}-{i}",
            publisher=source_rows[i % len(source_rows)],
            published_on=START + timedelta(days=rng.randrange(DAYS)),
            url=f"https://example.org/synthetic/{tag}/{i}",
        )
        for i in range(max(1, assertions // 20))
    ]
    Document.objects.bulk_create(documents, batch_size=BATCH)
    result.documents = len(documents)

    claim_rows = [
        Claim(
            title=f"Synthetic claim {tag}-{i}",
            slug=f"synthetic-{tag}-claim-{i}",
            topic=topics[i % len(topics)],
            unit=rng.choice(["troops", "tanks", "USD", "people", "drones"]),
            scope="Generated for benchmarks.",
        )
        for i in range(claims)
    ]
    Claim.objects.bulk_create(claim_rows, batch_size=BATCH)
    result.claims = len(claim_rows)

    big = min(BIG_CLAIMS, len(claim_rows)) if assertions >= BIG_CLAIMS * 2200 else 0
    per_big = 2200 if big else 0
    rest = assertions - big * per_big
    plan: list[tuple[Claim, int]] = [(claim_rows[i], per_big) for i in range(big)]
    others = claim_rows[big:] or claim_rows
    share, extra = divmod(rest, len(others))
    plan += [(claim, share + (1 if i < extra else 0)) for i, claim in enumerate(others)]

    batch: list[Assertion] = []
    for claim, count in plan:
        batch.extend(_claim_assertions(rng, claim, count, source_rows, documents, now))
        if len(batch) >= BATCH:
            Assertion.objects.bulk_create(batch, batch_size=BATCH)
            result.assertions += len(batch)
            batch = []
    Assertion.objects.bulk_create(batch, batch_size=BATCH)
    result.assertions += len(batch)
    derive.apply(derive.Change.of(claims=[c.pk for c in claim_rows]))
    return result


def _claim_assertions(rng, claim, count, sources, documents, now) -> list[Assertion]:
    """A claim's figures: a handful of sources around a base value, some biased high
    or low (conflicts), each revising its figure over time; a few drafts and
    retractions."""
    base = rng.choice([50, 400, 3000, 12000, 80000, 600000])
    crowd = rng.sample(sources, k=min(len(sources), rng.randint(3, 10)))
    bias = {s.pk: rng.choice([0.4, 0.8, 1.0, 1.0, 1.2, 2.5]) for s in crowd}
    daily = count > 1000
    rows = []
    for k in range(count):
        source = crowd[k % len(crowd)] if daily else rng.choice(crowd)
        day = START + timedelta(
            days=(k * DAYS) // count if daily else rng.randrange(DAYS)
        )
        drift = 1 + (day - START).days / DAYS  # estimates grow over time
        n = max(1, int(base * bias[source.pk] * drift * rng.uniform(0.85, 1.15)))
        phrase = rng.choices([p for p, _ in PHRASES], [w for _, w in PHRASES])[0]
        text = phrase.format(n=n, m=int(n * rng.uniform(1.1, 1.5)) + 1)
        parsed = figures.parse_figure(text)
        status, reason, retracted_at = Assertion.Status.PUBLISHED, "", None
        roll = rng.random()
        if roll < 0.03:
            status = Assertion.Status.DRAFT
        elif roll < 0.05:
            status, reason, retracted_at = (
                Assertion.Status.RETRACTED,
                "Synthetic retraction: misattributed.",
                now,
            )
        document = rng.choice(documents) if rng.random() < 0.7 else None
        if document is not None and document.published_on < day:
            document = None  # a report cannot come before the statement
        rows.append(
            Assertion(
                claim=claim,
                source=source,
                document=document,
                stated_on=day,
                date_precision="day" if rng.random() < 0.9 else "month",
                figure=text,
                kind=parsed.kind,
                low=parsed.low,
                high=parsed.high,
                value=parsed.value,
                quote=f"The source said {text} ({claim.unit}).",
                credibility=rng.randint(1, 6),
                status=status,
                retraction_reason=reason,
                retracted_at=retracted_at,
                created_at=now,
                updated_at=now,
            )
        )
    # A month-precision date is the first of its month (as Assertion.clean keeps it),
    # and one source states one figure once a day.
    seen = set()
    kept = []
    for row in rows:
        if row.date_precision == "month":
            row.stated_on = row.stated_on.replace(day=1)
        key = (row.source.pk, row.stated_on, row.figure)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


CSV_KINDS = ["intelligence", "government", "military", "media", "think_tank", "ngo"]
CSV_PHRASES = ["{n:,}", "about {n:,}", "at least {n:,}", "up to {n:,}", "{n:,}–{m:,}"]


def synthetic_csv_write(*, path: Path, count: int, seed: int = 1) -> None:
    """Write an import file of `count` deterministic rows: 1,000 claims, 200 sources,
    a report every 50 rows (the import benchmark's and the fault tests' input)."""
    rng = random.Random(seed)
    columns = "claim,unit,topic,source,source_kind,stated_on,figure,quote"
    columns += ",document_title,document_url,document_published_on"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns.split(","))
        for i in range(count):
            claim = i % 1000
            source = rng.randrange(200)
            n = rng.randrange(100, 100_000)
            figure = rng.choice(CSV_PHRASES).format(n=n, m=n + rng.randrange(1, 5000))
            day = START + timedelta(days=i // 1000)
            report = i // 50
            writer.writerow(
                [
                    f"Bench claim {claim}",
                    "troops",
                    f"Bench topic {claim % 20}",
                    f"Bench source {source}",
                    CSV_KINDS[source % len(CSV_KINDS)],
                    day.isoformat(),
                    figure,
                    f"Row {i} says {figure}.",
                    f"Bench report {report}",
                    f"https://example.org/bench/{report}",
                    (day + timedelta(days=1)).isoformat(),
                ]
            )


DATASET_FILE = "russia_losses_equipment.json"


def dataset_csv(*, days: int = 16_000, start: date = date(1980, 1, 1)) -> str:
    """Return the CSV of `days` daily figures read from one data file (issue 19):
    one source, one document of kind `dataset`, each row's evidence its locator
    (file, row key, field) and its quote empty. Deterministic; the dates end well
    before today, so the file stays valid."""
    from claims.interchange import csvformat  # the format, not the database

    def row(day: int) -> dict:
        on = start + timedelta(days=day)
        return {
            "claim": "Tanks lost, official daily count",
            "unit": "tanks",
            "topic": "Equipment losses",
            "source": "Ministry of Defence of Ukraine",
            "source_kind": "military",
            "stated_on": on.isoformat(),
            "figure": f"{day * 3 + 10:,}",
            "quote": "",
            "document_title": "Equipment losses, daily",
            "document_url": f"https://example.org/data/{DATASET_FILE}",
            "document_published_on": (start + timedelta(days=days)).isoformat(),
            # Written as an export writes them, so the file round-trips byte for
            # byte: the default credibility, the precision, the figure's reading.
            "credibility": "6",
            "date_precision": "day",
            "kind": "exact",
            "low": str(day * 3 + 10),
            "high": str(day * 3 + 10),
            "document_kind": "dataset",
            "locator": f"{DATASET_FILE}, date={on.isoformat()}, field=tank",
            "quote_language": "en",
            "status": csvformat.PUBLISHED,
        }

    return "".join(csvformat.write(row(day) for day in range(days)))
