"""Bytes the reader downloads for search and the scholarly apparatus on the example site.

    python benchmarks/search_index.py [--budget-kb N] [SITE_DIR]

Builds the example project (content/, templates/, static/, site.toml, copied to
a temporary folder, through the CLI) unless a built SITE_DIR is given, then
prints the raw and gzipped size (level 9, as a static host compresses text) of
``search-index.js`` and of the scripts that serve search, hover cards, the copy
button and "/" (``static/search.js``, ``cards.js``, ``copy.js``, ``search-key.js``).
Exit status 0 (a measurement) unless the gzipped index exceeds ``--budget-kb``
(default 40: "a few tens of kB").
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILES = ("search-index.js", "static/search.js", "static/cards.js", "static/copy.js", "static/search-key.js")


def built_example(folder: Path) -> Path:
    """The example project built by the CLI into ``folder/_site``."""
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "site.toml", folder / "site.toml")
    subprocess.run([sys.executable, "-m", "site_builder", "build", "--out", str(folder / "_site")], cwd=folder, check=True, capture_output=True)
    return folder / "_site"


def sizes(site: Path) -> list[tuple[str, int, int]]:
    """(file, raw bytes, gzipped bytes) for each of :data:`FILES` the site has."""
    rows = []
    for name in FILES:
        path = site / name
        if path.is_file():
            data = path.read_bytes()
            rows.append((name, len(data), len(gzip.compress(data, compresslevel=9, mtime=0))))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site (default: build the example)")
    parser.add_argument("--budget-kb", type=float, default=40.0, help="most gzipped kB the index may take")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        site = options.site or built_example(Path(temporary))
        rows = sizes(site)
    print(f"{'file':<22} {'raw':>10} {'gzipped':>10}")
    for name, raw, packed in rows:
        print(f"{name:<22} {raw / 1000:>8.1f} kB {packed / 1000:>8.1f} kB")
    index = next((packed for name, raw, packed in rows if name == "search-index.js"), None)
    if index is None:
        print("no search-index.js: is search = false in site.toml?")
        return 1
    within = index / 1000 <= options.budget_kb
    print(f"index gzipped: {index / 1000:.1f} kB of a {options.budget_kb:g} kB budget: {'within' if within else 'OVER'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
