"""The search page in headless Chromium: from disk, under a project path, on a phone, without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import browser, open_page, project_site_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}


def results(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.search__result')].map(item => ({
            title: item.querySelector('a').textContent,
            href: item.querySelector('a').getAttribute('href'),
            marked: [...item.querySelectorAll('mark')].map(m => m.textContent),
        }))"""
    )


def status(page) -> str:
    return page.locator(".search__status").text_content()


def test_search_from_disk_finds_sections_and_keeps_the_query(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / "search.html").as_uri() + "?q=leaky")
    found = results(page)
    assert {"title": "An illustrated guide to ReLUs › Leaky ReLU", "href": "relu-guide/index.html#leaky-relu", "marked": ["Leaky"]} in found
    assert all(r["marked"] for r in found[:3]), found[:3]  # the best matches have the word in their section title
    assert status(page) == f"{len(found)} results for “leaky”."
    assert page.locator("#search-input").input_value() == "leaky"
    page.locator("#search-input").fill("neuron hinge")  # every word, each also as the start of longer ones
    assert all("neuron" in r["title"].lower() or r["marked"] for r in results(page))
    assert status(page).endswith("for “neuron hinge”.")
    page.locator("#search-input").fill("qwertyuiop")
    assert results(page) == [] and status(page) == "Nothing found for “qwertyuiop”."
    page.locator("#search-input").fill("sigmoid")
    page.locator(".search__result a").first.click()
    page.wait_for_url("**/relu-guide/index.html#sigmoid")
    assert page.evaluate("document.getElementById('sigmoid').getBoundingClientRect().top") < 200  # scrolled to the section
    assert errors == []
    page.context.close()


def test_search_under_a_project_path_from_the_header(browser, project_site_server: str) -> None:  # noqa: F811
    page, errors = open_page(browser, project_site_server + "relu-guide/index.html")
    box = page.get_by_role("search", name="Site").get_by_role("searchbox", name="Search the articles")
    box.fill("universal approximation")
    box.press("Enter")
    page.wait_for_url(project_site_server + "search.html?q=universal+approximation")
    assert results(page)[0]["href"].startswith("relu-guide/index.html#")
    page.get_by_label("Words to find in the articles").fill("leaky relu")
    page.wait_for_function("location.search === '?q=leaky+relu'")  # the address keeps the query
    page.get_by_role("button", name="Search").click()  # submitting does not leave the page
    assert page.url == project_site_server + "search.html?q=leaky+relu" and results(page)
    assert errors == []
    page.context.close()


def test_slash_focuses_the_box_and_arrows_and_enter_pick_a_result(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / "relu-guide/index.html").as_uri())
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-input"
    page.keyboard.type("sigmoid")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=sigmoid")
    page.locator(".search__result").first.wait_for()
    page.locator("body").click(position={"x": 5, "y": 300})  # away from the box
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-input"
    assert page.locator("#search-input").input_value() == "sigmoid"  # "/" did not type itself
    assert page.evaluate("[document.activeElement.selectionStart, document.activeElement.selectionEnd]") == [0, 7]  # ready to type over
    hrefs = [r["href"] for r in results(page)]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == hrefs[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-input"  # up from the first result: back to the box
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/relu-guide/index.html#" + hrefs[0].split("#")[1])
    assert errors == []
    page.context.close()


def test_slash_in_a_text_field_is_just_a_slash(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / "search.html").as_uri())
    page.locator("#search-input").fill("a")
    page.locator("#search-input").press("/")
    assert page.locator("#search-input").input_value() == "a/"
    assert errors == []
    page.context.close()


def test_results_mark_every_query_word_and_rank_headings_first(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / "search.html").as_uri() + "?q=leaky")
    found = results(page)
    assert "› Leaky ReLU" in found[0]["title"]  # a section named for it ("Leaky ReLU", "Leaky ReLU and friends") comes before those that mention it
    assert all(m.lower().startswith("leaky") for r in found for m in r["marked"]) and sum(len(r["marked"]) for r in found) >= len(found)
    page.locator("#search-input").fill("Léaky RELU")  # accents and case do not matter
    assert "› Leaky ReLU" in [r["title"] for r in results(page)][0]
    assert errors == []
    page.context.close()


def test_search_on_a_phone_fits_the_screen(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / "search.html").as_uri() + "?q=relu", viewport=PHONE)
    assert results(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.goto((example_site / "relu-guide/index.html").as_uri())
    box = page.locator("#site-search-input")
    assert box.is_visible() and box.bounding_box()["width"] > 200  # a line of its own under the title
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
    page.context.close()


def test_without_javascript_the_header_box_still_submits_and_the_page_says_why(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / "relu-guide/index.html").as_uri(), java_script_enabled=False)
    page.locator("#site-search-input").fill("relu")
    page.locator("#site-search-input").press("Enter")
    page.wait_for_url("**/search.html?q=relu")
    assert "Search runs in your browser and needs JavaScript." in page.locator("main").inner_text()
    assert errors == []
    page.context.close()
