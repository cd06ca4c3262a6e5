"""Dates known to a day, a month or a year. Pure logic.

A statement reported as made "in early October 2024" is stored as 2024-10-01 with
month precision: the first day of the period it stands for, so that sorting and
"as of" cuts treat it as known from the period's start, and no page shows it more
precisely than it is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sources.text import day_label

DAY = "day"
MONTH = "month"
YEAR = "year"
PRECISIONS = (DAY, MONTH, YEAR)

# The earliest date a statement or publication may carry.
EARLIEST = date(1800, 1, 1)


@dataclass(frozen=True)
class StatedDate:
    """A date at its precision, normalised to the first day of its period."""

    day: date
    precision: str = DAY

    def __post_init__(self):
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision “{self.precision}” is not day, month or year")
        object.__setattr__(self, "day", normalise(self.day, self.precision))

    def label(self, *, year: bool = True) -> str:
        """Return the date as precisely as known: 13 Oct 2025, October 2025, 2025
        (without the year, for a run of dates in one year: 13 Oct, October)."""
        if self.precision == YEAR:
            return f"{self.day.year}"
        if self.precision == MONTH:
            return f"{self.day:%B} {self.day.year}" if year else f"{self.day:%B}"
        if year:
            return day_label(self.day)
        return f"{self.day.day} {self.day:%b}"

    def iso(self) -> str:
        """Return the date as ISO 8601 writes it at its precision, for machines (an
        HTML `datetime`, JSON-LD): 2025-10-13, 2025-10, 2025. A month's figure is
        not stated on the first of that month."""
        if self.precision == YEAR:
            return f"{self.day.year:04d}"
        if self.precision == MONTH:
            return f"{self.day.year:04d}-{self.day.month:02d}"
        return self.day.isoformat()


def normalise(day: date, precision: str) -> date:
    """Return the first day of the month or year `day` stands for at `precision`."""
    if precision == MONTH:
        return day.replace(day=1)
    if precision == YEAR:
        return day.replace(month=1, day=1)
    return day
