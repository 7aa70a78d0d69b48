"""Problems found in an author's input, and the exception that carries them.

Every stage collects :class:`Problem` values instead of stopping at the first
one, so a build reports everything wrong in one run. A problem is printed the
way compilers print them (``path:line: message``) so editors can jump to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing the author must fix.

    ``path`` is relative to the project root and uses forward slashes;
    ``line`` is 1-based, or ``None`` when the problem has no single line
    (a missing file, say).
    """

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class BuildFailed(Exception):
    """Raised by a stage that found problems; carries all of them, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.message))
        )
        super().__init__("\n".join(str(p) for p in self.problems))
