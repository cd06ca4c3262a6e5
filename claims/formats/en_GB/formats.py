"""British English, with dates shown one way and typed as ISO 8601 (claims/formats)."""

DATE_FORMAT = "j M Y"  # 13 Oct 2025
SHORT_DATE_FORMAT = "j M Y"  # the admin's lists and read-only fields: 13 Oct 2025
SHORT_DATETIME_FORMAT = "j M Y, H:i"
# The first format is how a form shows a date back, and what the admin's calendar
# writes; the British day-first form is still read.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
