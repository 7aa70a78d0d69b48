"""The only module that writes the output folder, and the reader sees it change all at once.

The new site is written, file by file as the build makes it, to a hidden
folder beside the output (:class:`SiteStaging`) and swapped in with renames
only after every file is written and checked, so a failed or interrupted
build leaves the previous site whole. A folder is replaced only if it carries
the marker file this module leaves in every site it creates.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from site_builder.atomic_file import write_bytes
from site_builder.problems import BuildFailed, Problem

MARKER = ".site-builder"
MARKER_TEXT = "This folder was written by site_builder and is replaced by each build.\n"
PROTECTED = ("content", "templates", "static", "site_builder", "tests", ".git")


def check_output_dir(out_dir: Path, root: Path) -> list[Problem]:
    """Problems that forbid using ``out_dir`` as the output folder of the project at ``root``."""
    out, project = out_dir.resolve(), root.resolve()
    shown = str(out_dir)
    if out == project or out in project.parents:
        return [Problem(shown, None, "the output folder would replace the project itself; choose a folder inside it, such as _site")]
    if any(out == project / name or (project / name) in out.parents for name in PROTECTED):
        return [Problem(shown, None, "the output folder is inside a source folder of the project; choose another, such as _site")]
    if out.exists() and not out.is_dir():
        return [Problem(shown, None, "the output path exists and is not a folder; remove it or choose another --out")]
    blocking = next((parent for parent in out.parents if parent.exists() and not parent.is_dir()), None)
    if blocking is not None:
        return [Problem(shown, None, f"{blocking} is a file, so the output folder cannot be made inside it; choose another --out")]
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        return [Problem(shown, None, f"refusing to replace a folder that site_builder did not create (no {MARKER} marker); empty it or choose another --out")]
    return []


def remove_output(out_dir: Path, root: Path) -> bool:
    """Delete the output folder ``out_dir`` of the project at ``root``, and any leftovers of killed builds.

    Only a folder this module wrote (it carries the marker) is deleted; the
    project, a folder holding it, its source folders, a symbolic link and an
    unmarked folder are refused with :class:`BuildFailed`. Returns whether
    there was an output folder to delete.
    """
    problem = _removal_problem(out_dir, root)
    if problem:
        raise BuildFailed([Problem(str(out_dir), None, problem)])
    for _, folder in _leftovers(out_dir.resolve()):
        _delete_marker_last(folder)
    if not out_dir.exists():
        return False
    _delete_marker_last(out_dir)
    return True


def _removal_problem(out_dir: Path, root: Path) -> str | None:
    """Why ``clean`` must not delete ``out_dir``, or None."""
    out, project = out_dir.resolve(), root.resolve()
    if out_dir.is_symlink():
        return "this is a symbolic link; clean never follows links, so remove the link yourself if you mean to"
    if out == project:
        return "refusing to delete the project folder itself; clean deletes only the output folder, such as _site"
    if out in project.parents:
        return "refusing to delete a folder that holds the project; clean deletes only the output folder, such as _site"
    for name in PROTECTED:
        if out == project / name or (project / name) in out.parents:
            return f"refusing to delete {'' if out == project / name else 'a folder inside '}{name}/, a source folder of the project; clean deletes only the output folder, such as _site"
    if not out.exists():
        return None
    if not out.is_dir():
        return "this is a file, not a folder; clean deletes only an output folder the builder wrote"
    if not (out / MARKER).is_file():
        return f"refusing to delete a folder that site_builder did not create (no {MARKER} marker inside); delete it yourself if you are sure"
    return None


def write_site(out_dir: Path, files: Mapping[str, bytes]) -> None:
    """Replace ``out_dir`` with exactly ``files`` (output path -> bytes), atomically from the reader's view.

    Call :func:`check_output_dir` first; the swap re-checks the marker before it
    moves anything.
    """
    with SiteStaging(out_dir) as staging:
        staging.put_all(files)
        staging.swap_in()


class SiteStaging:
    """The next site, written file by file into a hidden folder beside ``out_dir`` and swapped in whole.

    A build puts each file as soon as it is made, so the site is never held in
    memory at once, and the reader still sees the previous site until
    :meth:`swap_in`. Leaving the ``with`` block without swapping (a failed
    check, an exception, Ctrl-C) deletes the staging folder and leaves the
    previous site as it was. A file whose bytes equal the previous site's is
    hard-linked, not rewritten (see :func:`_link_unchanged`).
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir.resolve()
        self.folder = self.out_dir.with_name(f".{self.out_dir.name}.new-{os.getpid()}")
        self._retired = self.out_dir.with_name(f".{self.out_dir.name}.old-{os.getpid()}")
        self._previous: Path | None = None
        self._made: set[Path] = set()
        self._inside: dict[Path, bool] = {}  # each folder of the previous site met: whether it resolves inside it (no link leads out)
        self.written: set[str] = set()  # output paths put so far
        self.linked = 0  # of those, how many were unchanged and linked from the previous site
        self._swapped = False

    def __enter__(self) -> SiteStaging:
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        recover_interrupted(self.out_dir)
        _remove_ours(self.folder)
        self.folder.mkdir()
        self._made.add(self.folder)
        try:
            write_bytes(self.folder / MARKER, MARKER_TEXT.encode("utf-8"))
        except BaseException:  # no __exit__ follows a failed __enter__
            _remove_ours(self.folder)
            raise
        self._previous = self.out_dir if (self.out_dir / MARKER).is_file() else None
        return self

    def __exit__(self, *exc_info: object) -> None:
        _remove_ours(self.folder)  # gone already after a swap
        if self._swapped:  # else a failed swap may have left the previous site there, for recover_interrupted
            _remove_ours(self._retired)

    def put(self, relative: str, data: bytes) -> None:
        """Write ``data`` at the output path ``relative``; each path is put once."""
        path = self._place(relative)
        if self._link_previous(relative, path, len(data), lambda old: old == data):
            self.linked += 1
        else:
            write_bytes(path, data)
        self.written.add(relative)

    def keep(self, relative: str, digest: str, size: int) -> bool:
        """Put the previous site's file at ``relative`` in the new site, if it is ``size`` bytes whose SHA-256 is ``digest``.

        For a page whose inputs did not change since the build that made it:
        the build knows its bytes' digest without making them. Returns
        ``False``, putting nothing, when the previous file is anything else.
        """
        path = self._place(relative)
        if not self._link_previous(relative, path, size, lambda old: hashlib.sha256(old).hexdigest() == digest):
            return False
        self.linked += 1
        self.written.add(relative)
        return True

    def _place(self, relative: str) -> Path:
        """Where ``relative`` goes in the staging folder, its folders made; refuses paths that escape it or were put."""
        if any(part in ("", ".", "..") for part in relative.split("/")) or "\\" in relative:  # "", "/x", "a//b", "../x"
            raise ValueError(f"output path escapes the output folder: {relative}")
        if relative in self.written:
            raise ValueError(f"output path put twice: {relative}")
        path = self.folder / relative
        if path.parent not in self._made:  # the staging folder is new and only we create folders in it
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.update(path.parents)
        return path

    def _link_previous(self, relative: str, path: Path, size: int, same: Callable[[bytes], bool]) -> bool:
        """Hard-link the previous site's ``relative`` at ``path`` if it is a plain file of ``size`` bytes for which ``same`` holds."""
        return self._previous is not None and _link_unchanged(self._previous / relative, self._previous, size, same, path, self._inside)

    def put_all(self, files: Mapping[str, bytes]) -> None:
        """:meth:`put` each of ``files`` (output path -> bytes), in path order."""
        for relative in sorted(files):
            self.put(relative, files[relative])

    def swap_in(self) -> None:
        """Make the staged files the site at ``out_dir``."""
        _swap_in(self.folder, self.out_dir, self._retired)
        self._swapped = True


