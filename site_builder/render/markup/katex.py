"""The bridge to KaTeX: one long-lived Node process renders every formula of a build.

Starting Node costs far more than rendering a formula, so :class:`KatexRenderer`
starts ``node katex_server.js`` once, on the first formula, and talks to it in
line-delimited JSON over its stdin/stdout until the build closes it::

    with KatexRenderer(bundled_katex()) as katex:
        html = katex.render(r"\\frac{a}{b}", display=False)

A formula KaTeX rejects raises :class:`KatexError` (the author's fault); a
missing runtime or a server that dies raises :class:`KatexUnavailable` (the
machine's fault), whose message says how to fix it. Where KaTeX and Node come
from is :mod:`.katex_install`'s business.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol

from site_builder.render.markup.katex_install import REINSTALL, KatexDist, KatexUnavailable, node_executable

SERVER_SCRIPT = Path(__file__).with_name("katex_server.js")
RESPONSE_TIMEOUT = 60.0  # seconds; KaTeX takes milliseconds, so this only catches a hung server


class KatexError(Exception):
    """KaTeX rejected a formula. ``str(error)`` is KaTeX's own message.

    ``raw_message`` is that message without KaTeX's prefix and excerpt
    (e.g. ``Undefined control sequence: \\foo``) and ``position`` the 0-based
    offset into the TeX where KaTeX stopped, when KaTeX knows them.
    """

    def __init__(self, message: str, *, raw_message: str | None = None, position: int | None = None) -> None:
        super().__init__(message)
        self.raw_message = raw_message if raw_message is not None else message
        self.position = position


class MathRenderer(Protocol):
    """Renders one TeX formula to HTML; raises :class:`KatexError` for bad TeX."""

    def render(self, tex: str, *, display: bool) -> str: ...


class KatexRenderer:
    """A :class:`MathRenderer` backed by one ``node katex_server.js`` process.

    The process starts on the first :meth:`render` and stops on :meth:`close`
    (or when the ``with`` block ends). Not thread-safe: one request at a time.
    """

    def __init__(self, katex: KatexDist, *, node: str | None = None) -> None:
        self._katex = katex
        self._node = node  # None: the runtime node_executable() finds, on the first formula
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._pending = b""  # bytes read past the last response line
        self._next_id = 0
        self.katex_version: str | None = None  # known once the server has started

    def __enter__(self) -> KatexRenderer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The server's process id, or ``None`` before the first formula and after close."""
        return self._process.pid if self._process is not None else None

    def render(self, tex: str, *, display: bool) -> str:
        process = self._process or self._start()
        self._next_id += 1
        request = {"id": self._next_id, "tex": tex, "display": display}
        try:
            assert process.stdin is not None
            process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise self._died(f"could not send a formula ({error})") from error
        response = self._read_message()
        if response.get("id") != self._next_id:
            raise self._died(f"answered request {response.get('id')!r} instead of {self._next_id}")
        if "html" in response:
            return str(response["html"])
        raise KatexError(
            str(response.get("error")), raw_message=response.get("raw"), position=response.get("position")
        )

    def close(self) -> None:
        """Stop the server (closing its stdin lets it exit by itself). Safe to call twice."""
        self._stop_process()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _stop_process(self) -> None:
        process, self._process = self._process, None
        self._pending = b""
        if process is None:
            return
        if process.stdin is not None:
            try:
                process.stdin.close()
            except OSError:
                pass  # the server is already gone
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def _start(self) -> subprocess.Popen[bytes]:
        node = self._node or node_executable()
        # stderr goes to a file, not a pipe nobody drains, so a chatty server cannot block.
        self._stderr = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(
                [node, str(SERVER_SCRIPT), str(self._katex.script)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except OSError as error:
            self.close()
            raise KatexUnavailable(f"could not start Node.js at {node} ({error}); {REINSTALL}") from error
        greeting = self._read_message()
        if greeting.get("ready") is not True:
            raise self._died(f"sent {greeting!r} instead of its greeting")
        self.katex_version = str(greeting.get("katex"))
        return self._process

    def _read_message(self) -> dict:
        """Read one JSON line from the server, waiting at most RESPONSE_TIMEOUT seconds."""
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while b"\n" not in self._pending:
                if not selector.select(timeout=RESPONSE_TIMEOUT):
                    raise self._died(f"did not answer within {RESPONSE_TIMEOUT:.0f} s")
                chunk = os.read(stdout.fileno(), 65536)
                if not chunk:
                    raise self._died("exited")
                self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError as error:
            raise self._died(f"wrote something that is not JSON: {line[:200]!r}") from error
        if not isinstance(message, dict):
            raise self._died(f"wrote {message!r} instead of an object")
        return message

    def _died(self, what: str) -> KatexUnavailable:
        """Stop the server and describe its failure, with what it wrote to stderr."""
        self._stop_process()  # first, so everything it wrote to stderr is there
        stderr = b""
        if self._stderr is not None:
            self._stderr.seek(0)
            stderr = self._stderr.read()[-2000:]
        self.close()
        detail = stderr.decode("utf-8", "replace").strip()
        message = f"the KaTeX server ({SERVER_SCRIPT.name}, KaTeX {self._katex.version} from {self._katex.folder}) {what}"
        if detail:
            message += f":\n{detail}"
        return KatexUnavailable(f"{message}\nIf the runtime or KaTeX is broken, {REINSTALL}")
