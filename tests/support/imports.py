"""CSV rows for the import's tests: a good row, and rows with changes."""

import io

from claims.interchange import csvformat

HEADER = ",".join(csvformat.REQUIRED)
GOOD = (
    "North Korean troops in Russia,troops,NK troops 2024,Pentagon,military,"
    '2024-10-29,"10,000",The Pentagon now believes 10000 troops are there.,'
    "Commentary,https://example.org/c,2024-10-29"
)


def csv_of(*rows, header=HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def row(**changes) -> str:
    values = dict(
        zip(csvformat.REQUIRED, next(csvformat.csv.reader([GOOD])), strict=True)
    )
    if "figure" in changes and "quote" not in changes:
        changes["quote"] = f"They said {changes['figure']} were there."
    values.update(changes)
    buffer = io.StringIO()
    csvformat.csv.writer(buffer, lineterminator="").writerow(
        [values[name] for name in csvformat.REQUIRED]
    )
    return buffer.getvalue()


STANDING = ("status", "retraction_reason", "retracted_at", "set_aside_reason",
            "set_aside_at")  # fmt: skip
STANDING_HEADER = ",".join([*csvformat.REQUIRED, *STANDING])


def standing_row(standing: dict, **changes) -> str:
    """Return a row for STANDING_HEADER: `row(**changes)` and its standing's cells."""
    buffer = io.StringIO()
    csvformat.csv.writer(buffer, lineterminator="").writerow(
        [standing.get(name, "") for name in STANDING]
    )
    return f"{row(**changes)},{buffer.getvalue()}"