def _swap_in(staging: Path, out_dir: Path, retired: Path) -> None:
    """Move the previous site aside and the new one in; if the second move fails, put the previous one back."""
    if out_dir.exists():
        if any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
            raise BuildFailed([Problem(str(out_dir), None, f"refusing to replace a folder without the {MARKER} marker")])
        out_dir.rename(retired)
    try:
        staging.rename(out_dir)
    except BaseException:  # KeyboardInterrupt too: the previous site must not stay moved aside
        if retired.is_dir() and not out_dir.exists():
            retired.rename(out_dir)
        raise


def recover_interrupted(out_dir: Path) -> None:
    """Tidy up after builds of ``out_dir`` that were killed part-way.

    A build killed while writing leaves ``.NAME.new-PID`` (a half-written
    site); one killed between its two renames leaves ``.NAME.old-PID`` (the
    previous site, moved aside) and maybe no ``NAME``. The previous site is
    put back, and the rest deleted. Only folders carrying the marker, left by
    processes that no longer run, are touched.
    """
    out_dir = out_dir.resolve()
    for kind, folder in sorted(_leftovers(out_dir), key=lambda leftover: -leftover[1].stat().st_mtime):
        if kind == "old" and not out_dir.exists():
            folder.rename(out_dir)
        else:
            _delete_marker_last(folder)


