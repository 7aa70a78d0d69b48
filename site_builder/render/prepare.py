"""Work the render can start before the figures exist, done on a thread while the experiments run.

While the experiments' worker processes train and draw, the build process
would only wait. Two costly parts of what follows need no figure: the
formulas, which are cut from each document's source exactly as the render
cuts them (:func:`~site_builder.render.markup.math.protect_math`) and sent
to KaTeX, and the math fonts' subsets for the characters those formulas
draw (:func:`~site_builder.render.markup.fonts.prepare_subsets`).

Preparing only fills caches: the math renderer's entries and the font
subset cache. The render and the fonts stage then run exactly as they would
have, finding their work done; if a prediction is wrong (a formula the
render does not show, say) they do their own, so the output never depends
on what was prepared. A formula KaTeX rejects is skipped here and reported
by the render, with its file and line. The thread stops at the next formula
or font once the experiments are done, and anything going wrong in it
(Node missing, say) just ends it: the render stage meets the same problem
and reports it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from site_builder.load.frontmatter import Document
from site_builder.render.markup.fonts import prepare_subsets, read_math
from site_builder.render.markup.katex import KatexError, MathRenderer
from site_builder.render.markup.math import protect_math


@dataclass
class Preparation:
    """A context manager: on entry, a thread starts preparing; on exit, it is told to stop and joined."""

    documents: Iterable[Document]
    math: MathRenderer  # a caching renderer (see markup/math_cache.py), used by no other thread until exit
    files: Mapping[str, bytes]  # KaTeX's stylesheet and fonts, at their output paths
    font_cache: Path
    formulas: int = 0  # rendered so far (each distinct formula counted once per document)
    fonts: int = 0  # subsets put in the cache
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Preparation:
        self._thread = threading.Thread(target=self._run, name="prepare-render", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def summary(self) -> str:
        return f"meanwhile {self.formulas} formulas rendered and {self.fonts} math fonts subset"

    def _run(self) -> None:
        try:
            rendered = self._render_formulas()
            if rendered is not None and not self._stop.is_set():
                self.fonts = prepare_subsets(read_math([rendered.encode("utf-8")]), self.files, self.font_cache, self._stop.is_set)
        except Exception:  # noqa: BLE001 - only a head start: the stage that needs it meets the same problem and reports it
            return

    def _render_formulas(self) -> str | None:
        """Every formula of the documents as KaTeX renders it, joined; None if told to stop first."""
        pieces: list[str] = []
        for document in self.documents:
            for tex, display in dict.fromkeys((span.tex, span.display) for span in protect_math(document.body).spans):
                if self._stop.is_set():
                    return None
                try:
                    pieces.append(self.math.render(tex, display=display))
                except KatexError:
                    continue  # the render reports it, with its line
                self.formulas += 1
        return "".join(pieces)
