"""How many cases each fuzzed door runs.

- CI (CI=true): 100 a door, derandomised (the "ci" hypothesis profile in
  tests/conftest.py), so that a failure repeats on the next run.
- `make fuzz`: FUZZ_EXAMPLES (10,000) a door with a fresh seed (the "fuzz" profile);
  hypothesis prints any failing example, to be pasted in as a regression test
  (docs/development.md, "Fuzzing").
- Locally, a few, so that the suite stays quick on a laptop.
"""

import os

CI_EXAMPLES = 100


def examples(local: int, *, ci: int = CI_EXAMPLES, operations: int = 1) -> int:
    """Return the number of cases for one door, or for each of its `operations`
    when the door is fuzzed operation by operation (the API)."""
    if os.environ.get("FUZZ_EXAMPLES"):
        return max(int(os.environ["FUZZ_EXAMPLES"]) // operations, local)
    return ci if os.environ.get("CI") else local


def report(capsys, door: str, cases: int, errors: int = 0) -> None:
    """Print the count, past pytest's capture, so CI logs show what ran."""
    with capsys.disabled():
        print(f"\nfuzz: {door} {cases} cases, {errors} errors")  # noqa: T201
