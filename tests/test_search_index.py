"""What goes into Material's search index: titles always, abstracts while the index stays small."""
import json
from pathlib import Path

import generator.pages as pages
from generator.pages import PageRenderer
from generator.pipeline import build_digest

REPO = Path(__file__).resolve().parent.parent


def test_seed_index_holds_titles_and_abstracts_but_not_page_furniture(seed_site):
    docs = json.loads((seed_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = {d["location"] for d in docs}
    digest = build_digest(REPO / "content")
    for paper in digest.papers:
        assert f"papers/{paper.id}/" in locations
        assert f"papers/{paper.id}/#abstract" in locations
    assert not any(loc.endswith(("#where-it-was-listed", "#related-papers", "#code")) for loc in locations)
    theme_page = [d for d in docs if d["location"] == "themes/mamba-ssm/#papers"]
    assert theme_page and len(theme_page[0]["text"]) < 1000  # the list itself is not indexed


def test_abstracts_leave_the_index_when_all_of_them_exceed_the_budget(monkeypatch):
    digest = build_digest(REPO / "content")
    paper = digest.papers[0]
    page = PageRenderer(digest).paper_page(paper)
    assert '<h2 id="abstract">Abstract</h2>' in page.markdown()
    assert 'class="pd-abstract"' in page.search_view()  # what Material's search parses
    monkeypatch.setattr(pages, "SEARCH_ABSTRACT_BUDGET", 1000)
    page = PageRenderer(digest).paper_page(paper)
    assert '<h2 id="abstract" data-search-exclude>Abstract</h2>' in page.markdown()
    assert 'class="pd-abstract"' not in page.search_view() and "pd-title" in page.search_view()
