"""Browser tests: Playwright driving Debian's Chromium against the live server.

They run when Chromium is installed (``CHROMIUM`` or ``/usr/bin/chromium``) and
are otherwise deselected with a clear line in the test summary; with
``REQUIRE_BROWSER_TESTS=1`` (set by ``.ci/run``) a missing browser is an error.
Run them on their own with ``make test PYTEST_ARGS='-m e2e'``.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from beveiliging.constants import Rol
from tests.factories import PASSWORD, UserFactory, restore_roles

# Playwright's synchronous API runs an event loop in the test thread; Django's
# guard against database calls from async code would then refuse the test's own
# queries. Django's documentation names this setting for exactly this case.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_PRESENT = Path(CHROMIUM).exists()
_deselected_for_browser = []


def pytest_collection_modifyitems(config, items):
    e2e = [item for item in items if "e2e" in item.keywords]
    if not e2e or BROWSER_PRESENT:
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        raise pytest.UsageError(
            f"REQUIRE_BROWSER_TESTS is set but Chromium was not found at {CHROMIUM}."
        )
    _deselected_for_browser.extend(e2e)
    config.hook.pytest_deselected(items=e2e)
    items[:] = [item for item in items if "e2e" not in item.keywords]


def pytest_terminal_summary(terminalreporter):
    if _deselected_for_browser:
        terminalreporter.write_line(
            f"BROWSER TESTS NOT RUN: {len(_deselected_for_browser)} end-to-end and "
            f"accessibility tests need Chromium at {CHROMIUM} "
            "(apt-get install chromium).",
            yellow=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def programme(live_server):
    """The real programme with its demo data, and one account per role."""
    restore_roles()
    call_command("load_programme", "--demo", stdout=io.StringIO())
    return {
        role: UserFactory(
            username=f"e2e-{role}", role=role, is_staff=role == "coordinator"
        )
        for role in (Rol.BELEIDSMEDEWERKER, Rol.GRIFFIE, Rol.COORDINATOR)
    }


@pytest.fixture
def open_as(browser, live_server, programme):
    """A logged-in page for a role: the login form filled in with the keyboard.

    Whatever the browser refuses under the Content Security Policy during the
    test (an inline script or style, say) fails the test at the end.
    """
    contexts = []
    refused = []

    def login(role: str):
        context = browser.new_context(
            base_url=live_server.url,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            accept_downloads=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        page.set_default_timeout(15000)
        page.goto("/accounts/login/")
        page.locator("#id_username").focus()
        page.keyboard.type(programme[role].username)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.wait_for_load_state()
        return page

    yield login
    for context in contexts:
        context.close()
    assert refused == [], refused


def activate(locator) -> None:
    """Follow a link or press a button with the keyboard (focus, then Enter)."""
    locator.focus()
    locator.press("Enter")


def menu(page, name: str):
    """An item of the main menu."""
    return page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=name, exact=True
    )
