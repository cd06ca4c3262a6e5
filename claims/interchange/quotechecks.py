"""The quote rule for an import's rows, checked in other processes while the import
reads and checks the rest (issue 26).

Whether a row's quote states its figure (rules.figure_quote_problem) was half of
an import's checks, and it reads nothing but the row: so, as the import's Spool
writes each batch of rows to disk, the same pickled batch goes to a pool of
processes, and the import asks for each row's answer, in order, when its checks
reach the row. The answers are the rule's own, so the errors are those of a
check in one process, in the same order; a row whose answer is not known (a small
file, which is not worth a process; a pool that could not start or broke) is
checked in the import's process, as before.

When the import would wait for an answer, it checks the last batch that no
helper has started instead, with the helpers' own function: the helpers work from
the front, the import from the back, and neither waits while batches remain
(issue 26: with one helper, the preview's own process spent about a third of its
time waiting). Who takes a batch is settled in a small table the processes share
(`_taken`), so that each batch is checked once; a helper that finds its batch taken
passes it over.

Pure Python: the pool's processes import the rules (claims/domain) and the rows
(rows.py), not Django (pyproject.toml's import contracts hold it).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor

from claims.domain import rules

# A batch of fewer rows than this, sent before the pool has started, is checked
# in the import's own process: starting a process (about 0.2 s) is not worth it.
LEAST = 1000
# The most bytes of figures and quotes waiting for the pool: past it the import
# waits for the oldest batch's answer, so that a large file's quotes are not all
# held in memory at once.
IN_FLIGHT_BYTES = 8 << 20
# How often a helper looks whether the import's process is still there.
WATCH_SECONDS = 0.5
# Places in the table of who took which batch: batch n is noted at n % SLOTS, as
# n + 1 when the import's process took it, -(n + 1) when a helper did. Were a file
# to have more batches than places, a batch could be checked twice (wasted work,
# the same answers), never not at all.
SLOTS = 1 << 16
# While an import runs, in its own process (imports.py, `fewer_collections`) and in
# its helpers, which live only for the checks, the cyclic garbage collector's
# youngest generation is collected after this many new objects rather than
# Python's 700 (issue 26).
COLLECT_AFTER = 20_000

# In a helper: the table of who took which batch, shared with the import.
_taken = None


def _started_helper(parent: int, taken) -> None:
    """Keep the table of who took which batch, and end this helper once the
    import's process has gone (killed, say): a pool's helpers otherwise wait for
    work that never comes, each holding its memory."""
    global _taken
    _taken = taken
    gc.set_threshold(COLLECT_AFTER, *gc.get_threshold()[1:])

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _took(taken, number: int, mark: int) -> bool:
    """Note in `taken` that batch `number` is taken (`mark`: its number + 1 for
    the import's process, its negative for a helper), unless the other side has
    taken it already; return whether this side took it."""
    slot = number % SLOTS
    with taken.get_lock():
        if taken[slot] == -mark:
            return False
        taken[slot] = mark
        return True


def _helper_problems(
    number: int, first: int, payload: bytes
) -> list[tuple[int, str]] | None:
    """In a helper: return _problems(first, payload), or None when the import's
    process took the batch first."""
    if _taken is not None and not _took(_taken, number, -(number + 1)):
        return None
    return _problems(first, payload)


def _problems(first: int, payload: bytes) -> list[tuple[int, str]]:
    """Return (place, message) for each row of a pickled batch, whose first row is
    at `first`, whose quote does not state its figure."""
    found = []
    for place, row in enumerate(pickle.loads(payload), start=first):
        if not _checked(row):
            continue
        problem = rules.figure_quote_problem(
            row.figure.text,
            row.quote,
            translations=(row.translation,) if row.translation else (),
            confirmed=row.quote_match_confirmed,
            reading=row.figure,
        )
        if problem:
            found.append((place, problem))
    return found


def _checked(row) -> bool:
    """Return whether the quote rule reads `row`'s quote: assertion_problems does
    not for a quote past its limit, and figure_quote_problem passes a row without a
    quote, or with a match confirmed by hand, without reading it."""
    return bool(
        row.quote.strip()
        and not row.quote_match_confirmed.strip()
        and len(row.quote) <= rules.QUOTE_MAX_LENGTH
    )


class QuoteChecks:
    """The quote rule's answers for an import's rows, worked out by `processes`
    other processes. Give it each batch of rows in order (`add`, the Spool's
    `on_batch`); ask for each row's answer in order (`problem`); close it (or use
    it as a context manager) to end its processes."""

    def __init__(self, *, processes: int, least: int = LEAST):
        self.processes, self.least = processes, least
        self._pool: ProcessPoolExecutor | None = None
        self._broken = processes < 1
        # Each batch sent, in order: its first place, its end, its future (None:
        # checked in the import's process; a dict: its answers, known already),
        # its payload (kept, to check here what no helper has started) and its
        # number.
        self._sent: deque[list] = deque()
        self._in_flight = 0
        self._numbered = 0
        self._taken = None
        self._answers: deque[tuple[int, int, dict | None]] = deque()

    def add(self, first: int, rows: list, payload: bytes | None = None) -> None:
        """Check `rows`, whose first is at place `first`, in a helper; `payload`,
        if given, is `rows` pickled already (the Spool's)."""
        end = first + len(rows)
        if self._broken or (self._pool is None and len(rows) < self.least):
            self._sent.append([first, end, None, b"", -1])
            return
        if not any(_checked(row) for row in rows):
            # No quote to read (a data set's rows): every answer is "".
            self._sent.append([first, end, {}, b"", -1])
            return
        if payload is None:
            payload = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
        while self._sent and self._in_flight + len(payload) > IN_FLIGHT_BYTES:
            if not self._stolen():
                self._settle()
        number = self._numbered
        try:
            future = self._started().submit(_helper_problems, number, first, payload)
        except Exception:  # no process, no pool: the rows are checked here
            self._broken, future = True, None
        if future is None:
            self._sent.append([first, end, None, b"", -1])
            return
        self._numbered += 1
        self._sent.append([first, end, future, payload, number])
        self._in_flight += len(payload)

    def problem(self, place: int) -> str | None:
        """Return the quote rule's message for the row at `place` ("" when its
        quote states its figure), or None when the import must check it itself."""
        while not self._answers or self._answers[-1][1] <= place:
            if not self._sent:
                return None
            while self._stolen():
                pass
            self._settle()
        while self._answers[0][1] <= place:
            self._answers.popleft()
        first, _end, found = self._answers[0]
        if found is None or place < first:
            return None
        return found.get(place, "")

    def _settle(self) -> None:
        """Wait for the oldest batch's answers and keep them."""
        first, end, future, payload, _number = self._sent.popleft()
        found = future if isinstance(future, dict) else None
        if isinstance(future, Future):
            self._in_flight -= len(payload)
            try:
                answers = future.result()
            except Exception:  # a broken pool: the rows are checked here
                self._broken = True
            else:  # None: a batch taken here, whose answers are then known here
                found = None if answers is None else dict(answers)
        self._answers.append((first, end, found))

    def _stolen(self) -> bool:
        """While the oldest batch's answers are not known yet, check here the last
        batch that no helper has started, rather than wait; return whether there
        was one."""
        if self._broken or not self._sent:
            return False
        oldest = self._sent[0][2]
        if not isinstance(oldest, Future) or oldest.done():
            return False
        for batch in reversed(self._sent):
            future, payload, number = batch[2], batch[3], batch[4]
            if not isinstance(future, Future):
                continue  # answered already
            if future.done() or not _took(self._taken, number, number + 1):
                return False  # a helper started it, so every batch before it
            self._in_flight -= len(payload)
            batch[2], batch[3] = dict(_problems(batch[0], payload)), b""
            return True
        return False

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Spawned, not forked: the import's process holds a database connection
            # and threads (a job's progress), which a fork would copy.
            context = multiprocessing.get_context("spawn")
            self._taken = context.Array("q", SLOTS)
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=context,
                initializer=_started_helper,
                initargs=(os.getpid(), self._taken),
            )
        return self._pool

    def close(self) -> None:
        """End the helpers; rows asked about afterwards are checked by the caller."""
        self._broken = True
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> QuoteChecks:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
