"""Who states a figure: the speaker or agency a sentence attributes it to.

Cues, nearest to the figure in its clause first: "according to X", "X said",
"X estimated", "X told reporters", "X put it at", "said X", "X joined A, B and C in
confirming"; titles before names are part of the name ("Pentagon spokesman Maj. Gen.
Pat Ryder"), and the speaker is its last known or personal name. A list shares its
head noun ("Dutch, Ukrainian and US intelligence": three sources). Names are matched
against the known sources and their aliases by the one matcher's key
(sources/names.py, name_key) after light spelling variants ("Ukraine's" is
"Ukrainian", "U.S." is "US").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sources.names import name_key

_VERBS = (
    r"said|says|say|told|tells|tell|estimated|estimates|estimate|reported|reports|"
    r"report|claimed|claims|claim|believes|believe|believed|confirmed|confirms|"
    r"confirm|stated|states|announced|announces|assessed|assesses|assess|counted|"
    r"counts|recorded|records|documented|documents|verified|warned|warns|added|"
    r"noted|notes|wrote|writes|corroborated|indicated|indicates|suggested|suggests|"
    r"acknowledged|revealed|disclosed|declared|calculated|calculates|registered|"
    r"put\s+(?:it|the\s+\w+|their\s+\w+|its\s+\w+)\s+at|puts\s+(?:it|the\s+\w+)\s+at|"
    r"put|puts|cited|cites|quoted|projected|projects|tallied|updated|briefed|"
    r"informed|stressed|insisted|explained|replied|answered|mentioned|shows|showed|"
    r"found|finds|concluded|observed|verified"
)
# "an estimated 600,000" is a qualifier, not a report.
_CUE = re.compile(rf"(?<!an )(?<!An )(?<!the )\b(?:{_VERBS})\b", re.IGNORECASE)
_ACCORDING = re.compile(
    r"\b(?:according\s+to|citing|as\s+estimated\s+by|as\s+reported\s+by|"
    r"in\s+the\s+words\s+of|(?:figures|data|estimates?)\s+(?:from|by))\s+",
    re.IGNORECASE,
)
_JOINED = re.compile(
    r"\bjoined\s+(?P<list>.+?)\s+in\s+(?:confirming|saying|estimating|reporting|"
    r"assessing|stating|claiming)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r";|\s+while\s+|\s+whereas\s+|,\s+but\s+|,\s+and\s+(?=[A-Z])")
_SKIP_BEFORE = frozenset(
    """has have had is are was were now also later earlier previously then
    separately further again already reportedly publicly privately recently
    will would could may might had been has been have been""".split()
)
# Lowercase words that may stand inside a source's name: heads and titles.
_NAME_WORDS = frozenset(
    """intelligence services service officials official spokesman spokeswoman
    spokesperson minister ministry office agency forces force command army
    military authorities authority government chief head director adviser advisor
    secretary general commander analysts analyst researchers monitors mission
    council staff envoy ambassador defence defense of for and the national
    security communications press deputy foreign affairs human rights police
    guard navy sources source lawmakers lawmaker officers officer estimate
    estimates data figures statement briefing report agencies observers experts
    governor mayor president prime premier leader tracker team""".split()
)
_STOP_NAME = frozenset(("the", "and", "of", "for", "a", "an"))
_PRONOUNS = frozenset(("he", "she", "they", "it", "we", "i"))
_TOKEN = re.compile(r"[\w.’'()-]+|[,;:“”\"]")
_DEMONYMS = {
    "ukraine": "ukrainian", "russia": "russian", "south korea": "south korean",
    "north korea": "north korean", "the u.s.": "us", "u.s.": "us", "the us": "us",
    "united states": "us", "the netherlands": "dutch", "netherlands": "dutch",
    "britain": "british", "the uk": "uk", "u.k.": "uk", "france": "french",
    "germany": "german", "poland": "polish", "china": "chinese", "japan": "japanese",
    "israel": "israeli", "iran": "iranian",
}  # fmt: skip


@dataclass(frozen=True)
class KnownSource:
    """A source the assistant may propose: a key for the caller, its name, its
    aliases and its country (ISO 3166 alpha-2, or "")."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str = ""


@dataclass(frozen=True)
class Speaker:
    """One party a figure is attributed to: the name as written, the known source
    it matches (or None: a new source), and how it was found."""

    written: str
    source: KnownSource | None
    how: str
    pronoun: bool = False


