"""Rules that cross an assertion's fields, or reach its document: written once here
and applied by the model's clean() (so the admin forms), the CSV import and the seed
loader alike. Pure logic: the callers fetch what the rules read.

Each check returns {field: message}, empty when the row is good. Messages are
sentences for researchers; the import prefixes them with the line and column.
"""

from __future__ import annotations

import bisect
import difflib
import re
from datetime import date
from decimal import Decimal

from claims.domain import dates, figures, vocabulary
from claims.domain.figures.finder import find_figures, states_figure
from sources import text as source_text

MESSAGES = {
    "bounds_kind": "The bounds do not fit the kind: “at least” has only a lower "
    "bound, “at most” only an upper one, an exact figure has equal bounds, and "
    "other kinds have both.",
    "low_above_high": "The lower bound is above the upper bound.",
    "after_document": "The document was published on {published}, before this date; "
    "a report cannot precede the statement.",
    "quote_missing": "This quote does not occur in the document's text. Copy it "
    "verbatim.",
    "quote_nearest": "Nearest passage: “{passage}” — differs at “{document}” "
    "(the quote has “{quote}”).",
    "self_relay": "A source cannot relay its own statement.",
    "date_range": source_text.DATE_RANGE,
    "kind_needed": "Choose a kind when you set the interpretation by hand.",
    "quote_needed": "A figure from {kind} needs its quote: the sentence that states "
    "it, copied verbatim.",
    "locator_needed": "A figure from {kind} needs a locator: {hint}.",
    "language": "“{code}” is not a language tag (BCP 47): use e.g. en, uk, ko, "
    "zh-Hant or pt-BR.",
    "quote_long": "The quote is {length:,} characters; at most {limit:,}. Quote the "
    "sentence that states the figure, and give a locator for the rest.",
    "figure_not_quoted": "The figure is not what its quote says: the figure says "
    "{figure}; the quote says {quoted}. Enter the figure as the quote states it (a "
    "reading set by hand changes the interval, not this rule).",
    "figure_unreadable_quote": "The figure is not what its quote says: the figure "
    "says {figure}; the quote has no figure the parser can read. Where the quote "
    "states it in a way the parser cannot read (number words in another language, "
    "a scanned table), add a translation or confirm the match by hand with a reason.",
}

# The evidence an assertion carries, by its document's kind
# (claims/domain/vocabulary.py).
QUOTE, LOCATOR = vocabulary.QUOTE, vocabulary.LOCATOR
EVIDENCE = vocabulary.EVIDENCE
KIND_NAMES = vocabulary.DOCUMENT_KIND_NAMES
LOCATOR_HINTS = vocabulary.LOCATOR_HINTS
# A BCP 47 tag as researchers write them: a language (2-3 letters), then an optional
# script (4 letters), region (2 letters or 3 digits) and variants. Not the full
# grammar (no extensions or grandfathered tags): a typo check, not a registry.
LANGUAGE_TAG = re.compile(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|\d{3}))?"
    r"(-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*$"
)


def bounds_problems(kind: str, low: Decimal | None, high: Decimal | None) -> dict:
    """Check hand-set bounds: each a figure we can store, and their shape the kind's."""
    problems = {}
    for name, value in (("low", low), ("high", high)):
        if value is not None:
            try:
                figures.check_bound(value, label=name)
            except figures.FigureError as error:
                problems[name] = str(error)
    if problems:
        return problems
    if low is not None and high is not None and low > high:
        return {"low": MESSAGES["low_above_high"]}
    fits = {
        figures.AT_LEAST: low is not None and high is None,
        figures.AT_MOST: low is None and high is not None,
        figures.EXACT: low is not None and low == high,
    }.get(kind, low is not None and high is not None)
    return {} if fits else {"kind": MESSAGES["bounds_kind"]}


def date_problems(field: str, day: date | None, *, today: date) -> dict:
    """A statement or publication lies between 1800 and today."""
    problem = source_text.date_problem(day, today=today)
    return {field: problem} if problem else {}


def text_problems(field: str, text: str) -> dict:
    """A name or title holds no control or direction-override character."""
    problem = source_text.text_problem(text)
    return {field: problem} if problem else {}


def language_problem(code: str) -> str:
    """Return why `code` is not a BCP 47 language tag, or "" when it is one."""
    return (
        "" if LANGUAGE_TAG.match(code or "") else MESSAGES["language"].format(code=code)
    )


