"""Citations, references, numbered equations and sidenotes as readers meet them, in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import browser, open_page  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

ARTICLE = "relu-guide/index.html"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_a_citation_leads_to_its_reference_and_back(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport=DESKTOP)
    page.get_by_role("link", name="Maas et al. 2013").click()
    page.wait_for_url("**#ref-maas2013")
    reference = page.locator("#ref-maas2013")
    assert "Rectifier nonlinearities improve neural network acoustic models" in reference.inner_text()
    assert 0 <= reference.bounding_box()["y"] < DESKTOP["height"]
    reference.get_by_role("link", name="Back to the citation").click()
    page.wait_for_url("**#cite-maas2013-1")
    assert 0 <= page.locator("#cite-maas2013-1").bounding_box()["y"] < DESKTOP["height"]
    assert page.get_by_role("link", name="References").count() == 1  # listed in the contents
    tip = page.get_by_role("note").filter(has_text="Experiments to try")
    assert tip.locator(".callout__title").inner_text() == "Experiments to try" and tip.locator("li").count() == 4
    assert errors == []
    page.context.close()


def test_equations_show_their_numbers_and_references_name_them(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport=PHONE)
    numbers = page.evaluate(
        """[...document.querySelectorAll('.math-display[id^=eq-]')].map(d => {
            const formula = d.querySelector('.katex-display').getBoundingClientRect(), number = d.querySelector('.equation-number').getBoundingClientRect();
            return [d.querySelector('.equation-number').textContent, number.left >= formula.right - 1, Math.abs(number.top + number.height / 2 - (formula.top + formula.height / 2)) < formula.height / 2];
        })"""
    )
    assert numbers == [[f"({n})", True, True] for n in range(1, 7)]  # at the right of its formula, level with it
    link = page.get_by_role("link", name="Equation (1)").first
    assert link.get_attribute("href") == "#eq-collapse"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
    page.context.close()


SIDENOTE_TEXT = "Strictly, ReLU has no derivative"
PHONE_375 = {"width": 375, "height": 812}


def test_on_a_wide_screen_every_note_sits_beside_its_line(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport=DESKTOP)
    notes = page.locator(".prose .sidenote")
    assert notes.count() == 2  # the ^[...] note and the [^1] footnote: one kind of note
    assert page.locator(".footnote").count() == 0  # no list of footnotes at the end besides
    for index in range(notes.count()):
        note = notes.nth(index)
        note.scroll_into_view_if_needed()
        mark = page.locator(f"label[for=sidenote-{index + 1}-toggle]")
        box, mark_box = note.bounding_box(), mark.bounding_box()
        text_box = note.evaluate("n => n.closest('p').getBoundingClientRect().toJSON()")
        assert note.is_visible() and note.evaluate("n => getComputedStyle(n).float") == "right"
        assert box["width"] < text_box["width"] / 2 and box["x"] + box["width"] <= text_box["x"] + text_box["width"] + 1  # beside the text
        assert abs(box["y"] - mark_box["y"]) < 40  # level with its number in the text
        assert mark.inner_text() == str(index + 1) and note.locator(".sidenote__number").inner_text().startswith(str(index + 1))
        assert page.locator(f"#sidenote-{index + 1}-toggle").is_hidden()  # nothing to toggle here
    assert SIDENOTE_TEXT in notes.first.inner_text() and "universal approximation" in notes.nth(1).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert errors == []
    page.context.close()


def test_on_a_phone_a_note_opens_in_place_from_its_number(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport=PHONE_375)
    note = page.locator(".prose .sidenote").first
    assert note.is_hidden()
    mark = page.locator(".sidenote-mark").first
    mark.scroll_into_view_if_needed()
    mark.click()
    assert note.is_visible() and SIDENOTE_TEXT in note.inner_text()
    paragraph = note.evaluate("n => n.closest('p').getBoundingClientRect().toJSON()")
    box = note.bounding_box()
    assert note.evaluate("n => getComputedStyle(n).float") == "none" and abs(box["width"] - paragraph["width"]) < 1  # in place, the text's width
    mark.click()
    assert note.is_hidden()
    toggle = page.get_by_role("checkbox", name="Side note 1")  # the keyboard's way in, named for screen readers
    toggle.focus()
    page.keyboard.press("Space")
    assert note.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_375["width"]
    assert errors == []
    page.context.close()


def test_print_lists_the_notes_at_the_end_and_screen_readers_meet_each_once(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport=DESKTOP)
    copy = page.locator(".sidenotes-print")
    assert copy.is_hidden() and copy.get_attribute("aria-hidden") == "true"
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    spoken = [str(node.get("name", {}).get("value", "")) for node in tree if not node.get("ignored") and node.get("role", {}).get("value") == "StaticText"]
    assert sum(SIDENOTE_TEXT in text for text in spoken) == 1  # the note, not its copy for print
    assert sum("universal approximation" in text for text in spoken) == 1
    page.emulate_media(media="print")
    assert copy.is_visible() and page.locator(".prose .sidenote").first.is_hidden()
    assert [item.get_attribute("value") for item in copy.locator("li").all()] == ["1", "2"]
    assert SIDENOTE_TEXT in copy.locator("li").first.inner_text()
    assert page.locator(".sidenote-mark").first.is_visible()  # the number stays in the text
    assert errors == []
    page.context.close()


# Where each paragraph on screen starts: a hover card must not move any of them.
ON_SCREEN_TOPS = """[...document.querySelectorAll('.prose > p')].map(p => p.getBoundingClientRect())
    .filter(r => r.bottom > 0 && r.top < innerHeight).map(r => r.top)"""


def card(page):
    return page.locator("#hover-card")


def test_hovering_a_citation_shows_its_reference_and_focus_and_escape_work_too(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport=DESKTOP)

    def settled() -> None:  # text blocks off screen are laid out as they near the window (content-visibility): let that happen
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")

    link = page.get_by_role("link", name="Cybenko 1989").first
    link.scroll_into_view_if_needed()
    settled()
    before = page.evaluate(ON_SCREEN_TOPS)
    link.hover()
    card(page).wait_for(state="visible")
    assert card(page).get_attribute("role") == "tooltip" and link.get_attribute("aria-describedby") == "hover-card"
    text = card(page).inner_text()
    assert text.startswith("Cybenko, G. (1989). Approximation by superpositions of a sigmoidal function.") and "↩" not in text
    assert card(page).get_by_role("link", name="https://doi.org/10.1007/BF02551274").count() == 1  # the DOI is a link
    assert page.evaluate(ON_SCREEN_TOPS) == before and len(before) >= 2  # nothing the reader sees moved
    box, anchor = card(page).bounding_box(), link.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= DESKTOP["width"] and (box["y"] >= anchor["y"] + anchor["height"] or box["y"] + box["height"] <= anchor["y"])
    page.mouse.move(5, 5)
    card(page).wait_for(state="hidden")
    assert link.get_attribute("aria-describedby") is None
    link.focus()
    card(page).wait_for(state="visible")
    page.keyboard.press("Escape")
    card(page).wait_for(state="hidden")
    assert page.evaluate("document.querySelectorAll('[id]').length") == page.evaluate("new Set([...document.querySelectorAll('[id]')].map(e => e.id)).size")  # ids stay unique
    assert errors == []
    page.context.close()


def test_cross_reference_cards_preview_the_formula_the_figure_and_the_section(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport=DESKTOP)
    page.locator("a.crossref[href='#eq-collapse']").focus()
    card(page).wait_for(state="visible")
    assert card(page).locator(".katex-display").count() == 1 and card(page).locator(".equation-number").inner_text() == "(1)"
    page.locator("a.crossref[href='#fig-linear']").focus()
    card(page).wait_for(state="visible")
    image = card(page).locator("img")
    image.wait_for(state="visible")
    assert image.evaluate("i => i.complete && i.naturalWidth > 0") and card(page).inner_text().startswith("Figure 1. A single linear layer")
    page.locator("a.crossref[href='#sec-linear-fit']").focus()
    card(page).wait_for(state="visible")
    title, lead = card(page).locator("p").all_inner_texts()
    assert title == "Why a linear model cannot fit x²" and lead.startswith("Take the simplest curved target:") and lead.endswith(".") and lead.count(". ") == 0
    assert errors == []
    page.context.close()


def test_without_javascript_citations_and_cross_references_are_plain_links(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport=DESKTOP, java_script_enabled=False)
    assert card(page).count() == 0
    page.get_by_role("link", name="Cybenko 1989").first.click()
    page.wait_for_url("**#ref-cybenko1989")
    page.locator("a.crossref[href='#eq-collapse']").click()
    page.wait_for_url("**#eq-collapse")
    assert page.locator(".cite-this__copy").is_hidden()  # it needs a script; the entry is there to select
    assert page.locator(".cite-this__entry").inner_text().startswith("@misc{relu-guide2026,")
    assert errors == []
    page.context.close()


def test_the_copy_button_copies_the_entry(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport=DESKTOP)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    entry = page.locator(".cite-this__entry").text_content()
    assert "url          = {https://example.github.io/site_builder/relu-guide/}" in entry  # site.toml's base_url
    page.get_by_role("button", name="Copy BibTeX").click()
    page.get_by_role("status").filter(has_text="Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == entry
    assert errors == []
    page.context.close()


def test_without_the_clipboard_api_the_copy_button_selects_the_entry(browser, example_site: Path) -> None:  # noqa: F811
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((example_site / ARTICLE).as_uri())
    page.get_by_role("button", name="Copy BibTeX").click()
    status = page.locator(".cite-this__status")
    status.filter(has_text=re.compile("Copied|Selected")).wait_for()
    assert page.evaluate("window.getSelection().toString()") == page.locator(".cite-this__entry").text_content()
    assert errors == []
    context.close()
