"""Static files the rendered math and code need: KaTeX's stylesheet and fonts, Pygments' CSS.

Every browser the site supports reads woff2, so the KaTeX stylesheet is
rewritten to offer only woff2 fonts and only those files are published: no
link checker then sees a ``.woff`` or ``.ttf`` URL without its file.
"""

from __future__ import annotations

import re

from pygments.formatters import HtmlFormatter

from site_builder.render.markup.katex_install import KatexDist

KATEX_CSS = "katex.min.css"
LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"
CODE_CLASS = "codehilite"

_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_SRC = re.compile(r"src\s*:[^;}]*")
_WOFF2 = re.compile(r"""url\(\s*(['"]?)(?P<url>[^'")]+\.woff2)\1\s*\)\s*format\(\s*(['"])woff2\3\s*\)""")


class KatexAssetsError(RuntimeError):
    """KaTeX's stylesheet does not look the way this module expects."""


def katex_assets(katex: KatexDist) -> dict[str, bytes]:
    """Files to publish beside each other for KaTeX: relative path -> bytes, sorted by path.

    ``katex.min.css`` (with woff2-only ``@font-face`` rules) plus every
    ``fonts/*.woff2`` file that stylesheet names. Deterministic.
    """
    css = katex.stylesheet.read_text(encoding="utf-8")
    rewritten, fonts = woff2_only(css)
    assets = {KATEX_CSS: rewritten.encode("utf-8")}
    for font in fonts:
        if font not in katex.files:
            raise KatexAssetsError(f"{katex.stylesheet} names {font}, which the vendored copy lacks; run python scripts/update_katex.py {katex.version}")
        assets[font] = (katex.folder / font).read_bytes()
    return dict(sorted(assets.items()))


def woff2_only(css: str) -> tuple[str, tuple[str, ...]]:
    """Rewrite each ``@font-face`` ``src`` to its woff2 URL alone; return the CSS and those URLs."""
    fonts: list[str] = []

    def rewrite_rule(rule: re.Match[str]) -> str:
        def rewrite_src(src: re.Match[str]) -> str:
            woff2 = _WOFF2.search(src.group())
            if woff2 is None:
                raise KatexAssetsError(f"@font-face without a woff2 font: {rule.group()[:200]}")
            fonts.append(woff2.group("url"))
            return f'src:url({woff2.group("url")}) format("woff2")'

        return _SRC.sub(rewrite_src, rule.group())

    rewritten = _FONT_FACE.sub(rewrite_rule, css)
    return rewritten, tuple(sorted(set(fonts)))


def highlight_css() -> str:
    """Pygments CSS for ``.codehilite`` blocks: a light theme, and a dark one.

    The dark theme applies under ``[data-theme=dark]`` on any ancestor (a site
    toggle) and under ``prefers-color-scheme: dark`` unless an ancestor has
    ``data-theme=light``.
    """
    light = _token_css(LIGHT_STYLE, f".{CODE_CLASS}")
    dark_toggle = _token_css(DARK_STYLE, f"[data-theme=dark] .{CODE_CLASS}")
    dark_auto = _token_css(DARK_STYLE, f":root:not([data-theme=light]) .{CODE_CLASS}")
    indented = "\n".join("  " + line for line in dark_auto.splitlines())
    return (
        f"/* Pygments {LIGHT_STYLE} (light) and {DARK_STYLE} (dark) for .{CODE_CLASS} */\n"
        f"{light}\n{dark_toggle}\n@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"
    )


_RULE = re.compile(r"^(?P<selector>[^{]+?)\s*\{\s*(?P<declarations>[^}]*?)\s*;?\s*\}")


def _token_css(style: str, selector: str) -> str:
    """Pygments' background and token rules for ``style`` under ``selector``, one rule per distinct declaration.

    Pygments writes a rule, with a comment, for each of about eighty token
    types, and most share their declarations (a dozen kinds of comment, one
    grey italic). Each highlighted span carries a single token class, so
    grouping selectors changes no span's style and more than halves the bytes
    every page downloads before its first paint.
    """
    # Background and token rules only: get_style_defs() would also emit unscoped `pre {...}`.
    formatter = HtmlFormatter(style=style, cssclass=CODE_CLASS)
    grouped: dict[str, list[str]] = {}
    for line in formatter.get_background_style_defs(selector) + formatter.get_token_style_defs(selector):
        rule = _RULE.match(line)
        if rule is None:
            raise ValueError(f"unexpected Pygments CSS line: {line!r}")
        grouped.setdefault(rule.group("declarations"), []).append(rule.group("selector"))
    return "\n".join(f"{','.join(selectors)} {{ {declarations} }}" for declarations, selectors in grouped.items())
