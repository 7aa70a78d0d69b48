"""Shared fixtures: the repository root and small throwaway projects built in tmp_path."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def make_project(tmp_path: Path):
    """Create a project in tmp_path with the given content files; it uses the default theme, as a new site does."""

    def make(files: dict[str, str], *, site_toml: str | None = 'title = "Test site"\n') -> Path:
        root = tmp_path / "project"
        (root / "content").mkdir(parents=True)
        if site_toml is not None:
            (root / "site.toml").write_text(site_toml, encoding="utf-8")
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


def eject(root: Path, relative: str) -> Path:
    """Copy the default theme's ``relative`` (``templates/page.html``) into the project, for a test to edit."""
    target = root / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / relative, target)
    return target


def copy_example(destination: Path) -> Path:
    """Copy the real example project (content, templates, static, site.toml) to ``destination``."""
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, destination / name)
    shutil.copy(REPO / "site.toml", destination / "site.toml")
    return destination


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content/ built once per test session into a temporary folder."""
    from site_builder.build import BuildOptions, build

    root = copy_example(tmp_path_factory.mktemp("example"))
    build(BuildOptions(root=root, out=root / "_site"))
    return root / "_site"
