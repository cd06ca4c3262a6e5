"""The figure-logging screen's text and the POST data of its rows."""

TEXT = (
    "Officials said “up to 1,500” soldiers crossed on 18 October. By 23 October "
    "the Pentagon’s estimate was 3,000 — and South Korea’s spy agency said "
    "between 10,000 and 12,000 were there by the end of the month."
)


def rows(*figures, **common):
    """Return the formset's POST data for `figures`, each a dict of row fields."""
    data = {
        "form-TOTAL_FORMS": str(max(len(figures), 4)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "50",
        **common,
    }
    for n in range(int(data["form-TOTAL_FORMS"])):
        data[f"form-{n}-date_precision"] = "day"  # as the browser sends a blank row
    for n, fields in enumerate(figures):
        row = {"stated_on": "2024-10-28", **fields}
        data.update({f"form-{n}-{name}": value for name, value in row.items()})
    return data
