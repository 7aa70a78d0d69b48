"""The theme a site is drawn with: the project's own ``templates/`` and ``static/`` over the default theme's.

Lookup is file by file, as MkDocs' ``custom_dir`` and Hugo's lookup order
work: a project's ``templates/article.html`` replaces the theme's
``article.html`` and nothing else; a project's ``static/style.css`` replaces
the theme's stylesheet, and a file the theme lacks is simply added. A new
site holds no copy of the theme; ``site-builder theme eject`` copies the
files an author wants to change.

The default theme is the repository's top-level ``templates/`` and
``static/``. A wheel carries a copy of them as ``site_builder/theme/`` (the
build step in ``setup.py`` puts it there); a source checkout, or an editable
install of one, uses the top-level folders directly. This repository is then
the one project whose own folders *are* the theme.

Standard library only: the no-op build (:mod:`site_builder.write.freshness`)
hashes the theme's files without importing anything heavy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from site_builder.problems import BuildFailed, Problem

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # site_builder/
THEME_FOLDERS = ("templates", "static")
REINSTALL = "reinstall the builder (python -m pip install --force-reinstall site-builder, or pip install -e . in a checkout)"
TEMPLATES_DIR, STATIC_DIR = THEME_FOLDERS


@dataclass(frozen=True)
class Theme:
    """Where a project's templates and static files are found: its own folders first, then the theme's."""

    project: Path  # the project root
    default: Path  # the folder holding the default theme's templates/ and static/

    def template_folders(self) -> tuple[Path, ...]:
        """Folders searched for a template, first match wins."""
        return _distinct(self.project / TEMPLATES_DIR, self.default / TEMPLATES_DIR)

    def files(self, folder: str) -> dict[str, Path]:
        """``folder``'s files (``templates`` or ``static``) by path relative to it, the project's winning.

        Hidden files and files in hidden folders (``.DS_Store``, ``.git/``) are never part of a theme.
        """
        found: dict[str, Path] = {}
        for top in reversed(_distinct(self.project / folder, self.default / folder)):
            found |= dict(_visible_files(top))
        return dict(sorted(found.items()))

    def is_project_file(self, path: Path) -> bool:
        """Whether ``path``, as found under one of :meth:`template_folders` or :meth:`files`' folders,
        is the project's own rather than the default theme's (links are not followed)."""
        return Path(path).absolute().is_relative_to(self.project)

    def shown_path(self, path: Path) -> str:
        """How a message names a theme file: ``templates/x.html`` for the project's, the full path for the theme's."""
        if self.is_project_file(path):
            return Path(path).absolute().relative_to(self.project).as_posix()
        return Path(path).as_posix()


# The templates every build renders: a theme without one of them cannot make a site.
PAGE_TEMPLATES = ("base.html", "index.html", "article.html", "page.html", "tag.html", "404.html")


def load_theme(root: Path) -> Theme:
    """The theme of the project at ``root``; :class:`BuildFailed` if the builder's default theme is missing
    or lacks a template that the project does not supply either (a damaged install)."""
    theme = Theme(root.resolve(), default_theme_dir())
    missing = [name for name in PAGE_TEMPLATES if not any((folder / name).is_file() for folder in theme.template_folders())]
    if missing:
        raise BuildFailed([
            Problem(str(theme.default / TEMPLATES_DIR / name), None, f"the builder's default theme is incomplete: this template is missing; {REINSTALL}")
            for name in missing
        ])
    return theme


def default_theme_dir() -> Path:
    """The folder holding the default theme: ``site_builder/theme/`` when installed, the checkout's root otherwise."""
    for candidate in (PACKAGE_DIR / "theme", PACKAGE_DIR.parent):
        if (candidate / TEMPLATES_DIR / "base.html").is_file() and (candidate / STATIC_DIR / "style.css").is_file():
            return candidate
    message = (
        f"the builder's default theme is missing (looked in {PACKAGE_DIR / 'theme'} and {PACKAGE_DIR.parent}); "
        f"{REINSTALL}"
    )
    raise BuildFailed([Problem("site_builder", None, message)])


def _distinct(*folders: Path) -> tuple[Path, ...]:
    """``folders`` without repeats (this repository's project folders are the theme's), in order."""
    seen: list[Path] = []
    for folder in folders:
        if folder.resolve() not in [s.resolve() for s in seen]:
            seen.append(folder)
    return tuple(seen)


def _visible_files(top: Path) -> Iterator[tuple[str, Path]]:
    if not top.is_dir():
        return
    for path in sorted(top.rglob("*")):
        relative = path.relative_to(top)
        if not any(part.startswith(".") for part in relative.parts) and (path.is_file() or path.is_symlink()):
            yield relative.as_posix(), path