@dataclass
class SourceIndex:
    """Known sources by the one matcher's key, with spelling variants."""

    sources: list[KnownSource]
    by_key: dict[str, KnownSource] = field(default_factory=dict)

    def __post_init__(self):
        for source in self.sources:
            for name in (source.name, *source.aliases):
                for variant in _variants(name):
                    self.by_key.setdefault(variant, source)

    def find(self, written: str) -> KnownSource | None:
        """Return the known source `written` names, whole or by its last name-like
        part ("Pentagon spokesman Maj. Gen. Pat Ryder": Pat Ryder, then Pentagon)."""
        for variant in _variants(written):
            if variant in self.by_key:
                return self.by_key[variant]
        words = written.replace("(", " ( ").replace(")", " ) ").split()
        acronyms = re.findall(r"\(([^)]+)\)", written)
        for acronym in acronyms:
            if name_key(acronym) in self.by_key:
                return self.by_key[name_key(acronym)]
        words = [w for w in words if w not in "()"]
        best = None
        for size in range(len(words) - 1, 0, -1):
            for begin in range(len(words) - size, -1, -1):
                part = " ".join(words[begin : begin + size])
                for variant in _variants(part):
                    if variant in self.by_key and (
                        best is None or begin + size > best[0]
                    ):
                        best = (begin + size, self.by_key[variant])
            if best is not None:
                return best[1]
        return None


def _variants(name: str) -> list[str]:
    key = name_key(" ".join(name.split()))
    key = key.replace("’", "'")
    out = [key]
    stripped = re.sub(r"^the\s+", "", key)
    out.append(stripped)
    dotted = stripped.replace("u.s.", "us").replace("u.k.", "uk").replace("u.n.", "un")
    out.append(dotted)
    for country, demonym in _DEMONYMS.items():
        if dotted.startswith(country + "'s "):
            out.append(demonym + dotted[len(country) + 2 :])
    return list(dict.fromkeys(out))


def attribute(sentence: str, figure_at: int, index: SourceIndex) -> list[Speaker]:
    """Return who `sentence` says states the figure at offset `figure_at`: several
    speakers for a shared statement, none when no cue is found."""
    clauses = _clauses(sentence)
    own = next(((s, e) for s, e in clauses if s <= figure_at < e), (0, len(sentence)))
    for span in (own, (0, len(sentence))):
        cues = _cues(sentence, *span)
        if cues:
            cues.sort(key=lambda cue: (cue[0] > figure_at, abs(cue[0] - figure_at)))
            return _speakers(cues[0][1], cues[0][2], index)
    return []


def cue_position(sentence: str) -> int | None:
    """Return where the sentence's first reporting cue stands, or None."""
    match = _CUE.search(sentence) or _ACCORDING.search(sentence)
    return match.start() if match else None


def _clauses(sentence: str) -> list[tuple[int, int]]:
    spans, begin = [], 0
    for match in _CLAUSE.finditer(sentence):
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, len(sentence)))
    return spans


def _cues(sentence: str, start: int, end: int) -> list[tuple[int, list[str], str]]:
    """Return (position, names, how) for each cue between start and end."""
    part = sentence[start:end]
    found = []
    for match in _ACCORDING.finditer(part):
        name = _name_after(part[match.end() :])
        if name:
            found.append((start + match.start(), _split_list(name), "according to"))
    for match in _CUE.finditer(part):
        verb = match.group().lower()
        subject = _name_before(part[: match.start()])
        how = f"“{verb.split()[0]}”"
        if subject:
            names = _split_list(subject)
            found.append((start + match.start(), names, how))
            continue
        if verb in ("said", "says", "added", "told", "wrote", "noted", "stated"):
            name = _name_after(part[match.end() :])
            if name:
                found.append((start + match.start(), _split_list(name), f"{how} after"))
    for match in _JOINED.finditer(part):
        subject = _name_before(part[: match.start()])
        names = ([subject] if subject else []) + _split_list(match.group("list"))
        found.append((start + match.start(), names, "“joined … in confirming”"))
    return found


