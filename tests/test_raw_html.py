"""HTML written in Markdown: omitted by default (as Hugo does), published as written with raw_html = "keep"."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.commands.cli import main
from site_builder.load.config import RAW_HTML_POLICIES as CONFIG_POLICIES, parse_config
from site_builder.problems import BuildFailed
from site_builder.render.markup.markdown import render_markdown
from site_builder.render.markup.raw_html import OMITTED, RAW_HTML_POLICIES

from test_errors import GOOD, write_files
from test_markdown import FakeMath

HOSTILE = """\
A paragraph with <span onmouseover="alert(1)">inline</span> HTML and an &amp; entity.

<script>alert("block")</script>

<iframe src="https://evil.example/"></iframe>

Read [the link](javascript:alert(2)), [the other](java&#x09;script:alert(3)) and <https://example.com/ok>.

![an image](data:text/html;base64,PHNjcmlwdD4=) ![a pixel](data:image/png;base64,iVBORw0KGgo=)

# A heading {: onclick="alert(4)" style="color:red" #kept .kept }
"""


def render(text: str, policy: str) -> str:
    return render_markdown(text, path="a.md", math=FakeMath(), raw_html=policy).html


def test_raw_html_is_omitted_by_default() -> None:
    html = render_markdown(HOSTILE, path="a.md", math=FakeMath()).html
    assert html == render(HOSTILE, "omit")
    for unsafe in ("<script", "<iframe", "<span", "onmouseover", "onclick", "style=", "javascript:", "data:text/html"):
        assert unsafe not in html, unsafe
    assert html.count(OMITTED) == 4  # <span>, </span>, the script block, the iframe block
    assert "inline</p>" not in html and f"{OMITTED}inline{OMITTED}" in html  # the words between tags stay
    assert "&amp; entity" in html and '<a href="https://example.com/ok">' in html
    assert '<a href="">the link</a>' in html and '<a href="">the other</a>' in html
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html and 'src=""' in html
    assert '<h1 class="kept" id="kept">' in html


def test_raw_html_is_published_as_written_when_kept() -> None:
    html = render(HOSTILE, "keep")
    assert '<span onmouseover="alert(1)">inline</span>' in html
    assert '<script>alert("block")</script>' in html and '<iframe src="https://evil.example/"></iframe>' in html
    assert 'href="javascript:alert(2)"' in html and 'onclick="alert(4)"' in html
    assert OMITTED not in html


@pytest.mark.parametrize("policy", ["omit", "keep", None])
def test_the_setting_reaches_the_published_page(policy: str | None, tmp_path: Path) -> None:
    root = tmp_path / "project"
    write_files(root, {**GOOD, "content/about.md": "---\ntitle: About\n---\nHello <b onclick=\"x()\">there</b>.\n"})
    (root / "site.toml").write_text('title = "T"\n' + (f'raw_html = "{policy}"\n' if policy else ""), encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 0
    page = (root / "_site" / "about.html").read_text(encoding="utf-8")
    if policy == "keep":
        assert '<b onclick="x()">there</b>' in page
    else:
        assert f"Hello {OMITTED}there{OMITTED}." in page and "onclick" not in page


def test_an_unknown_policy_is_refused_at_its_line() -> None:
    with pytest.raises(BuildFailed) as failed:
        parse_config('title = "T"\nraw_html = "unsafe"\n')
    assert [str(p) for p in failed.value.problems] == [
        "site.toml:2: 'raw_html' must be 'omit' (drop HTML written in Markdown) or 'keep' (publish it as written), not 'unsafe'"
    ]


def test_config_and_renderer_know_the_same_policies() -> None:
    assert CONFIG_POLICIES == RAW_HTML_POLICIES
