"""One build of a project at a time: an advisory lock on a file in the project.

Two builds writing the same output folder, or the same cache, at once would
race each other's renames. The lock is taken without waiting: the second
build stops at once and says which process holds it.

The operating system releases a ``flock`` lock when the last descriptor of
the locked file is closed, so the lock must live in the build process alone:

- a process forked while the lock is held (the experiments' worker pool)
  gets the descriptor replaced by ``/dev/null`` (:func:`_drop_in_child`), so
  a worker that outlives a killed build cannot keep the project locked;
- a lock still held although the process that wrote its pid into the file is
  gone (a worker of an older builder, say) is *taken over*: a fresh lock file
  is renamed over the stale one and the build goes on, with a notice.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from site_builder.problems import BuildFailed, Problem

LOCK_FILE = ".site-builder.lock"
_HELD: set[int] = set()  # descriptors of the locks this process holds


def _drop_in_child() -> None:
    """In a freshly forked child: let go of the parent's locks without closing descriptor numbers
    that Python objects still own (dup2 puts /dev/null in their place)."""
    if not _HELD:
        return
    null = os.open(os.devnull, os.O_RDWR)
    for fd in _HELD:
        os.dup2(null, fd)
    os.close(null)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_in_child)


@contextmanager
def project_lock(root: Path) -> Iterator[tuple[str, ...]]:
    """Hold the lock of the project at ``root`` for the ``with`` block, which gets the notices for the author.

    Raises :class:`BuildFailed` when another running process holds it. Where
    there are no advisory locks (Windows) or the project cannot be written,
    the block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield ()
        return
    path = Path(root) / LOCK_FILE
    try:
        handle, notices = _acquire(path, fcntl)
    except OSError:
        yield ()  # a read-only project: nothing can be written beside it to race over
        return
    with handle:
        _HELD.add(handle.fileno())
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield notices
        finally:
            _HELD.discard(handle.fileno())
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(path: Path, fcntl: object) -> tuple[IO[str], tuple[str, ...]]:
    """The locked, open lock file at ``path``, and a notice if a stale lock was taken over."""
    for _ in range(10):  # another build may rename a fresh lock file in between: then lock that one
        handle = open(path, "a+", encoding="ascii")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined]
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            stale = os.fstat(handle.fileno())
            handle.close()
            if _running(holder):
                message = f"another build of this project is running (pid {holder or 'unknown'}); wait for it or stop it"
                raise BuildFailed([Problem(LOCK_FILE, None, message)]) from None
            fresh = _take_over(path, stale, fcntl)
            if fresh is not None:
                note = (f"{LOCK_FILE}: the build that held the lock (pid {holder}) is gone, but processes it left behind "
                        "still held the lock file; took the lock over")
                return fresh, (note,)
            continue
        if _same_file(handle, path):
            return handle, ()
        handle.close()  # taken over by another build after we opened it: start again with the new file
    raise BuildFailed([Problem(LOCK_FILE, None, "could not take the project's lock: other builds keep replacing it; wait for them or stop them")])


def _take_over(path: Path, stale: os.stat_result, fcntl: object) -> IO[str] | None:
    """A new, locked lock file renamed over ``path`` (still the ``stale`` file), or ``None`` if another build got there first."""
    fresh = path.with_name(f"{LOCK_FILE}.{os.getpid()}.new")
    handle = open(fresh, "w+", encoding="ascii")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined]
        if not os.path.samestat(os.stat(path), stale):
            raise FileExistsError(path)  # replaced since we looked: try again with whatever is there now
        os.replace(fresh, path)
    except OSError:
        handle.close()
        fresh.unlink(missing_ok=True)
        return None
    return handle


def _same_file(handle: IO[str], path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        return False


def _running(pid_text: str) -> bool:
    """Whether the process whose pid the lock file records still runs (an unreadable record counts as running)."""
    if not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # this process holds it, in another with-block
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
