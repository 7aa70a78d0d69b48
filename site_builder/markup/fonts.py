"""KaTeX's fonts cut down to the characters the site's formulas use.

KaTeX ships each font with every glyph it might need: the five fonts the
example article uses weigh 100 KB, for about forty distinct characters. A
reader's browser fetches them while it lays out the first screen, so they sit
on the path to the first paint of any page with math. Subsetting each font to
the characters that appear inside the site's rendered formulas (plus those
KaTeX's stylesheet draws itself) keeps every glyph a page shows and drops the
rest: about a quarter of the bytes.

The character set is the union over all pages, so every page shares one set of
font files and a reader's cache serves them across the site. A formula added
later changes the set, and the next build makes new subsets. Subsets are cached
by the hash of the font, the characters and the fontTools version, so an
unchanged site does not pay the 1-2 s of subsetting again.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

FONTS_FOLDER = "static/katex/fonts/"
KATEX_STYLESHEET = "static/katex/katex.min.css"
_CSS_CONTENT = re.compile(r"""content\s*:\s*(["'])(.*?)\1""")


class _MathText(HTMLParser):
    """Collects the characters of text inside any element whose classes include ``katex``,
    except the TeX source KaTeX keeps in MathML ``<annotation>`` (never drawn)."""

    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.characters: set[str] = set()
        self._stack: list[bool] = []  # for each open element: is it inside math?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        inside = bool(self._stack and self._stack[-1]) or "katex" in classes
        self._stack.append(inside and tag != "annotation")

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1]:
            self.characters.update(data)


def math_characters(pages: Iterable[bytes]) -> frozenset[str]:
    """Every character but whitespace inside a ``class="katex"`` element of ``pages`` (HTML bytes)."""
    characters: set[str] = set()
    for page in pages:
        collector = _MathText()
        collector.feed(page.decode("utf-8"))
        collector.close()
        characters |= collector.characters
    return frozenset(character for character in characters if not character.isspace())


def stylesheet_characters(css: str) -> frozenset[str]:
    """The characters a stylesheet draws itself, in ``content:`` strings (KaTeX's draws a few)."""
    return frozenset(character for match in _CSS_CONTENT.finditer(css) for character in match.group(2))


def subset_font(woff2: bytes, characters: Iterable[str]) -> bytes:
    """``woff2`` with only the glyphs for ``characters`` (and what they need: ligatures, ``.notdef``).

    Deterministic: the font's own timestamps are kept, so equal inputs give equal bytes.
    """
    font = TTFont(io.BytesIO(woff2), recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # keep every OpenType feature KaTeX's fonts have
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(character) for character in characters}))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=False)
    return out.getvalue()


def subset_math_fonts(files: Mapping[str, bytes], cache_dir: Path | None = None) -> dict[str, bytes]:
    """``files`` (output path -> bytes) with each KaTeX woff2 font subset to the site's math characters.

    A site without formulas keeps its fonts as they are: no page will load them.
    """
    fonts = sorted(path for path in files if path.startswith(FONTS_FOLDER) and path.endswith(".woff2"))
    in_formulas = math_characters(data for path, data in files.items() if path.endswith(".html"))
    if not fonts or not in_formulas:
        return dict(files)
    characters = in_formulas | stylesheet_characters(files.get(KATEX_STYLESHEET, b"").decode("utf-8"))
    subsets = {path: _cached_subset(files[path], characters, cache_dir) for path in fonts}
    return {**files, **subsets}


def _cached_subset(woff2: bytes, characters: frozenset[str], cache_dir: Path | None) -> bytes:
    if cache_dir is None:
        return subset_font(woff2, characters)
    key = hashlib.sha256(fontTools.version.encode() + b"\0" + "".join(sorted(characters)).encode("utf-8") + b"\0" + woff2).hexdigest()
    path = cache_dir / f"{key}.woff2"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = subset_font(woff2, characters)
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return data
