"""Generate a deterministic synthetic data set for benchmarks (see docs/performance.md).

Each run adds a new set; the same --seed gives the same rows (run it on a scratch
database, such as the one `make bench` creates).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from claims.interchange.synthetic import synthetic_generate


class Command(BaseCommand):
    help = "Add synthetic topics, sources, documents, claims and assertions."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=1000)
        parser.add_argument("--assertions", type=int, default=25000)
        parser.add_argument("--sources", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, claims, assertions, sources, seed, **options):
        if min(claims, assertions, sources) < 1:
            raise CommandError("--claims, --assertions and --sources must be positive.")
        started = time.perf_counter()
        try:
            made = synthetic_generate(
                claims=claims, assertions=assertions, sources=sources, seed=seed
            )
        except IntegrityError as error:
            raise CommandError(
                f"Seed {seed} was generated here before; use another --seed. ({error})"
            ) from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{made.topics} topics, {made.sources} sources, "
            f"{made.documents} documents, "
            f"{made.claims} claims, {made.assertions} assertions in {seconds:.1f} s."
        )
