"""Compiled templates kept between builds: used only when verified, recompiled when the source changes,
and a template error raised by cached code still names the template's file and line."""

from __future__ import annotations

from pathlib import Path

import jinja2

from site_builder.build import build
from site_builder.options import BuildOptions
from site_builder.problems import BuildFailed
from site_builder.render.templating import SealedBytecodeCache


class CountingEnvironment(jinja2.Environment):
    """Counts the templates it compiles from source."""

    compiled = 0

    def compile(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - Jinja's own signature
        CountingEnvironment.compiled += 1
        return super().compile(*args, **kwargs)


def render(templates: Path, cache: SealedBytecodeCache, **context: object) -> str:
    """A fresh environment (as each build makes one) rendering ``page.html``."""
    environment = CountingEnvironment(loader=jinja2.FileSystemLoader(str(templates)), bytecode_cache=cache)
    return environment.get_template("page.html").render(context)


def test_a_template_is_compiled_once_and_again_only_when_its_source_or_the_builder_changes(tmp_path: Path) -> None:
    templates, folder = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "page.html").write_text("Hello {{ name }}!", encoding="utf-8")
    CountingEnvironment.compiled = 0
    assert render(templates, SealedBytecodeCache(folder, "code"), name="a") == "Hello a!"
    assert render(templates, SealedBytecodeCache(folder, "code"), name="b") == "Hello b!"
    assert CountingEnvironment.compiled == 1 and len(list(folder.iterdir())) == 1
    (templates / "page.html").write_text("Goodbye {{ name }}!", encoding="utf-8")
    assert render(templates, SealedBytecodeCache(folder, "code"), name="c") == "Goodbye c!"
    assert CountingEnvironment.compiled == 2
    assert render(templates, SealedBytecodeCache(folder, "other code"), name="d") == "Goodbye d!"  # another builder: not trusted
    assert render(templates, SealedBytecodeCache(folder, "other code", read=False), name="e") == "Goodbye e!"  # --force
    assert CountingEnvironment.compiled == 4


def test_a_damaged_or_planted_entry_is_compiled_again_not_run(tmp_path: Path) -> None:
    templates, folder = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "page.html").write_text("Hello {{ name }}!", encoding="utf-8")
    render(templates, SealedBytecodeCache(folder, "code"), name="a")
    (entry,) = folder.iterdir()
    entry.write_bytes(entry.read_bytes()[:-7] + b"planted")
    CountingEnvironment.compiled = 0
    assert render(templates, SealedBytecodeCache(folder, "code"), name="b") == "Hello b!"
    assert CountingEnvironment.compiled == 1


def test_a_cache_folder_that_cannot_be_written_only_costs_a_compile(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("Hello {{ name }}!", encoding="utf-8")
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    assert render(templates, SealedBytecodeCache(tmp_path / "file" / "cache", "code"), name="a") == "Hello a!"


def test_an_error_raised_by_a_cached_template_names_its_file_and_line(make_project) -> None:  # noqa: ANN001
    root = make_project({"content/about.md": "---\ntitle: Fine\n---\nText.\n"})
    page = (Path(__file__).resolve().parent.parent / "templates" / "page.html").read_text(encoding="utf-8")
    assert "    <h1>{{ page_title }}</h1>\n" in page
    boom = "    <h1>{{ page_title }}</h1>\n    {{ 1 // (0 if page_title == 'Boom' else 1) }}\n"
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(page.replace("    <h1>{{ page_title }}</h1>\n", boom), encoding="utf-8")
    build(BuildOptions(root=root, out=root / "_site"))  # compiles page.html and keeps it
    assert list((root / ".site-cache" / "templates").glob("*.jinja"))
    (root / "content" / "about.md").write_text("---\ntitle: Boom\n---\nText.\n", encoding="utf-8")
    try:
        build(BuildOptions(root=root, out=root / "_site"))
    except BuildFailed as failure:
        line = page[: page.index("    <h1>{{ page_title }}</h1>")].count("\n") + 2
        assert [(p.path, p.line) for p in failure.problems] == [("templates/page.html", line)]
        assert "ZeroDivisionError" in failure.problems[0].message
    else:
        raise AssertionError("the build should fail")
