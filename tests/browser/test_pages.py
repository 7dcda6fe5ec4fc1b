"""Home, theme and paper pages render their content, link to each other, and Material's
search finds state-space-model papers."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

THEME = "mamba-ssm"
THEME_TITLE = "Mamba / state space models"
SSM_TEXT = re.compile(r"mamba|state[\s-]+space", re.IGNORECASE)
PAPER_PATH = re.compile(r"^/papers/([a-z0-9-]+)/$")


def paper_id_of(url: str | None) -> str | None:
    """The paper id in a paper page's URL (query and fragment ignored), else None."""
    m = PAPER_PATH.match(urlsplit(url or "").path)
    return m.group(1) if m else None


def theme_papers(site, slug=THEME):
    return [p for p in site.papers if slug in p["themes"]]


def sample_paper(site):
    """A plain (not fixture) paper of the theme, chosen the same way every run."""
    fixture = set(site.hostile_files)
    plain = [p for p in theme_papers(site) if not fixture.intersection(p["sources"])]
    assert plain, f"no paper of {THEME} outside the fixtures"
    return sorted(plain, key=lambda p: p["id"])[0]


def test_build_reports_nothing_about_the_fixtures(site):
    warnings = [line for line in site.build_log.splitlines() if "WARNING" in line]
    about_fixtures = [w for w in warnings if any(name in w for name in site.hostile_files)]
    assert not about_fixtures, "\n".join(about_fixtures)


def test_home_renders(visit):
    page = visit("")
    expect(page.locator("article h1")).to_have_text("Paper Digest")
    themes = page.locator("article ul.pd-themes")
    expect(themes.get_by_role("link", name=THEME_TITLE)).to_be_visible()
    expect(themes.get_by_role("link", name="All papers")).to_be_visible()
    expect(page.locator("article ol.pd-short li").first).to_be_visible()


def test_theme_page_renders(visit, site):
    page = visit(f"themes/{THEME}/")
    expect(page.locator("article h1")).to_have_text(THEME_TITLE)
    expect(page).to_have_title(re.compile(re.escape(THEME_TITLE)))
    expect(page.locator("article li.pd-item")).to_have_count(len(theme_papers(site)))
    paper = sample_paper(site)
    expect(page.locator("article a.pd-item__title", has_text=paper["title"])).to_have_count(1)


def test_paper_page_renders(visit, site):
    paper = sample_paper(site)
    page = visit(f"papers/{paper['id']}/")
    expect(page.locator("article h1")).to_have_text(paper["title"])
    abstract = page.locator("article .pd-abstract")
    expect(abstract).to_have_text(paper["abstract"])
    expect(page.locator("article .pd-evidence").get_by_role("link", name=THEME_TITLE)).to_be_visible()


def test_click_home_to_theme_to_paper(visit, site):
    page = visit("")
    page.locator("article ul.pd-themes").get_by_role("link", name=THEME_TITLE).click()
    expect(page).to_have_url(site.url(f"themes/{THEME}/"))
    expect(page.locator("article h1")).to_have_text(THEME_TITLE)

    link = page.locator("article li.pd-item a.pd-item__title").first
    title = link.inner_text()
    link.click()
    expect(page).to_have_url(re.compile(r"/papers/[a-z0-9-]+/$"))
    expect(page.locator("article h1")).to_have_text(title)
    paper_id = paper_id_of(page.url)
    paper = next(p for p in site.papers if p["id"] == paper_id)
    assert THEME in paper["themes"]
    expect(page.locator("article .pd-abstract")).to_have_text(paper["abstract"])


def search(page, query: str):
    """Type into Material's search box and wait for its result list."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=30)
    results = page.locator(".md-search-result__list a.md-search-result__link")
    expect(results.first).to_be_visible(timeout=20_000)
    return results


def test_search_leads_to_state_space_papers(visit, site):
    page = visit("")
    results = search(page, "mamba")
    links = [(a, paper_id_of(a.get_attribute("href"))) for a in results.all()]
    ids = [i for _, i in links if i]
    assert ids, f"no paper page among the search results for 'mamba': " \
                f"{[a.get_attribute('href') for a, _ in links]}"
    known = {p["id"]: p for p in site.papers}
    assert set(ids) <= known.keys(), set(ids) - known.keys()
    assert any(THEME in known[i]["themes"] for i in ids), \
        f"no search result for 'mamba' is in the {THEME} theme: {sorted(set(ids))}"

    target = next(a for a, i in links if i and THEME in known[i]["themes"])
    target.click()
    expect(page).to_have_url(re.compile(r"/papers/[a-z0-9-]+/"))
    paper = known[paper_id_of(page.url)]
    expect(page.locator("article h1")).to_have_text(paper["title"])
    text = page.locator("article").inner_text()
    assert SSM_TEXT.search(text), f"{page.url} mentions neither Mamba nor state space"
