"""The quote rule for an import's rows, checked in other processes while the import
reads and checks the rest (issue 26).

Whether a row's quote states its figure (rules.figure_quote_problem) was half of
an import's checks, and it reads nothing but the row: so, as the import's Spool
writes each batch of rows to disk, the batch's figures and quotes go to a pool of
processes, and the import asks for each row's answer, in order, when its checks
reach the row. The answers are the rule's own, so the errors are those of a
check in one process, in the same order; a row whose answer is not known (a small
file, which is not worth a process; a pool that could not start or broke) is
checked in the import's process, as before.

Pure Python: the pool's processes import the rules (claims/domain), not Django.
"""

from __future__ import annotations

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


def _watch(parent: int) -> None:
    """End this helper once the import's process has gone (killed, say): a pool's
    helpers otherwise wait for work that never comes, each holding its memory."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _problems(payload: bytes) -> list[tuple[int, str]]:
    """Return (place, message) for each row of a pickled batch whose quote does
    not state its figure."""
    found = []
    for place, figure, quote, translations, confirmed, reading in pickle.loads(payload):
        problem = rules.figure_quote_problem(
            figure,
            quote,
            translations=translations,
            confirmed=confirmed,
            reading=reading,
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
        # checked in the import's process; a dict: its answers, known already)
        # and its payload's size.
        self._sent: deque[tuple[int, int, Future | dict | None, int]] = deque()
        self._in_flight = 0
        self._answers: deque[tuple[int, int, dict | None]] = deque()

    def add(self, first: int, rows: list) -> None:
        end = first + len(rows)
        if self._broken or (self._pool is None and len(rows) < self.least):
            self._sent.append((first, end, None, 0))
            return
        items = [
            (
                first + k,
                row.figure.text,
                row.quote,
                (row.translation,) if row.translation else (),
                row.quote_match_confirmed,
                row.figure,
            )
            for k, row in enumerate(rows)
            if _checked(row)
        ]
        if not items:  # no quote to read (a data set's rows): every answer is ""
            self._sent.append((first, end, {}, 0))
            return
        payload = pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)
        while self._sent and self._in_flight + len(payload) > IN_FLIGHT_BYTES:
            self._settle()
        try:
            future = self._started().submit(_problems, payload)
        except Exception:  # no process, no pool: the rows are checked here
            self._broken, future = True, None
        self._sent.append((first, end, future, len(payload)))
        self._in_flight += len(payload) if future is not None else 0

    def problem(self, place: int) -> str | None:
        """Return the quote rule's message for the row at `place` ("" when its
        quote states its figure), or None when the import must check it itself."""
        while not self._answers or self._answers[-1][1] <= place:
            if not self._sent:
                return None
            self._settle()
        while self._answers[0][1] <= place:
            self._answers.popleft()
        first, _end, found = self._answers[0]
        if found is None or place < first:
            return None
        return found.get(place, "")

    def _settle(self) -> None:
        """Wait for the oldest batch's answers and keep them."""
        first, end, future, size = self._sent.popleft()
        found = future if isinstance(future, dict) else None
        if isinstance(future, Future):
            self._in_flight -= size
            try:
                found = dict(future.result())
            except Exception:  # a broken pool: the rows are checked here
                self._broken = True
        self._answers.append((first, end, found))

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Spawned, not forked: the import's process holds a database connection
            # and threads (a job's progress), which a fork would copy.
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_watch,
                initargs=(os.getpid(),),
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
