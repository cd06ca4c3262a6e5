"""Real Chromium (Debian's package) driven by Playwright against the live server.

One Chromium for all the browser tests, a fresh context (cookies, storage, viewport)
for each page a test opens. Each test still starts from a clean database: the
transactional tests flush it afterwards, Django restores the migrations' data
(serialized_rollback), and `seeded_server` puts the demo data back.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse the test's own database calls made while it is running.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail(
            "Chromium is not installed: `apt-get install chromium` "
            "(make test installs it), or set CHROMIUM_PATH."
        )
    return path


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One Chromium process for every browser test of the session.

    Package-scoped rather than session-scoped so that it closes as the last browser
    test ends: while Playwright's event loop runs, this thread sees other Django
    connection objects, which transactional tests outside tests/browser must not."""
    from playwright.sync_api import sync_playwright

    # Django serialized the migrations' data onto the connection objects it made;
    # hand it to the ones this thread sees once the loop runs, or serialized_rollback
    # would silently restore nothing.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
        # Connections opened while Playwright ran would outlive it and keep
        # PostgreSQL from dropping the test database.
        connections.close_all()


class SeedSnapshot:
    """The demo data as loaded through the services by the first browser test,
    serialized as Django serializes the migrations' data; later tests deserialize it
    (much faster than the services: docs/development.md, "Browser tests")."""

    contents: str | None = None

    @classmethod
    def restore(cls) -> None:
        creation = connections["default"].creation
        if cls.contents is None:
            call_command("load_seed", verbosity=0)
            cls.contents = creation.serialize_db_to_string()
        else:
            creation.deserialize_db_from_string(cls.contents)


@pytest.fixture
def seeded_server(transactional_db, live_server):
    """The live server over the demo data, in a database of this test's own."""
    SeedSnapshot.restore()
    return live_server


# The role accounts of tests/conftest.py, made after the demo data is in place: the
# first browser test's serialization of it must not hold them.
@pytest.fixture
def researcher_account(seeded_server, researcher):
    return researcher


@pytest.fixture
def editor_account(seeded_server, editor):
    return editor


@pytest.fixture
def open_page(browser, request):
    """Return a function that opens a URL in a new context and page and records
    console errors. When the test fails, each page it opened is saved as a
    screenshot in artifacts/screenshots/ (CI keeps them)."""
    contexts, pages = [], []

    def open_page(url, *, width=1280, height=900, javascript=True):
        context = browser.new_context(
            viewport={"width": width, "height": height}, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        page.console_errors = []
        page.on(
            "console",
            lambda message: (
                message.type == "error" and page.console_errors.append(message.text)
            ),
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        page.goto(url)
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for number, page in enumerate(pages):
            if not page.is_closed():
                screenshot(page, f"{request.node.name}-{number}")
    for context in contexts:
        context.close()


def screenshot(page, name) -> Path:
    """Save the whole page as artifacts/screenshots/`name`.png; return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(name="screenshot")
def screenshot_fixture():
    """For a test that looks at its screenshot (failures are saved by `open_page`)."""
    return screenshot


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep the outcome of the test's call on the test, for `open_page`."""
    report = yield
    if report.when == "call":
        item.report_call = report
    return report
