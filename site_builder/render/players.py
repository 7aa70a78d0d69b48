"""Which animation players a page needs: the player data (``<stem>.frames.js``) of every GIF it shows.

A page that shows animations loads ``static/player.js`` and tells it, in the
script's ``data-animations`` attribute, which data file belongs to which GIF.
The player loads a figure's data only as the figure nears the viewport, with
an injected ``<script src>`` (which, unlike ``fetch``, works from ``file://``),
so the page's first paint never waits on data a reader may never scroll to.
Pages without animations load neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from site_builder.experiments.specs import frames_name
from site_builder.render.links import LinkMap, Target, is_external, relative_url
from site_builder.render.markup import REDUCED_MOTION, Reference

PLAYER_STILL_MEDIA = f"{REDUCED_MOTION}, (scripting: enabled)"
"""When the poster frame stands in for an animation that has a player.

With scripts running, the player replaces the GIF, so the page shows the
poster (the same size, a fifth of the bytes or less) until the player is
built, and never downloads the GIF; ``player.js`` drops ``(scripting:
enabled)`` again if it cannot build the player. Without scripts, or in a browser that does not
know the ``scripting`` media feature, readers get the GIF (or, preferring
reduced motion, the poster).
"""


def has_player(animation: str, output: Mapping[str, bytes]) -> bool:
    """True when the build made player data for the GIF at output path ``animation``."""
    return animation.endswith(".gif") and frames_name(animation) in output


def player_data(
    document_path: str, output_path: str, references: Iterable[Reference], link_map: LinkMap, output: Mapping[str, bytes]
) -> dict[str, str]:
    """GIF URL -> its player data's URL, both relative to the page ``output_path``, for each animation shown.

    In document order; a GIF without data (one an author drew elsewhere) is left out and stays a GIF.
    """
    animations: dict[str, str] = {}
    for reference in references:
        if reference.kind != "image" or is_external(reference.target):
            continue
        target = link_map.resolve(document_path, reference.target)
        if not (isinstance(target, Target) and target.output_path):
            continue
        if has_player(target.output_path, output):
            animations.setdefault(relative_url(output_path, target.output_path), relative_url(output_path, frames_name(target.output_path)))
    return animations
