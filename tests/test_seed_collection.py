"""The real seed collection: counts, pages for every title, theme pages, papers.json."""
import json
from html.parser import HTMLParser
from pathlib import Path

from generator.ids import title_key
from generator.pipeline import build_digest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "content" / "sources"


def seed_digest():
    return build_digest(REPO / "content")


def test_seed_files_are_shipped_byte_for_byte():
    shared = REPO.parent / "shared" / "seeds"
    if shared.is_dir():  # beside the repository in development and CI
        for seed in shared.glob("*.txt"):
            assert (SEEDS / seed.name).read_bytes() == seed.read_bytes()
    assert len(list(SEEDS.glob("*.txt"))) >= 5


def test_seeds_have_458_entries_and_414_distinct_papers_with_no_warning():
    digest = seed_digest()
    entries = sum(len(s.entries) for s in digest.sources)
    assert entries == 458
    assert len(digest.papers) == 414
    assert sum(len(p.sources) for p in digest.papers) == 458
    assert digest.diagnostics == ()
    assert {s.layout for s in digest.sources} == {"compact", "rich"}


def test_every_paper_id_is_unique_and_short():
    ids = [p.id for p in seed_digest().papers]
    assert len(set(ids)) == len(ids)
    assert all(0 < len(i) <= 80 and i == i.lower() and i.isascii() for i in ids)


class _Text(HTMLParser):
    """The h1 text, every link, and the links inside the paper list (ol.pd-list)."""

    def __init__(self):
        super().__init__()
        self.h1, self._in_h1, self.links, self.list_links, self._in_list = [], False, [], [], False

    def handle_starttag(self, tag, attrs):
        self._in_h1 = self._in_h1 or tag == "h1"
        if tag == "ol" and "pd-list" in (dict(attrs).get("class") or ""):
            self._in_list = True
        if tag == "a":
            self.links.append(dict(attrs).get("href", ""))
            if self._in_list:
                self.list_links.append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False
        if tag == "ol":
            self._in_list = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1.append(data)


def parse_html(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_seed_title_has_a_page_with_that_title(seed_site):
    digest = seed_digest()
    by_key = {title_key(p.title): p for p in digest.papers}
    for source in digest.sources:
        for entry in source.entries:
            paper = by_key[title_key(entry.title)]
            page = seed_site / "papers" / paper.id / "index.html"
            assert "".join(parse_html(page).h1).strip() == paper.title


def test_theme_pages_list_exactly_their_papers(seed_site):
    digest = seed_digest()
    for theme in digest.themes:
        page = parse_html(seed_site / "themes" / theme.slug / "index.html")
        linked = {h.rstrip("/").rsplit("/", 1)[-1] for h in page.list_links if "/papers/" in h}
        expected = {p.id for p in digest.papers_in(theme.slug)}
        assert expected, theme.slug
        assert linked == expected, theme.slug


def test_all_papers_page_lists_every_paper_themed_or_not(seed_site):
    page = parse_html(seed_site / "papers" / "index.html")
    linked = {h.rstrip("/").rsplit("/", 1)[-1] for h in page.links}
    assert {p.id for p in seed_digest().papers} <= linked


def test_papers_json_follows_the_data_contract(seed_site):
    data = json.loads((seed_site / "papers.json").read_text(encoding="utf-8"))
    papers = data["papers"]
    assert len(papers) == 414
    assert [p["id"] for p in papers] == sorted(p["id"] for p in papers)
    fields = {"id", "title", "abstract", "url", "themes", "date", "date_inferred", "authors",
              "organization", "upvotes", "code", "sources"}
    for p in papers:
        assert fields <= set(p)
        assert p["url"] == f"papers/{p['id']}/"
        assert (seed_site / p["url"] / "index.html").is_file()
        assert all(u.startswith(("http://", "https://")) for u in p["code"])
        assert all(":" in s and s.split(":")[0].endswith(".txt") for s in p["sources"])
    assert sum(len(p["sources"]) for p in papers) == 458
    inferred = [p for p in papers if p["date_inferred"]]
    assert inferred and all(p["date"] for p in inferred)


def test_paper_pages_are_not_in_the_nav(seed_site):
    home = (seed_site / "index.html").read_text(encoding="utf-8")
    start = home.find('<nav class="md-nav md-nav--primary"')
    nav = home[start:home.find('<div class="md-sidebar md-sidebar--secondary"', start)]
    assert "themes/mamba-ssm/" in nav and "papers/" in nav
    paper_ids = {p.id for p in seed_digest().papers}
    assert not any(f"papers/{pid}/" in nav for pid in paper_ids)


def test_every_link_within_the_site_leads_to_a_built_file(seed_site):
    """Pages, downloads and feeds linked from any page (the about page's Markdown links
    to papers.json included) exist where the link points."""
    broken = []
    pages = sorted(seed_site.rglob("*.html"))
    for page in pages:
        for href in parse_html(page).links:
            target = href.split("#", 1)[0].split("?", 1)[0]
            if not target or "://" in target or target.startswith(("mailto:", "javascript:")):
                continue
            base = seed_site if target.startswith("/") else page.parent  # 404.html: from the root
            resolved = (base / target.lstrip("/")).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                broken.append(f"{page.relative_to(seed_site)} -> {href}")
    assert len(pages) > 414
    assert broken == []


def test_paper_pages_share_the_nav_of_a_page_outside_it(seed_site):
    """Paper pages reuse one rendering of Material's nav sidebar: it must be the nav
    Material gives a page outside the nav (no item marked active) on every one."""
    def nav_of(path: Path) -> str:
        html = path.read_text(encoding="utf-8")
        start = html.find('<nav class="md-nav md-nav--primary"')
        return html[start:html.find("</nav>", html.find('<div class="md-sidebar md-sidebar--secondary"'))]
    papers = sorted((seed_site / "papers").glob("*/index.html"))
    navs = {nav_of(p) for p in papers}
    assert len(navs) == 1
    nav = navs.pop()
    assert "md-nav__link--active" not in nav and "md-nav__item--active" not in nav
    assert 'href="../../themes/mamba-ssm/"' in nav and 'href="../../about/"' in nav


def test_long_lists_are_written_whole_into_their_built_pages(seed_site):
    """The all-papers and theme lists go into the built pages a batch at a time after
    MkDocs wrote them; every paper of the list is there once, newest first, and
    nothing of the mark they replace is left."""
    import re

    from generator.model import newest_first
    from generator.pages import LIST_ITEMS_MARK
    digest = build_digest(REPO / "content")
    lists = {"papers/index.html": digest.papers,
             **{f"themes/{t.slug}/index.html": digest.papers_in(t.slug) for t in digest.themes}}
    for path, papers in lists.items():
        html = (seed_site / path).read_text(encoding="utf-8")
        assert LIST_ITEMS_MARK not in html and "paper-digest: list items" not in html
        shown = re.findall(r'<a class="pd-item__title" href="\.\./(?:\.\./)?papers/([^/"]+)/"', html)
        assert shown == [p.id for p in newest_first(papers)], path
        assert html.rstrip().endswith("</html>")
    assert len(lists["papers/index.html"]) == 414
