"""Property: any title and abstract survive read -> parse -> render -> Markdown -> HTML as text.

Titles and abstracts are drawn from arbitrary Unicode mixed with HTML, Jinja, Markdown and
YAML syntax. Each example is written as a compact listing page (as UTF-8 bytes), read with
the real reader, turned into a Digest by the real pipeline (real themes.yml), rendered by
the real templates, and converted with the Markdown extensions mkdocs.yml configures (as
MkDocs' own config loading resolves them). Then:

- the text read back equals the text written, after the documented normalisation
  (sources.py, parse.py): control characters and noncharacters removed, NFC, every run
  of whitespace one space, ends trimmed -- computed here independently;
- every page has exactly the elements and attributes the same page has for a plain
  title and abstract: nothing in the text became an element;
- the front matter title, which Material prints unescaped, reads back as the same text
  and holds no element; papers.json holds the same text.

Line ends (LF, CR) are excluded from the generated text: they are the layout's structure.
"""
from __future__ import annotations

import json
import shutil
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.ids import title_key
from generator.pages import PageRenderer, snippet, to_markdown
from generator.pipeline import build_digest
from generator.site import render_site
from sitecheck import REPO, Element, parse_html, render_markdown

HEADER = "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\n"
# A plain first entry, long enough that the binary-file sniffing (first 8 KiB) never sees
# the generated text: control characters in it are to be removed, not to reject the file.
PADDING_TITLE = "A Plain Padding Paper"
PADDING = "Subscribe" + PADDING_TITLE + "\n" + ("Plain words about nothing much. " * 270).strip() + "\n"

MARKUP = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:x\">",
    "</p>", "</h1>", "<br>", "<!--", "-->", "<![CDATA[", "]]>", "{{ config }}", "{% raw %}",
    "{# c #}", "*", "**", "_", "__", "#", "## ", "`", "```", "~~~", "|", "| --- |",
    "[x](javascript:alert(1))", "[x]: javascript:y", "![i](x.png)", "<https://a.example>",
    "https://example.org/code", "---", "...", "===", ": ", "- ", "+ ", "1. ", "> ", "&", "&amp;",
    "&lt;", "&#60;", "&nbsp;", "!", "!!python/object", "? ", "%", "@", "'", '"', "\\", "\t",
    "  ", "\u00a0", "\u2028", "\x85", "\x00", "\x02wzxhzdk:0\x03", "\x1b[1m", "\u202e", "\u200b",
    "\ufeff", "\uffff", "e\u0301", "\u1e0b\u0323", "\U0001f600",
]
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r")
PIECE = st.one_of(st.sampled_from(MARKUP), st.text(CHARS, min_size=1, max_size=6))
TITLE = st.lists(PIECE, min_size=1, max_size=10).map("".join).filter(lambda t: len(t) <= 100)
ABSTRACT = st.lists(PIECE, min_size=1, max_size=40).map("".join)

NONCHARACTERS = {c for c in range(0xFDD0, 0xFDF0)} | {
    plane * 0x10000 + low for plane in range(17) for low in (0xFFFE, 0xFFFF)}


def documented(raw: str) -> str:
    """The normalisation sources.py and parse.py document, written out independently."""
    kept = "".join(c for c in raw if c == "\t" or (
        unicodedata.category(c) != "Cc" and ord(c) not in NONCHARACTERS))
    return " ".join(unicodedata.normalize("NFC", kept).split())


def shape(root: Element) -> list[tuple]:
    """Every element with the attributes that say what it is (not where it links)."""
    return [(e.tag, tuple(sorted((k, v) for k, v in e.attrs.items() if k not in ("href", "data-date")
                                 and not k.startswith("data-year"))))
            for e in root.iter()]


def only_text(element: Element | None) -> str:
    assert element is not None
    assert element.elements() == [], element.elements()
    return element.text


_CONTENT = Path(tempfile.mkdtemp(prefix="pd-property-"))


def content_dir() -> Path:
    if not (_CONTENT / "themes.yml").exists():
        (_CONTENT / "sources").mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / "content" / "themes.yml", _CONTENT / "themes.yml")
        (_CONTENT / "curation.yml").write_text("pins: []\n", encoding="utf-8")
    return _CONTENT


def digest_for(title: str, abstract: str):
    content = content_dir()
    page = HEADER + PADDING + title + "\n" + abstract + "\n"
    (content / "sources" / "page.txt").write_bytes(page.encode("utf-8"))
    return build_digest(content)


def pages(digest) -> dict[str, str]:
    renderer = PageRenderer(digest)
    paper = next(p for p in digest.papers if p.title != PADDING_TITLE)
    paper_page, all_page = renderer.paper_page(paper), renderer.all_papers_page()
    return {"paper": paper_page.markdown(), "all": all_page.markdown(), "home": renderer.home_page(),
            # what Material's search parses of those pages (the MkDocs hook's search views)
            "paper search": to_markdown(paper_page.front_matter, paper_page.search_view()),
            "all search": to_markdown(all_page.front_matter, all_page.search_view())}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TITLE, abstract=ABSTRACT)
def test_untrusted_text_survives_as_text(title, abstract):
    want_title, want_abstract = documented(title), documented(abstract)
    assume(want_title and want_abstract)
    assume(title_key(want_title) != title_key(PADDING_TITLE))

    digest = digest_for(title, abstract)
    assert [str(d) for d in digest.diagnostics] == []
    entry = next(e for s in digest.sources for e in s.entries if e.line == 5)
    assert (entry.title, entry.abstract) == (want_title, want_abstract)
    paper = next(p for p in digest.papers if p.sources == ("page.txt:5",))
    assert (paper.title, paper.abstract) == (want_title, want_abstract)

    # the same digest with a plain title and abstract: the shape every page must keep
    plain = replace(digest, papers=tuple(
        replace(p, title="Plain title", abstract="Plain abstract.") if p is paper else p
        for p in digest.papers))
    for name, text in pages(digest).items():
        meta, html = render_markdown(text)
        _, plain_html = render_markdown(pages(plain)[name])
        assert shape(html) == shape(plain_html), name
        if name in ("paper", "paper search"):
            assert only_text(html.find("h1", "pd-title")) == want_title
            assert only_text(html.find("p", "pd-abstract")) == want_abstract
        if name == "paper":
            title_html = parse_html(meta["title"])  # Material prints it as it is
            assert title_html.elements() == [] and title_html.text == want_title
            for a in html.find("ul", "pd-code").find_all("a") if html.find("ul", "pd-code") else []:
                assert a.attrs["href"].lower().startswith(("http://", "https://"))
        elif name == "all":
            item = next(li for li in html.find_all("li", "pd-item")
                        if only_text(li.find("a", "pd-item__title")) == want_title)
            assert only_text(item.find("span", "pd-item__snippet")) == snippet(want_abstract)
        elif name == "home":
            shown = [only_text(a) for ol in html.find_all("ol", "pd-short") for a in ol.find_all("a")]
            assert want_title in shown

    data = json.loads(render_site(digest)["papers.json"])["papers"]
    record = next(r for r in data if r["sources"] == ["page.txt:5"])
    assert (record["title"], record["abstract"]) == (want_title, want_abstract)
