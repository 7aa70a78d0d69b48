"""``serve``: a preview that rebuilds on save, reloads open pages, shows failed builds, and serves like GitHub Pages.

Every server here listens on 127.0.0.1 on a free port and is stopped by the
test that started it; every wait has a deadline.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import REPO

from site_builder.render.linkcheck import find_broken_references
from site_builder.commands.serve import (
    BuildState,
    Preview,
    PreviewServer,
    ServeOptions,
    Watcher,
    inject_reload_script,
    resolve_request,
)

DEADLINE = 60.0  # seconds; a rebuild of these projects takes about one

PROJECT = {
    "content/p.md": "---\ntitle: P\n---\nFirst version, with $x^2$.\n",
    "content/a/index.md": "---\ntitle: An article\ndate: 2026-01-01\ntags: [basics]\n---\nSee [the page](../p.md).\n",
}


@dataclass
class Served:
    preview: Preview
    root: Path
    logs: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.preview.port}"


@pytest.fixture
def served(make_project) -> Iterator[Served]:
    root = make_project(PROJECT)
    (root / "site_builder").mkdir()  # a project may carry its own copy of the builder's code
    logs: list[str] = []
    with Preview(ServeOptions(root=root, port=0, base_path="/repo/"), log=lambda message, is_error: logs.append(message)) as preview:
        yield Served(preview, root, logs)


def get(origin: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One raw request: ``path`` goes out exactly as written (no client-side normalising of '..')."""
    parts = urlsplit(origin)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=DEADLINE)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


