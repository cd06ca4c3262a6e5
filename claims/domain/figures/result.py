"""What a reading gives: the Figure, its error, the bound check and output helpers."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_FLOOR, Decimal, InvalidOperation, localcontext
from operator import attrgetter

from claims.domain.figures.lexicon import (
    AT_LEAST,
    AT_MOST,
    DECIMAL_PLACES,
    EXACT,
    KINDS,
    MAX_FIGURE,
)


class FigureError(ValueError):
    """A figure that cannot be read; str(error) is the message for people."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message

    @property
    def messages(self) -> list[str]:
        """Return the message in a list, as Django's ValidationError offers it."""
        return [self.message]


# Which bounds a kind of figure leaves open: (low, high).
_OPEN_SIDES = {
    EXACT: (False, False),
    AT_LEAST: (False, True),
    AT_MOST: (True, False),
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure as phrased, and the interval it stands for. Slotted: an import
    holds one for each row of its file."""

    text: str
    kind: str
    low: Decimal | None
    high: Decimal | None
    value: Decimal | None = None  # the stated number, where the phrase has one
    qualifier: str = ""  # the words that set the kind: "at least", "+", "several"
    currency: str = ""  # ISO code when the figure carried a sign: "USD"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise FigureError(f"“{self.kind}” is not a kind of figure.", "kind")
        open_sides = _OPEN_SIDES.get(self.kind, (False, False))
        if (self.low is None, self.high is None) != open_sides:
            raise FigureError(
                f"A {self.kind} figure cannot have these bounds.", "bounds"
            )
        if self.kind == EXACT and self.low != self.high:
            raise FigureError("An exact figure has equal bounds.", "bounds")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise FigureError(f"low {self.low} is above high {self.high}", "bounds")

    def __reduce__(self):
        """Pickle a figure as its fields' values, in order (an import's rows are
        pickled to disk and read back once a pass, two passes an import): read
        back by _figure_restored, without the checks of __post_init__, which the
        figure passed when it was made."""
        return (_figure_restored, _figure_values(self))


_FIGURE_FIELDS = tuple(item.name for item in fields(Figure))
_figure_values = attrgetter(*_FIGURE_FIELDS)
_TEXT, _KIND, _LOW, _HIGH, _VALUE, _QUALIFIER, _CURRENCY = (
    getattr(Figure, name).__set__ for name in _FIGURE_FIELDS
)


def rephrased(figure: Figure, text: str) -> Figure:
    """Return `figure` as phrased by `text`: the same reading, which passed the
    constructor's checks when it was made (the figure finder reads a window's
    words as the words within it, set apart from inert ones, read)."""
    return _figure_restored(text, *_figure_values(figure)[1:])


def exact(text: str, value: Decimal) -> Figure:
    """Return the exact figure `value` phrased as `text`: as Figure(text, EXACT,
    value, value, value) gives it, whose checks an exact figure passes."""
    return _figure_restored(text, EXACT, value, value, value, "", "")


def _figure_restored(text, kind, low, high, value, qualifier, currency) -> Figure:
    """Return the Figure of a pickled figure's values, in the order of its fields:
    its slots set one by one, twice as fast as the constructor with its checks
    (tests/claims/test_figures.py reads every field back)."""
    figure = object.__new__(Figure)
    _TEXT(figure, text)
    _KIND(figure, kind)
    _LOW(figure, low)
    _HIGH(figure, high)
    _VALUE(figure, value)
    _QUALIFIER(figure, qualifier)
    _CURRENCY(figure, currency)
    return figure


def check_bound(value: Decimal | int | str, *, label: str = "") -> None:
    """Raise FigureError unless `value` is a figure the database can hold.

    A figure is finite, not negative, at most MAX_FIGURE and has at most
    DECIMAL_PLACES decimal places; more places are refused rather than rounded. Use it
    for parsed figures and for low and high set by hand alike.
    """
    name = label or f"“{value}”"
    if isinstance(value, float):
        value = repr(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise FigureError(
            f"{name} is not a number. Write a number such as 1500.", "not_a_number"
        ) from None
    if not number.is_finite():
        raise FigureError(
            f"{name} is not a finite number. Write a count or an amount.", "not_finite"
        )
    if number < 0:
        raise FigureError(
            f"{name} is negative; figures are counts or amounts of zero or more. "
            "Write the size of a loss as a positive figure.",
            "negative",
        )
    if number > MAX_FIGURE:
        raise FigureError(
            f"{name} is larger than the largest figure accepted "
            f"({format_number(MAX_FIGURE)}). Write the figure with its real magnitude.",
            "too_large",
        )
    with localcontext(prec=60):
        if number != number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES), ROUND_FLOOR):
            raise FigureError(
                f"{name} has more than {DECIMAL_PLACES} decimal places; figures are "
                f"kept to {DECIMAL_PLACES} places and a longer one is refused, not "
                f"rounded. Write at most {DECIMAL_PLACES} decimal places.",
                "too_precise",
            )


# ---------------------------------------------------------------------------- output


def _tidy(value: Decimal) -> Decimal:
    """Return `value` without trailing zeros or exponent: 1.3e6 becomes 1300000."""
    with localcontext(prec=60):
        value = value.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))
        integral = value.to_integral_value()
        return integral if value == integral else value.normalize()


def format_number(value: Decimal | None) -> str:
    """Return `value` with thousands separators and no trailing zeros: 10800, 0.5."""
    if value is None:
        return ""
    value = Decimal(value)
    if not value.is_finite() or abs(value) >= Decimal(10) ** 50:
        return str(value)
    value = _tidy(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, fraction = f"{value:f}".partition(".")
    sign = "-" if value < 0 and whole in ("0", "-0") else ""
    return f"{sign}{int(whole):,}.{fraction}"


def plain_number(value: Decimal | None) -> str:
    """Return `value` as a file writes it: no separators, no trailing zeros: 10800."""
    if value is None:
        return ""
    return f"{_tidy(Decimal(value)):f}"


def describe_interval(kind: str, low: Decimal | None, high: Decimal | None) -> str:
    """Return the interval in words: "10,000 to 12,000", "at least 3,000"."""
    if low is None and high is None:
        return "no bounds"
    if high is None:
        return f"at least {format_number(low)}"
    if low is None:
        return f"at most {format_number(high)}"
    if low == high:
        return format_number(low)
    return f"{format_number(low)} to {format_number(high)}"
