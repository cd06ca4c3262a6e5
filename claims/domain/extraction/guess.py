"""Which claim a figure most likely belongs to: by its unit and the words around it.

The words right after the figure ("3,000 North Korean troops training in Russia")
weigh most, then the rest of its sentence; a claim's unit that names the counted
thing ("troops", "shipping containers", "USD" for a sum in dollars) adds to it. Below
a floor the figure is a "new claim".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    """the a an of in on at to for from by with and or that this these those is are
    was were be been has have had its it their there as than since per into
    which who what when how about over under""".split()
)
_FLOOR = 2.0


@dataclass(frozen=True)
class KnownClaim:
    """A claim the assistant may propose: a key for the caller, its title, unit and
    description."""

    key: str
    title: str
    unit: str = ""
    description: str = ""


@dataclass(frozen=True)
class ClaimGuess:
    claim: KnownClaim | None
    reason: str


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP}


# Words that count the same thing.
_SYNONYMS = {"soldier": "troop", "personnel": "troop", "servicemen": "troop"}


def _stem(word: str) -> str:
    stem = _plain(word)
    return _SYNONYMS.get(stem, stem)


def _plain(word: str) -> str:
    for ending in ("ies", "es", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + ("y" if ending == "ies" else "")
    return word


def guess_claim(
    *,
    after: str,
    sentence: str,
    currency: str,
    claims: list[KnownClaim],
    context: str = "",
    earlier: dict[str, int] | None = None,
) -> ClaimGuess:
    """Return the claim whose words best match the figure's, or no claim. `context`
    is the sentence before; `earlier` counts the claims guessed so far in the
    document, which break ties."""
    near = _stems(after)
    wide = _stems(sentence)
    around = _stems(context)
    earlier = earlier or {}
    best, best_score, best_words = None, 0.0, set()
    for claim in claims:
        title = _stems(claim.title)
        words = title | _stems(claim.description)
        unit = _stems(claim.unit)
        score = 2 * len(near & words) + len(wide & words) + 0.5 * len(around & words)
        if unit and unit <= near:
            score += 2
        if currency and claim.unit.upper() == currency:
            score += 4
        score += min(0.3 * earlier.get(claim.key, 0), 1.5)
        # Of two claims sharing as many words, the one whose title has fewer words
        # absent from the text is the likelier.
        score /= 1 + 0.15 * len(title - near - wide - around)
        if score > best_score:
            best, best_score, best_words = claim, score, (near | wide) & words
    if best is None or best_score < _FLOOR:
        return ClaimGuess(None, "no claim shares its unit and words: a new claim")
    shared = ", ".join(sorted(best_words)[:4]) or best.unit
    return ClaimGuess(best, f"unit and words shared ({shared})")
