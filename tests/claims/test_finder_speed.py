"""The figure finder's shortcuts (issue 26) answer exactly as the plain reading does:
the grouped pattern of skipped spans finds what the plain alternation finds (and
its faster form for ASCII text what the grouped one finds), a
window is read as parse_figure reads its words, the parser passes over only the
tokens that start no quantity, and the quote rule's answers are unchanged, on
generated text and on the real phrasings of the seed documents. Pure: no database.
"""

import ast
import re
import time
from decimal import localcontext
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claims.domain import rules
from claims.domain.figures import finder, grammar, numbers
from claims.domain.figures.grammar import _Reading, parse_figure
from claims.domain.figures.result import Figure, FigureError

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted(
    [*(ROOT / "claims" / "seed").glob("*.txt")]
    + [*(ROOT / "tests" / "data" / "extraction").glob("*.txt")]
)
# The patterns as plainly written: one alternation, and each possessive quantifier
# (`++`, `*+`) a greedy one that gives back what it took when the rest fails.
BACKTRACKING = [
    pattern.replace("++", "+").replace("*+", "*")
    for pattern in finder._SKIPPED_PATTERNS
]
PLAIN_SKIPPED = re.compile(
    "|".join(f"(?:{pattern})" for pattern in BACKTRACKING), re.IGNORECASE
)

# Pieces of quotes, joined by spaces or glued: numbers of every form, the words
# the parser reads, inert words, signs, and characters of other scripts.
NUMBERS = [
    "0", "3", "12", "74,706", "74,706.", "3,000", "10", "000", "1.5", "1.500",
    "2024", "1999", "28/10/2024", "2024-10-28", "10:30", "5%", "3k", "$540m",
    "30,084–30,922", "10-12", "(34)", "[12]", "+44", "3½", "1,5", "10.000.000",
    "12th", "F-16", "T-90M", "½", "1e6", "300,000", "3 000", "2-3", "1/2",
]  # fmt: skip
INERT = ["says", "Row", "troops", "Kursk", "officials", "were", "report"]
# Words that open or close a skipped span: ages, references, times, phones, names.
SKIPPING = [
    "age", "aged", "years", "old", "year-old", "tel", "Phone", "fax", "unit",
    "brigade", "strong", "page", "pp.", "§", "#", "No.", "section", "in", "since",
    "mid", "the", "pm", "a.m.", "o'clock", "Hwasong", "F", "th", "st", "Jan.",
    "of", "Sept.", "mid-", "p", "tel:", "km²", "İn", "aged", "No", "-",
]  # fmt: skip
SIGNS = ["-", "–", "(", ")", ",", ".", "$", "+", "/", ":", "~", "±", "%", "*", "'"]
OTHER = ["명이", "тис", "\u200b", "ﬁ", "¨", "№", "\u202e", "é", "³", "\u00a0", "\x85"]
PIECES = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(sorted(finder._PARSER_WORDS)),
    st.sampled_from(INERT),
    st.sampled_from(SKIPPING),
    st.sampled_from(SIGNS),
    st.sampled_from(OTHER),
)
TEXTS = st.lists(
    st.tuples(PIECES, st.sampled_from([" ", " ", " ", "", "  ", "\n"])), max_size=24
).map(lambda pairs: "".join(piece + gap for piece, gap in pairs))


def seed_texts() -> list[str]:
    """Return the seed documents' lines, each a real passage to read."""
    lines = []
    for path in SEEDS:
        lines += [line for line in path.read_text().splitlines() if line.strip()]
    return lines


def plain_reading(words: str):
    try:
        return parse_figure(words)
    except FigureError:
        return None


class PlainFinder(finder._Finder):
    """The finder as it was: every window parsed whole."""

    def read(self, first, last):
        return plain_reading(self.text[self.chunks[first][0] : self.chunks[last][1]])

    def _parted(self, first, last):
        # No window is set aside unread, in read() or in _widest().
        return False


