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
    page.get_by_role("link", name="Search").click()
    page.wait_for_url(project_site_server + "search.html")
    page.get_by_label("Words to find in the articles").fill("universal approximation")
    assert results(page)[0]["href"].startswith("relu-guide/index.html#")
    assert page.url == project_site_server + "search.html?q=universal+approximation"  # the address keeps the query
    page.get_by_role("button", name="Search").click()  # submitting does not leave the page
    assert page.url == project_site_server + "search.html?q=universal+approximation" and results(page)
    assert errors == []
    page.context.close()


def test_search_on_a_phone_fits_the_screen(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / "search.html").as_uri() + "?q=relu", viewport=PHONE)
    assert results(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    link = page.get_by_role("link", name="Search")  # the header link is its icon here, and keeps its name
    assert link.is_visible() and link.bounding_box()["width"] < 40
    assert errors == []
    page.context.close()


def test_without_javascript_search_is_not_offered_and_its_page_says_why(browser, example_site: Path) -> None:  # noqa: F811
    page, errors = open_page(browser, (example_site / "relu-guide/index.html").as_uri(), java_script_enabled=False)
    assert not page.locator(".site-search").is_visible()
    page.goto((example_site / "search.html").as_uri(), wait_until="load")
    assert "Search runs in your browser and needs JavaScript." in page.locator("main").inner_text()
    assert errors == []
    page.context.close()
