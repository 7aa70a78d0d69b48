"""Markup: Markdown with build-time KaTeX math, and the static files that markup needs.

* :func:`render_markdown` turns an article body into HTML, its outline and the
  links and images it references (:mod:`.markdown`); math is found and
  protected by :mod:`.math` and rendered by a :class:`MathRenderer`.
* :class:`KatexRenderer` is that renderer: one Node process for a whole build
  (:mod:`.katex`); :func:`bundled_katex` is the vendored KaTeX it runs, checked
  against its manifest (:mod:`.katex_install`).
* :func:`katex_assets` and :func:`highlight_css` give the CSS and fonts to
  publish with the site (:mod:`.assets`).
"""

from site_builder.render.markup.assets import KatexAssetsError, highlight_css, katex_assets
from site_builder.render.markup.katex import KatexError, KatexRenderer, MathRenderer
from site_builder.render.markup.katex_install import KatexDist, KatexUnavailable, bundled_katex
from site_builder.render.markup.markdown import CSS_CLASSES, REDUCED_MOTION, Reference, RenderedMarkdown, Still, TocEntry, render_markdown

__all__ = [
    "CSS_CLASSES",
    "KatexAssetsError",
    "KatexDist",
    "KatexError",
    "KatexRenderer",
    "KatexUnavailable",
    "MathRenderer",
    "REDUCED_MOTION",
    "Reference",
    "RenderedMarkdown",
    "Still",
    "TocEntry",
    "bundled_katex",
    "highlight_css",
    "katex_assets",
    "render_markdown",
]