def spans(pattern, text):
    return [match.span() for match in pattern.finditer(text)]


def windows(text):
    """Yield a finder of `text` and each window of up to eight of its chunks."""
    found = finder._Finder(text)
    for first in range(len(found.chunks)):
        for last in range(first, min(len(found.chunks), first + 8)):
            yield found, first, last


@given(TEXTS)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@example("Row 0 says 74,706.")
@example("On 5 November 2024, tel: +   ( ) and Kim (34) at 10:30")
@example("aged of 7, in the 1990s, Sept. 5, p.12, mid-2024, F-16s, fax:+44 20 7946")
@example("12:345% and 74,706.5 per cent, 3rd, 10-year-olds, 5 to 7 years old")
def test_the_grouped_pattern_skips_what_the_plain_alternation_skips(text):
    assert spans(finder._SKIPPED, text) == spans(PLAIN_SKIPPED, text)


# ASCII text as quotes write it, in every case: "JANUARY 5", "Aged 7", "TEL: +44".
ASCII_TEXTS = st.tuples(
    TEXTS.map(lambda text: "".join(c for c in text if c.isascii())),
    st.sampled_from([str, str.upper, str.title, str.swapcase, str.capitalize]),
).map(lambda pair: pair[1](pair[0]))


def cleaned(text: str) -> str:
    """Return `text` as _Finder reads it: its control characters made spaces."""
    return finder._Finder(text).text


@given(ASCII_TEXTS)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@example("On 5 NOVEMBER 2024, Tel: +44 20 7946 and Aged 7, Sept. 5, p.12, MID-2024")
@example("F-16S in THE 1990S, 12:30 PM, 10 Years Old, 3RD, 10-Year-Olds, 5 PER CENT")
@example("Row 0 says\x1c74,706.\x0b 28/10/2024\x7f")
def test_ascii_text_skips_what_the_unicode_pattern_skips(text):
    text = cleaned(text)
    assert finder.skipped_spans(text) == spans(finder._SKIPPED, text)


@given(
    st.tuples(TEXTS, st.sampled_from([str, str.upper, str.title, str.swapcase])).map(
        lambda pair: pair[1](pair[0])
    )
)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@example("“Aged 7” – SEPT. 5 — 10–12 YEARS OLD, № 5, ¨ 3")
@example("İn the 1990s, ſept. 5, K 5, tel: +44\u00a020 7946")
def test_any_text_skips_what_the_unicode_pattern_skips(text):
    text = cleaned(text)
    assert finder.skipped_spans(text) == spans(finder._SKIPPED, text)


def test_raw_text_with_separators_skips_what_the_unicode_pattern_skips():
    # \x1c–\x1f are spaces to the Unicode pattern: text _Finder has not cleaned.
    for text in ("aged\x1c7", "Jan\x1f5 2024", "tel:\x1d+44 20 7946", "5\x1e%"):
        assert finder.skipped_spans(text) == spans(finder._SKIPPED, text), text
    assert finder.skipped_spans("aged\x1c7") == [(0, 6)]


def test_each_caseless_mark_reads_alike_under_both_patterns():
    # Every character the faster pattern is trusted with, beyond ASCII, in the
    # places where a pattern reads what surrounds a number.
    marks = [chr(code) for code in range(0x80, 0x10000)]
    marks = [char for char in marks if finder._caseless_mark(char)]
    assert "–" in marks and "’" in marks and "é" not in marks and "_" not in marks
    for char in marks:
        for text in (
            f"Aged{char}7", f"5{char}%", f"{char}(12) x", f"Jan{char}5 2024",
            f"tel{char}+44 20{char}7946", f"F{char}16 in{char}1990s", f"{char}12th",
        ):  # fmt: skip
            lowered = finder._SKIPPED_ASCII.finditer(text.lower())
            assert [m.span() for m in lowered] == spans(finder._SKIPPED, text), text