def evidence_problems(*, document_kind: str, quote: str, locator: str) -> dict:
    """Check that an assertion carries the evidence its document's kind needs: a
    quote from a text kind, a locator from a data set, video or image; never
    neither."""
    kind = document_kind or vocabulary.DEFAULT_DOCUMENT_KIND
    needed = vocabulary.evidence_needed(kind)
    name = KIND_NAMES.get(kind, "a document")
    if needed == QUOTE and not quote.strip():
        return {"quote": MESSAGES["quote_needed"].format(kind=name)}
    if needed == LOCATOR and not locator.strip():
        return {
            "locator": MESSAGES["locator_needed"].format(
                kind=name, hint=LOCATOR_HINTS[kind]
            )
        }
    return {}


def figure_quote_problem(
    figure: str,
    quote: str,
    *,
    translations: tuple[str, ...] | list[str] = (),
    confirmed: str = "",
    reading: figures.Figure | None = None,
) -> str:
    """Return why `quote` does not state `figure`, or "" when it does.

    The quote states the figure when one of the figures found in it (or in one of
    its `translations`, for a quote in another language) reads as the figure does:
    the same kind and interval. A reading set by hand does not change this: the
    figure as written is compared. A match `confirmed` by hand, with a reason,
    passes; a figure without a quote (a data set's, with its locator) is exempt.
    A figure the parser cannot read is found when its words occur in the quote.
    `reading` saves reading a figure already read."""
    if not (quote or "").strip() or (confirmed or "").strip() or not figure:
        return ""
    texts = [quote, *(text for text in translations if text)]
    if reading is None:
        try:
            reading = figures.parse_figure(figure)
        except figures.FigureError:
            wanted = fold(figure).casefold()
            if any(wanted in fold(text).casefold() for text in texts):
                return ""
    if reading is not None and any(states_figure(text, reading) for text in texts):
        return ""
    # Refused: name what the quote says, each passage in its fewest words.
    found = [candidate.text for text in texts for candidate in find_figures(text)]
    said = fold(figure)
    if not found:
        return MESSAGES["figure_unreadable_quote"].format(figure=said)
    unique = list(dict.fromkeys(found))
    return MESSAGES["figure_not_quoted"].format(
        figure=said, quoted=" and ".join(unique)
    )


def assertion_problems(
    *,
    stated_on: date | None,
    published_on: date | None,
    quote: str,
    document_text: str,
    source_id: int | None,
    relayed_by_id: int | None,
    today: date,
    document_kind: str = vocabulary.DEFAULT_DOCUMENT_KIND,
    locator: str = "",
    quote_language: str = "en",
    counts: bool = True,
    figure: str | None = None,
    translations: tuple[str, ...] | list[str] = (),
    quote_match_confirmed: str = "",
    reading: figures.Figure | None = None,
    figure_problem: str | None = None,
) -> dict:
    """Check the rules that reach beyond one field of an assertion.

    A row that no longer `counts` (retracted) is kept on record as it was: the
    rules that tie it to its document (evidence, date, quote) no longer apply, so
    a stranded figure can always be retracted. Given its `figure`, the figure must
    be what its quote (or a translation) says (figure_quote_problem); a caller that
    has its answer already (an import checks its quotes in other processes:
    claims/interchange/quotechecks.py) gives it as `figure_problem`."""
    problems = date_problems("stated_on", stated_on, today=today)
    if not counts:
        published_on, document_text = None, ""
    else:
        problems |= evidence_problems(
            document_kind=document_kind, quote=quote, locator=locator
        )
    if language_problem(quote_language):
        problems["quote_language"] = language_problem(quote_language)
    if stated_on and published_on and stated_on > published_on:
        problems.setdefault(
            "stated_on",
            MESSAGES["after_document"].format(
                published=dates.StatedDate(published_on).label()
            ),
        )
    if counts and len(quote) > QUOTE_MAX_LENGTH:
        problems["quote"] = MESSAGES["quote_long"].format(
            length=len(quote), limit=QUOTE_MAX_LENGTH
        )
    if document_text and quote and "quote" not in problems:
        problem = quote_problem(quote, document_text)
        if problem:
            problems["quote"] = problem
    if relayed_by_id is not None and relayed_by_id == source_id:
        problems["relayed_by"] = MESSAGES["self_relay"]
    if counts and figure is not None and not {"figure", "quote"} & set(problems):
        problem = figure_problem
        if problem is None:
            problem = figure_quote_problem(
                figure,
                quote,
                translations=translations,
                confirmed=quote_match_confirmed,
                reading=reading,
            )
        if problem:
            problems["figure"] = problem
    return problems


