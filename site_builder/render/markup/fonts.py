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
unchanged site does not pay the 1-2 s of subsetting again; each cached subset is
sealed (:mod:`site_builder.cache_seal`), so a damaged or planted one is made again.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from site_builder.versions import installed_version
from site_builder.cache_seal import read_sealed, write_sealed
from site_builder.render.page_facts import PageFacts, PageReader, read_page, union_math

FONTS_FOLDER = "static/katex/fonts/"
WOFF2_SIGNATURE = b"wOF2"
KATEX_STYLESHEET = "static/katex/katex.min.css"
_CSS_CONTENT = re.compile(r"""content\s*:\s*(["'])(.*?)\1""")
_FAMILY_RULE = re.compile(r"([^{}@]+)\{[^}]*font-family:\s*(KaTeX_\w+)")


class MathInPages(NamedTuple):
    """What the formulas of a set of pages are drawn from."""

    characters: frozenset[str]  # every character but whitespace inside a class="katex" element
    classes: frozenset[str]  # every class name used there


def read_math(pages: Iterable[bytes]) -> MathInPages:
    """The characters and class names inside the math (``class="katex"`` elements) of ``pages``, HTML bytes."""
    return MathInPages(*union_math(read_page(page) for page in pages))


def font_families_used(css: str, classes: Iterable[str]) -> frozenset[str]:
    """The KaTeX font families that markup with these ``classes`` can draw with, read from KaTeX's ``css``.

    KaTeX_Main is the default for all math; every other family is named by a
    rule such as ``.katex .mathbb{font-family:KaTeX_AMS}``, and counts when
    every class of the rule's last compound selector with classes occurs. An over-count
    only means a font is subset that no page fetches; a family this misses is
    published whole, so the reading can cost bytes but never a glyph.
    """
    present = set(classes)
    families = {"KaTeX_Main"}
    for selectors, family in _FAMILY_RULE.findall(css):
        for selector in selectors.split(","):
            compounds = [set(re.findall(r"\.([\w-]+)", part)) for part in re.split(r"[\s>+~]+", selector.strip())]
            needed = next((named for named in reversed(compounds) if named), set())
            if needed and needed <= present:
                families.add(family)
    return frozenset(families)


def stylesheet_characters(css: str) -> frozenset[str]:
    """The characters a stylesheet draws itself, in ``content:`` strings (KaTeX's draws a few)."""
    return frozenset(character for match in _CSS_CONTENT.finditer(css) for character in match.group(2))


def subset_font(woff2: bytes, characters: Iterable[str]) -> bytes:
    """``woff2`` with only the glyphs for ``characters`` (and what they need: ligatures, ``.notdef``).

    Deterministic: the font's own timestamps are kept, so equal inputs give equal bytes.
    """
    # Imported here: only a build whose math changed needs fontTools, and not
    # before the experiments' worker processes are gone.
    from fontTools import subset
    from fontTools.ttLib import TTFont

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


def subset_math_fonts(files: Mapping[str, bytes], cache_dir: Path | None = None, reader: PageReader | None = None,
                      written: Iterable[PageFacts] = ()) -> dict[str, bytes]:
    """``files`` (output path -> bytes) with the KaTeX woff2 fonts the site's math draws with subset
    to its characters.

    The site's math is read from the pages among ``files`` and from ``written``,
    the facts of pages already written. The other fonts (most of KaTeX's twenty)
    stay as they are: no page fetches them, so subsetting them would only slow
    the build. A site without formulas keeps every font as it is. ``reader``
    serves pages already parsed in this build.
    """
    math = MathInPages(*union_math([*(reader or PageReader()).pages(files).values(), *written]))
    return {**files, **{path: _cached_subset(files[path], characters, cache_dir) for path, characters in fonts_to_subset(math, files).items()}}


def fonts_to_subset(math: MathInPages, files: Mapping[str, bytes]) -> dict[str, frozenset[str]]:
    """The woff2 fonts (output paths among ``files``) that ``math`` draws with, each with the characters to keep.

    Empty when there is no math. Pure, so a build can work this out from its
    formulas alone while its experiments run, and subset ahead (see :func:`prepare_subsets`).
    """
    if not math.characters:
        return {}
    stylesheet = files.get(KATEX_STYLESHEET, b"").decode("utf-8")
    characters = math.characters | stylesheet_characters(stylesheet)
    families = font_families_used(stylesheet, math.classes)
    return {
        path: characters for path in sorted(files)
        if path.startswith(FONTS_FOLDER) and path.endswith(".woff2") and path[len(FONTS_FOLDER):].split("-")[0] in families
    }


def prepare_subsets(math: MathInPages, files: Mapping[str, bytes], cache_dir: Path, stop: Callable[[], bool]) -> int:
    """Put the subsets ``math`` needs into the cache ahead of :func:`subset_math_fonts`; the number made.

    Only a cache is filled: when the finished pages' math is what was
    foreseen, the fonts stage finds every subset made, and otherwise it makes
    its own. Stops between fonts once ``stop()`` is true.
    """
    made = 0
    for path, characters in fonts_to_subset(math, files).items():
        if stop():
            break
        _cached_subset(files[path], characters, cache_dir)
        made += 1
    return made


def _cached_subset(woff2: bytes, characters: frozenset[str], cache_dir: Path | None) -> bytes:
    if cache_dir is None:
        return subset_font(woff2, characters)
    key = hashlib.sha256(installed_version("fonttools").encode() + b"\0" + "".join(sorted(characters)).encode("utf-8") + b"\0" + woff2).hexdigest()
    path = cache_dir / f"{key}.woff2"
    cached = read_sealed(path, "fonts")
    if cached is not None and cached.startswith(WOFF2_SIGNATURE):
        return cached
    data = subset_font(woff2, characters)
    write_sealed(path, "fonts", data)  # sealed: a font put in the cache by anyone else is never published
    return data
