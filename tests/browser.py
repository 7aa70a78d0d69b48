"""Headless Chromium for the browser tests, and a server that mimics a GitHub Pages project site.

Tests that need a browser use the ``browser`` fixture. Without Chromium they
skip on a laptop, but fail when ``SITE_BUILDER_REQUIRE_BROWSER=1`` (CI sets it),
so CI can never pass by skipping them.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    """The system Chromium (Debian's package), or CHROME_PATH if set."""
    for candidate in (os.environ.get("CHROME_PATH"), shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def unavailable(reason: str) -> None:
    """Skip, or fail when the environment demands browser tests."""
    if os.environ.get("SITE_BUILDER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here (SITE_BUILDER_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


# Each test module that imports ``browser`` gets its own session-scoped copy of the
# fixture, but Playwright's sync API runs only one instance per thread: the copies share
# one Chromium, started by the first and stopped when the last is torn down.
_shared: dict[str, object] = {}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium was not found (apt-get install chromium)")
    if not _shared:
        playwright = sync_playwright().start()
        _shared.update(playwright=playwright, instance=playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS), users=0)
    _shared["users"] += 1
    try:
        yield _shared["instance"]
    finally:
        _shared["users"] -= 1
        if not _shared["users"]:
            _shared["instance"].close()
            _shared["playwright"].stop()
            _shared.clear()


class _ProjectSiteHandler(SimpleHTTPRequestHandler):
    """Serves the site only under ``/<prefix>/``, with the site's 404 page, like GitHub Pages."""

    prefix = "/repo/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0missing")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def project_site_server(example_site: Path) -> Iterator[str]:
    """The example site served at ``http://127.0.0.1:<port>/repo/``; stopped after the test."""
    handler = functools.partial(_ProjectSiteHandler, directory=str(example_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/repo/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _record_failure(errors: list[str], request) -> None:
    """Record a failed request unless the page itself cancelled it by navigating away.

    A missing file fails with ``net::ERR_FILE_NOT_FOUND`` (or a network error);
    ``net::ERR_ABORTED`` only means a later ``goto`` or reload overtook a request
    still in flight, such as the favicon, which says nothing about the site.
    """
    if request.failure != "net::ERR_ABORTED":
        errors.append(f"failed: {request.url} ({request.failure})")


def open_page(browser, url: str, *, failed_requests: bool = True, **context_options):
    """Open ``url`` in a fresh context; return the page and a list collecting what went wrong.

    The list gathers console errors, uncaught page errors and (unless
    ``failed_requests`` is false: a reload aborts the favicon request, say)
    failed requests, from before the page's first script runs until the test ends.
    """
    context = browser.new_context(**context_options)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    if failed_requests:
        page.on("requestfailed", lambda request: _record_failure(errors, request))
    page.goto(url, wait_until="load")
    return page, errors
