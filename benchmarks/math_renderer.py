"""Start-up and per-formula cost of the build's math renderer, on an article's formulas.

    python benchmarks/math_renderer.py content/relu-guide/index.md

Prints one JSON line: the seconds from starting the renderer to the first
formula back (``startup``, which includes starting Node and loading KaTeX),
and the mean seconds per formula over every formula of the article after it
(``per_formula``), with the Node binary used. ``benchmarks/run.py`` runs it in
a fresh process per sample; ``SITE_BUILDER_NODE`` picks another Node to compare.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from site_builder.load.frontmatter import parse_document
from site_builder.render.markup.katex import KatexRenderer
from site_builder.render.markup.katex_install import bundled_katex, node_executable
from site_builder.render.markup.math import protect_math


def main(article: Path) -> None:
    document = parse_document(article.read_text(encoding="utf-8"), str(article))
    formulas = [(span.tex, span.display) for span in protect_math(document.body).spans]
    katex = bundled_katex()
    started = time.perf_counter()
    with KatexRenderer(katex) as renderer:
        renderer.render("x", display=False)
        ready = time.perf_counter()
        for tex, display in formulas:
            renderer.render(tex, display=display)
        done = time.perf_counter()
    print(json.dumps({"startup": ready - started, "per_formula": (done - ready) / len(formulas), "formulas": len(formulas), "node": node_executable(), "katex": katex.version}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
