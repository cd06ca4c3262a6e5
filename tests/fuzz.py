"""How many cases each fuzzed door runs: FUZZ_EXAMPLES, else 1,000 in CI (CI=true)
and a few locally, so that the suite stays quick on a laptop."""

import os


def examples(local: int) -> int:
    """Return the number of cases for one door."""
    if os.environ.get("FUZZ_EXAMPLES"):
        return int(os.environ["FUZZ_EXAMPLES"])
    return 1000 if os.environ.get("CI") else local


def report(capsys, door: str, cases: int, errors: int = 0) -> None:
    """Print the count, past pytest's capture, so CI logs show what ran."""
    with capsys.disabled():
        print(f"\nfuzz: {door} {cases} cases, {errors} errors")  # noqa: T201
