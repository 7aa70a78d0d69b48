"""Poster frames: every animation comes with a still of its last frame, shown to readers who prefer reduced motion."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageSequence

from site_builder.build import BuildOptions, build
from site_builder.render.markup import Still
from site_builder.experiments.produce import produce_figure, training_title
from site_builder.experiments.specs import (
    RESULTS_FILE,
    ActivationPlotSpec,
    NeuronsSpec,
    SpecIssue,
    TrainingSpec,
    parse_figure,
    poster_name,
)
from site_builder.experiments.training import run_training
from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import animate_training, build_training_scene, render_frames

from test_figures import png_chunk_types, synthetic_result
from test_markdown import FakeMath, render

SMALL = TrainingSpec("fit.gif", "x**2", hidden=(2,), samples=16, steps=20, frames=4, seed=1)


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def last_frame(result, title: str) -> np.ndarray:
    """The training animation's last frame as rendered, before the GIF palette reduces it."""
    with style.figure_context():
        canvas = style.new_canvas(style.SCREEN_DPI)
        frames = render_frames(canvas, build_training_scene(canvas, result, title), result.snapshots)
    return frames[-1][..., :3]


# --- produce_figure ------------------------------------------------------------------


def test_every_animation_comes_with_its_poster():
    assert set(produce_figure(SMALL)) == {"fit.gif", "fit.poster.png", "fit.frames.js", RESULTS_FILE}
    neurons = NeuronsSpec(TrainingSpec("parts.gif", "x**2", hidden=(2,), samples=16, steps=20, frames=4))
    assert set(produce_figure(neurons)) == {"parts.gif", "parts.poster.png", "parts.frames.js", RESULTS_FILE}


def test_stills_have_no_poster():
    assert set(produce_figure(TrainingSpec("fit.png", "x**2", steps=5, frames=2))) == {"fit.png", RESULTS_FILE}  # a trained figure's numbers, for the text
    assert set(produce_figure(ActivationPlotSpec("ReLU.png", "relu"))) == {"ReLU.png"}


def test_poster_is_the_last_frame_exactly_at_the_animation_size():
    files = produce_figure(SMALL)
    poster = Image.open(io.BytesIO(files["fit.poster.png"]))
    assert (poster.format, poster.size, poster.mode) == ("PNG", (640, 480), "RGB")
    assert set(png_chunk_types(files["fit.poster.png"])) <= {b"IHDR", b"IDAT", b"IEND"}
    expected = last_frame(run_training(SMALL), training_title(SMALL))
    np.testing.assert_array_equal(pixels(files["fit.poster.png"]), expected)


def test_poster_matches_the_gifs_last_frame_up_to_its_palette():
    animation = animate_training(synthetic_result(frames=4), title="t", fps=20)
    frames = [np.asarray(f.convert("RGB")).astype(int) for f in ImageSequence.Iterator(Image.open(io.BytesIO(animation.gif)))]
    poster = pixels(animation.poster).astype(int)
    same_as_last = np.all(frames[-1] == poster, axis=-1).mean()
    same_as_first = np.all(frames[0] == poster, axis=-1).mean()
    assert same_as_last > 0.95 and same_as_first < same_as_last
    assert np.abs(frames[-1] - poster).mean() < 1.5


def test_posters_are_deterministic():
    assert produce_figure(SMALL)["fit.poster.png"] == produce_figure(SMALL)["fit.poster.png"]


# --- names -----------------------------------------------------------------------------


def test_poster_name():
    assert poster_name("fit.gif") == "fit.poster.png"
    assert poster_name("relu-guide/a.b.gif") == "relu-guide/a.b.poster.png"
    with pytest.raises(ValueError, match="only animations"):
        poster_name("fit.png")


@pytest.mark.parametrize("name", ["fit.poster.png", "FIT.Poster.png"])
def test_poster_names_are_reserved(name):
    for declaration in ({"kind": "training", "target": "x"}, {"kind": "activation", "activation": "relu"}):
        spec, issues = parse_figure(name, declaration)
        assert spec is None
        assert issues == (
            SpecIssue(
                None,
                f"the name {name!r} is reserved for poster frames: every .gif figure gets a "
                "<name>.poster.png still beside it; choose a name that does not end in .poster.png",
            ),
        )


