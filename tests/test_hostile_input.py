"""Untrusted text in titles and abstracts reaches every page as text, never as markup.

Each fixture set in tests/data/hostile/ is one listing page (sources/*.txt) full of
HTML, Jinja, Markdown and YAML syntax, with expected.json giving every paper's title
and abstract exactly as they must be read back. Every title carries "BERT", so every
paper is also listed on the BERT theme page. A set is built with `mkdocs build` in a
project copy and the HTML is read back element by element (tests/sitecheck.py):

- the title and abstract are the text of their element, with no element inside it, on
  the paper page, the all-papers list, the theme page and the home page, and in
  papers.json;
- no element anywhere has an on* attribute, and every link and src is relative or
  http(s) -- never javascript:, data: or vbscript:;
- the article holds no <script>, <iframe>, <img>, <em>, ... at all, and <strong>,
  <table>, <code> and headings only where our templates put them.

Feeds and exports (generator/feeds.py, generator/exports.py) were not yet part of
render_site when this was written; when they are, their files should be read back here
too: test_feeds_and_exports_if_present_keep_text_exact reads back every XML, JSON and
CSV file the site holds besides MkDocs' own, and skips while there is none.
"""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.pages import snippet
from sitecheck import DATA, REPO, Element, article, build, make_project, read_html

HOSTILE = DATA / "hostile"
SETS = ("html", "markdown", "yaml")
THEME_PAGE = "themes/bert-variants/index.html"
SAFE_SCHEMES = {"", "http", "https"}
# Nothing from a source file may become one of these; our templates never write them.
NEVER_IN_ARTICLE = {"script", "iframe", "frame", "style", "img", "svg", "math", "object", "embed",
                    "textarea", "template", "noscript", "body", "head", "title", "base", "meta",
                    "link", "em", "i", "b", "u", "s", "del", "ins", "mark", "sup", "sub",
                    "blockquote", "hr", "pre", "dl", "dt", "dd", "video", "audio"}
# Where our templates put <code> and <strong>: the classes of their containers.
CODE_CONTAINERS = {"pd-sources", "pd-report", "pd-skipped", "pd-warnings", "pd-lead"}
STRONG_CONTAINERS = {"pd-themes", "pd-evidence"}
TEMPLATE_HEADINGS = {
    # the heading's words, without Jinja tags or an attr_list "{ data-search-exclude }"
    re.sub(r"\{%.*?%\}|\{[^{}]*\}", "", line.lstrip("#")).strip()
    for path in (REPO / "generator" / "templates").glob("*.j2")
    for line in path.read_text(encoding="utf-8").splitlines()
    if re.match(r"^#{1,6} ", line)
} | {
    # headings the templates write as HTML
    text
    for path in (REPO / "generator" / "templates").glob("*.j2")
    for text in re.findall(r"<h[2-6][^>]*>([^<{]+)</h[2-6]>", path.read_text(encoding="utf-8"))
}


def expected(name: str) -> list[dict]:
    return json.loads((HOSTILE / name / "expected.json").read_text(encoding="utf-8"))["papers"]


@pytest.fixture(scope="module", params=SETS)
def hostile(request, tmp_path_factory):
    name = request.param
    project = make_project(tmp_path_factory.mktemp(f"hostile-{name}"), HOSTILE / name / "sources",
                           themes=HOSTILE / "themes.yml")
    site = build(project)
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))["papers"]
    return name, site, papers, expected(name)


def generated_pages(site: Path) -> list[Path]:
    """Every HTML page made from the digest (about.md is written by maintainers)."""
    pages = [site / "index.html", site / "papers" / "index.html", site / "report" / "index.html"]
    pages += sorted((site / "themes").glob("*/index.html"))
    pages += sorted((site / "papers").glob("*/index.html"))
    return pages


def only_text(element: Element | None) -> str:
    """The element's text, after checking nothing in it is an element."""
    assert element is not None
    assert element.elements() == [], f"<{element.tag}> holds elements: {element.elements()}"
    return element.text


def record_for(papers: list[dict], title: str) -> dict:
    matches = [p for p in papers if p["title"] == title]
    assert len(matches) == 1, f"papers.json has {len(matches)} records titled {title!r}"
    return matches[0]


def test_hostile_fixture_is_read_without_warnings(hostile):
    """The markup is text to the parser too: every entry is read, none skipped."""
    name, site, papers, wanted = hostile
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["skipped"] == 0
    assert report["totals"]["warnings"] == 0
    assert len(papers) == len(wanted)


def test_papers_json_keeps_title_and_abstract_exactly(hostile):
    name, site, papers, wanted = hostile
    for paper in wanted:
        record = record_for(papers, paper["title"])
        assert record["abstract"] == paper["abstract"]
        if "organization" in paper:
            assert record["organization"] == paper["organization"]
        for url in record["code"]:
            assert urlsplit(url).scheme.lower() in ("http", "https"), url


def test_paper_page_shows_title_abstract_and_organisation_as_text(hostile):
    name, site, papers, wanted = hostile
    for paper in wanted:
        record = record_for(papers, paper["title"])
        page = read_html(site / record["url"] / "index.html")
        content = article(page)
        assert only_text(content.find("h1", "pd-title")) == paper["title"]
        assert only_text(content.find("p", "pd-abstract")) == paper["abstract"]
        assert only_text(page.find("title")) == f"{paper['title']} - Paper Digest"
        header = [only_text(span).strip() for topic in page.find_all("div", "md-header__topic")
                  for span in topic.find_all("span", "md-ellipsis")]
        assert paper["title"] in header
        if "organization" in paper:
            assert only_text(content.find("span", "pd-org")) == paper["organization"]
        code = content.find("ul", "pd-code")
        links = [a.attrs["href"] for a in code.find_all("a")] if code else []
        assert links == record["code"]


