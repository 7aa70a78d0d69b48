"""Preparing while the experiments run: formulas and font subsets made early are exactly those the build uses."""

from __future__ import annotations

from pathlib import Path

from site_builder.load.frontmatter import Document
from site_builder.render.markup import KatexRenderer, bundled_katex, katex_assets
from site_builder.render.markup.fonts import subset_math_fonts
from site_builder.render.markup.math_cache import CachedMathRenderer
from site_builder.render.prepare import Preparation


class CountingMath:
    """A renderer that wraps another and counts what reaches it."""

    def __init__(self, inner: KatexRenderer) -> None:
        self.inner, self.calls = inner, 0

    def render(self, tex: str, *, display: bool) -> str:
        self.calls += 1
        return self.inner.render(tex, display=display)


def documents() -> list[Document]:
    return [Document("content/a.md", {}, "Inline $x^2 + y$ and a broken $\\frac{$.\n\n$$\\int_0^1 e^{-t}\\,dt$$\n", 3),
            Document("content/b.md", {}, "Again $x^2 + y$, and $\\alpha$.\n", 3)]


def test_formulas_and_font_subsets_prepared_early_are_what_the_build_then_uses(tmp_path: Path) -> None:
    katex = bundled_katex()
    files = {f"static/katex/{path}": data for path, data in katex_assets(katex).items()}
    with KatexRenderer(katex) as renderer:
        counting = CountingMath(renderer)
        math = CachedMathRenderer(counting, tmp_path / "math.json", katex)
        preparation = Preparation(documents(), math, files, tmp_path / "fonts")
        preparation._run()  # what the thread runs, to its end
        assert counting.calls == 4  # three distinct good formulas once each, and the broken one (it is retried, never cached)
        assert preparation.fonts > 0
        made = sorted((tmp_path / "fonts").iterdir())
        page = "".join(math.render(tex, display=display) for tex, display in [("x^2 + y", False), ("\\int_0^1 e^{-t}\\,dt", True), ("\\alpha", False)])
        assert counting.calls == 4  # the render finds every good formula ready
    site = {**files, "a/index.html": f"<html><body><p>{page}</p></body></html>".encode()}
    assert subset_math_fonts(site, tmp_path / "fonts") == subset_math_fonts(site)  # same bytes as made without any cache
    assert sorted((tmp_path / "fonts").iterdir()) == made  # and every subset it needed was already made


def test_a_stopped_preparation_does_nothing_more(tmp_path: Path) -> None:
    katex = bundled_katex()
    with KatexRenderer(katex) as renderer:
        counting = CountingMath(renderer)
        preparation = Preparation(documents(), CachedMathRenderer(counting, tmp_path / "math.json", katex), {}, tmp_path / "fonts")
        preparation._stop.set()
        preparation._run()
    assert (counting.calls, preparation.formulas, preparation.fonts) == (0, 0, 0)
    assert not (tmp_path / "fonts").exists()


def test_leaving_the_context_stops_and_joins_the_thread(tmp_path: Path) -> None:
    katex = bundled_katex()
    with KatexRenderer(katex) as renderer:
        math = CachedMathRenderer(renderer, tmp_path / "math.json", katex)
        with Preparation(documents() * 50, math, {}, tmp_path / "fonts") as preparation:
            thread = preparation._thread
            assert thread is not None
        assert not thread.is_alive()  # joined: nothing touches the renderer once the render starts
