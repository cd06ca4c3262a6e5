"""British English, with dates shown one way and typed as ISO 8601 (claims/formats)."""

DATE_FORMAT = "j M Y"  # 13 Oct 2025
SHORT_DATE_FORMAT = "j M Y"  # the admin's lists and read-only fields: 13 Oct 2025
# One date and time for staff, wherever the admin, the jobs and the history show
# one: 1 Dec 2026, 21:22 UTC (Django's default for en-GB read "1 Dec 2026, 9:23
# p.m." in some places while templates wrote "1 Dec 2026 21:22:50 UTC" in others).
# Readers see dates only (13 Oct 2025), through claims/domain/dates.py.
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
# The first format is how a form shows a date back, and what the admin's calendar
# writes; the British day-first form is still read.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
