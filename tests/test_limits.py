"""Huge input is refused before it is read, with the file and the limit; memory stays bounded below the limits."""

from __future__ import annotations

from pathlib import Path

from site_builder.commands.cli import main
from site_builder.load.sourcefiles import MAX_SOURCE_BYTES
from site_builder.render.markup.math import MAX_FORMULAS, protect_math

from test_errors import GOOD, stderr_lines, write_files


def test_a_20_mb_article_is_refused_without_being_read(tmp_path: Path, monkeypatch, capsys) -> None:
    root = tmp_path / "project"
    write_files(root, GOOD)
    article = root / "content" / "guide" / "index.md"
    with article.open("ab") as file:
        file.write(b"Some prose with $x$ in it.\n" * (20_000_000 // 27))
    read = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real(self))
    assert main(["build", "--root", str(root)]) == 1
    size = article.stat().st_size
    assert stderr_lines(capsys.readouterr().err)[0] == (
        f"error: content/guide/index.md: the file is {size:,} bytes; a source file may have at most {MAX_SOURCE_BYTES:,} bytes (1 MB), "
        "so split it into several articles or pages"
    )
    assert "index.md" not in read  # refused on its size alone: 20 MB never reach memory
    assert not (root / "_site").exists()


def test_finding_math_is_linear_in_one_long_paragraph() -> None:
    """One paragraph of a megabyte with a formula and a backslash every few words: each one used to
    search forward to the paragraph's end, and each formula counted the lines before it."""
    text = ("a \\ b $x_{1}$ and `c` <i>d</i> " * 40_000)[:MAX_SOURCE_BYTES]
    protected = protect_math(text)
    assert len(protected.spans) == text.count("$x_{1}$") > MAX_FORMULAS
    assert protected.spans[-1].line == 1
