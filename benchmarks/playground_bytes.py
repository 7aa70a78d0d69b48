"""Bytes the playground costs a reader, raw and gzipped, here and at another commit.

    python benchmarks/playground_bytes.py [--against main]

For each file under ``static/playground/`` it prints the size in the working tree and at
``--against`` (a git ref; a file it lacks counts as 0), raw and gzip -9 (playground.css is
bundled into every page's site.css, so its growth is paid on every page, once), then what each
mode's page loads in total: the regression page ``nn.js`` + ``playground.js``,
the classification page ``mlp.js`` + ``classifier.js``. A measurement, not a test: exit status 0.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("static/playground/nn.js", "static/playground/playground.js", "static/playground/mlp.js",
         "static/playground/classifier.js", "static/playground/playground.css")
PAGES = {"regression page": ("static/playground/nn.js", "static/playground/playground.js"),
         "classification page": ("static/playground/mlp.js", "static/playground/classifier.js")}


def at_ref(ref: str, path: str) -> bytes:
    """The file's bytes at ``ref``, or nothing if it did not exist there."""
    shown = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=ROOT, capture_output=True, check=False)
    return shown.stdout if shown.returncode == 0 else b""


def sizes(data: bytes) -> tuple[int, int]:
    """(raw, gzip -9) bytes; empty input is (0, 0), not a gzip header."""
    return (len(data), len(gzip.compress(data, compresslevel=9, mtime=0))) if data else (0, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="main", help="git ref to compare with (default: main)")
    ref = parser.parse_args().against
    now = {path: (ROOT / path).read_bytes() if (ROOT / path).is_file() else b"" for path in FILES}
    then = {path: at_ref(ref, path) for path in FILES}
    print(f"{'file':34} {'raw':>8} {'gzip':>7}   {ref + ' raw':>10} {ref + ' gzip':>10}   {'+raw':>7} {'+gzip':>6}")
    for path in FILES:
        (raw, packed), (raw0, packed0) = sizes(now[path]), sizes(then[path])
        print(f"{path:34} {raw:8} {packed:7}   {raw0:10} {packed0:10}   {raw - raw0:+7} {packed - packed0:+6}")
    for page, paths in PAGES.items():
        (raw, packed), (raw0, packed0) = sizes(b"".join(now[p] for p in paths)), sizes(b"".join(then[p] for p in paths))
        each = sum(sizes(now[p])[1] for p in paths)
        print(f"{page + ' (JS, one stream)':34} {raw:8} {packed:7}   {raw0:10} {packed0:10}   {raw - raw0:+7} {packed - packed0:+6}"
              f"   (as {len(paths)} files: {each} gzip)")


if __name__ == "__main__":
    main()