class EventStream:
    """A client of the preview's Server-Sent Events endpoint."""

    def __init__(self, origin: str) -> None:
        parts = urlsplit(origin)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=DEADLINE)
        self.connection.request("GET", "/__site_builder/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200 and self.response.getheader("Content-Type") == "text/event-stream"

    def next_build(self) -> dict:
        kind, data = "message", []
        while True:
            line = self.response.readline().decode("utf-8")
            if not line:
                raise EOFError("the event stream closed")
            line = line.rstrip("\n")
            if not line:
                if kind == "build" and data:
                    return json.loads("\n".join(data))
                kind, data = "message", []
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "event":
                    kind = value
                elif name == "data":
                    data.append(value)

    def until(self, wanted: Callable[[dict], bool]) -> dict:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            state = self.next_build()
            if wanted(state):
                return state
        raise AssertionError("no such build event before the deadline")

    def close(self) -> None:
        self.connection.close()


def edit(path: Path, text: str) -> None:
    """Write ``text``, making sure the modification time moves even on coarse-grained file systems."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_serves_the_site_and_reloads_open_pages_after_an_edit(served: Served) -> None:
    events = EventStream(served.origin)
    try:
        first = events.until(lambda state: state["ok"])
        status, headers, body = get(served.origin, "/repo/p.html")
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8" and headers["cache-control"] == "no-store"
        assert b"First version" in body
        assert f'<script data-site-builder-build="{first["id"]}">'.encode() in body and body.rstrip().endswith(b"</html>")
        assert b"site-builder-build" not in (served.preview.out / "p.html").read_bytes()  # only served pages get the script

        edit(served.root / "content/p.md", "---\ntitle: P\n---\nSecond version.\n")
        second = events.until(lambda state: state["ok"] and state["id"] != first["id"])
        assert second["attempt"] > first["attempt"] and second["problems"] == []
        status, _, body = get(served.origin, "/repo/p.html")
        assert status == 200 and b"Second version" in body and f'data-site-builder-build="{second["id"]}"'.encode() in body
        assert "changed: content/p.md; rebuilding" in served.logs
    finally:
        events.close()


def test_a_failed_build_is_reported_until_the_next_good_one(served: Served) -> None:
    events = EventStream(served.origin)
    try:
        good = events.until(lambda state: state["ok"])
        edit(served.root / "content/p.md", "---\ntitle: P\n---\nBroken $\\frac{x$ here.\n")
        failed = events.until(lambda state: not state["ok"])
        [problem] = failed["problems"]
        assert problem["where"] == "content/p.md:4" and problem["message"].startswith("LaTeX error")
        assert failed["id"] == good["id"]  # the last good build is still what is served
        assert json.loads(get(served.origin, "/__site_builder/status")[2]) == failed
        status, _, body = get(served.origin, "/repo/p.html")
        assert status == 200 and b"First version" in body
        assert b'role", "alert"' in body and b"Dismiss" in body  # the overlay's code comes with every page
        assert any(line.startswith("error: content/p.md:4: LaTeX error") for line in served.logs)
        assert "build failed: 1 problem; still serving the last good build" in served.logs

        edit(served.root / "content/p.md", "---\ntitle: P\n---\nFixed, with $x^3$.\n")
        fixed = events.until(lambda state: state["attempt"] > failed["attempt"])
        assert fixed["ok"] and fixed["problems"] == [] and fixed["id"] != good["id"]
        assert b"Fixed, with" in get(served.origin, "/repo/p.html")[2]
    finally:
        events.close()


def test_an_edit_to_the_builder_code_rebuilds_in_a_fresh_process(served: Served) -> None:
    events = EventStream(served.origin)
    try:
        first = events.until(lambda state: state["ok"])
        worker = served.preview.builder._worker
        edit(served.root / "site_builder/experiment_notes.py", "# the builder's code, as the watcher sees it\n")
        events.until(lambda state: state["attempt"] > first["attempt"])
        assert served.preview.builder._worker is not worker  # new imports: the next build runs the new code
        assert "changed: site_builder/experiment_notes.py; rebuilding" in served.logs
    finally:
        events.close()


def test_serves_under_the_base_path_as_github_pages_does(served: Served) -> None:
    EventStream(served.origin).until(lambda state: state["ok"])
    status, headers, body = get(served.origin, "/repo/")
    assert status == 200 and b"An article" in body
    assert get(served.origin, "/repo/a/")[2] == get(served.origin, "/repo/a/index.html")[2]
    assert get(served.origin, "/repo/a")[:2][0] == 301 and get(served.origin, "/repo/a")[1]["location"] == "/repo/a/"
    assert get(served.origin, "/repo")[1]["location"] == "/repo/"
    status, headers, body = get(served.origin, "/repo/static/style.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert get(served.origin, "/repo/feed.xml")[1]["content-type"] == "application/xml; charset=utf-8"
    for missing in ("/index.html", "/p.html", "/repo/nowhere.html", "/repo/a/deeper/still/"):
        status, headers, body = get(served.origin, missing)
        assert status == 404 and b"Page not found" in body, missing
    assert get(served.origin, "/repo/p.html", method="HEAD")[2] == b""
    # Absolute links point at the preview itself, so they can be followed here.
    canonical = f'<link rel="canonical" href="{served.origin}/repo/a/">'.encode()
    assert canonical in get(served.origin, "/repo/a/")[2]


def test_paths_that_escape_the_site_are_refused(served: Served) -> None:
    for path in ("/repo/../site.toml", "/repo/%2e%2e/site.toml", "/repo/a/../../content/p.md", "/repo/..%2f..%2fsite.toml", "/repo/%00"):
        status, _, body = get(served.origin, path)
        assert status == 403 and body == b"Forbidden: the path leads outside the site.\n", path


def test_every_request_gets_an_answer_and_no_traceback_reaches_the_terminal(served: Served, capfd: pytest.CaptureFixture[str]) -> None:
    EventStream(served.origin).until(lambda state: state["ok"])
    deep = "/repo/" + "a/" * 3000  # 6 KB: the handler used to die on the file system's "File name too long"
    assert get(served.origin, deep)[0] == 414
    assert get(served.origin, "/repo/" + "a" * 300)[0] == 404  # one name longer than any file system allows
    assert get(served.origin, "/repo/" + "ab/" * 600)[0] == 404
    assert get(served.origin, "/repo/index.html")[0] == 200  # and the server still serves
    assert "Traceback" not in capfd.readouterr().err


def test_resolving_requests(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "dir").mkdir(parents=True)
    (site / "dir/index.html").write_text("x")
    (tmp_path / "secret.txt").write_text("secret")
    (site / "leak").symlink_to(tmp_path / "secret.txt")
    assert resolve_request(site, "/", "/").status == 404  # no index.html at the top
    assert resolve_request(site, "/", "/dir/").file == (site / "dir/index.html").resolve()
    assert resolve_request(site, "/", "/dir").location == "/dir/"
    assert resolve_request(site, "/", "/leak").status == 403
    assert resolve_request(site, "/r/", "/dir/").status == 404
    assert resolve_request(site, "/r/", "/r/dir/").status == 200
    assert resolve_request(site, "/", "/" + "a" * 300).status == 404
    assert resolve_request(site, "/", "/a" * 1025).status == 414


def test_reload_script_goes_before_the_end_of_the_body() -> None:
    page = inject_reload_script(b"<html><body><p>x</p></body></html>", "b-1")
    assert page.startswith(b"<html><body><p>x</p><script data-site-builder-build=\"b-1\">") and page.endswith(b"</script>\n</body></html>")
    assert b'new EventSource("/__site_builder/events")' in page


def test_a_burst_of_saves_makes_one_change(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    watcher = Watcher([tmp_path / "content", tmp_path / "site.toml"], poll=0.02, settle=0.2)
    stop = threading.Event()
    found: list[list[Path]] = []
    thread = threading.Thread(target=lambda: found.append(watcher.wait_for_change(stop)))
    thread.start()
    for name in ("a.md", "b.md", ".a.md.swp", "c.md"):
        (tmp_path / "content" / name).write_text(name)
        time.sleep(0.05)
    (tmp_path / "site.toml").write_text("title = 'T'")
    thread.join(timeout=DEADLINE)
    stop.set()
    assert found == [sorted([tmp_path / "content/a.md", tmp_path / "content/b.md", tmp_path / "content/c.md", tmp_path / "site.toml"])]


def test_serve_command_answers_on_a_free_port_and_stops_on_ctrl_c(make_project) -> None:
    root = make_project(PROJECT)
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port", "0"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("serving http://127.0.0.1:"), first_line + process.stderr.read()
        url = first_line.split()[1]
        EventStream(url).until(lambda state: state["ok"])
        status, _, body = get(url, "/")
        assert status == 200 and b"An article" in body
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=DEADLINE)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, process.stderr.read()
    assert "Traceback" not in process.stderr.read()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]


@pytest.mark.slow
def test_example_site_passes_a_link_check_served_under_a_project_path(example_site: Path) -> None:
    files = {p.relative_to(example_site).as_posix(): p.read_bytes() for p in example_site.rglob("*") if p.is_file()}
    assert find_broken_references(files) == []
    server = PreviewServer(("127.0.0.1", 0), example_site, "/site_builder/", BuildState())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        start = f"{origin}/site_builder/"
        seen, queue = set(), [start]
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            status, headers, body = get(origin, urlsplit(url).path)
            assert status == 200, url
            if headers["content-type"].startswith("text/html"):
                links = _Links()
                links.feed(body.decode("utf-8"))
                targets = [urljoin(url, link).split("#")[0] for link in links.urls]
                queue += [target for target in targets if target.startswith(origin)]  # canonical, og: and feed URLs name the real host
        assert {f"{start}feed.xml", f"{start}tags/relu.html", f"{start}relu-guide/ReLU.png"} <= seen
        sitemap = get(origin, "/site_builder/sitemap.xml")[2].decode()
        for loc in [line.strip()[5:-6] for line in sitemap.splitlines() if line.strip().startswith("<loc>")]:
            assert get(origin, urlsplit(loc).path)[0] == 200, loc  # example.github.io/site_builder/... maps onto the served tree
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