def test_ascii_seed_passages_skip_what_the_unicode_pattern_skips():
    for line in seed_texts():
        text = cleaned(line.encode("ascii", "replace").decode())
        assert finder.skipped_spans(text) == spans(finder._SKIPPED, text), line


def test_printable_text_holds_no_character_the_finder_makes_a_space():
    # _Finder replaces control characters only in text that is not printable.
    escape = r"(\\[xu][0-9a-f]+)"
    ranges = re.findall(rf"{escape}(?:-{escape})?", finder._CONTROLS.pattern)
    assert len(ranges) > 5
    for low, high in ranges:
        first = int(low[2:], 16)
        last = int(high[2:], 16) if high else first
        for code in range(first, last + 1):
            assert not chr(code).isprintable(), hex(code)
            assert finder._Finder(f"a{chr(code)}1").text == "a 1", hex(code)


def test_the_grouped_pattern_skips_the_same_in_the_seed_documents():
    for path in SEEDS:
        text = path.read_text()
        assert spans(finder._SKIPPED, text) == spans(PLAIN_SKIPPED, text), path.name


def test_the_possessive_quantifiers_are_only_where_the_plain_ones_were():
    # The plain patterns differ from the patterns only by the possessive marks.
    assert all(r"\++" not in p and r"\*+" not in p for p in finder._SKIPPED_PATTERNS)
    assert BACKTRACKING != finder._SKIPPED_PATTERNS


@given(
    st.lists(
        st.tuples(
            st.sampled_from(SKIPPING + INERT + ["", "the", "of", "May", "Jan"]),
            st.sampled_from(["", " ", ".", ". ", ":", "-", "  ", " of ", " the "]),
            st.sampled_from(NUMBERS + ["+44 20 7946 0000", "(0)", "[3]"]),
            st.sampled_from(["", " ", ",", "s", "th", "%", " years old", "-"]),
        ),
        max_size=6,
    ).map(lambda parts: " ".join("".join(part) for part in parts))
)
@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
def test_a_word_before_a_number_skips_what_the_plain_alternation_skips(text):
    # Where the letter patterns match: a word, then separators, then a number.
    assert spans(finder._SKIPPED, text) == spans(PLAIN_SKIPPED, text)


def test_every_pattern_of_skipped_spans_says_what_it_starts_with():
    starts = {finder._first_character(p) for p in finder._SKIPPED_PATTERNS}

    assert starts == {"digit", "letter", "other"}
    with pytest.raises(ValueError):
        finder._first_character(r"x\d+")


@given(TEXTS)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@example("Row 0 says 74,706.")
@example("officials 3,000 says between 10 and 12 thousand troops")
@example("says 3½ million report")
@example("Row 9999 says 74,706–80,000.")
@example("3– says 5 and 10–12 troops 7–")
@example("says\x853")  # U+0085 splits chunks as a space does
def test_a_window_reads_as_parse_figure_reads_its_words(text):
    for found, first, last in windows(text):
        words = found.text[found.chunks[first][0] : found.chunks[last][1]]
        assert found.read(first, last) == plain_reading(words), words


def test_a_window_of_a_seed_document_reads_as_parse_figure_reads_it():
    for line in seed_texts():
        for found, first, last in windows(line):
            words = found.text[found.chunks[first][0] : found.chunks[last][1]]
            assert found.read(first, last) == plain_reading(words), words


def test_a_window_longer_than_a_figure_is_not_read():
    words = "about " + "troops " * 40 + "3,000"

    assert finder._Finder(words).read(0, 41) is None


@given(TEXTS)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@example("says\x853")
def test_the_figures_found_are_those_the_plain_finder_finds(text):
    assert list(finder._Finder(text).found(tight=True)) == list(
        PlainFinder(text).found(tight=True)
    )
    assert list(finder._Finder(text).found(tight=False)) == list(
        PlainFinder(text).found(tight=False)
    )


