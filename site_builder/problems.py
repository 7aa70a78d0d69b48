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


# What an operating-system error on a path means to the person at the keyboard, and what to do.
_OS_ERRORS: dict[str, tuple[str, str]] = {
    "EROFS": ("the file system is read-only", "make it writable or choose a folder on a writable disk"),
    "ENOSPC": ("the disk is full", "free some space and build again"),
    "EDQUOT": ("your disk quota is used up", "free some space and build again"),
    "EACCES": ("permission denied", "make it readable and writable for you, or choose a folder you own"),
    "EPERM": ("the operation is not permitted here", "make it writable for you, or choose a folder you own"),
    "ENOTDIR": ("a part of this path is a file, not a folder", "move that file away or choose another path"),
    "EISDIR": ("this is a folder where a file is expected", "move the folder away or choose another path"),
    "ENOENT": ("it does not exist (a folder or drive that is missing?)", "create it, connect the drive, or choose another path"),
    "ENAMETOOLONG": ("the path is too long for the file system", "choose a shorter path"),
    "ELOOP": ("it goes through too many symbolic links (a link that points to itself?)", "fix the links"),
    "EIO": ("the disk reported an input/output error", "check the drive"),
    "EMFILE": ("this process may not open more files", "raise the limit (ulimit -n) and build again"),
    "ENFILE": ("the system may not open more files", "close some programs and build again"),
    "EXDEV": ("it is on another disk than the folder beside it, so it cannot be renamed into place", "keep the output and cache folders on one disk"),
    "EEXIST": ("something is already there (a file where a folder is expected?)", "move it away or choose another path"),
    "EBUSY": ("it is in use (a mount point, or open in another program?)", "close what uses it or choose another path"),
    "ETXTBSY": ("it is in use by a running program", "stop that program and build again"),
}


def environment_problem(error: OSError, advice: str = "") -> Problem:
    """The problem for an operating-system error on a path: the path, the cause in words and what to do.

    These are the user's environment (a full disk, a read-only folder, a path
    that is a file), not bugs, so they are reported like an author's mistakes.
    ``advice`` (such as "or pass --out") is added to what to do.
    """
    import errno  # noqa: PLC0415 - only on this rare path

    name = errno.errorcode.get(error.errno or 0, "")
    cause, todo = _OS_ERRORS.get(name, (error.strerror or str(error), "check the path and its permissions"))
    paths = [str(p) for p in (error.filename, error.filename2) if p is not None]
    where = paths[0] if paths else "environment"
    detail = f" ({name} while renaming it to {paths[1]})" if len(paths) > 1 else f" ({name})" if name else ""
    return Problem(where, None, f"{cause}{detail}; {todo}{advice}")