def _name_before(text: str) -> str:
    """Return the name that ends `text` (the subject before a verb), or ""."""
    tokens = _TOKEN.findall(text)
    while tokens and tokens[-1].lower() in _SKIP_BEFORE:
        tokens.pop()
    taken: list[str] = []
    while tokens:
        token = tokens[-1]
        lowered = token.lower()
        if lowered in _PRONOUNS and not taken:
            return token
        if lowered == "our":
            return "we"  # "Our researchers documented": the document's own
        if token in (",", ";", ":", "“", "”", '"'):
            if taken and token == "," and _list_continues(tokens, taken):
                taken.append(tokens.pop())
                continue
            break
        if token[:1].isupper() or token[:1].isdigit() and taken:
            taken.append(tokens.pop())
            continue
        if lowered in _NAME_WORDS or lowered.endswith(("’s", "'s")):
            taken.append(tokens.pop())
            continue
        if token.startswith("(") and token.endswith(")"):
            taken.append(tokens.pop())
            continue
        break
    taken.reverse()
    while taken and taken[0].lower() in _STOP_NAME | {","}:
        taken.pop(0)
    if not any(t[:1].isupper() or t.lower() in _NAME_WORDS - _STOP_NAME for t in taken):
        return ""
    if taken and taken[0][:1].islower() and not any(t[:1].isupper() for t in taken):
        # "officials said": too vague to propose as a source
        return ""
    return _join(taken)


def _list_continues(tokens: list[str], taken: list[str]) -> bool:
    """True when a comma stands inside a list of names ("Dutch, Ukrainian and US
    intelligence"): the words after it hold an "and", the word before is a name."""
    return "and" in taken and len(tokens) >= 2 and tokens[-2][:1].isupper()


def _name_after(text: str) -> str:
    """Return the name that starts `text` (after "according to", "said"), or ""."""
    taken: list[str] = []
    for token in _TOKEN.findall(text):
        lowered = token.lower()
        if token in (",", ";", ":", "“", "”", '"'):
            if taken and token == ",":
                break
            if taken:
                break
            continue
        if token[:1].isupper() or lowered in _NAME_WORDS or lowered.endswith("’s"):
            taken.append(token.rstrip("."))
            continue
        if token.startswith("(") and token.endswith(")"):
            taken.append(token)
            continue
        break
    while taken and taken[0].lower() in _STOP_NAME:
        taken.pop(0)
    while taken and taken[-1].lower() in _STOP_NAME:
        taken.pop()
    if not any(t[:1].isupper() for t in taken):
        return ""
    return _join(taken)


def _join(tokens: list[str]) -> str:
    text = " ".join(tokens).replace(" ,", ",")
    return text.strip(" ,.")


def _split_list(name: str) -> list[str]:
    """Return the names of a list, each with the list's head noun."""
    items = [
        item.strip()
        for item in re.split(r",\s*(?:and\s+)?|\s+and\s+", name)
        if item.strip()
    ]
    if len(items) < 2 or any(re.search(r"\bof$", i) for i in items):
        return [name]
    head_words = []
    for word in reversed(items[-1].split()):
        if word[:1].islower():
            head_words.insert(0, word)
        else:
            break
    head = " ".join(head_words)
    if head:
        items = [item if item.endswith(head) else f"{item} {head}" for item in items]
    return items


def _speakers(names: list[str], how: str, index: SourceIndex) -> list[Speaker]:
    speakers = []
    for written in names:
        if written.lower() in _PRONOUNS:
            speakers.append(Speaker(written, None, how, pronoun=True))
            continue
        known = index.find(written)
        person = _person(written)
        if (
            person
            and person != written
            and (known is None or index.find(person) is None)
        ):
            # "Pentagon spokesman Maj. Gen. Pat Ryder": the speaker is the person
            # at the end, known or new, not the office in the title.
            speakers.append(Speaker(person, index.find(person), how))
            continue
        speakers.append(Speaker(written, known, how))
    return speakers


def _person(written: str) -> str:
    """Return the personal name that ends `written` (its last two capitalised
    words after any titles), or ""."""
    words = written.split()
    tail: list[str] = []
    for word in reversed(words):
        if not word[:1].isupper() or word.endswith(".") or "’" in word or "'" in word:
            break
        tail.insert(0, word)
    if len(tail) < 2 or len(tail) == len(words) and len(words) <= 3:
        return ""
    return " ".join(tail[-2:])


def country_of(written: str) -> str:
    """Return the demonym key of a bare country or people name ("Ukraine", "the
    U.S."), or "" when `written` is not one."""
    key = name_key(written).replace("’", "'")
    if key in _DEMONYMS:
        return _DEMONYMS[key]
    if key in _DEMONYMS.values():
        return key
    return ""