def test_the_figures_found_in_the_seed_documents_are_those_the_plain_finder_finds():
    for line in seed_texts():
        assert list(finder._Finder(line).found(tight=True)) == list(
            PlainFinder(line).found(tight=True)
        ), line
        assert list(finder._Finder(line).found(tight=False)) == list(
            PlainFinder(line).found(tight=False)
        ), line


@given(TEXTS)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@example("3 says 4 troops")
def test_the_parser_passes_over_only_tokens_that_start_no_quantity(text):
    try:
        reading = _Reading(text)
    except FigureError:
        return
    for i, key in enumerate(reading.keys):
        if key != "#" and key not in numbers._STARTS and i not in reading.named:
            assert reading._quantity_at(i) is None, (text, i, key)


BARE = st.one_of(
    st.integers(min_value=0, max_value=10**15 - 1).map(str),
    st.integers(min_value=0, max_value=10**15 - 1).map("{:,}".format),
    st.from_regex(r"\A[0-9][0-9,]{0,20}\.?\Z"),
).flatmap(lambda number: st.sampled_from([number, number + "."]))


@given(BARE)
@settings(max_examples=500)
@example("0")
@example("0.")
@example("007")
@example("1,000,000,000,000")
@example("999,999,999,999,999")
@example("1,000,000,000,000,000")
@example("74,706.")
def test_a_bare_whole_number_reads_as_the_parser_reads_it(number):
    got, expected = grammar._read.__wrapped__(number), whole_reading(number)

    assert got == expected
    if isinstance(got, Figure):
        assert repr(got) == repr(expected)


def whole_reading(text):
    """Return what the parser reads in `text` when it tokenises it whole."""
    try:
        with localcontext(prec=600):
            return _Reading(text).figure()
    except FigureError as error:
        return error.message, error.code


QUALIFIERS = sorted(
    {
        text
        for _, _, text in grammar._PREFIXES
        if re.fullmatch(r"[a-z]+( [a-z]+)*", text)
    }
)


@given(
    st.sampled_from(QUALIFIERS),
    st.sampled_from(["", "the ", "some ", "officials ", "a ", "of "]),
    BARE,
)
@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@example("up to", "", "65,037.")
@example("just over", "", "999,999,999,999,999")
@example("more than", "", "0")
@example("about", "", "49,856")
@example("nearly", "", "1,000.")
@example("just over", "", "909,090,909,090,909")
@example("about", "", "909,090,909,090,910")
@example("about", "", "0")
@example("a little over", "", "5")
def test_a_qualified_whole_number_reads_as_the_parser_reads_it(qualifier, filler, n):
    text = f"{qualifier} {filler}{n}"

    got, expected = grammar._read.__wrapped__(text), whole_reading(text)

    assert got == expected
    if isinstance(got, Figure):
        assert repr(got) == repr(expected)


WHOLE = st.one_of(
    st.integers(min_value=0, max_value=10**15 - 1).map(str),
    st.integers(min_value=0, max_value=10**15 - 1).map("{:,}".format),
    st.integers(min_value=0, max_value=10**6).map(str),
    st.integers(min_value=0, max_value=10**6).map("{:,}".format),
)


@given(WHOLE, st.sampled_from(["-", "–"]), WHOLE, st.sampled_from(["", "."]))
@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@example("74,706", "–", "76,000", "")
@example("200", "-", "300,000", "")
@example("10", "-", "12,000", "")
@example("2", "–", "300,000", ".")
@example("5", "–", "3", "")
@example("0", "-", "0", "")
@example("12,000", "-", "3", "")
@example("999,999,999,999,999", "–", "999,999,999,999,999", ".")
def test_a_dashed_range_of_whole_numbers_reads_as_the_parser_reads_it(
    first, dash, second, point
):
    text = f"{first}{dash}{second}{point}"

    got, expected = grammar._read.__wrapped__(text), whole_reading(text)

    assert got == expected
    if isinstance(got, Figure):
        assert repr(got) == repr(expected)


