"""``serve``: build, serve the site on loopback, rebuild on every save, and reload the open pages.

Three parts; the server answers on its own threads while the watcher and the
builder take turns on one more:

- :class:`Watcher` polls modification times (standard library only) under
  ``content/``, ``templates/``, ``static/``, ``site.toml`` and the builder's own
  code, and reports a change once a burst of saves has settled.
- :class:`Builder` runs :func:`site_builder.build.build` in a warm worker
  process into a folder the server owns (``.site-cache/serve/<port>/``), so
  the figure and math caches make an edited paragraph cheap. The worker is a
  separate process so that a crash cannot take the server down, and it is
  replaced when the builder's code changes, so the next build runs the new code.
- :class:`PreviewServer` serves that folder under ``base_path`` the way GitHub
  Pages does, and adds to every HTML response (never to the built files) a
  small script that listens to ``/__site_builder/events`` (Server-Sent Events):
  it reloads the page on a new build and shows a failed build's problems in an
  overlay until the next good one.

Builds made here point their absolute URLs (canonical, feed, Open Graph, the
404 page's way home) at the preview server, so every link can be followed locally.
"""

from __future__ import annotations

import json
import mimetypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

from site_builder.commands.preview_worker import problem_data
from site_builder.load.theme import THEME_FOLDERS, default_theme_dir
from site_builder.problems import BuildFailed

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # site_builder/
INTERNAL_PREFIX = "/__site_builder/"
EVENTS_PATH = INTERNAL_PREFIX + "events"
STATUS_PATH = INTERNAL_PREFIX + "status"
WATCHED = ("content", "templates", "static", "site.toml", "experiments", "site_builder")
POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.2  # a burst of saves (an editor writing several files) makes one rebuild
HEARTBEAT_SECONDS = 15.0
MAX_URL_PATH = 2048  # characters of a request path; longer ones get 414 (browsers and CDNs stop near here too)


@dataclass(frozen=True)
class ServeOptions:
    root: Path = Path(".")
    host: str = "127.0.0.1"
    port: int = 8000  # 0: any free port
    base_path: str = "/"  # "/repo/" serves the site as a GitHub Pages project site
    include_drafts: bool = False


def normalise_base_path(path: str) -> str:
    """``repo`` or ``/repo`` -> ``/repo/``; ``""`` -> ``/``."""
    inner = path.strip("/")
    return f"/{inner}/" if inner else "/"


# ---------------------------------------------------------------- build state


