"""A listing page whose title and abstract carry HTML and Markdown payloads
(tests/data/hostile_browser/zz_hostile_browser.txt): every page that shows it, and
Material's search results, show the payloads as text and run none of them."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
SETTLE_MS = 500  # time for an injected onerror handler or script to fire


def assert_inert(page, log) -> None:
    """Nothing of the payloads became markup, and no dialog opened."""
    page.wait_for_timeout(SETTLE_MS)
    injected = page.evaluate("""() => ({
        imgs: [...document.querySelectorAll('img')]
            .filter(i => i.getAttribute('src') === 'x' || i.hasAttribute('onerror'))
            .map(i => i.outerHTML),
        scripts: [...document.scripts].filter(s => s.textContent.includes('alert('))
            .map(s => s.outerHTML),
        handlers: [...document.querySelectorAll('[onerror]')].map(e => e.outerHTML),
        jsLinks: [...document.querySelectorAll('a[href]')]
            .filter(a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:'))
            .map(a => a.outerHTML),
    })""")
    assert injected == {"imgs": [], "scripts": [], "handlers": [], "jsLinks": []}, injected
    assert log.dialogs == [], f"a payload ran: {log.dialogs}"
    assert log.page_errors == [], log.page_errors


def test_paper_page_shows_payloads_as_text(visit, site, page_log):
    paper = site.hostile_paper()
    page = visit(f"papers/{paper['id']}/")
    h1 = page.locator("article h1")
    expect(h1).to_have_text(paper["title"])
    title = h1.inner_text()
    assert SCRIPT in title and IMG in title, title
    assert SCRIPT in page.title(), page.title()

    abstract = page.locator("article .pd-abstract").inner_text()
    assert SCRIPT in abstract and IMG in abstract, abstract
    # Markdown in the source stays text as well.
    for literal in ("**not bold**", "[not a link](javascript:alert(3))", "`not code`"):
        assert literal in abstract, f"{literal!r} not shown as text in {abstract!r}"
    assert page.locator("article .pd-abstract strong, article .pd-abstract code").count() == 0

    body = page.locator("body").inner_text()
    assert SCRIPT in body and IMG in body
    assert_inert(page, page_log)


def test_theme_and_list_pages_show_payloads_as_text(visit, site, page_log):
    paper = site.hostile_paper()
    assert "mamba-ssm" in paper["themes"], paper["themes"]
    for path in ("themes/mamba-ssm/", "papers/"):
        page = visit(path)
        item = page.locator("li.pd-item", has=page.locator(
            f"a.pd-item__title[href*='{paper['id']}']"))
        expect(item).to_have_count(1)
        text = item.inner_text()
        assert SCRIPT in text and IMG in text, f"{path}: {text!r}"
        assert_inert(page, page_log)


def test_search_results_show_payloads_as_text(visit, site, page_log):
    paper = site.hostile_paper()
    page = visit("")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("hostile", delay=30)
    result = page.locator(f".md-search-result__list a.md-search-result__link[href*='{paper['id']}']")
    expect(result.first).to_be_visible(timeout=20_000)
    text = result.first.inner_text()
    assert SCRIPT in text, f"the search result does not show the title as text: {text!r}"
    assert_inert(page, page_log)
