#!/usr/bin/env python3
"""Vendor one exact KaTeX release into the package, so ``pip install`` alone typesets math.

    python scripts/update_katex.py 0.19.1

Downloads ``katex-VERSION.tgz`` from the npm registry, checks it against the
SHA-512 integrity the registry publishes for that version, and copies the few
files a build uses into ``site_builder/render/markup/katex_dist/``:
``katex.min.js`` (run by the build's Node process), ``katex.min.css``, the
woff2 fonts the stylesheet names, and KaTeX's licence. ``manifest.json``
records the version, the tarball's integrity and the SHA-256 of every copied
file; ``tests/test_katex.py`` checks the folder against it, and the version is
part of the math cache's key. Run the test suite after an update: the golden
files and the font-size test say what the new version changed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org/katex"
TARGET = Path(__file__).resolve().parents[1] / "site_builder" / "render" / "markup" / "katex_dist"
COPIED = ("dist/katex.min.js", "dist/katex.min.css", "LICENSE")
FONT_URL = re.compile(r"url\((fonts/[^)]+\.woff2)\)")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a fixed https URL
        return response.read()


def main(version: str) -> None:
    metadata = json.loads(fetch(f"{REGISTRY}/{version}"))
    tarball_url, integrity = metadata["dist"]["tarball"], metadata["dist"]["integrity"]
    algorithm, expected = integrity.split("-", 1)
    if algorithm != "sha512":
        sys.exit(f"unexpected integrity algorithm {algorithm!r} for katex {version}")
    tarball = fetch(tarball_url)
    if base64.b64encode(hashlib.sha512(tarball).digest()).decode() != expected:
        sys.exit(f"{tarball_url} does not match the registry's integrity {integrity}; nothing was changed")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        members = {m.name.removeprefix("package/"): m for m in archive.getmembers() if m.isfile()}
        css = archive.extractfile(members["dist/katex.min.css"]).read().decode("utf-8")
        fonts = sorted({f"dist/{url}" for url in FONT_URL.findall(css)})
        files = {name.removeprefix("dist/"): archive.extractfile(members[name]).read() for name in (*COPIED, *fonts)}
    if TARGET.exists():
        shutil.rmtree(TARGET)
    for name, data in files.items():
        (TARGET / name).parent.mkdir(parents=True, exist_ok=True)
        (TARGET / name).write_bytes(data)
    manifest = {
        "package": "katex",
        "version": version,
        "tarball": tarball_url,
        "integrity": integrity,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    (TARGET / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"vendored katex {version}: {len(files)} files, {sum(map(len, files.values())) // 1024} KB, into {TARGET}")


if __name__ == "__main__":
    if len(sys.argv) != 2 or not re.fullmatch(r"\d+\.\d+\.\d+", sys.argv[1]):
        sys.exit("usage: python scripts/update_katex.py VERSION   (e.g. 0.19.1)")
    main(sys.argv[1])
