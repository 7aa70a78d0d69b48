"""``theme``: see the default theme's files, and copy the ones an author wants to change into the project.

``theme list`` prints every file of the default theme and marks those the
project replaces. ``theme eject [PATH ...]`` copies theme files into the
project's ``templates/`` and ``static/``, where they then replace the
theme's (see :mod:`site_builder.load.theme`); without a PATH it copies all of
them. A PATH is a theme file (``templates/article.html``, ``static/style.css``,
or just ``article.html`` when only one folder has it) or a folder
(``static/playground``). Nothing the project already has is overwritten.
"""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.load.theme import THEME_FOLDERS, Theme


@dataclass(frozen=True)
class Ejected:
    copied: tuple[str, ...] = ()  # project paths written, e.g. "templates/article.html"
    kept: tuple[str, ...] = ()  # already in the project, left as they were
    problems: tuple[str, ...] = field(default=())  # paths that name no theme file, with a hint


def theme_files(theme: Theme) -> dict[str, Path]:
    """Every file of the default theme, by project path (``templates/base.html``), sorted."""
    default_only = Theme(theme.default, theme.default)
    return {f"{folder}/{relative}": path for folder in THEME_FOLDERS for relative, path in default_only.files(folder).items()}


def overridden(theme: Theme) -> set[str]:
    """The theme files the project replaces with its own."""
    if theme.default.resolve() == theme.project:
        return set()  # this repository: its folders are the theme
    return {path for path in theme_files(theme) if (theme.project / path).exists()}


def eject(theme: Theme, requested: Sequence[str]) -> Ejected:
    """Copy the theme files ``requested`` names (all of them if it is empty) into the project."""
    available = theme_files(theme)
    wanted: list[str] = []
    problems: list[str] = []
    for name in requested or [""]:
        matches, problem = _resolve(name, available)
        wanted += [m for m in matches if m not in wanted]
        problems += [problem] if problem else []
    copied, kept = [], []
    for path in wanted:
        target = theme.project / path
        if target.exists() or target.is_symlink():
            kept.append(path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(available[path], target)
        copied.append(path)
    return Ejected(tuple(copied), tuple(kept), tuple(problems))


def _resolve(name: str, available: dict[str, Path]) -> tuple[list[str], str | None]:
    """The theme files ``name`` stands for, or a problem saying why it stands for none."""
    cleaned = name.strip().removeprefix("./").strip("/")
    if not cleaned:
        return list(available), None
    if cleaned in available:
        return [cleaned], None
    inside = [path for path in available if path.startswith(cleaned + "/")]
    if inside:
        return inside, None
    bare = [path for path in available if path.split("/", 1)[1] == cleaned]
    if len(bare) == 1:
        return bare, None
    if len(bare) > 1:
        return [], f"'{name}' is in more than one folder of the theme ({', '.join(bare)}); name one of them"
    guess = difflib.get_close_matches(cleaned, list(available) + [p.split("/", 1)[1] for p in available], n=1)
    hint = f"; did you mean '{guess[0]}'?" if guess else ""
    return [], f"'{name}' is not a file of the default theme{hint} (site-builder theme list shows them all)"
