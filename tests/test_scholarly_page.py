"""Citations, references, numbered equations and sidenotes as readers meet them, in headless Chromium."""

from __future__ import annotations

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


@pytest.mark.parametrize(("viewport", "floated"), [(DESKTOP, True), (PHONE, False)], ids=["desktop", "phone"])
def test_the_sidenote_sits_beside_the_text_on_wide_screens_and_below_its_line_on_phones(browser, example_site: Path, viewport: dict, floated: bool) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / ARTICLE).as_uri(), viewport=viewport)
    note = page.locator(".sidenote").first
    note.scroll_into_view_if_needed()
    box, column = note.bounding_box(), page.locator(".prose").bounding_box()
    paragraph = page.locator(".prose p", has=note).bounding_box()
    assert page.evaluate("getComputedStyle(document.querySelector('.sidenote')).float") == ("right" if floated else "none")
    assert column["x"] <= box["x"] and box["x"] + box["width"] <= column["x"] + column["width"] + 1
    if floated:
        assert box["width"] < paragraph["width"] / 2  # beside the text, not across it
    else:
        assert abs(box["width"] - paragraph["width"]) < 1  # a block of the paragraph's width
    assert "Strictly, ReLU has no derivative" in note.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert errors == []
    page.context.close()
