"""Rendered formulas kept between builds, so a rebuild that changed no formula never starts Node.

The cache is one JSON file mapping a hash of (KaTeX version, server script,
display mode, TeX) to KaTeX's HTML. Only successful renders are stored: a
formula with an error is sent to KaTeX every time, so its message is current.
The file is sealed (:mod:`site_builder.cache_seal`): HTML put into it by anyone
without the cache key fails the seal, and every formula is rendered afresh.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from site_builder.cache_seal import read_sealed, write_sealed
from site_builder.render.markup.katex import SERVER_SCRIPT, MathRenderer
from site_builder.render.markup.katex_install import KatexDist


SEAL_KIND = "math"


class CachedMathRenderer:
    """A :class:`MathRenderer` that answers from ``path`` and asks ``renderer`` only on a miss.

    ``misses`` counts the distinct formulas sent to KaTeX: one seen earlier
    in the same build is answered from that render, even before :meth:`save`.
    """

    def __init__(self, renderer: MathRenderer, path: Path, katex: KatexDist) -> None:
        self._renderer = renderer
        self._path = path
        self._salt = _salt(katex)
        self._entries = _load(path)
        self._used: dict[str, str] = {}
        self.misses = 0

    def render(self, tex: str, *, display: bool) -> str:
        key = hashlib.sha256(f"{self._salt}\0{int(display)}\0{tex}".encode("utf-8")).hexdigest()
        html = self._used.get(key) or self._entries.get(key)  # a formula on many pages goes to KaTeX once per build
        if html is None:
            html = self._renderer.render(tex, display=display)
            self.misses += 1
        self._used[key] = html
        return html

    def save(self, *, complete: bool) -> None:
        """Write the cache, if anything changed.

        ``complete`` says this build rendered every formula of the site (no body
        came from the page cache): then only the formulas it used are kept, and
        stale ones are dropped. Otherwise the bodies taken from the page cache
        used formulas this build never saw, and dropping those would send them
        all to KaTeX again the next time their pages render.
        """
        kept = self._used if complete else {**self._entries, **self._used}
        if kept == self._entries:
            return
        write_sealed(self._path, SEAL_KIND, json.dumps(kept, sort_keys=True).encode("utf-8"))


def _salt(katex: KatexDist) -> str:
    """What decides KaTeX's output besides the formula: its version and our server's options."""
    script = hashlib.sha256(SERVER_SCRIPT.read_bytes()).hexdigest()
    return f"{katex.version}:{script}"


def _load(path: Path) -> dict[str, str]:
    data = read_sealed(path, SEAL_KIND)
    if data is None:
        return {}  # absent, damaged or not sealed with our key: start empty, it is rebuilt as formulas render
    try:
        entries = json.loads(data.decode("utf-8"))
    except ValueError:
        return {}
    if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
        return {}
    return entries