# Typography a researcher's copy may change without changing the words: curly and
# straight quotes, the dashes and the minus sign, and runs of white space (folded to
# one space) match as equal. The stored quote is still the document's own passage.
FOLDED = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)
# A nearest passage is offered only when it shares this much with the quote (difflib's
# ratio); below it the two are different sentences, and the plain message is clearer.
NEAREST_RATIO = 0.6
# The most occurrences of the anchoring word tried, and the context shown each side of
# a difference, in characters.
NEAREST_TRIES = 40
DIFF_CONTEXT = 30
# The caps of the quote check (issue 28: a 10,000-character quote missing from a
# 100 KB document took 26 s). A quote is at most QUOTE_MAX_LENGTH characters
# (vocabulary); a nearest passage is looked for only in documents of at most
# NEAREST_MAX_DOCUMENT characters and for quotes of at most NEAREST_MAX_QUOTE
# (difflib compares characters in time that grows with the square of the quote);
# past either the plain message is given. Candidates are ranked by difflib's linear
# quick_ratio, so that the full comparison runs on two windows only: the check is
# linear in the document.
QUOTE_MAX_LENGTH = vocabulary.QUOTE_MAX_LENGTH
NEAREST_MAX_DOCUMENT = 2_000_000
NEAREST_MAX_QUOTE = 500
WORD = re.compile(r"\w+")
SPACE = re.compile(r"\s+")
# The runs of white space folding changes: two or more characters, or one that is
# not a plain space.
SHRINKING = re.compile(r"\s{2,}|[^\S ]")


def fold(text: str) -> str:
    """Return `text` with its typography folded (FOLDED, white space runs as one)."""
    return SPACE.sub(" ", text.translate(FOLDED)).strip(" ")


class _Folding:
    """A document's folded text, and the way back from a folded index to the index of
    the same character in the document. Built in linear time, by regular expressions
    that run in C: a 1 MB document folds in about a tenth of a second."""

    def __init__(self, text: str):
        translated = text.translate(FOLDED)
        # Each run of white space shrinks to one character: after the run that
        # starts at folded index `at`, the document is `shift` characters ahead.
        self.ats: list[int] = []
        self.shifts: list[int] = []
        shift = 0
        for match in SHRINKING.finditer(translated):
            run = match.end() - match.start()
            shift += run - 1
            self.ats.append(match.start() - shift + run)
            self.shifts.append(shift)
        folded = SPACE.sub(" ", translated)
        self.lead = 1 if folded.startswith(" ") else 0
        self.text = folded.strip(" ")

    def original(self, index: int) -> int:
        """Return the document's index of the folded character at `index`."""
        index += self.lead
        at = bisect.bisect_right(self.ats, index) - 1
        return index + (self.shifts[at] if at >= 0 else 0)


def quote_passage(quote: str, text: str) -> str | None:
    """Return the passage of `text` that `quote` copies, with the document's own
    typography, or None when the quote does not occur in it even after folding."""
    if quote and quote in text:  # the usual case, without folding the document
        return quote
    folded_quote = fold(quote)
    if not folded_quote:
        return None
    folding = _Folding(text)
    at = folding.text.find(folded_quote)
    if at < 0:
        return None
    end = at + len(folded_quote) - 1
    return text[folding.original(at) : folding.original(end) + 1]


def quote_occurs(quote: str, text: str) -> bool:
    """Return whether `quote` occurs in `text`, typography folded (see FOLDED)."""
    return quote_passage(quote, text) is not None


def quote_problem(quote: str, text: str) -> str:
    """Return why `quote` is not in `text` (naming the nearest passage and where it
    differs, when one is close), or "" when it is; a quote past QUOTE_MAX_LENGTH is
    refused before the document is read."""
    if len(quote) > QUOTE_MAX_LENGTH:
        return MESSAGES["quote_long"].format(length=len(quote), limit=QUOTE_MAX_LENGTH)
    if quote_occurs(quote, text):
        return ""
    nearest = None
    if len(text) <= NEAREST_MAX_DOCUMENT and len(quote) <= NEAREST_MAX_QUOTE:
        nearest = nearest_passage(quote, text)
    if nearest is None:
        return MESSAGES["quote_missing"]
    passage, document_part, quote_part = nearest
    return " ".join(
        [
            MESSAGES["quote_missing"],
            MESSAGES["quote_nearest"].format(
                passage=passage, document=document_part, quote=quote_part
            ),
        ]
    )


