"""WSGI entry point: `gunicorn claimtracker.wsgi`.

Each gunicorn worker imports this module once, after it starts: the app is loaded,
then the worker's garbage collector is tuned for serving (tune_collector).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimtracker.settings")

# Container objects made, less those freed, between two collections of the youngest
# generation (Python's default is 700). A page of thousands of figures makes tens of
# thousands of short-lived objects; at 700 the collector ran 8 times a request and
# walked the survivors each time: 4 to 5 ms of the as-of view of a claim of 2,092
# figures, about 1.5 ms at 7,000 (docs/performance.md, "The collector").
YOUNG_COLLECTION_THRESHOLD = 7_000


def tune_collector() -> None:
    """Set the garbage collector as a long-running server's: what the app loaded
    (modules, settings, templates) is moved out of the collector's sight for good
    (gc.freeze), and the youngest generation is collected less often. Reference
    counting still frees almost everything a request makes as soon as it is done
    with; only reference cycles wait for a collection."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


application = get_wsgi_application()
tune_collector()
