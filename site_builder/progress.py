"""Progress of a build's stages: bars on a terminal, plain lines in CI logs, nothing in a library call."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class Progress(Protocol):
    def start(self, stage: str, total: int) -> None: ...
    def advance(self, stage: str) -> None: ...
    def finish(self, stage: str, detail: str = "") -> None: ...


class Silent:
    """Reports nothing: the default when ``build()`` is called as a library."""

    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str) -> None:
        pass

    def finish(self, stage: str, detail: str = "") -> None:
        pass


class PlainLines:
    """One line when a stage finishes, for logs that are not terminals (CI)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._started: dict[str, float] = {}

    def start(self, stage: str, total: int) -> None:
        self._started[stage] = time.perf_counter()

    def advance(self, stage: str) -> None:
        pass

    def finish(self, stage: str, detail: str = "") -> None:
        seconds = time.perf_counter() - self._started.pop(stage, time.perf_counter())
        print(f"{stage}: done in {seconds:.1f} s{'; ' + detail if detail else ''}", file=self._stream, flush=True)


class TerminalBars(PlainLines):
    """A bar per stage, redrawn in place, then the same line a log would get."""

    WIDTH = 24

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        super().__init__(stream)
        self._counts: dict[str, tuple[int, int]] = {}

    def start(self, stage: str, total: int) -> None:
        super().start(stage, total)
        self._counts[stage] = (0, total)
        self._draw(stage)

    def advance(self, stage: str) -> None:
        done, total = self._counts.get(stage, (0, 0))
        self._counts[stage] = (done + 1, total)
        self._draw(stage)

    def finish(self, stage: str, detail: str = "") -> None:
        self._stream.write("\r\x1b[2K")
        self._counts.pop(stage, None)
        super().finish(stage, detail)

    def _draw(self, stage: str) -> None:
        done, total = self._counts[stage]
        filled = self.WIDTH * done // total if total else self.WIDTH
        bar = "█" * filled + "·" * (self.WIDTH - filled)
        self._stream.write(f"\r\x1b[2K{stage:<12} {bar} {done}/{total}")
        self._stream.flush()


def for_stream(stream: TextIO = sys.stderr) -> Progress:
    """Bars when ``stream`` is a terminal, plain lines otherwise."""
    return TerminalBars(stream) if stream.isatty() else PlainLines(stream)
