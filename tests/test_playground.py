"""The in-page playground: front matter, the rendered section, and what a reader does with it in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser, open_page  # noqa: F401 - fixture

from site_builder.load.content import load_content
from site_builder.load.playground import PlaygroundSettings, parse_playground
from site_builder.problems import BuildFailed

ARTICLE = "relu-guide/index.html"
WAIT_MS = 20_000  # bound on every wait for training progress


# -- front matter ---------------------------------------------------------------------------


def test_playground_settings_parse_with_defaults_and_target_spellings() -> None:
    assert parse_playground({}) == (PlaygroundSettings(), [])
    settings, issues = parse_playground({"target": "abs(x)", "hidden": 50, "activation": "tanh", "lr": 1, "steps": 5, "seed": 0})
    assert issues == [] and settings == PlaygroundSettings("abs", 50, "tanh", 1.0, 5, 0)
    assert parse_playground({"target": "sin"})[0].target == "sin"
    assert parse_playground({"target": "sin(3 * x)"})[0].target == "sin"


def test_bad_playground_values_are_reported_with_their_lines(make_project) -> None:
    root = make_project({"content/a/index.md": """
        ---
        title: A
        date: 2026-01-01
        playground:
          target: "x**3"
          hidden: 0
          activation: swish
          lr: 20
          steps: many
          seed: -1
          colour: blue
        ---
        Text.
        """})
    with pytest.raises(BuildFailed) as failure:
        load_content(root)
    assert [str(p) for p in failure.value.problems] == [
        "content/a/index.md:5: playground: target must be one of x**2, abs(x), sin(3*x), step(x); got 'x**3'",
        "content/a/index.md:6: playground: hidden must be a whole number from 1 to 50; got 0",
        "content/a/index.md:7: playground: activation must be one of relu, leaky_relu, sigmoid, tanh; got 'swish'",
        "content/a/index.md:8: playground: lr must be a number greater than 0 and at most 10; got 20",
        "content/a/index.md:9: playground: steps must be a whole number from 1 to 100000; got 'many'",
        "content/a/index.md:10: playground: seed must be a whole number from 0 to 4294967295; got -1",
        "content/a/index.md:11: playground: unknown key 'colour'; allowed keys: mode, target, hidden, activation, lr, steps, seed",
    ]


def test_playground_that_is_not_a_mapping_is_reported(make_project) -> None:
    root = make_project({"content/a/index.md": "---\ntitle: A\ndate: 2026-01-01\nplayground: yes\n---\n"})
    with pytest.raises(BuildFailed) as failure:
        load_content(root)
    assert [str(p) for p in failure.value.problems] == [
        "content/a/index.md:4: 'playground' must be a mapping such as {target: \"x**2\", hidden: 2, activation: relu}, not True",
    ]


# -- the built pages ------------------------------------------------------------------------


@pytest.mark.slow
def test_only_pages_with_a_playground_get_its_section_and_scripts(example_site: Path) -> None:
    article = (example_site / ARTICLE).read_text(encoding="utf-8")
    assert '<section class="playground" id="playground" aria-labelledby="playground-heading"' in article
    assert 'data-target="square" data-hidden="2" data-activation="relu" data-lr="0.1" data-steps="2000"' in article
    assert "<noscript>" in article and 'href="#playground"' in article
    assert '<script defer src="../static/playground/nn.js"></script>' in article
    assert '<script defer src="../static/playground/playground.js"></script>' in article
    for path in ("static/playground/nn.js", "static/playground/playground.js"):
        assert (example_site / path).is_file()
    assert "playground.css" not in article  # its rules are in the bundled site.css: no extra render-blocking request
    assert ".playground {" in (example_site / "static/site.css").read_text(encoding="utf-8")
    for other in ("index.html", "about.html"):  # the home page lists the playground article, but loads none of it
        text = (example_site / other).read_text(encoding="utf-8")
        assert 'class="playground"' not in text and "static/playground/" not in text


# -- in the browser -------------------------------------------------------------------------


def open_article(browser, site: Path, suffix: str = "", **options):  # noqa: F811
    """The article from disk (file://), scrolled to the playground; returns the page and its errors."""
    page, errors = open_page(browser, (site / ARTICLE).as_uri() + suffix, **{"reduced_motion": "reduce", **options})
    page.locator("#playground").scroll_into_view_if_needed()
    page.wait_for_selector(".playground--ready")
    return page, errors


def readout(page) -> dict:
    return page.evaluate(
        """() => ({
            step: Number(document.querySelector('.playground__step').textContent),
            total: Number(document.querySelector('.playground__total').textContent),
            loss: document.querySelector('.playground__loss').textContent,
            state: document.querySelector('#playground').dataset.state,
        })"""
    )


def wait_for_step(page, at_least: int) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('.playground__step').textContent) >= n", arg=at_least, timeout=WAIT_MS
    )


def control_values(page) -> dict:
    return page.evaluate(
        """() => Object.fromEntries(['target', 'hidden', 'activation', 'lr', 'steps', 'seed']
            .map(k => [k, document.getElementById('playground-' + k).value]))"""
    )