def test_names_that_merely_contain_poster_are_fine():
    for name in ("poster.png", "my.poster.gif", "posterity.png", "fit.posters.png"):
        _, issues = parse_figure(name, {"kind": "training", "target": "x"})
        assert issues == (), name


# --- the page ---------------------------------------------------------------------------

STILL = '<source media="(prefers-reduced-motion: reduce)" srcset="{}">'
PLAYER_STILL = '<source media="(prefers-reduced-motion: reduce), (scripting: enabled)" srcset="{}">'


def poster_of(src: str) -> Still | None:
    return Still("out/" + src.replace(".gif", ".poster.png")) if src.endswith(".gif") else None


def test_animation_with_a_poster_becomes_a_picture_in_its_figure():
    html = render('![Moving](fit.gif "It moves.")', poster=poster_of, image_size=lambda src: (640, 480))
    assert html == (
        "<figure>\n"
        f'<picture>{STILL.format("out/fit.poster.png")}'
        '<img alt="Moving" decoding="async" height="480" loading="lazy" src="fit.gif" width="640"></picture>\n'
        "<figcaption>It moves.</figcaption>\n"
        "</figure>"
    )


def test_images_without_a_poster_stay_plain():
    assert render("![Still](fit.png)", poster=poster_of) == render("![Still](fit.png)")
    assert "<picture>" not in render("![Moving](fit.gif)")  # no hook, no picture


def test_inline_animation_gets_a_picture_where_it_stands():
    html = render("Look ![m](a.gif) here.", poster=poster_of)
    assert html == (
        f'<p>Look <picture>{STILL.format("out/a.poster.png")}'
        '<img alt="m" decoding="async" loading="lazy" src="a.gif"></picture> here.</p>'
    )


def test_poster_hook_sees_the_src_as_written_and_only_local_ones():
    seen: list[str] = []

    def hook(src: str) -> Still | None:
        seen.append(src)
        return None

    render("![a](../x/a.gif) ![b](https://example.org/b.gif) ![c](#c)", poster=hook, rewrite_url=lambda u: "/o/" + u)
    assert seen == ["../x/a.gif"]


def test_poster_url_is_escaped_for_srcset():
    html = render("![m](a b.gif)", poster=lambda src: Still("a b,1.poster.png"))
    assert STILL.format("a%20b%2C1.poster.png") in html


def test_the_still_shows_whenever_its_media_query_matches():
    html = render("![m](a.gif)", poster=lambda src: Still("a.poster.png", "(scripting: enabled)"))
    assert '<picture><source media="(scripting: enabled)" srcset="a.poster.png"><img' in html


def test_the_poster_is_not_an_author_reference():
    from site_builder.render.markup.markdown import render_markdown

    result = render_markdown("![m](a.gif)", path="a.md", math=FakeMath(), poster=poster_of)
    assert [(r.kind, r.target) for r in result.references] == [("image", "a.gif")]


ARTICLE = """
---
title: Moving
date: 2026-01-01
figures:
  fit.gif: {kind: training, target: "x", hidden: [1], samples: 4, steps: 2, frames: 2}
  fit.png: {kind: training, target: "x", hidden: [1], samples: 4, steps: 2, frames: 2}
---
![A line](fit.gif "Caption.")

![Its end](fit.png "Still.")

![A GIF of my own](own.gif "Mine.")
"""


@pytest.mark.slow
def test_build_links_each_animation_to_its_poster_from_any_page(make_project) -> None:
    root = make_project({
        "content/a/index.md": ARTICLE,
        "content/about.md": "---\ntitle: About\n---\n![From elsewhere](a/fit.gif)\n",
    })
    (root / "content/a/own.gif").write_bytes(_tiny_gif())
    build(BuildOptions(root=root))
    site = root / "_site"
    assert (site / "a/fit.poster.png").is_file() and not (site / "a/fit.png.poster.png").exists()
    article = (site / "a/index.html").read_text(encoding="utf-8")
    # it has a player, so with scripts running the poster stands in for the GIF until the player is built
    assert f'<picture>{PLAYER_STILL.format("fit.poster.png")}<img alt="A line"' in article
    assert article.count("<picture>") == 1  # not the still, not the author's own GIF (it has no poster)
    about = (site / "about.html").read_text(encoding="utf-8")
    assert f'<picture>{PLAYER_STILL.format("a/fit.poster.png")}<img alt="From elsewhere"' in about


def _tiny_gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="GIF")
    return buffer.getvalue()
