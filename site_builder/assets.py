"""Files published as they are: ``static/``, article folders' own files, KaTeX's CSS and fonts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .content import CONTENT_DIR, Content
from .problems import BuildFailed, Problem

STATIC_DIR = "static"


def collect_assets(root: Path, content: Content, generated: Mapping[str, bytes]) -> dict[str, bytes]:
    """Output path -> bytes for every copied file, plus ``generated`` files (KaTeX, highlighting CSS).

    A static file that would collide with a generated one is a problem, not a silent overwrite.
    """
    assets: dict[str, bytes] = {}
    static = root / STATIC_DIR
    if static.is_dir():
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                assets[f"{STATIC_DIR}/{path.relative_to(static).as_posix()}"] = path.read_bytes()
    for article in content.articles:
        folder = root / CONTENT_DIR / article.slug
        for relative in article.assets:
            assets[f"{article.slug}/{relative}"] = (folder / relative).read_bytes()
    clashes = sorted(set(assets) & set(generated))
    if clashes:
        raise BuildFailed([Problem(path, None, "this file would overwrite one the builder generates; rename or move it") for path in clashes])
    return {**assets, **generated}
