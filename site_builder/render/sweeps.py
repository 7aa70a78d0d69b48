"""Which swept figures a page shows: the manifest (``<stem>.sweep.js``) of each, for ``static/sweep.js``.

A page that shows a swept figure loads ``static/sweep.js`` and tells it, in
the script's ``data-sweeps`` attribute, which manifest belongs to which
image (both relative to the page). The script loads a manifest, and then
every variant's image or player data, only as the figure nears the
viewport, with an injected ``<script src>`` that works from ``file://``.
Without scripts the page shows the default variant, and the caption says
the figure can be explored with JavaScript on (:func:`caption_note`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from site_builder.experiments.sweeps import manifest_name
from site_builder.render.links import LinkMap, Target, is_external, relative_url
from site_builder.render.markup import Reference

if TYPE_CHECKING:
    from site_builder.load.content import Article


def has_sweep(figure: str, output: Mapping[str, bytes]) -> bool:
    """True when the build made a sweep manifest for the figure at output path ``figure``."""
    return figure.endswith((".png", ".gif")) and manifest_name(figure) in output


def sweep_data(document_path: str, output_path: str, references: Iterable[Reference], link_map: LinkMap, output: Mapping[str, bytes]) -> dict[str, str]:
    """Image URL -> its sweep manifest's URL, both relative to the page ``output_path``, for each swept figure shown."""
    sweeps: dict[str, str] = {}
    for reference in references:
        if reference.kind != "image" or is_external(reference.target):
            continue
        target = link_map.resolve(document_path, reference.target)
        if isinstance(target, Target) and target.output_path and has_sweep(target.output_path, output):
            sweeps.setdefault(relative_url(output_path, target.output_path), relative_url(output_path, manifest_name(target.output_path)))
    return sweeps


def sweep_notes(articles: Iterable[Article]) -> dict[str, str]:
    """Each swept figure's output path -> its :func:`caption_note`."""
    return {f"{a.slug}/{f.spec.name}": caption_note([axis.key for axis in f.sweep.axes], len(f.sweep.variants)) for a in articles for f in a.figures if f.sweep}


def caption_note(keys: Iterable[str], variants: int) -> str:
    """What a reader without JavaScript is told a swept figure's caption hides: ``"... over hidden and lr ..."``."""
    names = list(keys)
    over = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"With JavaScript on, this figure can be explored: controls for {over} switch between its {variants} runs."
