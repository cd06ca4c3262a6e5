"""Rows kept on disk while an import checks them: a list that costs no memory.

An import reads its file once and goes over its rows again to check them, then to
write them. Held in memory, a file's rows cost about a
kilobyte each, so a 200 MB file took more than a gigabyte (issue 26). A Spool
keeps them pickled in a temporary file, a batch at a time, and reads them back in
order as often as asked; only the first few stay in memory, for the preview.

Pure Python: nothing here imports Django.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import Any

BATCH = 1000
KEPT = 500


class Spool:
    """An append-only sequence of picklable rows, kept in a temporary file.

    `append`, `clear`, `len` and iteration, as a list's; `head` holds the first
    `kept` rows as appended. Iterate it again for each pass; close it (or use it
    as a context manager) to remove its file. `on_batch`, if given, is called with
    the place of each batch's first row, the batch and its pickle (the bytes
    written to disk: the quote rule's helpers read the same bytes), in order, as
    the batch goes to disk; `flush` sends the last rows appended to disk (and to
    `on_batch`) at once, rather than at the next pass, so that what watches the
    batches has seen every row once the file has been read."""

    def __init__(self, *, batch: int = BATCH, kept: int = KEPT, on_batch=None):
        self.batch, self.kept, self.on_batch = batch, kept, on_batch
        self.head: list[Any] = []
        self._file = tempfile.TemporaryFile(prefix="claimtracker-import-")
        self._pending: list[Any] = []
        self._count = 0

    def append(self, row: Any) -> None:
        if len(self.head) < self.kept:
            self.head.append(row)
        self._pending.append(row)
        self._count += 1
        if len(self._pending) >= self.batch:
            self.flush()

    def clear(self) -> None:
        self.head, self._pending, self._count = [], [], 0
        self._file.seek(0)
        self._file.truncate()

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        self.flush()
        self._file.seek(0)
        while True:
            try:
                rows = pickle.load(self._file)
            except EOFError:
                return
            position = self._file.tell()
            yield from rows
            # A loop over another pass of this spool may have moved the file.
            self._file.seek(position)

    def flush(self) -> None:
        """Write the rows appended since the last batch went to disk."""
        if self._pending:
            payload = pickle.dumps(self._pending, protocol=pickle.HIGHEST_PROTOCOL)
            if self.on_batch is not None:
                self.on_batch(self._count - len(self._pending), self._pending, payload)
            self._file.seek(0, 2)
            self._file.write(payload)
            self._pending = []

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
