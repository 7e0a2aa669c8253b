"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Run them apart from the main suite (`scripts/test` does: `pytest e2e --create-db` after the main run). The live
server needs transactional database access, which empties every table after each test; in the main session that
would wipe the catalog the root conftest loads once for all other tests. Here instead:

- `django_db_setup` is pytest-django's own (the root conftest's override, which loads the catalog once per
  session, is not used), and on SQLite the test database is a file, so that the live server's request threads get
  their own connections as under `runserver` (an in-memory database would be one connection shared by all threads);
- `demo_data` (autouse) loads the seed catalog, the demo accounts and the demo shared data at the start of every
  test, into committed rows the live server sees, with a fast password hasher (the demo accounts' hashing would
  otherwise dominate the run).

The browser is /usr/bin/chromium (apt-get install chromium fonts-noto-cjk) or $YIJIAN_CHROMIUM; `playwright
install` is never used. A missing browser is an error, so CI cannot pass without running these tests; set
YIJIAN_SKIP_BROWSER=1 to skip them instead (locally).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright
from pytest_django.fixtures import django_db_setup  # noqa: F401  (re-exported: replaces the root conftest's)

from accounts.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("YIJIAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # screenshots of failed tests; git-ignored
SHOTS_ENV = "YIJIAN_E2E_SHOTS"  # a directory: tests also save the screenshots they name there
TIMEOUT_MS = 15_000


def _skip_requested() -> bool:
    return os.environ.get("YIJIAN_SKIP_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """YIJIAN_SKIP_BROWSER=1: skip every browser test before any database or browser is set up."""
    if not _skip_requested():
        return
    marker = pytest.mark.skip(reason="YIJIAN_SKIP_BROWSER=1: browser tests skipped")
    e2e_dir = Path(__file__).resolve().parent
    for item in items:
        if e2e_dir in Path(str(item.path)).resolve().parents:
            item.add_marker(marker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """Keep each phase's report on the item, so `page` can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# ---------------------------------------------------------------- database


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, tmp_path_factory) -> None:
    """On SQLite, a file test database instead of the in-memory one (see the module doc)."""
    db = django_settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("e2e-db") / "test_e2e.sqlite3")


@pytest.fixture(autouse=True)
def demo_data(browser, transactional_db, live_server, settings, tmp_path) -> None:
    """The seed catalog, the demo accounts and the demo shared data, committed for the live server to see.

    Every test starts from them: the transactional test before it emptied every table. Uploaded files go to a
    temporary MEDIA_ROOT. `browser` comes first so that a missing Chromium fails before the database is set up.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # only for these tests' speed
    settings.MEDIA_ROOT = tmp_path / "media"
    for command in ("load_catalog", "load_demo_accounts", "load_demo_shared_data"):
        call_command(command, verbosity=0, stdout=io.StringIO())


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Sync Playwright. Its event loop counts as running in this thread while it lives, so Django's guard against
    ORM calls from async code would refuse the test thread's own database work (creating the test database,
    loading data, flushing); that work is synchronous and never inside the loop, so the guard is lifted here.
    The live server's threads have no event loop and are not affected."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            yield p
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless Debian Chromium; a clear error (not a skip) when it is not installed."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. The browser tests need Debian's Chromium and CJK fonts: "
            "`sudo apt-get install chromium fonts-noto-cjk` (or set YIJIAN_CHROMIUM to a Chromium binary). "
            "Set YIJIAN_SKIP_BROWSER=1 to skip these tests locally.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


def _open_page(browser: Browser, live_server) -> Page:
    """A page in a fresh browser context (zh-CN, 1280×900) on the live server: its own cookies, so its own user."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _close_page(page: Page, request: pytest.FixtureRequest, suffix: str = "") -> None:
    """Close the page's context; first, if the test failed, a screenshot in e2e/artifacts/."""
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.nodeid.split("::")[-1].replace("/", "_") + suffix
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # the screenshot must not hide the test's own failure
            print(f"screenshot failed: {exc!r}")
    page.context.close()


@pytest.fixture
def page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context (zh-CN, 1280×900) on the live server; a screenshot in e2e/artifacts/ on failure."""
    page = _open_page(browser, live_server)
    expect.set_options(timeout=TIMEOUT_MS)
    yield page
    _close_page(page, request)


@pytest.fixture
def new_page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Callable[[], Page]]:
    """new_page(): another browser (a fresh context, as `page`) for a second user in the same test, e.g. window
    staff beside the applicant; each is screenshotted on failure (<test>-2.png, -3.png, …) and closed after."""
    opened: list[Page] = []

    def open_page() -> Page:
        opened.append(_open_page(browser, live_server))
        expect.set_options(timeout=TIMEOUT_MS)
        return opened[-1]

    yield open_page
    for number, other in enumerate(opened, start=2):
        _close_page(other, request, f"-{number}")


@pytest.fixture
def login() -> Callable[..., None]:
    """login(page, username, password=DEMO_PASSWORD): open `/` (the only address a journey types) and log in by
    the top bar's 登录 and the real login page."""

    def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/")
        page.locator("header.topbar nav").get_by_role("link", name="登录", exact=True).click()
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("button", name="退出登录")).to_be_visible()

    return log_in


@pytest.fixture
def snapshot() -> Callable[[Page, str], None]:
    """snapshot(page, name): a full-page screenshot as $YIJIAN_E2E_SHOTS/<name>.png when that variable is set."""

    def take(page: Page, name: str) -> None:
        directory = os.environ.get(SHOTS_ENV)
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)

    return take
