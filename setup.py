"""Packaging hook: the wheel carries the default theme.

The default theme is the repository's top-level ``templates/`` and
``static/`` (they are also the example site's). Python packages can only
carry files inside the package, so the build step copies both folders to
``site_builder/theme/`` in the wheel; :func:`site_builder.load.theme.default_theme_dir`
finds them there when installed, and at the top level in a checkout.
Everything else about the package is declared in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

THEME_FOLDERS = ("templates", "static")


class BuildWithTheme(build_py):
    """``build_py`` that also copies the default theme into the built package."""

    def run(self) -> None:
        super().run()
        here = Path(__file__).resolve().parent
        for folder in THEME_FOLDERS:
            target = Path(self.build_lib) / "site_builder" / "theme" / folder
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(here / folder, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildWithTheme})
