"""Score the extraction assistant against the labelled set in tests/data/extraction:
for each text, a JSON file lists every figure with its source and statement date,
labelled by hand (the seeds' labels are claims/seed/demo.json's assertions).

Scores: recall and precision of figure + source (a figure read to the same interval,
attributed to the same source, by the one matcher's key) and of figure + source +
date (the date and its precision too). No database: the known sources and claims are
the demo data's plus each text's own."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from claims.domain import extraction, figures
from sources.names import name_key

DATA = Path(__file__).resolve().parent.parent / "data" / "extraction"
DEMO = Path(__file__).resolve().parents[2] / "claims" / "seed" / "demo.json"


@dataclass
class Case:
    name: str
    text: str
    document: extraction.Document
    sources: list[extraction.KnownSource]
    claims: list[extraction.KnownClaim]
    gold: list[dict]

    def run(self) -> list[extraction.Candidate]:
        return extraction.extract(
            self.text, document=self.document, sources=self.sources, claims=self.claims
        )


def _demo():
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    sources = [
        extraction.KnownSource(
            key=s["slug"],
            name=s["name"],
            aliases=tuple(s.get("aliases", ())),
            country=s.get("country", ""),
        )
        for s in data["sources"]
    ]
    claims = [
        extraction.KnownClaim(
            key=c["slug"],
            title=c["title"],
            unit=c["unit"],
            description=c["description"],
        )
        for c in data["claims"]
    ]
    return sources, claims


def cases() -> list[Case]:
    """Return every labelled text with its known sources and gold figures."""
    demo_sources, demo_claims = _demo()
    out = []
    for labels in sorted(DATA.glob("*.json")):
        meta = json.loads(labels.read_text(encoding="utf-8"))
        sources = list(demo_sources)
        for n, extra in enumerate(meta.get("sources", ())):
            if not extra.get("new"):
                sources.append(
                    extraction.KnownSource(
                        key=f"{labels.stem}-{n}",
                        name=extra["name"],
                        aliases=tuple(extra.get("aliases", ())),
                    )
                )
        own = meta.get("own_source")
        own_source = next((s for s in sources if s.name == own), None)
        document = extraction.Document(
            published_on=date.fromisoformat(meta["published_on"]),
            kind=meta["kind"],
            own_source=own_source,
            own_voice=meta.get("own_voice", False),
        )
        text = labels.with_suffix(".txt").read_text(encoding="utf-8")
        out.append(
            Case(labels.stem, text, document, sources, demo_claims, meta["figures"])
        )
    return out


def _interval(figure: str):
    parsed = figures.parse_figure(figure)
    return (parsed.low, parsed.high)


def gold_keys(case: Case) -> tuple[set, set]:
    who, when = set(), set()
    for label in case.gold:
        key = (*_interval(label["figure"]), name_key(label["source"]))
        who.add(key)
        when.add((*key, label["stated_on"], label["precision"]))
    return who, when


def found_keys(candidates) -> tuple[set, set]:
    who, when = set(), set()
    for c in candidates:
        key = (c.low, c.high, name_key(c.source_label))
        who.add(key)
        stated = c.stated_on.isoformat() if c.stated_on else ""
        when.add((*key, stated, c.date_precision))
    return who, when


@dataclass
class Score:
    found: int = 0
    gold: int = 0
    right: int = 0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0


def score(selected: list[Case] | None = None) -> dict[str, Score]:
    """Return the scores of figure + source ("source") and with the date ("date"),
    over every case, and per case ("<name>:source")."""
    totals = {"source": Score(), "date": Score()}
    for case in selected or cases():
        gold_who, gold_when = gold_keys(case)
        found_who, found_when = found_keys(case.run())
        for label, gold, found in (
            ("source", gold_who, found_who),
            ("date", gold_when, found_when),
        ):
            for bucket in (
                totals[label],
                totals.setdefault(f"{case.name}:{label}", Score()),
            ):
                bucket.gold += len(gold)
                bucket.found += len(found)
                bucket.right += len(gold & found)
    return totals


def useful(selected: list[Case] | None = None) -> tuple[int, int]:
    """Return (useful candidates, candidates) over every case. A candidate is useful
    when a researcher would keep it with at most one field edited: it reads as a
    labelled figure of its text, and of that label's source and statement date (with
    its precision) at most one differs. Each label makes one candidate useful at
    most: a second candidate for it would be dropped."""
    good = total = 0
    for case in selected or cases():
        gold = [
            (*_interval(label["figure"]), name_key(label["source"]),
             label["stated_on"], label["precision"])
            for label in case.gold
        ]  # fmt: skip
        for candidate in case.run():
            total += 1
            stated = candidate.stated_on.isoformat() if candidate.stated_on else ""
            source = name_key(candidate.source_label)
            edits = sorted(
                (
                    (label[2] != source)
                    + (label[3:] != (stated, candidate.date_precision)),
                    n,
                )
                for n, label in enumerate(gold)
                if label[:2] == (candidate.low, candidate.high)
            )
            if edits and edits[0][0] <= 1:
                good += 1
                del gold[edits[0][1]]
    return good, total


def misses(case: Case) -> tuple[set, set]:
    """Return (labels not found, candidates not labelled) of figure + source."""
    gold_who, _ = gold_keys(case)
    found_who, _ = found_keys(case.run())
    return gold_who - found_who, found_who - gold_who