# Figures as agencies and ministries write them, near the shortcuts' patterns but
# not always in them: spaced and unicode dashes and minus signs, European and
# spaced thousands, dates, leading zeros, digits of other scripts, trailing marks.
WRITTEN = [
    "10,000-12,000", "10 000–12 000", "10,000 - 12,000", "10,000 – 12,000",
    "1,000-2,000", "1,000 - 2,000", "12-15", "12 - 15", "1—2", "1‐2", "1‑2",
    "1.500", "10.000", "3,000-strong", "2024-10-25", "2024-10", "2023-2024",
    "-5", "−5", "10.-12", "1-2-3", "5-3", "10,000-12", "200-300,000",
    "at least 3,000.", "up to 1,500 troops", "about 3,000,", "more than 10,000+",
    "at least 12,", "About 3,000", "at  least 3,000", "at least 3,000\n",
    "007", "007-010", "0-0", "0,000", "2 000 000", "10\u00a0000",
    "10\u202f000–12\u202f000", "١٢٣", "1٢٣", "１２", "1-١٢", "up to ٣",
    "999,999,999,999,999", "999,999,999,999,999-1,000,000,000,000,000",
    "1,000,000,000,000,000", "1000000000000000", "3,000..", "3,000 .",
]  # fmt: skip
NEAR = "0123456789,,--–—.  \u00a0\u202f١٢０\u2212+"


@pytest.mark.parametrize("text", WRITTEN)
def test_a_figure_as_written_reads_as_the_parser_reads_it(text):
    got, expected = grammar._read.__wrapped__(text), whole_reading(text)

    assert got == expected
    assert repr(got) == repr(expected)


@given(
    st.one_of(
        st.text(alphabet=NEAR, max_size=25),
        st.tuples(st.sampled_from(QUALIFIERS), st.text(alphabet=NEAR, max_size=20)).map(
            " ".join
        ),
        st.tuples(
            st.integers(0, 3000), st.sampled_from(["-", "–", " - ", ",", "-0"]),
            st.integers(0, 10**16),
        ).map(lambda parts: "".join(map(str, parts))),
    )
)  # fmt: skip
@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
def test_a_near_miss_of_the_shortcuts_reads_as_the_parser_reads_it(text):
    got, expected = grammar._read.__wrapped__(text), whole_reading(text)

    assert got == expected
    assert repr(got) == repr(expected)


def test_a_dashed_range_of_whole_numbers_is_read_without_the_parser():
    assert grammar._range_reading("74,706–76,000", "74,706", "76,000")
    assert grammar._range_reading("10–12", "10", "12")
    # Left to the parser: shared thousands, and a reversed range's refusal.
    assert grammar._range_reading("200-300,000", "200", "300,000") is None
    assert grammar._range_reading("5–3", "5", "3") is None


def test_two_numbers_with_a_word_between_are_refused_without_the_parser():
    # "Row 9999 says 74,706–80,000.": the en dash of a range keeps its chunk a
    # plain number, so the window is refused before it is parsed; the figure
    # alone still reads.
    found = finder._Finder("Row 9999 says 74,706–80,000.")

    assert found.plain == [False, True, False, True]
    assert found._parted(1, 3)
    assert found.read(1, 3) is None
    assert found.read(2, 3) == parse_figure("says 74,706–80,000.")
    assert finder._Finder("3 says 5€").plain == [True, False, False]  # not ASCII


def test_every_plain_qualifier_is_read_without_the_parser():
    for qualifier in QUALIFIERS:
        assert grammar._qualified_reading(
            f"{qualifier} 3,000", qualifier + " ", "3,000", ""
        )