class BuildState:
    """The latest build result, shared by the builder and every open event stream."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._session = f"{time.time_ns():x}"
        self._successes = 0
        self.attempt = 0  # every finished build counts, good or bad
        self.build_id = "none"  # names the files being served; pages reload when it changes
        self.ok = False
        self.problems: list[dict[str, object]] = []
        self.closed = False

    def record(self, ok: bool, problems: Sequence[dict[str, object]] = (), wrote: bool = True) -> None:
        with self._changed:
            self.attempt += 1
            self.ok = ok
            self.problems = list(problems)
            if ok and (wrote or not self._successes):  # the first good build names the files even if it reused them
                self._successes += 1
                self.build_id = f"{self._session}-{self._successes}"
            self._changed.notify_all()

    def snapshot(self) -> dict[str, object]:
        with self._changed:
            return {"attempt": self.attempt, "id": self.build_id, "ok": self.ok, "problems": self.problems}

    def wait_after(self, attempt: int, timeout: float) -> dict[str, object] | None:
        """The state once a build newer than ``attempt`` finished; ``None`` on timeout or when closing."""
        with self._changed:
            self._changed.wait_for(lambda: self.attempt > attempt or self.closed, timeout)
            if self.closed or self.attempt <= attempt:
                return None
        return self.snapshot()

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


# ---------------------------------------------------------------- watching


class Watcher:
    """Polls the modification times of files under ``paths``; stdlib only, a few milliseconds a pass."""

    def __init__(self, paths: Iterable[Path], poll: float = POLL_SECONDS, settle: float = SETTLE_SECONDS) -> None:
        self.paths = sorted(set(paths))
        self.poll, self.settle = poll, settle
        self.current = self.scan()

    def scan(self) -> dict[Path, tuple[int, int]]:
        found: dict[Path, tuple[int, int]] = {}
        for path in self.paths:
            if path.is_file():
                _stat_into(found, path)
            for folder, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not _ignored(d)]
                for name in files:
                    if not _ignored(name):
                        _stat_into(found, Path(folder) / name)
        return found

    def watch(self, paths: Iterable[Path]) -> None:
        """Watch ``paths`` too from now on (a python figure's data files, once a build has read them)."""
        new = set(paths) - set(self.paths)
        if new:
            self.paths = sorted(set(self.paths) | new)
            self.current = self.current | {p: v for p, v in self.scan().items() if p in new or any(p.is_relative_to(n) for n in new)}

    def wait_for_change(self, stop: threading.Event) -> list[Path] | None:
        """Block until files changed and then stayed still for ``settle`` seconds; ``None`` when stopped."""
        changed: set[Path] = set()
        settled_since = None
        while not stop.wait(self.poll):
            latest = self.scan()
            if latest != self.current:
                changed |= {p for p in latest.keys() | self.current.keys() if latest.get(p) != self.current.get(p)}
                self.current, settled_since = latest, time.monotonic()
            elif changed and time.monotonic() - settled_since >= self.settle:
                return sorted(changed)
        return None


def _stat_into(found: dict[Path, tuple[int, int]], path: Path) -> None:
    try:
        info = path.stat()
    except OSError:  # deleted between listing and stat: the next pass sees it gone
        return
    found[path] = (info.st_mtime_ns, info.st_size)


def _ignored(name: str) -> bool:
    """Editor droppings and caches: swap and backup files, vim's write probe, __pycache__."""
    return name.startswith((".", "#")) or name.endswith(("~", ".pyc", ".swp", ".tmp")) or name in ("__pycache__", "4913")


def watched_paths(root: Path) -> list[Path]:
    """What a rebuild depends on: the project's sources, the builder's own code and the default theme."""
    try:
        theme = [default_theme_dir() / folder for folder in THEME_FOLDERS]
    except BuildFailed:
        theme = []  # the build reports it
    return [root / name for name in WATCHED] + [PACKAGE_DIR] + theme


# ---------------------------------------------------------------- building


class Builder:
    """Builds in a warm worker process (:mod:`site_builder.commands.preview_worker`), replaced when the builder's code changes."""

    def __init__(self, root: Path, out: Path, include_drafts: bool, base_url: str, state: BuildState, log: Callable[[str, bool], None]) -> None:
        self.request = json.dumps({"root": str(root), "out": str(out), "include_drafts": include_drafts, "base_url": base_url})
        self.state, self.log = state, log
        self._worker: subprocess.Popen[str] | None = None
        self.read: list[str] = []  # project files the last good build read besides the usual sources

    def build(self, fresh_code: bool = False) -> None:
        if fresh_code:
            self._stop_worker()
        self._report(self._ask_worker())

    def _ask_worker(self) -> dict[str, object]:
        if self._worker is None or self._worker.poll() is not None:
            # Import the same site_builder as this process ("-m" puts the current folder first on the path).
            path = os.pathsep.join([str(PACKAGE_DIR.parent), *filter(None, [os.environ.get("PYTHONPATH")])])
            self._worker = subprocess.Popen(
                [sys.executable, "-m", "site_builder.commands.preview_worker"], cwd=PACKAGE_DIR.parent, text=True, encoding="utf-8",
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": path},
            )
        assert self._worker.stdin is not None and self._worker.stdout is not None
        try:
            self._worker.stdin.write(self.request + "\n")
            self._worker.stdin.flush()
            answer = self._worker.stdout.readline()
        except OSError:
            answer = ""
        if not answer:
            self._stop_worker()
            return {"ok": False, "problems": [problem_data("site_builder", None, "internal error: the build process stopped unexpectedly (see the terminal); the next save starts a new one")]}
        return json.loads(answer)

    def _report(self, outcome: dict[str, object]) -> None:
        problems = list(outcome.get("problems", []))  # type: ignore[call-overload]
        if outcome["ok"]:
            for notice in outcome.get("notices", []):  # type: ignore[union-attr]
                self.log(f"note: {notice}", True)
            what = f"built {outcome['pages']} pages in {outcome['seconds']:.1f} s" if outcome.get("wrote") else "rebuilt: the output is unchanged"
            self.log(what, False)
        else:
            for problem in problems:
                self.log(f"error: {problem['where']}: {problem['message']}", True)
            count = len(problems)
            self.log(f"build failed: {count} problem{'s' if count != 1 else ''}; still serving the last good build", True)
        self.state.record(bool(outcome["ok"]), problems, bool(outcome.get("wrote", False)))
        self.read = [str(path) for path in outcome.get("read", [])]  # type: ignore[union-attr]

    def _stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        if worker.stdin:
            worker.stdin.close()  # the worker's signal to finish
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        if worker.stdout:
            worker.stdout.close()

    def close(self) -> None:
        self._stop_worker()


# ---------------------------------------------------------------- serving


@dataclass(frozen=True)
class Resolved:
    status: int  # 200, 301, 403, 404 or 414
    file: Path | None = None
    location: str = ""


def resolve_request(site: Path, base_path: str, url_path: str) -> Resolved:
    """Map a request path to a file of ``site`` the way GitHub Pages does, refusing any path that escapes it.

    Nothing outside ``base_path`` exists; ``dir/`` serves ``dir/index.html`` and
    ``dir`` redirects to ``dir/``. ``url_path`` is still percent-encoded.
    """
    if len(url_path) > MAX_URL_PATH:
        return Resolved(HTTPStatus.REQUEST_URI_TOO_LONG)
    path = unquote(url_path)
    if "\0" in path or "\\" in path:
        return Resolved(HTTPStatus.FORBIDDEN)
    if path + "/" == base_path:
        return Resolved(HTTPStatus.MOVED_PERMANENTLY, location=base_path)
    if not path.startswith(base_path):
        return Resolved(HTTPStatus.NOT_FOUND)
    relative = path[len(base_path):]
    if ".." in relative.split("/"):
        return Resolved(HTTPStatus.FORBIDDEN)
    try:
        top = site.resolve()
        target = (top / relative).resolve()
        if target != top and top not in target.parents:  # a symbolic link leading out of the site
            return Resolved(HTTPStatus.FORBIDDEN)
        if target.is_dir():
            if relative and not relative.endswith("/"):
                return Resolved(HTTPStatus.MOVED_PERMANENTLY, location=url_path + "/")
            target = target / "index.html"
        return Resolved(HTTPStatus.OK, target) if target.is_file() else Resolved(HTTPStatus.NOT_FOUND)
    except OSError:  # a name too long for the file system, a loop of links: no such page
        return Resolved(HTTPStatus.NOT_FOUND)


RELOAD_SCRIPT = """\
<script data-site-builder-build="%(build)s">
(() => {
  "use strict";
  const shown = document.currentScript.dataset.siteBuilderBuild;
  const events = new EventSource("%(events)s");
  let dismissed = -1;
  let showing = -1;
  const remove = () => document.getElementById("site-builder-overlay")?.remove();
  const dismiss = (attempt) => { dismissed = attempt; remove(); };
  events.addEventListener("build", (message) => {
    const state = JSON.parse(message.data);
    if (state.ok && state.id !== shown) { events.close(); location.reload(); return; }
    if (state.ok || state.attempt === dismissed) { if (state.ok) remove(); return; }
    show(state);
  });
  function show(state) {
    remove();
    showing = state.attempt;
    const box = document.createElement("div");
    box.id = "site-builder-overlay";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;z-index:2147483647;top:1rem;left:1rem;right:1rem;max-height:calc(100vh - 2rem);" +
      "overflow:auto;box-sizing:border-box;padding:1rem 1.25rem;background:#fff;color:#1b1b1b;border:2px solid #b3261e;" +
      "border-left-width:.5rem;border-radius:.5rem;box-shadow:0 .5rem 2rem rgba(0,0,0,.35);" +
      "font:16px/1.5 system-ui,sans-serif;text-align:left";
    const heading = document.createElement("h2");
    heading.style.cssText = "margin:0 0 .5rem;font-size:1.2rem;color:#b3261e";
    const count = state.problems.length;
    heading.textContent = `Build failed: ${count} problem${count === 1 ? "" : "s"}`;
    const list = document.createElement("ul");
    list.style.cssText = "margin:0 0 .75rem;padding-left:1.25rem";
    for (const problem of state.problems) {
      const item = document.createElement("li");
      const where = document.createElement("code");
      where.style.cssText = "font:600 .95em ui-monospace,monospace;color:inherit;background:none";
      where.textContent = problem.where;
      item.append(where, ": ", problem.message);
      item.style.cssText = "margin:.25rem 0;overflow-wrap:anywhere;white-space:pre-wrap";
      list.append(item);
    }
    const note = document.createElement("p");
    note.style.cssText = "margin:0 0 .75rem";
    note.textContent = "The page shows the last good build. Fix the problems and save: this message goes away by itself.";
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.style.cssText = "font:inherit;padding:.25rem 1rem;border:1px solid #1b1b1b;border-radius:.25rem;background:#f3f3f3;color:#1b1b1b;cursor:pointer";
    close.addEventListener("click", () => dismiss(state.attempt));
    box.append(heading, list, note, close);
    document.body.prepend(box);
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.getElementById("site-builder-overlay")) dismiss(showing);
  });
})();
</script>
"""

NOTHING_BUILT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>Not found</h1><p>There is no page here yet: the site has not been built successfully.</p></body></html>
"""


def inject_reload_script(page: bytes, build_id: str) -> bytes:
    """``page`` with the live-reload script before its last ``</body>`` (or at the end)."""
    script = (RELOAD_SCRIPT % {"build": build_id, "events": EVENTS_PATH}).encode("utf-8")
    at = page.lower().rfind(b"</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Path, base_path: str, state: BuildState) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _PreviewHandler)
        self.site, self.base_path, self.state = site, base_path, state


class _PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "site_builder-preview"

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _respond(self, head: bool) -> None:
        try:
            self._answer(head)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away
        except Exception as error:  # noqa: BLE001 - every request gets an answer, and the terminal no traceback
            _print_log(f"preview server: internal error answering {self.path[:200]!r}: {type(error).__name__}: {error}", True)
            try:
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", b"Internal error in the preview server.\n", head)
            except OSError:
                pass

    def _answer(self, head: bool) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self._events()
        elif path == STATUS_PATH:
            self._send(HTTPStatus.OK, "application/json", json.dumps(self.server.state.snapshot()).encode("utf-8"), head)
        else:
            self._site_file(path, head)

    def _site_file(self, path: str, head: bool) -> None:
        resolved = resolve_request(self.server.site, self.server.base_path, path)
        if resolved.status == HTTPStatus.REQUEST_URI_TOO_LONG:
            self._send(HTTPStatus.REQUEST_URI_TOO_LONG, "text/plain; charset=utf-8", b"The address is too long.\n", head)
        elif resolved.status == HTTPStatus.FORBIDDEN:
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"Forbidden: the path leads outside the site.\n", head)
        elif resolved.status == HTTPStatus.MOVED_PERMANENTLY:
            self._send(HTTPStatus.MOVED_PERMANENTLY, "text/plain; charset=utf-8", b"Moved.\n", head, {"Location": resolved.location})
        elif resolved.status == HTTPStatus.NOT_FOUND:
            page = self.server.site / "404.html"
            body = page.read_bytes() if page.is_file() else NOTHING_BUILT_PAGE.encode("utf-8")
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", self._with_script(body), head)
        else:
            assert resolved.file is not None
            try:
                body = resolved.file.read_bytes()
            except OSError:  # swapped away by a rebuild in between: the client retries on the reload
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", b"Rebuilding; try again.\n", head)
                return
            kind = _content_type(resolved.file)
            self._send(HTTPStatus.OK, kind, self._with_script(body) if kind.startswith("text/html") else body, head)

    def _with_script(self, page: bytes) -> bytes:
        return inject_reload_script(page, str(self.server.state.snapshot()["id"]))

    def _send(self, status: int, kind: str, body: bytes, head: bool, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """A Server-Sent Events stream: the current state now, then one ``build`` event per finished build."""
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        current = state.snapshot()
        try:
            self._event(current, "retry: 1000\n")
            attempt = int(current["attempt"])  # type: ignore[call-overload]
            while not state.closed:
                latest = state.wait_after(attempt, HEARTBEAT_SECONDS)
                if latest is None:
                    self.wfile.write(b": still here\n\n")  # a comment: finds closed connections
                else:
                    attempt = int(latest["attempt"])  # type: ignore[call-overload]
                    self._event(latest)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def _event(self, state: dict[str, object], prefix: str = "") -> None:
        self.wfile.write(f"{prefix}event: build\nid: {state['attempt']}\ndata: {json.dumps(state)}\n\n".encode())
        self.wfile.flush()


def _content_type(path: Path) -> str:
    kind = {".xml": "application/xml", ".woff2": "font/woff2", ".js": "text/javascript"}.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind == "application/xml" else kind


# ---------------------------------------------------------------- the whole preview


def _print_log(message: str, is_error: bool) -> None:
    print(message, file=sys.stderr if is_error else sys.stdout, flush=True)


class Preview:
    """The preview: server, watcher and builder. ``start()`` returns once the server answers."""

    def __init__(self, options: ServeOptions, log: Callable[[str, bool], None] = _print_log) -> None:
        self.options = options
        self.root = options.root.resolve()
        self.base_path = normalise_base_path(options.base_path)
        self.log = log
        self.state = BuildState()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.server = PreviewServer((options.host, options.port), Path(), self.base_path, self.state)
        self.port = int(self.server.server_address[1])
        self.url = f"http://{_url_host(options.host)}:{self.port}{self.base_path}"
        from site_builder.options import BuildOptions  # cheap: plain data

        self.out = BuildOptions(root=self.root).cache_folder() / "serve" / str(self.port)
        self.server.site = self.out
        self.builder = Builder(self.root, self.out, options.include_drafts, self.url, self.state, log)

    def start(self) -> None:
        watcher = Watcher(watched_paths(self.root))  # before the first build: edits made during it count
        self._spawn(self.server.serve_forever)
        self._spawn(lambda: self._rebuild_on_change(watcher))

    def _rebuild_on_change(self, watcher: Watcher) -> None:
        self.builder.build()
        watcher.watch(self.root / path for path in self.builder.read)
        while (changed := watcher.wait_for_change(self._stop)) is not None:
            names = ", ".join(_shown(path, self.root) for path in changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
            self.log(f"changed: {names}; rebuilding", False)
            code = any(path.is_relative_to(PACKAGE_DIR) or path.is_relative_to(self.root / "site_builder") for path in changed)
            self.builder.build(fresh_code=code)
            watcher.watch(self.root / path for path in self.builder.read)

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self.state.close()
        if self._threads:  # shutdown() waits for serve_forever, which runs only once started
            self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=60)
        self.builder.close()

    def __enter__(self) -> Preview:  # noqa: PYI034 - not meant to be subclassed
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):
        return "localhost"
    return f"[{host}]" if ":" in host else host


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def serve(options: ServeOptions, stream: TextIO = sys.stdout) -> int:
    """Run the preview until interrupted (Ctrl+C); the exit status for the command line."""
    try:
        preview = Preview(options)
    except OSError as error:
        print(f"error: cannot listen on {options.host}:{options.port}: {error.strerror or error}; choose another --port", file=sys.stderr)
        return 1
    if options.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {options.host}: anyone who can reach this machine can read the preview", file=sys.stderr)
    print(f"serving {preview.url} (building into {preview.out}; press Ctrl+C to stop)", file=stream, flush=True)
    signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly on `kill` as on Ctrl+C
    preview.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping", file=stream, flush=True)
    finally:
        preview.stop()
    return 0
