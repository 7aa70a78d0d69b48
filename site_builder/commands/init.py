"""``init``: a new site of the author's own, in an empty or new folder, that builds as it stands.

The site holds no copy of the theme (``theme eject`` copies what the author
wants to change) and none of the example's identity: its title is the
author's, and it has no ``base_url`` until the author publishes
(``deploy`` works one out from the git remote). It gets:

- ``site.toml`` with the title,
- a starter article with one formula, one declared figure, and a figure
  drawn by its own Python script (``kind: python``),
- an About page,
- ``.gitignore`` for what builds write,
- ``.github/workflows/pages.yml``, which builds and publishes it on GitHub Pages.

The files are written to a hidden folder beside the target and moved in only
when all are written, so an interrupted ``init`` leaves nothing half-made.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from site_builder import __version__
from site_builder.load.dates import today

STARTER = Path(__file__).resolve().with_name("starter")
STARTER_ARTICLE = "content/first-explainer/index.md"
MAX_TITLE = 200
# Where each starter file goes in the new site (dot files are stored without their dot: packages drop them).
STARTER_FILES: dict[str, str] = {
    "site.toml": "site.toml",
    STARTER_ARTICLE: "article.md",
    "content/first-explainer/widths.py": "widths.py",
    "content/about.md": "about.md",
    ".gitignore": "gitignore",
    ".github/workflows/pages.yml": "pages.yml",
}


class InitRefused(Exception):
    """Nothing was created; the message says why and what to do."""


@dataclass(frozen=True)
class NewSite:
    folder: Path
    files: tuple[str, ...]  # relative to folder, in the order they are listed


def init_site(folder: Path, title: str) -> NewSite:
    """Create a site titled ``title`` in ``folder``, which must be empty or not exist yet."""
    title = " ".join(title.split())
    if not title:
        raise InitRefused('the title is empty; pass one with --title "My notes"')
    if len(title) > MAX_TITLE:
        raise InitRefused(f"the title is {len(title)} characters long; keep it to {MAX_TITLE} or fewer")
    _check_target(folder)
    files = starter_files(title)
    staging = folder.parent / f".{folder.name}.init-{os.getpid()}"
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        folder.mkdir(exist_ok=True)
        for entry in sorted(staging.iterdir()):
            os.replace(entry, folder / entry.name)
    except OSError as error:
        raise InitRefused(f"cannot create the site in {folder}: {error.strerror or error}; choose a folder you can write to") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NewSite(folder, tuple(files))


def starter_files(title: str) -> dict[str, str]:
    """The new site's files by path, with the title and today's date filled in."""
    values = {
        "title": json.dumps(title, ensure_ascii=False),  # a JSON string is a valid TOML basic string
        "date": today().isoformat(),
        **workflow_values(f'python -m pip install "site-builder=={__version__}"'),
    }
    files = {}
    for target, source in STARTER_FILES.items():
        try:
            files[target] = fill((STARTER / source).read_text(encoding="utf-8"), values)
        except (OSError, UnicodeDecodeError):
            raise InitRefused(f"the builder's starter file {STARTER / source} is missing or damaged; reinstall the builder "
                              "(python -m pip install --force-reinstall site-builder, or pip install -e . in a checkout)") from None
    return files


def workflow_values(install: str, *, dependency_file: str = ".github/workflows/pages.yml",
                    cache_inputs: str = "'content/**', 'site.toml', '.github/workflows/pages.yml'") -> dict[str, str]:
    """What fills the Pages workflow: how to install the builder, and what its caches are keyed on.

    This repository's own ``.github/workflows/pages.yml`` is the same template filled for a checkout
    (a test holds the two together).
    """
    return {"install": install, "dependency_file": dependency_file, "cache_inputs": cache_inputs}


def fill(template: str, values: dict[str, str]) -> str:
    """``template`` with each ``{{ name }}`` replaced by ``values[name]``."""
    for name, value in values.items():
        template = template.replace("{{ " + name + " }}", value)
    return template


def _check_target(folder: Path) -> None:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise InitRefused(f"{folder} exists and is not a folder; choose a new or empty folder for the site")
    if folder.is_dir():
        try:
            entries = sorted(entry.name for entry in folder.iterdir())
        except OSError as error:
            raise InitRefused(f"cannot read {folder}: {error.strerror or error}") from None
        if entries:
            shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
            raise InitRefused(f"{folder} is not empty (it holds {shown}); init never overwrites anything, so choose a new or empty folder")