def nearest_passage(quote: str, text: str) -> tuple[str, str, str] | None:
    """Return the passage of `text` nearest to `quote`, the document's words where
    they first differ, and the quote's words there; None when nothing is close.

    Linear in the length of `text`: one pass folds it and indexes its words; the
    quote is then compared (difflib, bounded by the quote's length) only with windows
    around the occurrences of its rarest word that the text contains."""
    folded_quote = fold(quote)
    folding = _Folding(text)
    folded_text = folding.text
    quote_words = [
        (match.group().lower(), match.start()) for match in WORD.finditer(folded_quote)
    ]
    if not quote_words or not folded_text:
        return None
    wanted = {word for word, _ in quote_words}
    where: dict[str, list[int]] = {}
    for match in WORD.finditer(folded_text):  # one pass, a set look-up a word
        word = match.group().lower()
        if word in wanted:
            where.setdefault(word, []).append(match.start())
    anchors = sorted(
        (len(where[word]), -len(word), word, offset)
        for word, offset in quote_words
        if word in where
    )
    if not anchors:
        return None
    # Rank every window by quick_ratio (linear), then compare the best one fully.
    ranked = []
    for _, _, word, offset in anchors[:3]:
        for position in where[word][:NEAREST_TRIES]:
            low = max(0, position - offset - DIFF_CONTEXT)
            high = min(len(folded_text), position - offset + len(folded_quote) + 30)
            matcher = difflib.SequenceMatcher(
                None, folded_quote, folded_text[low:high], autojunk=False
            )
            ranked.append((matcher.quick_ratio(), low, high))
    ranked.sort(reverse=True)
    best = None
    for _, low, high in ranked[:2]:
        window = folded_text[low:high]
        matcher = difflib.SequenceMatcher(None, folded_quote, window, autojunk=False)
        blocks = [block for block in matcher.get_matching_blocks() if block.size]
        if not blocks:
            continue
        span = (low + blocks[0].b, low + blocks[-1].b + blocks[-1].size)
        candidate = folded_text[span[0] : span[1]]
        ratio = difflib.SequenceMatcher(
            None, folded_quote, candidate, autojunk=False
        ).ratio()
        if best is None or ratio > best[0]:
            best = (ratio, span)
    if best is None or best[0] < NEAREST_RATIO:
        return None
    start, end = best[1]
    candidate = folded_text[start:end]
    matcher = difflib.SequenceMatcher(None, folded_quote, candidate, autojunk=False)
    first = next((op for op in matcher.get_opcodes() if op[0] != "equal"), None)
    passage = text[folding.original(start) : folding.original(end - 1) + 1]
    if first is None:  # the difference lies only at the passage's edges
        passage = SPACE.sub(" ", passage)
        return passage, passage, folded_quote
    _, q1, q2, d1, d2 = first
    d1, d2 = _word_span(candidate, d1, d2)
    q1, q2 = _word_span(folded_quote, q1, q2)
    document_part = text[
        folding.original(start + d1) : folding.original(start + d2 - 1) + 1
    ]
    return (
        SPACE.sub(" ", passage),
        SPACE.sub(" ", document_part),
        folded_quote[q1:q2],
    )


def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words, with the word after it for context."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = max(end, start + 1)
    while end < len(text) and not text[end].isspace():
        end += 1
    after = end + 1
    while after < len(text) and not text[after].isspace():
        after += 1
    return start, min(after, len(text))


def normalise_assertion(
    *,
    figure: str,
    is_overridden: bool,
    stated_on: date | None,
    date_precision: str,
    quote: str,
    document_text: str = "",
    parsed: figures.Figure | None = None,
) -> tuple[dict, dict]:
    """Return an assertion row's stored values and its problems, ({field: value},
    {field: message}): the one normaliser, for one row and for a million.

    - kind, low, high and value are what the figure reads as (claims/domain/figures),
      unless a researcher set the interpretation by hand (`is_overridden`);
    - the date is the first day of the month or year it stands for at its
      precision;
    - a quote that differs from the document's text only in typography is stored as
      the document's own passage.

    The form, the figure-logging screen, the import, the seed loader,
    reparse_figures and the bench all store what this returns; the model's clean()
    only validates. `parsed` saves reading a figure already read (the import's)."""
    values: dict = {}
    problems: dict = {}
    if parsed is None and figure is not None:
        try:
            parsed = figures.parse_figure(figure)
        except figures.FigureError as error:
            if not is_overridden:
                problems["figure"] = str(error)
    if parsed is not None and not is_overridden:
        values.update(
            kind=parsed.kind, low=parsed.low, high=parsed.high, value=parsed.value
        )
    if stated_on is not None and date_precision:
        values["stated_on"] = dates.normalise(stated_on, date_precision)
    if quote and document_text:
        values["quote"] = quote_passage(quote, document_text) or quote
    return values, problems