def _literal_words(path: Path) -> set[str]:
    """Return the words of the string constants in a module, but for its messages
    (the text of fail() and FigureError), docstrings and f-strings."""
    tree = ast.parse(path.read_text())
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("fail", "FigureError"):
                skipped.update(id(sub) for sub in ast.walk(node))
        if isinstance(node, ast.JoinedStr):
            skipped.update(id(sub) for sub in ast.walk(node))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)):
            if ast.get_docstring(node) is not None:
                skipped.add(id(node.body[0].value))
    return {
        word.lower()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        for word in re.findall(r"[^\W\d_]+", node.value)
    }


@pytest.mark.parametrize("module", ["grammar.py", "numbers.py"])
def test_every_word_the_parser_names_is_known_to_the_finder(module):
    path = ROOT / "claims" / "domain" / "figures" / module

    assert _literal_words(path) <= finder._PARSER_WORDS


QUOTE_PAIRS = st.tuples(
    st.sampled_from(["3,000", "74,706", "about 12,000", "up to 1,500", "10-12", "0"]),
    TEXTS,
)


@given(QUOTE_PAIRS)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@example(("74,706", "Row 0 says 74,706."))
@example(("0", "Row 0 says 74,706."))
def test_the_quote_rule_answers_as_with_every_figure_read_first(pair):
    figure, quote = pair
    reading = parse_figure(figure)
    every = [
        found.figure for found in PlainFinder(quote).found(tight=False)
    ]  # all read before any is compared, as before issue 26
    states = any(finder.same_reading(reading, candidate) for candidate in every)
    exempt = not quote.strip()  # a figure without a quote is exempt

    assert (rules.figure_quote_problem(figure, quote) == "") == (states or exempt)


@given(TEXTS, st.data())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_a_text_states_a_figure_when_one_of_the_figures_found_reads_as_it(text, data):
    every = [found.figure for found in PlainFinder(text).found(tight=False)]
    wanted = data.draw(
        st.sampled_from([*every, parse_figure("3,000"), parse_figure("several")])
    )

    assert finder.states_figure(text, wanted) == any(
        finder.same_reading(wanted, candidate) for candidate in every
    )


def test_a_seed_document_states_each_figure_found_in_it_and_no_other():
    for line in seed_texts():
        every = [found.figure for found in PlainFinder(line).found(tight=False)]
        for wanted in every:
            assert finder.states_figure(line, wanted), line
        assert finder.states_figure(line, parse_figure("123,457")) == any(
            finder.same_reading(parse_figure("123,457"), other) for other in every
        )


PATHOLOGICAL = {
    "numbers": "1 " * 1000,
    "glued numbers": "1-" * 1000,
    "words and numbers": "about 3,000 and " * 125,
    "spaces": " " * 1990 + "3,000",
    "names": "F-16 " * 400,
    "brackets": "(1) " * 500,
    "months": "Jan 1 " * 333,
    "ages": "age " * 495 + "12",
    "phones": "tel +" + " " * 1990,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL)
def test_a_pathological_quote_is_searched_in_linear_time(text):
    # A quote is at most 2,000 characters; four times one takes about four times
    # as long, not sixteen.
    def seconds(quote):
        started = time.perf_counter()
        finder.find_figures(quote)
        return time.perf_counter() - started

    short = min(seconds(text[:500]) for _ in range(3))
    long = min(seconds(text[:2000]) for _ in range(3))

    assert long < 1
    assert long < 8 * short + 0.02


def test_a_quote_of_numbers_and_commas_is_searched_within_its_bound():
    # Quadratic in its length, as before issue 26: the percentages' pattern reads
    # a run of digits and commas again from each digit. A quote is at most 2,000
    # characters, which takes well under a second.
    quote = ("1," * 1000)[: rules.QUOTE_MAX_LENGTH]

    started = time.perf_counter()
    rules.figure_quote_problem("3,000", quote)

    assert time.perf_counter() - started < 1
