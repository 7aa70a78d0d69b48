"""Animation players: every GIF's ``.frames.js`` data, and the player a page builds from it."""

from __future__ import annotations

import base64
import html
import io
import json
import re
from pathlib import Path

import pytest

from browser import browser, open_page  # noqa: F401 - fixture
from site_builder.experiments.produce import produce_figure
from site_builder.experiments.specs import NeuronsSpec, TrainingSpec, frames_name
from site_builder.experiments.training import run_training

SMALL = TrainingSpec("fit.gif", "x**2", hidden=(2,), samples=16, steps=20, frames=4, seed=1)
NEURONS = NeuronsSpec(TrainingSpec("parts.gif", "x**2", hidden=(2,), samples=16, steps=20, frames=4, seed=1))
ARTICLE = "relu-guide/index.html"
ANIMATIONS = 5
VLQ = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def parse_frames(script: bytes) -> tuple[str, dict]:
    """The figure name and data a ``.frames.js`` registers (the JS assignment stripped, the rest JSON)."""
    lines = script.decode("ascii").splitlines()
    assert lines[0] == "window.siteBuilderAnimations = window.siteBuilderAnimations || {};"
    prefix = "window.siteBuilderAnimations["
    head, _, payload = lines[1].partition("] = ")
    assert head.startswith(prefix) and payload.endswith(";")
    return json.loads(head[len(prefix):]), json.loads(payload[:-1])


def decode_curves(text: str, frames: int, points: int, quantum: float) -> list[list[float]]:
    """An independent reading of frames.py's format: VLQ zig-zag second differences."""
    values, value, shift = [], 0, 0
    for char in text:
        digit = VLQ.index(char)
        value |= (digit & 31) << shift
        shift += 5
        if not digit & 32:
            values.append(value // 2 if value % 2 == 0 else -(value + 1) // 2)
            value, shift = 0, 0
    assert len(values) == frames * points
    rows, previous = [], [0] * points
    for f in range(frames):
        change, row = 0, []
        for g in range(points):
            change += values[f * points + g]
            row.append(previous[g] + change)
        rows.append(row)
        previous = row
    return [[q * quantum for q in row] for row in rows]


# --- the data ------------------------------------------------------------------------


def test_every_animation_comes_with_its_player_data():
    assert frames_name("a/fit.gif") == "a/fit.frames.js"
    assert frames_name("fit.gif") in produce_figure(SMALL)
    assert frames_name("parts.gif") in produce_figure(NEURONS)
    assert not any(name.endswith(".frames.js") for name in produce_figure(TrainingSpec("fit.png", "x**2", steps=5, frames=2)))


def test_player_data_is_deterministic_and_matches_the_training_run():
    first, second = produce_figure(SMALL)["fit.frames.js"], produce_figure(SMALL)["fit.frames.js"]
    assert first == second
    name, data = parse_frames(first)
    result = run_training(SMALL, spread_motion=True)  # animations show the frames that spread the motion
    assert name == "fit.gif" and data["kind"] == "training" and data["title"] == "2 hidden ReLU neurons"
    assert data["steps"] == [s.step for s in result.snapshots]
    assert data["losses"] == pytest.approx([s.loss for s in result.snapshots], rel=1e-12)
    assert len(data["x"]) == len(data["target"]) == 128 and data["x"][0] == -1 and data["x"][-1] == 1
    assert len(data["train_x"]) == len(data["train_y"]) == 16
    low, high = data["ylim"]
    predictions = decode_curves(data["prediction"], 4, 128, data["quantum"])
    indices = [round(i * 255 / 127) for i in range(128)]
    for row, snapshot in zip(predictions, result.snapshots, strict=True):
        expected = snapshot.prediction[indices]
        assert max(abs(a - b) for a, b in zip(row, expected)) <= data["quantum"]
        assert data["quantum"] <= (high - low) / 1e4


def test_neurons_player_data_has_each_share_and_the_bias():
    name, data = parse_frames(produce_figure(NEURONS)["parts.frames.js"])
    result = run_training(NEURONS.training, spread_motion=True)
    assert name == "parts.gif" and data["kind"] == "neurons"
    neurons = data["neurons"]
    assert len(neurons["contributions"]) == len(neurons["colours"]) == 2
    assert neurons["bias"] == pytest.approx([s.output_bias for s in result.snapshots], rel=1e-3, abs=1e-9)
    shares = [decode_curves(text, 4, 128, data["quantum"]) for text in neurons["contributions"]]
    predictions = decode_curves(data["prediction"], 4, 128, data["quantum"])
    for f in range(4):  # the model is the sum of its parts, as drawn
        for g in range(0, 128, 17):
            total = shares[0][f][g] + shares[1][f][g] + neurons["bias"][f]
            assert predictions[f][g] == pytest.approx(total, abs=1e-3)


def test_example_site_player_data_is_small(example_site: Path):
    scripts = sorted((example_site / "relu-guide").glob("*.frames.js"))
    assert len(scripts) == ANIMATIONS
    assert all(path.stat().st_size < 60_000 for path in scripts), [(p.name, p.stat().st_size) for p in scripts]


def test_only_pages_with_animations_load_the_player(example_site: Path):
    article = (example_site / ARTICLE).read_text(encoding="utf-8")
    assert ".frames.js\"></script>" not in article  # data loads lazily, never before first paint
    tag = re.search(r"<script defer src=\"\.\./static/player\.js\" data-animations='([^']*)'></script>", article)
    assert tag, "the article loads player.js with its animations' data URLs"
    animations = json.loads(html.unescape(tag.group(1)))
    assert len(animations) == ANIMATIONS
    assert all(data == frames_name(gif) and (example_site / "relu-guide" / data).is_file() for gif, data in animations.items())
    assert "player.css" not in article  # its rules live in style.css: no extra render-blocking request
    for other in ("index.html", "about.html"):
        assert "player.js" not in (example_site / other).read_text(encoding="utf-8")


# --- the player, in Chromium -----------------------------------------------------------


def open_article(browser, example_site: Path, **options):  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), **options)
    if options.get("java_script_enabled", True):
        build_every_player(page)
    return page, errors


