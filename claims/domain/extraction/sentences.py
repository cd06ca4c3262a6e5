"""Split a text into sentences, kept as offsets so each is an exact substring.

A small rule-based splitter rather than pysbd or syntok: pysbd splits 50 pages in
about 1.8 s on its own (the whole assistant has 2 s), and syntok breaks
"Pentagon spokesman Maj. Gen. Pat Ryder" after "Maj." (docs/dependencies.md). The
rules are pysbd's in small: a sentence ends at ".", "!" or "?" (with any closing
quotes or brackets) before a space and a capital, a digit or an opening quote, unless
the word before is an abbreviation ("Maj.", "Gen.", "Dr.", "No."), an initial ("J.")
or a dotted acronym ("U.S.") followed by a word that does not start sentences. A blank
line ends a paragraph; a single line break ends a sentence only after a short line
(headings, "Date: 28/10/2024") or one that ends like a sentence, so that lines wrapped
by a PDF stay together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    """One sentence: its offsets in the text and the paragraph it belongs to."""

    start: int
    end: int
    paragraph: int


ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt cpt sgt adm cmdr cdr gov sen rep rev hon st
    jr sr brig cpl pte pres sec amb insp supt det gen'l messrs mme mlle
    e.g i.e etc vs v no nos approx est c ca inc ltd co corp dept univ assn bros
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri
    sat sun mt ft fig figs p pp paras art arts vol vols ch sect al op cf
    """.split()
)
# Words that start sentences: after "U.S." they say the sentence has ended.
_STARTERS = frozenset(
    """
    the a an it he she they we i this that these those there but and in on at
    however meanwhile moreover yet so his her their its our
    """.split()
)
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_SHORT_LINE = 60


def split_sentences(text: str) -> list[Sentence]:
    """Return the sentences of `text` in order, without surrounding spaces."""
    sentences: list[Sentence] = []
    paragraph_start = 0
    paragraphs = [*_PARAGRAPH.finditer(text), None]
    for number, gap in enumerate(paragraphs):
        paragraph_end = gap.start() if gap else len(text)
        _split_paragraph(text, paragraph_start, paragraph_end, number, sentences)
        if gap:
            paragraph_start = gap.end()
    return sentences


def _split_paragraph(text, start, end, number, out) -> None:
    begin = start
    for match in _END.finditer(text, start, end):
        cut = match.end()
        if match.group() == "\n":
            line = text[text.rfind("\n", start, match.start()) + 1 : match.start()]
            ends_like_sentence = line.rstrip()[-1:] in ".!?:”\"'’)"
            if not (ends_like_sentence or len(line.strip()) < _SHORT_LINE):
                continue
            cut = match.start()
        elif not _is_boundary(text, match, end):
            continue
        _add(text, begin, cut, number, out)
        begin = cut
    _add(text, begin, end, number, out)


def _is_boundary(text: str, match: re.Match, end: int) -> bool:
    after = text[match.end() : min(end, match.end() + 40)].lstrip()
    if not after:
        return True
    first = after[0]
    if not (first.isupper() or first.isdigit() or first in "\"“‘'([" or first == "—"):
        return False
    if not match.group().startswith("."):
        return True
    word_start = match.start()
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start : match.start()].lstrip("(\"“‘'").lower()
    if len(word) == 1 and word.isalpha():
        return False  # an initial: "J. Smith"
    if word in ABBREVIATIONS:
        return False
    if "." in word and all(len(part) <= 2 for part in word.split(".")):
        # A dotted acronym ("U.S."): an end only if a sentence starts after it.
        next_word = re.match(r"[\w’']+", after)
        return bool(next_word) and next_word.group().lower() in _STARTERS
    return True


def _add(text, begin, cut, number, out) -> None:
    while begin < cut and text[begin].isspace():
        begin += 1
    while cut > begin and text[cut - 1].isspace():
        cut -= 1
    if cut > begin:
        out.append(Sentence(begin, cut, number))
