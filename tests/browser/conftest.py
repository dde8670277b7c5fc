"""Fixtures for the browser tests: the built site served on 127.0.0.1, and Chromium.

Chromium is Debian's (/usr/bin/chromium) or any browser named by $CHROMIUM, driven by
Playwright. Without one, these tests are skipped with a notice, unless $REQUIRE_BROWSER is
set (as `.ci/run` does), in which case they fail.

Every test here is marked `recorded_site`: one that passed on the same tree, environment,
built site and browser is not run again (tests/records.py; `make test FRESH=1` runs it).
"""

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "test-artifacts"
FLAGS = [
    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.recorded_site)


# built_site: the real site, built once per session for every test (tests/conftest.py).


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base_url(built_site):
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "no Chromium found (install Debian's chromium, or set $CHROMIUM)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def pages(built_site):
    """Every HTML page of the site, as paths relative to its root (404 page excluded)."""
    return sorted(
        page.relative_to(built_site).as_posix()
        for page in built_site.rglob("*.html")
        if page.name != "404.html"
    )


@pytest.fixture(scope="session")
def artifacts():
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class PageVisit:
    """One page loaded in a fresh context; records console errors and every request."""

    def __init__(self, browser, base_url, path, **context_options):
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.console_errors, self.failed, self.external, self.responses = [], [], [], []

        def route(route):
            host = urlparse(route.request.url).hostname
            if host not in ("127.0.0.1", None):
                self.external.append(route.request.url)
                return route.abort()
            return route.continue_()

        self.context.route("**/*", route)
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("response", lambda r: self.responses.append(r))
        self.response = self.page.goto(f"{base_url}/{path}", wait_until="networkidle")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    opened = []

    def open_page(path, **options):
        visit = PageVisit(browser, base_url, path, **options)
        opened.append(visit)
        return visit

    yield open_page
    for visit in opened:
        visit.close()
