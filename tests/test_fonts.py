"""KaTeX fonts subset to the site's math: smaller, and still drawing every formula the same."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from browser import browser, open_page  # noqa: F401 - fixture
from conftest import REPO
from site_builder.render.markup import fonts
from site_builder.render.markup.fonts import read_math, stylesheet_characters, subset_font, subset_math_fonts

KATEX_FONTS = REPO / "site_builder/render/markup/katex_dist/fonts"
MAIN = "KaTeX_Main-Regular.woff2"


def katex_font(name: str) -> bytes:
    return (KATEX_FONTS / name).read_bytes()


def cmap(woff2: bytes) -> set[str]:
    return {chr(code) for code in TTFont(io.BytesIO(woff2)).getBestCmap()}


def test_math_characters_come_only_from_math_and_never_from_its_tex_source() -> None:
    page = (
        b'<p>Plain words</p><span class="katex"><span class="katex-mathml"><math><mi>&alpha;</mi>'
        b'<annotation encoding="application/x-tex">\\alpha</annotation></math></span>'
        b'<span class="katex-html"><span class="mord mathnormal">&#x3b1;</span><br><span>+1</span></span></span><p>More</p>'
    )
    assert read_math([page]).characters == {"α", "+", "1"}
    assert stylesheet_characters("a::before{content:\"(\"}.b::after{content:\"\"}.c{content:')'}") == {"(", ")"}


def test_subset_keeps_exactly_the_requested_glyphs_the_font_has() -> None:
    original = katex_font(MAIN)
    small = subset_font(original, "x=1+(ab)∑")
    assert cmap(small) == {"x", "=", "1", "+", "(", ")", "a", "b"}  # ∑ is in KaTeX_Size fonts, not Main
    assert len(small) < len(original) / 3
    assert TTFont(io.BytesIO(small)).flavor == "woff2"
    assert subset_font(original, "x=1+(ab)∑") == small  # same inputs, same bytes


def test_a_site_without_math_keeps_its_fonts() -> None:
    files = {"index.html": b"<p>No math here.</p>", f"static/katex/fonts/{MAIN}": b"not even a font"}
    assert subset_math_fonts(files) == files


def test_subsets_are_cached_by_font_and_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"a.html": b'<span class="katex">x+1</span>', f"static/katex/fonts/{MAIN}": katex_font(MAIN)}
    first = subset_math_fonts(files, tmp_path)
    monkeypatch.setattr(fonts, "subset_font", lambda *args: pytest.fail("a cached subset was made again"))
    assert subset_math_fonts(files, tmp_path) == first
    assert cmap(first[f"static/katex/fonts/{MAIN}"]) == {"x", "+", "1"}


@pytest.mark.slow
def test_example_site_fonts_keep_every_glyph_its_math_uses(example_site: Path) -> None:
    pages = [path.read_bytes() for path in example_site.rglob("*.html")]
    used = read_math(pages).characters
    published = sorted((example_site / "static/katex/fonts").glob("*.woff2"))
    assert len(published) == 20
    for path in published:
        original = katex_font(path.name)
        kept = cmap(path.read_bytes())
        assert cmap(original) & used <= kept <= cmap(original), path.name  # a font's own closure may keep a few more
    drawn_with = ["KaTeX_Main-Regular", "KaTeX_Main-Bold", "KaTeX_Math-Italic", "KaTeX_AMS-Regular", "KaTeX_Size2-Regular"]
    subset_bytes = sum((example_site / f"static/katex/fonts/{name}.woff2").stat().st_size for name in drawn_with)
    assert subset_bytes < sum(len(katex_font(f"{name}.woff2")) for name in drawn_with) / 3
    unused = example_site / "static/katex/fonts/KaTeX_Typewriter-Regular.woff2"
    assert unused.read_bytes() == katex_font(unused.name)  # no formula uses it: left whole, not worth the build time


def test_font_families_are_read_from_katex_css_and_the_classes_used() -> None:
    css = (
        ".katex{font:normal 1.21em KaTeX_Main}.katex .mathnormal{font-family:KaTeX_Math;font-style:italic}"
        ".katex .amsrm,.katex .mathbb{font-family:KaTeX_AMS}.katex .delimsizing.size2{font-family:KaTeX_Size2}"
        ".katex .delimsizing.mult .delim-size4>span{font-family:KaTeX_Size4}"
        "@font-face{font-family:KaTeX_Script;src:url(x.woff2)}"
    )
    assert fonts.font_families_used(css, ["mord"]) == {"KaTeX_Main"}
    assert fonts.font_families_used(css, ["mord", "mathnormal", "mathbb"]) == {"KaTeX_Main", "KaTeX_Math", "KaTeX_AMS"}
    assert fonts.font_families_used(css, ["delimsizing", "size1"]) == {"KaTeX_Main"}  # size2 needs both classes
    assert fonts.font_families_used(css, ["delimsizing", "size2", "delim-size4"]) == {"KaTeX_Main", "KaTeX_Size2", "KaTeX_Size4"}


@pytest.mark.slow
def test_formulas_are_drawn_the_same_with_the_subset_fonts(browser, example_site: Path, tmp_path: Path) -> None:  # noqa: F811
    """Every formula's box, measured in Chromium, is the same size with KaTeX's own fonts and with the subsets."""
    full = tmp_path / "full"
    shutil.copytree(example_site, full)
    for path in (full / "static/katex/fonts").glob("*.woff2"):
        path.write_bytes(katex_font(path.name))
    measure = """async () => {
        await document.fonts.ready;
        await Promise.all([...document.fonts].filter(f => f.family.includes('KaTeX')).map(f => f.load().catch(() => null)));
        return [...document.querySelectorAll('.katex-html')].map(e => { const r = e.getBoundingClientRect(); return [Math.round(r.width * 10), Math.round(r.height * 10)]; });
    }"""
    boxes = []
    for site in (example_site, full):
        page, errors = open_page(browser, (site / "relu-guide/index.html").as_uri(), viewport={"width": 1280, "height": 900})
        boxes.append(page.evaluate(measure))
        assert errors == []
        page.context.close()
    assert len(boxes[0]) >= 50 and boxes[0] == boxes[1]