def _leftovers(out_dir: Path) -> list[tuple[str, Path]]:
    """``("new" or "old", folder)`` for each staging or retired folder of ``out_dir`` left by a dead build."""
    if not out_dir.parent.is_dir():
        return []
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.(new|old)-(\d+)")
    found = []
    for folder in out_dir.parent.iterdir():
        match = pattern.fullmatch(folder.name)
        if match and not folder.is_symlink() and _is_ours(folder) and not _still_running(int(match[2])):
            found.append((match[1], folder))
    return found


def _still_running(pid: int) -> bool:
    """Whether process ``pid`` may still be writing (our own process never is: it has not started yet)."""
    if pid == os.getpid():
        return False
    if os.name != "posix":
        return True  # no harmless way to ask; leave the folder alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _link_unchanged(old: Path, old_root: Path, size: int, same: Callable[[bytes], bool], path: Path, inside: dict[Path, bool]) -> bool:
    """Hard-link ``old`` at ``path`` if it is a plain file of the previous site, ``size`` bytes long, whose bytes ``same`` accepts.

    ``inside`` remembers, per folder, whether the folder resolves inside ``old_root``.
    """
    try:
        info = old.lstat()  # a link is never followed: it is not a plain file
        if not stat.S_ISREG(info.st_mode) or info.st_size != size or not _resolves_inside(old.parent, old_root, inside):
            return False
        if not same(old.read_bytes()):
            return False
        os.link(old, path)
    except OSError:
        return False
    return True


def _resolves_inside(folder: Path, root: Path, inside: dict[Path, bool]) -> bool:
    """Whether ``folder`` is ``root`` or a folder under it reached through no link, asked once per folder.

    ``root`` is resolved; one ``lstat`` per folder met (its parent's answer is
    remembered), where resolving each folder's whole path took one per part of
    it. A folder reached through a link counts as outside, even if the link
    leads back in: the builder never makes links, so such a folder is not its.
    """
    if folder not in inside:
        if folder == root:
            inside[folder] = True
        elif folder.parent == folder or not folder.is_relative_to(root):
            inside[folder] = False
        else:
            try:
                plain = stat.S_ISDIR(folder.lstat().st_mode)
            except OSError:
                plain = False
            inside[folder] = plain and _resolves_inside(folder.parent, root, inside)
    return inside[folder]


def _remove_ours(folder: Path) -> None:
    """Delete ``folder`` if it exists and is one of our staging or output folders."""
    if folder.is_dir() and _is_ours(folder):
        _delete_marker_last(folder)


def _delete_marker_last(folder: Path) -> None:
    """Delete ``folder``, one of ours, its marker after everything else.

    A process killed part-way (SIGKILL, the out-of-memory killer) then leaves a
    folder that still carries the marker, or an empty one, both of which the
    next build knows as its own and deletes; ``shutil.rmtree`` alone could leave
    files without the marker, which no build would ever touch again.
    """
    for entry in folder.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


def _is_ours(folder: Path) -> bool:
    """A folder this module wrote (it has the marker), or an empty one (a build killed before writing the marker)."""
    return folder.is_dir() and ((folder / MARKER).is_file() or not any(folder.iterdir()))
