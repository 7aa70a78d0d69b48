"""What a reader sees and does, in headless Chromium: from disk, under a project path, on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import browser, project_site_server  # noqa: F401 - fixtures
from browser import open_page as open_browser_page

pytestmark = pytest.mark.slow

PAGES = ["index.html", "relu-guide/index.html", "about.html"]


def open_page(browser, url: str, **context_options):  # noqa: F811
    """:func:`browser.open_page`, then wait until the page's fonts have loaded."""
    page, errors = open_browser_page(browser, url, **context_options)
    page.evaluate("document.fonts.ready.then(() => true)")
    return page, errors


def loaded_state(page) -> dict:
    """Load every image now (they are lazy) and report what the reader would see."""
    page.evaluate(
        """() => Promise.all([...document.images].map(i => { i.loading = 'eager'; return i.decode().catch(() => null); }))"""
    )
    return page.evaluate(
        """() => ({
            stylesheets: [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.sheet !== null),
            brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
            images: document.images.length,
            katexFont: document.fonts.check('16px KaTeX_Main'),
            katexFontLoaded: [...document.fonts].some(f => f.family.includes('KaTeX') && f.status === 'loaded'),
            bodyFont: getComputedStyle(document.body).fontFamily,
        })"""
    )


@pytest.mark.parametrize("path", PAGES)
def test_pages_work_from_disk(browser, example_site: Path, path: str) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / path).as_uri())
    state = loaded_state(page)
    assert errors == []
    assert all(state["stylesheets"]), state
    assert state["brokenImages"] == []
    assert "Iowan Old Style" in state["bodyFont"]  # our stylesheet applied, not the browser default
    page.context.close()


def test_article_from_disk_shows_math_with_katex_fonts_and_all_figures(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / "relu-guide/index.html").as_uri())
    state = loaded_state(page)
    assert errors == [] and state["images"] == 16 and state["brokenImages"] == []
    assert state["katexFontLoaded"], "KaTeX's woff2 fonts did not load from disk"
    assert page.locator(".katex").count() > 20
    assert page.locator("figure figcaption").count() == 16
    page.context.close()


@pytest.mark.parametrize(
    ("motion", "scripts", "shown"),
    [("reduce", False, ".poster.png"), ("no-preference", False, ".gif"), ("reduce", True, ".poster.png"), ("no-preference", True, ".poster.png")],
)
def test_animations_show_their_poster_for_reduced_motion_or_until_the_player_replaces_them(
    browser, example_site: Path, motion: str, scripts: bool, shown: str  # noqa: F811
) -> None:
    page, errors = open_page(browser, (example_site / "relu-guide/index.html").as_uri(), reduced_motion=motion, java_script_enabled=scripts)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for y in range(0, page.evaluate("document.body.scrollHeight"), 400):  # from Python: page timers do not run without scripts
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(20)
    state = loaded_state(page)
    sources = page.evaluate("() => [...document.querySelectorAll('picture img')].map(i => i.currentSrc)")
    assert errors == [] and state["brokenImages"] == []
    assert len(sources) == 5 and all(source.endswith(shown) for source in sources), sources
    if scripts:  # the players replace the GIFs, so a reader with scripts never downloads one
        assert not [url for url in requested if url.endswith(".gif")]
    page.context.close()


def test_a_player_that_cannot_load_its_data_gives_the_gif_back(browser, project_site_server: str) -> None:  # noqa: F811
    context = browser.new_context(reduced_motion="no-preference")
    page = context.new_page()
    page.route("**/linonelayer.frames.js", lambda route: route.abort())
    page.goto(project_site_server + "relu-guide/index.html", wait_until="load")
    page.locator("figure picture").first.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure picture img').currentSrc.endsWith('linonelayer.gif')", timeout=30_000)
    assert page.locator("figure picture").first.is_visible()
    page.locator("figure picture").nth(1).scroll_into_view_if_needed()
    page.wait_for_selector(".player", timeout=30_000)  # the others still get theirs
    context.close()


def test_site_under_a_project_path_navigates(browser, project_site_server: str) -> None:  # noqa: F811
    page, errors = open_page(browser, project_site_server)
    with page.expect_navigation(wait_until="load"):  # not wait_for_load_state: the old page has loaded already
        page.get_by_role("link", name="An illustrated guide to ReLUs").click()
    assert page.url == project_site_server + "relu-guide/index.html"
    assert loaded_state(page)["brokenImages"] == []
    with page.expect_navigation(wait_until="load"):  # not wait_for_load_state: the old page has loaded already
        page.get_by_role("navigation", name="Site").get_by_role("link", name="About").click()
    assert page.url == project_site_server + "about.html"
    assert errors == []
    page.context.close()


