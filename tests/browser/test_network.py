"""Every page loads only from the site itself: no request leaves 127.0.0.1, nothing
fails or answers 4xx/5xx, and the console stays free of errors. (The accessibility
tests hold the dark colour scheme to the same.)"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

def pages_to_visit(site) -> list[str]:
    ssm = sorted(p["id"] for p in site.papers if "mamba-ssm" in p["themes"])
    return [
        "",
        "themes/mamba-ssm/",
        "themes/bert-variants/",
        "papers/",
        "about/",
        f"papers/{ssm[0]}/",
        f"papers/{site.hostile_paper()['id']}/",
    ]


def test_no_request_leaves_the_site(page, visit, site, page_log):
    for path in pages_to_visit(site):
        visit(path)
    # Search loads its worker and index lazily: use it too.
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("mamba", delay=30)
    expect(page.locator(".md-search-result__list a.md-search-result__link").first).to_be_visible(
        timeout=20_000)
    page.wait_for_load_state("networkidle")

    assert page_log.requests, "no request was recorded at all"
    assert page_log.outside == [], f"requests left 127.0.0.1: {page_log.outside}"
    assert any(u.endswith("search/search_index.json") for u in page_log.requests), \
        "the search index was never loaded"
    assert page_log.problems() == [], "\n".join(page_log.problems())
