"""Which animation players a page needs: the player data (``<stem>.frames.js``) of every GIF it shows.

A page that shows animations loads each one's data with a deferred
``<script src>`` (which, unlike ``fetch``, works from ``file://``), then
``static/player.js``, which turns each animation into a player. Pages
without animations load neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .experiments.specs import frames_name
from .links import LinkMap, Target, is_external, relative_url
from .markup import Reference


def player_scripts(
    document_path: str, output_path: str, references: Iterable[Reference], link_map: LinkMap, output: Mapping[str, bytes]
) -> tuple[str, ...]:
    """URLs, relative to the page ``output_path``, of the player data of each animation shown, in document order."""
    scripts: list[str] = []
    for reference in references:
        if reference.kind != "image" or is_external(reference.target):
            continue
        target = link_map.resolve(document_path, reference.target)
        if not (isinstance(target, Target) and target.output_path and target.output_path.endswith(".gif")):
            continue
        data = frames_name(target.output_path)
        url = relative_url(output_path, data)
        if data in output and url not in scripts:
            scripts.append(url)
    return tuple(scripts)
