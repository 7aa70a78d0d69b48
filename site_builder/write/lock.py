"""One build of a project at a time: an advisory lock on a file in the project.

Two builds writing the same output folder, or the same cache, at once would
race each other's renames. The lock is taken without waiting: the second
build stops at once and says which process holds it. The operating system
releases the lock when its holder exits, however it exits, so a killed build
never leaves the project locked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_builder.problems import BuildFailed, Problem

LOCK_FILE = ".site-builder.lock"


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold the lock of the project at ``root`` for the ``with`` block.

    Raises :class:`BuildFailed` when another process holds it. Where there
    are no advisory locks (Windows) or the project cannot be written, the
    block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        handle = open(Path(root) / LOCK_FILE, "a+", encoding="ascii")
    except OSError:
        yield  # a read-only project: nothing can be written beside it to race over
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            message = f"another build of this project is running (pid {holder}); wait for it or stop it"
            raise BuildFailed([Problem(LOCK_FILE, None, message)]) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
