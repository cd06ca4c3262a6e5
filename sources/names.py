"""How names of sources match, and how long names, titles and addresses may be.
Pure logic: `claims` reads these too (claims/domain/vocabulary.py), and `sources`
may not import `claims`, so they live here.

One matcher finds a source by a name: `SourceQuerySet.matching` in the database,
`name_key` for names in memory (the figure-logging screen, the import). Both take a
name as `match_name` leaves it and ignore case.

Names that display alike match alike (issue 28): `match_name` applies NFKC (a
no-break space is a space, a full-width letter a letter), drops the invisible
characters that only hide a difference (zero-width space, word joiner, soft hyphen,
byte order mark), collapses runs of space, and reads a Cyrillic or Greek letter that
looks Latin as the Latin letter inside a word that is otherwise Latin. A new name is
refused (`name_problem`) when it holds such invisible characters or mixes scripts in
one word, so no second source can be created under a lookalike name. Zero-width
joiners and non-joiners stay: Persian and Indic names need them.
"""

from __future__ import annotations

import re
import unicodedata

SOURCE_NAME_MAX_LENGTH = 200  # a source's name, or one of its aliases
DOCUMENT_TITLE_MAX_LENGTH = 500
URL_MAX_LENGTH = 1000

INVISIBLE = frozenset("\u00ad\u180e\u200b\u2060\u2061\u2062\u2063\u2064\ufeff")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
# Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables for the
# letters of these scripts that have a Latin twin), lower and upper case.
LOOKALIKES = str.maketrans(
    {
        **dict(zip("аеорсухіјѕԁԛԝӏ", "aeopcyxijsdqwl", strict=True)),
        **dict(zip("АВЕКМНОРСТХІЈЅ", "ABEKMHOPCTXIJS", strict=True)),
        **dict(zip("οαινκρτυχ", "oaivkptux", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    }
)
_LOOKALIKE_CHARS = frozenset(chr(code) for code in LOOKALIKES)


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if char.isalpha() else ""


def _mixed(word: str) -> bool:
    """Return whether a word holds Latin letters and Cyrillic or Greek ones."""
    scripts = {_script(char) for char in word} - {""}
    return "LATIN" in scripts and bool(scripts & {"CYRILLIC", "GREEK"})


def match_name(name: str) -> str:
    """Return `name` as it is matched: NFKC, invisible characters dropped, spaces
    collapsed and trimmed, lookalike letters in a Latin word read as Latin."""
    name = unicodedata.normalize("NFKC", name)
    name = "".join(char for char in name if char not in INVISIBLE)
    name = _SPACES.sub(" ", name).strip()
    if _LOOKALIKE_CHARS.isdisjoint(name):
        return name
    return _WORD.sub(
        lambda m: m.group().translate(LOOKALIKES) if _mixed(m.group()) else m.group(),
        name,
    )


def name_key(name: str) -> str:
    """Return the key two names share when they match, case ignored: a dict key for
    names in memory that agrees with SourceQuerySet.matching (`iexact`)."""
    return match_name(name).lower()


def name_problem(name: str) -> str:
    """Return why `name` cannot name a new source (it would display like another
    name), or "" when it can."""
    hidden = sorted({f"U+{ord(char):04X}" for char in name if char in INVISIBLE})
    if hidden:
        return (
            f"holds invisible characters ({', '.join(hidden)}) that make it look "
            "like another name; remove them"
        )
    plain = _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip()
    if plain != name.strip():
        return (
            "holds unusual spaces or compatibility characters (such as a no-break "
            f"space or a full-width letter); type it as “{plain}”"
        )
    for word in _WORD.findall(plain):
        if _mixed(word):
            return (
                f"the word “{word}” mixes Latin with Cyrillic or Greek letters that "
                "look alike; type it in one alphabet"
            )
    return ""
