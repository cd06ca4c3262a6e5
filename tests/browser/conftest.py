"""Real Chromium (Debian's package) driven by Playwright against the live server."""

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


@pytest.fixture
def browser():
    """Chromium for one test. Not shared across tests: while Playwright's sync API
    runs, Django sees other connection objects, and the next test's restore of the
    migrations' data (serialized_rollback) would be skipped."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
        # Connections a test opened while Playwright ran would outlive the test and
        # keep PostgreSQL from dropping the test database; set up data in fixtures.
        connections.close_all()


@pytest.fixture
def seeded_server(transactional_db, live_server):
    call_command("load_seed", verbosity=0)
    return live_server


@pytest.fixture
def open_page(browser):
    """Return a function that opens a URL in a new page and records console errors."""
    contexts = []

    def open_page(url, *, width=1280, height=900, javascript=True):
        context = browser.new_context(
            viewport={"width": width, "height": height}, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
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
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    def save(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