@pytest.mark.slow
def test_playground_trains_from_disk_and_the_loss_falls(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_article(browser, example_site)
    before = readout(page)
    assert before == {"step": 0, "total": 2000, "loss": before["loss"], "state": "ready"}
    page.get_by_role("button", name="Start").click()
    wait_for_step(page, 400)
    during = readout(page)
    assert float(during["loss"]) < float(before["loss"]) / 2, (before, during)
    page.wait_for_function("() => document.querySelector('#playground').dataset.state === 'finished'", timeout=WAIT_MS)
    after = readout(page)
    assert after["step"] == 2000 and float(after["loss"]) < float(during["loss"])
    assert "Finished" in page.locator("#playground").get_by_role("status").inner_text()
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_playground_is_built_only_as_it_nears_the_viewport(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport={"width": 1280, "height": 800})
    page.wait_for_timeout(300)
    assert page.locator(".playground--ready").count() == 0  # far below the first screen: not built yet
    page.locator("#playground").scroll_into_view_if_needed()
    page.wait_for_selector(".playground--ready", timeout=30_000)
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_pause_stops_training_and_reset_starts_over(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_article(browser, example_site, "#playground?steps=100000")
    initial = readout(page)
    page.get_by_role("button", name="Start").click()
    wait_for_step(page, 50)
    page.get_by_role("button", name="Pause").click()
    paused = readout(page)
    assert paused["state"] == "paused" and paused["step"] >= 50
    page.wait_for_timeout(400)
    assert readout(page) == paused
    assert page.evaluate("document.activeElement.textContent") == "Resume"  # focus moved off the disabled button
    page.get_by_role("button", name="Reset").click()
    assert readout(page) == initial
    page.get_by_role("button", name="Start").click()
    wait_for_step(page, paused["step"] + 10)  # and it trains again
    assert errors == []
    page.context.close()


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [
    "#playground?target=abs&hidden=5&activation=tanh&lr=0.05&steps=300&seed=7",
    "?target=abs&hidden=5&activation=tanh&lr=0.05&steps=300&seed=7",
])
def test_settings_are_restored_from_the_address(browser, example_site: Path, suffix: str) -> None:  # noqa: F811
    page, errors = open_article(browser, example_site, suffix)
    assert control_values(page) == {"target": "abs", "hidden": "5", "activation": "tanh", "lr": "0.05", "steps": "300", "seed": "7"}
    assert readout(page)["total"] == 300
    assert page.evaluate("document.querySelector('#playground').playground.net.w1.length") == 5
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_bad_values_in_the_address_fall_back_to_the_articles_settings(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_article(browser, example_site, "#playground?target=cube&hidden=500&activation=relu&lr=-1&steps=12&seed=x")
    assert control_values(page) == {"target": "square", "hidden": "2", "activation": "relu", "lr": "0.1", "steps": "12", "seed": "4"}
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_changing_a_control_updates_the_address_and_the_link_restores_it(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_article(browser, example_site)
    page.locator("#playground").get_by_label("Activation", exact=True).select_option("leaky_relu")
    page.locator("#playground").get_by_label("Target", exact=True).select_option("sin")
    page.locator("#playground").get_by_label("Learning rate", exact=True).fill("0.3")
    page.locator("#playground").get_by_label("Learning rate", exact=True).press("Enter")
    page.locator("#playground").get_by_label("Hidden neurons", exact=True).fill("9")  # a range input: sets the value and fires input and change
    shared = page.url
    assert "#playground?" in shared
    for expected in ("target=sin", "hidden=9", "activation=leaky_relu", "lr=0.3", "steps=2000", "seed=4"):
        assert expected in shared, shared
    assert page.evaluate("document.querySelector('#playground').playground.net.w1.length") == 9
    page.context.close()

    suffix = shared[shared.index("#"):]
    again, more_errors = open_article(browser, example_site, suffix)  # a fresh tab opening the shared link
    assert control_values(again) == {"target": "sin", "hidden": "9", "activation": "leaky_relu", "lr": "0.3", "steps": "2000", "seed": "4"}
    assert errors == [] and more_errors == []
    again.context.close()


@pytest.mark.slow
@pytest.mark.parametrize(("motion", "starts"), [("no-preference", True), ("reduce", False)])
def test_training_starts_by_itself_only_without_reduced_motion(browser, example_site: Path, motion: str, starts: bool) -> None:  # noqa: F811
    page, errors = open_article(browser, example_site, reduced_motion=motion)
    if starts:
        wait_for_step(page, 10)
    else:
        page.wait_for_timeout(600)
        assert readout(page)["step"] == 0
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_playground_fits_a_phone_and_draws_crisply(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_article(browser, example_site, viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True)
    layout = page.evaluate(
        """() => {
            const canvas = document.querySelector('.playground__canvas');
            const box = document.querySelector('#playground').getBoundingClientRect();
            return {scrollWidth: document.documentElement.scrollWidth, left: box.left, right: box.right,
                    cssWidth: canvas.clientWidth, pixels: canvas.width};
        }"""
    )
    assert layout["scrollWidth"] <= 390 and layout["left"] >= 0 and layout["right"] <= 390, layout
    assert layout["pixels"] == round(layout["cssWidth"] * 3), layout
    page.set_viewport_size({"width": 360, "height": 800})  # the canvas follows a resize
    page.wait_for_function(
        "() => { const c = document.querySelector('.playground__canvas'); return c.width === Math.round(c.clientWidth * 3); }",
        timeout=WAIT_MS,
    )
    assert errors == []
    page.context.close()


@pytest.mark.slow
def test_controls_are_labelled_and_buttons_work_from_the_keyboard(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_article(browser, example_site)
    for name in ("Target", "Hidden neurons", "Activation", "Learning rate", "Steps", "Seed"):
        assert page.locator("#playground").get_by_label(name, exact=True).count() == 1, name
    for name in ("Start training", "Pause training", "Reset the network"):
        assert page.get_by_role("button", name=name).count() == 1, name
    page.get_by_role("button", name="Start").focus()
    page.keyboard.press("Enter")
    wait_for_step(page, 5)
    assert page.evaluate("document.activeElement.textContent") == "Pause"  # focus followed to the live button
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert readout(page)["state"] == "paused"
    assert errors == []
    page.context.close()
