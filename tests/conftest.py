import datetime
import os

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

from claims.models import Discrepancy
from claims.pipeline import services
from claims.review import services as review_services
from sources.models import Document, Source, SourceAlias
from tests.factories import PAYLOAD, TAG, ClaimFactory, TopicFactory, UserFactory

# In CI every property-based test runs the same examples, so a failure can be repeated.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: it would hide a check that never ran."""
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


def _member(group_name, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def seeded(db):
    """The demo data set: the two seed documents and every figure in them."""
    call_command("load_seed", verbosity=0)


@pytest.fixture
def researcher(db):
    return _member("Researchers", username="rita")


@pytest.fixture
def editor(db):
    return _member("Editors", username="eddie")


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