def build_every_player(page) -> None:
    """Players are built as their figure nears the viewport: scroll down the page, then back to the top."""
    page.evaluate(
        """async () => {
            const frame = () => new Promise((resolve) => setTimeout(resolve, 30));
            for (let y = 0; y < document.documentElement.scrollHeight; y += 500) { window.scrollTo(0, y); await frame(); }
            window.scrollTo(0, 0); await frame();
        }"""
    )
    page.wait_for_function(f"() => document.querySelectorAll('.player').length === {ANIMATIONS}", timeout=5000)


def status(player) -> str:
    return player.locator(".player__status").inner_text()


def shown_steps(example_site: Path, index: int) -> tuple[list[int], int]:
    """The steps the article's ``index``-th animation shows (as its player data says), and its poster's frame."""
    pictures = re.findall(r'<img[^>]*src="([^"]+\.gif)"', (example_site / ARTICLE).read_text(encoding="utf-8"))
    _, data = parse_frames((example_site / ARTICLE).parent.joinpath(pictures[index].replace(".gif", ".frames.js")).read_bytes())
    return data["steps"], data["poster"]


def at(steps: list[int], index: int) -> str:
    """The status line's opening for frame ``index``."""
    return f"step {steps[index]} of {steps[-1]}"


@pytest.mark.slow
def test_every_animation_gets_a_player_from_disk(browser, example_site: Path):  # noqa: F811
    page, errors = open_article(browser, example_site)
    assert page.locator(".player").count() == ANIMATIONS
    assert page.locator("figure picture:visible").count() == 0
    assert page.locator(".player canvas[role=img][aria-label]").count() == ANIMATIONS
    size = page.evaluate("() => { const c = document.querySelector('.player canvas'); return [c.width, c.getBoundingClientRect().width]; }")
    assert size[0] == round(size[1])  # backing store at CSS size × devicePixelRatio (1 here)
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_player_data_loads_only_as_its_figure_nears(browser, example_site: Path):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url.rsplit("/", 1)[-1]))
    page.goto((example_site / ARTICLE).as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    assert not [name for name in requested if name.endswith(".frames.js")]  # all figures are far below the first screen
    build_every_player(page)
    assert sorted(name for name in requested if name.endswith(".frames.js")) == sorted(
        path.name for path in (example_site / "relu-guide").glob("*.frames.js")
    )
    context.close()


@pytest.mark.slow
def test_play_pause_and_stepping(browser, example_site: Path):  # noqa: F811
    page, errors = open_article(browser, example_site, reduced_motion="reduce")
    steps, poster = shown_steps(example_site, 0)
    player = page.locator(".player").first
    play = player.locator(".player__play")
    assert status(player).startswith(at(steps, poster))  # paused on the poster's frame
    player.locator("input[type=range]").fill(str(len(steps) - 1))
    assert play.get_attribute("aria-label") == "Replay"
    player.locator(".player__back").click()
    assert status(player).startswith(at(steps, -2))
    player.locator(".player__back").click()
    assert status(player).startswith(at(steps, -3))
    player.locator(".player__forward").click()
    assert status(player).startswith(at(steps, -2))
    player.locator("input[type=range]").fill("0")  # 99 frames to go: still playing at the next click
    play.click()
    assert play.get_attribute("aria-label") == "Pause"
    play.click()
    assert play.get_attribute("aria-label") in ("Play", "Replay")
    assert player.locator("[aria-live]").inner_text().startswith("Paused at step")
    player.locator("canvas").focus()
    page.keyboard.press("k")
    assert play.get_attribute("aria-label") == "Pause"
    page.keyboard.press("Space")
    assert play.get_attribute("aria-label") in ("Play", "Replay")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert status(player).startswith(at(steps, 1))
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_slider_keyboard_updates_the_value_text(browser, example_site: Path):  # noqa: F811
    page, errors = open_article(browser, example_site, reduced_motion="reduce")
    steps, poster = shown_steps(example_site, 1)
    slider = page.locator(".player").nth(1).locator("input[type=range]")
    assert slider.get_attribute("aria-label") == "Training step"
    assert slider.get_attribute("aria-valuetext").startswith(at(steps, poster) + ", MSE 0.")
    slider.focus()
    page.keyboard.press("Home")
    assert slider.get_attribute("aria-valuetext").startswith(at(steps, 0) + ", MSE ")
    page.keyboard.press("ArrowRight")
    assert slider.input_value() == "1"
    assert slider.get_attribute("aria-valuetext").startswith(at(steps, 1) + ", MSE ")
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_speed_select_changes_the_speed_and_playback_stops_at_the_end(browser, example_site: Path):  # noqa: F811
    page, errors = open_article(browser, example_site, reduced_motion="reduce")
    player = page.locator(".player").first
    select = player.locator("select")
    assert select.locator("option").all_inner_texts() == ["0.5\u00d7", "1\u00d7", "2\u00d7"]
    select.select_option("2")
    assert select.input_value() == "2"
    player.locator("input[type=range]").fill("90")
    player.locator(".player__play").click()  # 9 frames at 50 ms / 2: about a quarter second
    page.wait_for_function("() => document.querySelector('.player__play').getAttribute('aria-label') === 'Replay'", timeout=5000)
    assert status(player).startswith(at(shown_steps(example_site, 0)[0], -1))
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_without_reduced_motion_the_player_autoplays_once(browser, example_site: Path):  # noqa: F811
    page, errors = open_article(browser, example_site, reduced_motion="no-preference")
    player = page.locator(".player").first
    player.scroll_into_view_if_needed()
    player.locator(".player__speed-select").select_option("2")
    page.wait_for_function("() => document.querySelector('.player__play').getAttribute('aria-label') === 'Replay'", timeout=15000)
    assert status(player).startswith(at(shown_steps(example_site, 0)[0], -1))
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_reduced_motion_starts_paused_on_the_posters_frame(browser, example_site: Path):  # noqa: F811
    page, errors = open_article(browser, example_site, reduced_motion="reduce")
    for index, player in enumerate(page.locator(".player").all()):
        steps, poster = shown_steps(example_site, index)
        slider = player.locator("input[type=range]")
        assert slider.input_value() == str(poster)
        expected = "Replay" if poster == len(steps) - 1 else "Play"
        assert player.locator(".player__play").get_attribute("aria-label") == expected
    page.wait_for_timeout(200)
    steps, poster = shown_steps(example_site, 0)
    assert poster < len(steps) - 1  # the hovering line: its poster is where it hovers, not where it stopped
    assert status(page.locator(".player").first).startswith(at(steps, poster))
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_without_javascript_the_gif_is_shown(browser, example_site: Path):  # noqa: F811
    page, errors = open_article(browser, example_site, java_script_enabled=False)
    assert page.locator(".player").count() == 0
    sources = page.evaluate("() => [...document.querySelectorAll('figure picture img')].filter(i => i.offsetWidth > 0).map(i => i.getAttribute('src'))")
    assert len(sources) == ANIMATIONS and all(src.endswith(".gif") for src in sources)
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_player_fits_a_phone(browser, example_site: Path):  # noqa: F811
    page, errors = open_article(browser, example_site, viewport={"width": 390, "height": 844}, device_scale_factor=3, reduced_motion="reduce")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    canvas = page.evaluate("() => { const c = document.querySelector('.player canvas'); return [c.width, c.getBoundingClientRect().width]; }")
    assert canvas[0] == round(canvas[1] * 3)
    assert errors == []
    page.context.close()


# --- pictures: animations drawn by an author's own code ---------------------------------

RASTER_SCRIPT = """\
from site_builder.lab import Frame, new_figure

def make(params, rng):
    for k in range(1, 8):
        figure, axes = new_figure(f"{k} of 7")
        axes.plot(range(k + 1), [v * v for v in range(k + 1)])
        yield Frame(figure, f"round {k}")
"""


@pytest.mark.slow
def test_a_custom_animation_plays_frame_by_frame_exactly_as_its_gif(browser, make_project) -> None:  # noqa: F811
    """The raster player decodes the GIF itself: every frame it shows is the GIF's frame, pixel for pixel."""
    from PIL import Image, ImageSequence

    from site_builder.build import BuildOptions, build

    root = make_project({
        "content/a/index.md": "---\ntitle: A\ndate: 2026-01-01\nfigures:\n  grow.gif: {kind: python, script: grow.py}\n---\n\n![Seven rounds.](grow.gif \"Rounds.\")\n",
        "content/a/grow.py": RASTER_SCRIPT,
    })
    build(BuildOptions(root=root))
    site = root / "_site"
    frames = [f.convert("RGB").tobytes() for f in ImageSequence.Iterator(Image.open(site / "a/grow.gif"))]
    page, errors = open_page(browser, (site / "a/index.html").as_uri(), viewport={"width": 1000, "height": 900}, device_scale_factor=1)
    player = page.locator(".player")
    player.wait_for()
    assert player.locator("input[type=range]").get_attribute("aria-label") == "Frame"
    page.keyboard.press("Tab")  # stop the autoplay: step by hand
    player.locator(".player__play").click()
    for index in (0, 6, 3, 2, 5):
        player.locator("input[type=range]").evaluate(f"e => {{ e.value = {index}; e.dispatchEvent(new Event('input')); }}")
        assert player.locator(".player__status").inner_text() == f"round {index + 1}"
        png = player.locator("canvas").evaluate(
            """c => { const t = document.createElement('canvas'); t.width = 640; t.height = 480;
                      t.getContext('2d').drawImage(c, 0, 0, 640, 480); return t.toDataURL('image/png'); }"""
        )
        shown = Image.open(io.BytesIO(base64.b64decode(png.split(",", 1)[1]))).convert("RGB").tobytes()
        assert shown == frames[index], index
    player.locator(".player__back").click()
    assert player.locator(".player__status").inner_text() == "round 5"
    assert errors == []
    page.context.close()