def test_missing_page_shows_the_styled_404_at_any_depth(browser, project_site_server: str) -> None:  # noqa: F811
    page, _ = open_page(browser, project_site_server + "no/such/page/")
    assert page.locator("h1").inner_text() == "Page not found"
    assert "Iowan Old Style" in loaded_state(page)["bodyFont"]
    page.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scrolling_on_a_phone(browser, example_site: Path, path: str) -> None:  # noqa: F811
    page, _ = open_page(browser, (example_site / path).as_uri(), viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.context.close()


def test_dark_scheme_follows_the_system(browser, example_site: Path) -> None:  # noqa: F811
    page, _ = open_page(browser, (example_site / "index.html").as_uri(), color_scheme="dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 24, 28)"
    page.context.close()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(browser, example_site: Path) -> None:  # noqa: F811
    page, _ = open_page(browser, (example_site / "relu-guide/index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.context.close()


def test_preview_shows_a_failed_build_in_an_accessible_overlay_and_reloads_when_fixed(browser, make_project) -> None:  # noqa: F811
    import json
    import time
    import urllib.request

    from site_builder.commands.serve import Preview, ServeOptions

    root = make_project({"content/p.md": "---\ntitle: P\n---\nFirst version.\n"})
    source = root / "content/p.md"
    with Preview(ServeOptions(root=root, port=0), log=lambda message, is_error: None) as preview:
        deadline = time.monotonic() + 60
        while not json.load(urllib.request.urlopen(preview.url + "__site_builder/status"))["ok"]:
            assert time.monotonic() < deadline, "the first build did not finish"
            time.sleep(0.1)
        page, errors = open_page(browser, preview.url + "p.html")
        source.write_text("---\ntitle: P\n---\nBroken $\\frac{x$.\n")
        overlay = page.get_by_role("alert")
        overlay.wait_for(timeout=60_000)
        assert "Build failed: 1 problem" in overlay.inner_text() and "content/p.md:4: LaTeX error" in overlay.inner_text()
        assert page.locator("main").inner_text().startswith("P")  # the last good page is still there underneath
        page.get_by_role("button", name="Dismiss").click()
        assert page.get_by_role("alert").count() == 0
        source.write_text("---\ntitle: P\n---\nSecond version.\n")
        page.wait_for_function("document.body.innerText.includes('Second version')", timeout=60_000)
        assert page.get_by_role("alert").count() == 0
        assert [e for e in errors if not e.endswith("/__site_builder/events")] == []  # the reload ends the open event stream
        page.context.close()


@pytest.mark.parametrize(("scheme", "theme", "dark"), [("light", None, False), ("dark", None, True), ("light", "dark", True), ("dark", "light", False)])
def test_figures_follow_the_page_theme_and_read_dark_in_it(browser, example_site: Path, scheme: str, theme: str | None, dark: bool) -> None:  # noqa: F811
    """The dark theme, from the system or the toggle, shows drawn figures through the filter theme.py models: as pixels, dark with light ink."""
    import io

    import numpy as np
    from PIL import Image

    from site_builder.experiments.figures import style
    from site_builder.experiments.figures.theme import DARK_FILTER, contrast_ratio, dark_colour

    page, _ = open_page(browser, (example_site / "relu-guide/index.html").as_uri(), color_scheme=scheme)
    if theme is not None:
        page.evaluate(f"document.documentElement.dataset.theme = {theme!r}")
    figure = page.locator("img.figure-image[src='ReLU.png']")
    figure.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
    assert page.evaluate("(img) => getComputedStyle(img).filter", figure.element_handle()) == (DARK_FILTER if dark else "none")
    pixels = np.asarray(Image.open(io.BytesIO(figure.screenshot())).convert("RGB")).reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    background = "#%02x%02x%02x" % tuple(colours[np.argmax(counts)])
    expected = dark_colour(style.BACKGROUND) if dark else style.BACKGROUND
    assert contrast_ratio(background, expected) < 1.1, background
    darkest_or_lightest = min if not dark else max
    ink = "#%02x%02x%02x" % tuple(darkest_or_lightest((tuple(int(v) for v in c) for c in colours), key=sum))
    assert contrast_ratio(ink, background) >= 4.5  # the title and ticks still read


@pytest.mark.parametrize("width", [375, 1280])
def test_home_page_reads_as_a_course_on_a_phone_and_a_desktop(browser, example_site: Path, width: int) -> None:  # noqa: F811
    """Every card shows its part, its reading time and its image, in series order, without horizontal scrolling."""
    page, errors = open_page(browser, (example_site / "index.html").as_uri(), viewport={"width": width, "height": 900})
    state = loaded_state(page)
    cards = page.evaluate(
        """() => [...document.querySelectorAll('.article-card')].map(card => {
            const image = card.querySelector('img'), title = card.querySelector('.article-card__title');
            const box = image ? image.getBoundingClientRect() : null, text = title.getBoundingClientRect();
            return {part: card.querySelector('.part')?.textContent || '', minutes: card.querySelector('.reading-time')?.textContent || '',
                    image: image ? image.naturalWidth : 0, imageWidth: box ? box.width : 0, beside: box ? box.right <= text.left : false};
        })"""
    )
    assert errors == [] and state["brokenImages"] == []
    parts = [card["part"] for card in cards if card["part"]]
    assert parts == [f"Part {n} of {len(parts)}" for n in range(1, len(parts) + 1)] and len(parts) >= 3
    assert all(card["minutes"].endswith("min read") for card in cards), cards
    course = [card for card in cards if card["part"]]  # every part has figures; an article without any (the playground) has no image
    assert all(card["image"] > 0 for card in course), cards
    if width == 375:
        assert all(not card["beside"] and card["imageWidth"] > 300 for card in course), cards  # image above the text, full width
    else:
        assert all(card["beside"] for card in course), cards  # image in a column beside the text
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.context.close()


def test_each_article_links_to_its_neighbours_in_series_order(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / "relu-guide/index.html").as_uri())
    assert page.locator("a[rel=prev]").count() == 0
    with page.expect_navigation(wait_until="load"):  # not wait_for_load_state: the old page has loaded already
        page.locator("a[rel=next]").click()
    part = page.locator(".part").inner_text()
    assert part == "Part 2 of " + part.rsplit(" ", 1)[-1], (page.url, part, errors)  # where the click led, if it fails again
    with page.expect_navigation(wait_until="load"):  # not wait_for_load_state: the old page has loaded already
        page.locator("a[rel=prev]").click()
    assert page.locator("h1").inner_text() == "An illustrated guide to ReLUs" and errors == []
    page.context.close()
