import datetime
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, transaction
from hypothesis import settings as hypothesis_settings

from claims.models import Discrepancy
from claims.pipeline import services
from claims.reader import timeouts
from claims.review import services as review_services
from sources.models import Document, Source, SourceAlias
from tests.factories import PAYLOAD, TAG, ClaimFactory, TopicFactory, UserFactory
from tests.support import scratch
from tests.support.accounts import member

# In CI every property-based test runs the same examples, so a failure can be repeated.
# `make fuzz` runs the fuzzers deep with a fresh seed instead (docs/development.md).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("fuzz", derandomize=False, print_blob=True)
if os.environ.get("HYPOTHESIS_PROFILE"):
    hypothesis_settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def _uses_database(item) -> tuple[bool, bool]:
    """Return whether `item` uses the test database, and whether transactionally
    (as pytest-django decides it when it orders the tests)."""
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker:
        transactional = transactional or bool(
            marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        )
    return bool(marker) or "db" in fixtures or transactional, transactional


BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def _engines(item) -> set[str]:
    """The engines a parametrised test's case is given (`sqlite`, `postgresql`)."""
    callspec = getattr(item, "callspec", None)
    params = callspec.params.values() if callspec else ()
    return {p for p in params if p in ("sqlite", "postgresql")}


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Mark what needs no test database, and run the tests that read the shared demo
    data one after another.

    A test that touches neither the test database nor another process is `pure` and,
    like the process tests marked by their modules and the browser tests,
    `engine_independent`: the same on both engines, so CI runs it in the SQLite leg
    only (.ci/run). A process test's PostgreSQL case is marked `postgresql` and runs
    in the PostgreSQL leg instead. The marks are set
    before `-m` selects; the order is set after pytest-django's. The `seeded` tests
    go last among the rolled-back tests, so that the demo data is loaded once and
    rolled back before any transactional test runs (see SharedDemoData)."""
    rank = {}
    for item in items:
        uses_db, transactional = _uses_database(item)
        if not uses_db and not item.get_closest_marker("process"):
            item.add_marker(pytest.mark.pure)
            item.add_marker(pytest.mark.engine_independent)
        if BROWSER_TESTS in item.path.parents:
            # What a browser test checks is what Chromium draws and runs; the engine
            # under the pages is checked by the test-client tests, on both engines.
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.engine_independent)
        if item.get_closest_marker("process") and "postgresql" in _engines(item):
            # A process test's PostgreSQL case runs in the PostgreSQL leg, its SQLite
            # case in the SQLite leg: each once, the minutes shared between the legs.
            item.add_marker(pytest.mark.postgresql)
        if transactional:
            rank[item] = 2
        elif uses_db:
            rank[item] = 1 if "seeded" in item.fixturenames else 0
        else:
            rank[item] = 3
    yield
    items.sort(key=rank.__getitem__)  # stable: pytest-django's order otherwise
    # On SQLite, what needs PostgreSQL is deselected, as the SQLite leg of CI does
    # with -m: a plain `make test` runs the rest, and says so, rather than fail. On
    # PostgreSQL, what tests SQLite's own behaviour (its one writer) is.
    from django.conf import settings

    on_sqlite = "sqlite" in settings.DATABASES["default"]["ENGINE"]
    other = "postgresql" if on_sqlite else "sqlite"
    needs = [item for item in items if item.get_closest_marker(other)]
    if needs:
        config.hook.pytest_deselected(items=needs)
        needed = set(needs)
        items[:] = [item for item in items if item not in needed]


class SharedDemoData:
    """The demo data set, loaded once into the test database inside a transaction
    that stays open while the `seeded` tests run, each in a savepoint of its own
    (pytest-django's `db`), and is rolled back before the first test that is not
    one of them. Nothing of it is ever committed, so the other tests find the
    database as the migrations left it."""

    def __init__(self) -> None:
        self.atomic = None

    def load(self, blocker) -> None:
        self.blocker = blocker
        with blocker.unblock():
            self.atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
            # As Django's TestCase marks its own: a durable block may open inside.
            self.atomic._from_testcase = True
            self.atomic.__enter__()
            call_command("load_seed", verbosity=0)

    def roll_back(self) -> None:
        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
            self.atomic.__exit__(None, None, None)
        self.atomic = None


_demo = SharedDemoData()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Roll the shared demo data back before the first test that does not read it."""
    if "seeded" not in getattr(item, "fixturenames", ()):
        _demo.roll_back()


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: it would hide a check that never ran."""
    _demo.roll_back()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and session.exitstatus == 0:
        reporter.write_line(
            f"CI: {len(skipped)} test(s) skipped; a skip fails the run."
        )
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords quickly: the real hasher is slow on purpose, and tests
    create many accounts. Logins still check passwords for real."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Uploaded and exported files go to the test's own folder, not media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _archive_in_a_temporary_folder(settings, tmp_path):
    """Archived files go to a folder of the test's own, never the project's."""
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "archive-store"},
        },
    }


@pytest.fixture(autouse=True)
def _no_limits(settings):
    """The per-client limits are lifted: the fuzz and API tests send a client's
    hundreds of requests a minute. tests/claims/test_limits.py turns them on."""
    settings.CLAIMTRACKER_LIMITS = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages never leak between tests."""
    cache.clear()


@pytest.fixture(autouse=True)
def _readers_timeout_reset():
    """A reader's request leaves its statement timeout on the kept connection for
    the next reader (claims/reader/timeouts.py); the test's own queries after it,
    and the database's teardown, run at the connection's default."""
    yield
    timeouts.connection_reset()


@pytest.fixture(scope="session")
def _demo_data(django_db_setup, django_db_blocker):
    """Load the demo data set once per session (see SharedDemoData)."""
    _demo.load(django_db_blocker)
    return _demo


@pytest.fixture
def seeded(_demo_data, db):
    """The demo data set (the two seed documents and every figure in them), shared:
    loaded once per session, and what a test changes is rolled back after it.
    A test that needs a database without it asks for `db` instead."""
    if _demo_data.atomic is None:
        pytest.fail(
            "The seeded tests ran apart: the demo data was already rolled back. "
            "tests/conftest.py orders them together (pytest_collection_modifyitems)."
        )


@pytest.fixture(scope="session")
def scratch_templates(tmp_path_factory):
    """Seeded template databases of each engine for the process tests, made once."""
    templates = scratch.Templates(tmp_path_factory.mktemp)
    yield templates
    templates.drop()


@pytest.fixture
def database(scratch_templates, request):
    """A process test's own database: a fresh copy of the seeded template of the
    engine it is parametrised with (`indirect=True`), else PostgreSQL; dropped after."""
    copy = scratch_templates.copy(getattr(request, "param", "postgresql"))
    yield copy
    copy.drop()


@pytest.fixture
def media(tmp_path):
    """The media folder of a process test's app processes, as their environment."""
    return {"CLAIMTRACKER_MEDIA_ROOT": str(tmp_path / "media")}


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The static files as production serves them, collected once per session."""
    return scratch.collect_static(tmp_path_factory.mktemp("static"))


@pytest.fixture
def researcher(db):
    return member("rita", "Researchers")


@pytest.fixture
def editor(db):
    return member("eddie", "Editors")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def researcher_client(client, researcher):
    client.force_login(researcher)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def hostile():
    """A claim whose every typed-in text carries markup, with a judged conflict."""
    topic = TopicFactory(name=f"Topic {PAYLOAD}", description=PAYLOAD)
    claim = ClaimFactory(
        title=f"Troops {PAYLOAD}",
        slug="hostile",
        topic=topic,
        unit=f"troops{TAG}",
        description=PAYLOAD,
        scope=PAYLOAD,
    )
    sources = [
        Source.objects.create(
            name=f"Agency {n} {PAYLOAD}", slug=f"agency-{n}", kind="government"
        )
        for n in (1, 2)
    ]
    for source in sources:
        SourceAlias.objects.create(source=source, name=f"A{source.pk}{TAG}")
        source.notes = PAYLOAD
        source.save()
    document = Document.objects.create(
        title=f"Report {PAYLOAD}",
        publisher=sources[0],
        url="https://example.org/report",
        published_on=datetime.date(2024, 10, 20),
    )
    for day, figure, source in ((10, "1,000", sources[0]), (20, "9,000", sources[1])):
        services.assertion_create(
            claim=claim,
            source=source,
            document=document,
            stated_on=datetime.date(2024, 10, day),
            figure=figure,
            quote=f"{PAYLOAD} {figure}",
            notes=PAYLOAD,
        )
    review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.live().get(claim=claim),
        state="explained",
        note=PAYLOAD,
        user=UserFactory(username="judge", is_superuser=True),
    )
    return claim
