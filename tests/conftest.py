import os

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

from tests.factories import UserFactory

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
