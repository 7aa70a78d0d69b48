"""The only module that writes the output folder, and it does so all at once.

The new site is written to a temporary folder beside the output and swapped
in with renames only after every file is written, so a failed or interrupted
build leaves the previous site whole. A folder is replaced only if it carries
the marker file this module leaves in every site it creates.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from .problems import BuildFailed, Problem

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
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        return [Problem(shown, None, f"refusing to replace a folder that site_builder did not create (no {MARKER} marker); empty it or choose another --out")]
    return []


def write_site(out_dir: Path, files: Mapping[str, bytes]) -> None:
    """Replace ``out_dir`` with exactly ``files`` (output path -> bytes), atomically from the reader's view.

    Call :func:`check_output_dir` first; this function re-checks the marker
    before it deletes anything.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    _remove_ours(staging)
    try:
        _write_tree(staging, files)
        if out_dir.exists():
            if any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
                raise BuildFailed([Problem(str(out_dir), None, f"refusing to replace a folder without the {MARKER} marker")])
            out_dir.rename(retired)
        staging.rename(out_dir)
    finally:
        _remove_ours(staging)
    _remove_ours(retired)


def _write_tree(folder: Path, files: Mapping[str, bytes]) -> None:
    folder.mkdir()
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    for relative, data in sorted(files.items()):
        path = folder / relative
        if path.resolve().parent != folder.resolve() and folder.resolve() not in path.resolve().parents:
            raise ValueError(f"output path escapes the output folder: {relative}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _remove_ours(folder: Path) -> None:
    """Delete ``folder`` if it exists and is one of our staging or output folders."""
    if folder.is_dir() and ((folder / MARKER).is_file() or not any(folder.iterdir())):
        shutil.rmtree(folder)
