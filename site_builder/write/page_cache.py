"""The page cache: what an earlier build worked out about a page, kept so the next build need not work it out again.

Entries are JSON or text, one file each, named by the hash of everything that decided
them (see :mod:`site_builder.render.reuse`), so an entry is either exactly what
this build would compute or never looked up. Each is sealed
(:mod:`site_builder.cache_seal`): the cache is an input of the build, and an
entry that was damaged, planted or written under another key counts as absent
and is made again.

Layout::

    .site-cache/pages/<kind>/<first two hex digits>/<key>.json   (or .txt for text)

where ``kind`` is ``body`` (a document's rendered Markdown but its HTML),
``html`` (that HTML, as text), ``sections`` (a body cut into search sections), ``reading`` (its reading count), ``facts``
(the links, ids and math of a finished page, by the SHA-256 of its bytes),
``prose`` (an article's words for its notebook) or ``notebook`` (an article's
notebook before it runs).

A body's HTML is text beside its JSON rather than a string inside it: every
build reads every body, and with the HTML decoded as a JSON string a body took
3.5 times as long to read (0.73 ms against 0.21 ms).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
        return self._get(kind, key, ".json", json.loads)

    def get_text(self, kind: str, key: str) -> str | None:
        """The stored text, or ``None`` when absent or not verified."""
        return self._get(kind, key, ".txt", str)

    def put(self, kind: str, key: str, value: object) -> None:
        """Store ``value`` (JSON-ready), sealed, replacing any entry of that key."""
        self._put(kind, key, ".json", json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def put_text(self, kind: str, key: str, text: str) -> None:
        """Store ``text``, sealed, replacing any text entry of that key."""
        self._put(kind, key, ".txt", text)

    def _get(self, kind: str, key: str, suffix: str, parse: Callable[[str], object]) -> Any:
        data = None if not self.read else read_sealed(self._path(kind, key, suffix), SEAL_KIND, f"{kind}/{key}{suffix}")
        try:
            value = None if data is None else parse(data.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError included
            value = None
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def _put(self, kind: str, key: str, suffix: str, text: str) -> None:
        path = self._path(kind, key, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_sealed(path, SEAL_KIND, text.encode("utf-8"), f"{kind}/{key}{suffix}")

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        if not _KEY.fullmatch(key) or not kind.isalpha():
            raise ValueError(f"not a page cache key: {kind}/{key}")
        return self.folder / kind / key[:2] / f"{key}{suffix}"
