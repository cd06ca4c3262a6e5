"""Writes run at the same moment, each on a connection of its own."""

import threading

from django.core.exceptions import ValidationError
from django.db import connection


def together(*writes) -> list[str]:
    """Run the writes at the same moment, each on its own connection; return what
    each did: "ok", or "refused" (a ValidationError)."""
    outcomes: list[str] = []
    start = threading.Barrier(len(writes))

    def run(write) -> None:
        try:
            start.wait(timeout=60)
            write()
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
