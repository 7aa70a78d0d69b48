"""The page cache: what an earlier build worked out about a page, kept so the next build need not work it out again.

Entries are JSON, one file each, named by the hash of everything that decided
them (see :mod:`site_builder.render.reuse`), so an entry is either exactly what
this build would compute or never looked up. Each is sealed
(:mod:`site_builder.cache_seal`): the cache is an input of the build, and an
entry that was damaged, planted or written under another key counts as absent
and is made again.

Layout::

    .site-cache/pages/<kind>/<first two hex digits>/<key>.json

where ``kind`` is ``body`` (a document's rendered Markdown), ``sections``
(a body cut into search sections), ``reading`` (its reading count), ``facts``
(the links, ids and math of a finished page, by the SHA-256 of its bytes),
``prose`` (an article's words for its notebook) or ``notebook`` (an article's
notebook before it runs).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from site_builder.cache_seal import read_sealed, write_sealed

SEAL_KIND = "pages"
_KEY = re.compile(r"[0-9a-f]{64}")


class PageCache:
    """Sealed JSON entries by kind and key under one folder."""

    def __init__(self, folder: Path, *, read: bool = True) -> None:
        self.folder = folder
        self.read = read  # False: a clean build (--force), which makes every entry again and stores it
        self.hits = 0
        self.misses = 0

    def get(self, kind: str, key: str) -> object | None:
        """The stored value, or ``None`` when absent or not verified."""
        data = None if not self.read else read_sealed(self._path(kind, key), SEAL_KIND, f"{kind}/{key}")
        if data is None:
            self.misses += 1
            return None
        try:
            value = json.loads(data.decode("utf-8"))
        except ValueError:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, kind: str, key: str, value: object) -> None:
        """Store ``value`` (JSON-ready), sealed, replacing any entry of that key."""
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_sealed(path, SEAL_KIND, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), f"{kind}/{key}")

    def _path(self, kind: str, key: str) -> Path:
        if not _KEY.fullmatch(key) or not kind.isalpha():
            raise ValueError(f"not a page cache key: {kind}/{key}")
        return self.folder / kind / key[:2] / f"{key}.json"