@pytest.mark.parametrize("listing", ["papers/index.html", THEME_PAGE])
def test_listings_show_titles_and_snippets_as_text(hostile, listing):
    name, site, papers, wanted = hostile
    content = article(read_html(site / listing))
    items = content.find_all("li", "pd-item")
    shown = {only_text(item.find("a", "pd-item__title")): only_text(item.find("span", "pd-item__snippet"))
             for item in items}
    assert shown == {p["title"]: snippet(p["abstract"]) for p in wanted}


def test_home_lists_every_title_as_text(hostile):
    name, site, papers, wanted = hostile
    content = article(read_html(site / "index.html"))
    newest = [only_text(a) for ol in content.find_all("ol", "pd-short") for a in ol.find_all("a")]
    assert {p["title"] for p in wanted} <= set(newest)


def test_no_page_has_event_handlers_or_unsafe_links(hostile):
    name, site, papers, wanted = hostile
    for path in generated_pages(site):
        for element in read_html(path).iter():
            handlers = [a for a in element.attrs if a.lower().startswith("on")]
            assert not handlers, f"{path}: <{element.tag} {handlers}>"
            for attr in ("href", "src", "action", "formaction", "srcset", "data"):
                value = element.attrs.get(attr)
                if value is not None:
                    scheme = urlsplit(value.strip()).scheme.lower()
                    assert scheme in SAFE_SCHEMES, f"{path}: <{element.tag} {attr}={value!r}>"


def test_no_element_in_the_article_comes_from_source_text(hostile):
    name, site, papers, wanted = hostile
    for path in generated_pages(site):
        content = article(read_html(path))
        headings = []
        for element in content.iter():
            classes = {c for a in element.ancestors() for c in a.classes}
            assert element.tag not in NEVER_IN_ARTICLE, f"{path}: <{element.tag}> {element.text!r}"
            if element.tag == "br":
                assert "pd-item" in element.parent.classes, f"{path}: <br> in {element.parent.tag}"
            if element.tag == "code":
                assert classes & CODE_CONTAINERS, f"{path}: <code>{element.text}</code>"
            if element.tag == "strong":
                assert classes & STRONG_CONTAINERS, f"{path}: <strong>{element.text}</strong>"
            if element.tag == "table":
                assert element.classes & {"pd-years", "pd-report"}, f"{path}: table {element.attrs}"
            if element.tag == "a" and element.parent is not None and element.parent.tag == "li":
                assert element.elements() == [] or element.find("strong") is not None
            if re.fullmatch(r"h[1-6]", element.tag):
                headings.append(element)
        assert sum(h.tag == "h1" for h in headings) == 1, path
        for h in headings:
            if h.tag != "h1":
                assert only_text(h) in TEMPLATE_HEADINGS, f"{path}: <{h.tag}>{h.text}</{h.tag}>"


def test_scripts_on_the_page_are_only_the_themes(hostile):
    """Material puts a few scripts outside the article; none carries source text."""
    name, site, papers, wanted = hostile
    markers = re.compile(r"xss|alert\(|onerror|javascript:", re.IGNORECASE)
    for path in generated_pages(site):
        page = read_html(path)
        assert article(page).find_all("script") == [], path
        for script in page.find_all("script"):
            assert not markers.search(script.text), f"{path}: {script.text[:200]!r}"


def test_search_index_holds_source_text_escaped(hostile):
    """Material's search shows index text as HTML, so markup must stay escaped there."""
    name, site, papers, wanted = hostile
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for value in (doc["title"], doc["text"]):
            assert not re.search(r"<\s*(script|img|svg|iframe|a\s|div\s|body)", value, re.I), value[:300]


# Elements no feed vocabulary has: in a feed they could only come from source text.
HTML_ONLY = {"script", "iframe", "img", "svg", "style", "a", "p", "em", "strong", "b", "i", "table",
             "h1", "h2", "h3", "body", "div", "span", "object", "embed", "br", "code"}


def data_files(site: Path) -> list[Path]:
    """Feeds and exports: every XML, JSON and CSV file we write, wherever it is."""
    theirs = {"sitemap.xml", "search_index.json"}
    return sorted(p for p in site.rglob("*") if p.suffix in (".xml", ".json", ".csv")
                  and p.name not in theirs and p.relative_to(site).as_posix() not in ("papers.json", "report.json"))


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def test_feeds_and_exports_if_present_keep_text_exact(hostile):
    """Feeds and exports, once render_site writes them: titles are exact text values and no
    element comes from source text. (BibTeX is not read back: its text is LaTeX-escaped.)"""
    name, site, papers, wanted = hostile
    present = data_files(site)
    if not present:
        pytest.skip("render_site writes no feed or export yet")
    titles = {p["title"] for p in wanted}
    for path in present:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".xml":
            root = ET.fromstring(text)
            tags = {e.tag.rsplit("}", 1)[-1] for e in root.iter()}
            assert not tags & HTML_ONLY, f"{path}: {tags & HTML_ONLY}"
            values = {(e.text or "") for e in root.iter()}
        elif path.suffix == ".json":
            values = set(strings_in(json.loads(text)))
        else:
            values = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
        if path.parent == site:  # the whole digest: every paper is there
            assert titles <= values, f"{path.name}: {sorted(titles - values)}"
