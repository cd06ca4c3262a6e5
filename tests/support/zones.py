"""Time zones for tests of "the site's day" (TIME_ZONE)."""

from datetime import datetime


def zone_of_another_day(moment: datetime) -> str:
    """Return a time zone whose date at `moment` (an aware time) is not UTC's: a
    day ahead of it (UTC+14) from 10:00 UTC, a day behind it (UTC-12) before."""
    return "Pacific/Kiritimati" if moment.hour >= 10 else "Etc/GMT+12"
