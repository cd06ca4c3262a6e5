"""Time the extraction assistant on 50 pages of text (issue 27: under 2 s), with no
database: the labelled texts of tests/data/extraction repeated to 50 pages of 3,000
characters, with the demo data's sources and claims.

    .venv/bin/python bench/extraction.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import extraction as labelled  # noqa: E402

PAGES, PAGE = 50, 3_000


def main() -> None:
    cases = labelled.cases()
    corpus = "\n\n".join(case.text for case in cases)
    text = (corpus * (PAGES * PAGE // len(corpus) + 1))[: PAGES * PAGE]
    case = cases[0]
    case.text = text
    case.run()  # load dateparser's tables once, as a running server has
    started = time.perf_counter()
    found = case.run()
    took = time.perf_counter() - started
    sys.stdout.write(
        f"{PAGES} pages ({len(text):,} characters): {len(found)} candidates "
        f"in {took:.2f} s\n"
    )
    scores = labelled.score()
    for kind in ("source", "date"):
        s = scores[kind]
        sys.stdout.write(
            f"figure + {kind}: recall {s.recall:.2f}, precision {s.precision:.2f} "
            f"({s.right} of {s.gold} labels; {s.found} candidates)\n"
        )
    good, total = labelled.useful()
    sys.stdout.write(
        f"useful (kept with at most one field edited): {good / total:.2f} "
        f"({good} of {total} candidates)\n"
    )


if __name__ == "__main__":
    main()
