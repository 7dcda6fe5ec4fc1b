"""Rendering: a Digest -> Markdown pages, through Jinja2 templates in templates/.

Every value that comes from a source file is untrusted. In the Markdown we write,
such values only ever appear HTML-escaped (autoescape) inside raw HTML blocks,
in the middle of a line, so Markdown never parses them: no emphasis, heading,
table, link or front-matter key can come out of a title or an abstract.
Front matter is written by python-frontmatter (yaml.safe_dump); its `title` is
HTML-escaped too, because Material prints `page.meta.title` unescaped.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from typing import NamedTuple
from urllib.parse import quote_plus

import frontmatter
import jinja2
from markupsafe import Markup, escape

from .misses import possible_misses
from .model import MONTHS, Paper, newest_first
from .pipeline import Digest
from .trends import svg_bar_chart, table_rows, trend_counts, year_chart

LIST_ITEMS_MARK = "<!-- paper-digest: list items -->"  # never in escaped text: "<" is "&lt;"
SNIPPET_CHARS = 280
ITEMS_PER_BATCH = 500
# Material's search downloads its whole index before the first result: abstracts are
# indexed only while all of them together stay under this many characters (about
# 2,500 papers), so a large digest's index holds titles and stays a few megabytes.
SEARCH_ABSTRACT_BUDGET = 3_000_000
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["snippet"] = snippet
    env.filters["human_date"] = human_date
    return env


def relative_url(from_page: str, to: str) -> str:
    """A link from one directory-style URL ("papers/x/") to a site path ("themes/y/"),
    as the browser resolves it; raw HTML links are not rewritten by MkDocs."""
    return (to_site_root(from_page) + to) or "./"


def to_site_root(from_page: str) -> str:
    """The prefix that leads from a directory-style URL back to the site's root
    ("" from the root itself)."""
    return "../" * from_page.count("/")


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """One or two sentences of the abstract, cut at a word with an ellipsis if long."""
    sentences = _SENTENCE_END.split(text, maxsplit=2)  # two are all it can show
    out = sentences[0]
    if len(sentences) > 1 and len(out) + len(sentences[1]) < limit:
        out = f"{out} {sentences[1]}"
    if len(out) > limit:
        cut = out[:limit].rsplit(" ", 1)[0]
        out = cut.rstrip(",;:") + " …"
    return out


def human_date(paper: Paper) -> str:
    if paper.date is None:
        return "date unknown"
    text = f"{MONTHS[paper.date.month - 1]} {paper.date.day}, {paper.date.year}"
    return f"{text} (year inferred)" if paper.date_inferred else text


def search_links(title: str) -> list[tuple[str, str]]:
    q = quote_plus(title)
    return [
        ("arXiv", f"https://arxiv.org/search/?query={q}&searchtype=title"),
        ("Semantic Scholar", f"https://www.semanticscholar.org/search?q={q}"),
        ("Google Scholar", f"https://scholar.google.com/scholar?q={q}"),
    ]




def most_upvoted(papers, n: int) -> list[Paper]:
    voted = [p for p in papers if p.upvotes]
    return sorted(voted, key=lambda p: (-p.upvotes, p.id))[:n]


def year_counts(papers) -> list[tuple[str, int]]:
    counts = Counter(str(p.date.year) if p.date else "undated" for p in papers)
    return sorted(counts.items(), key=lambda kv: (kv[0] == "undated", kv[0]), reverse=False)


@dataclass(frozen=True)
class HtmlPage:
    """A page whose body the generator writes as HTML (`body: html` in its front
    matter), so Markdown never runs over it; made in parts so the MkDocs hook can
    make the body only when MkDocs renders the page, and let search parse only
    `search_view`: the same HTML without the parts search leaves out anyway."""

    front_matter: dict
    body: Callable[[], str]
    search_view: Callable[[], str]
    # A long list page's items apart from the rest of its body (`shell`, with
    # LIST_ITEMS_MARK where the items go), so the MkDocs hook can write them into the
    # built page a batch at a time: at 20,000 papers the list is 15 MB of HTML, and
    # MkDocs would hold several copies of it while rendering the page.
    shell: Callable[[], str] | None = None
    items: Callable[[], Iterator[str]] | None = None

    def markdown(self) -> str:
        return to_markdown(self.front_matter, self.body())


def to_markdown(meta: dict, body: str) -> str:
    return frontmatter.dumps(frontmatter.Post(body, **meta), sort_keys=True) + "\n"


@dataclass(frozen=True)
class ThemeLink:
    """A theme as a paper page or list item links to it."""

    href: str
    title: str


@dataclass(frozen=True)
class PaperTheme:
    """One of a paper's themes on its page, with the evidence for and against."""

    link: ThemeLink
    curated: str | None
    evidence_for: tuple
    evidence_against: tuple


class ListItem(NamedTuple):
    """A paper in a list, with what the item shows worked out once in Python (a
    template calling functions and methods costs several times more per item)."""

    paper: Paper
    href: str
    date: str  # ISO date or ""
    year: str
    themes: tuple[ThemeLink, ...]


class PageRenderer:
    """Holds what every page needs (themes, titles, related papers) for one Digest."""

    def __init__(self, digest: Digest):
        self.digest = digest
        self.index_abstracts = sum(len(p.abstract) for p in digest.papers) <= SEARCH_ABSTRACT_BUDGET
        self.by_id = {p.id: p for p in digest.papers}
        self.theme_by_slug = {t.slug: t for t in digest.themes}
        self.env = environment()
        self._templates: dict[str, jinja2.Template] = {}
        self._links_at_depth: dict[str, dict[str, ThemeLink]] = {}

    @cached_property
    def misses(self) -> dict:
        """Theme slug -> its possible misses (unthemed papers whose related papers are
        mostly in it)."""
        return possible_misses(self.digest, self.digest.related)

    def _template(self, name: str) -> jinja2.Template:
        """Looked up once per build: Jinja checks a template's file for changes at
        every look-up, a file system call per page."""
        found = self._templates.get(name)
        if found is None:
            found = self._templates[name] = self.env.get_template(name)
        return found

    def _render(self, template: str, page_url: str, **values) -> str:
        def url(to: str) -> str:
            return relative_url(page_url, to)
        return self._template(template).render(
            digest=self.digest, themes=self.digest.themes, theme_by_slug=self.theme_by_slug,
            url=url, page_url=page_url, **values)

    def _theme_links(self, page_url: str) -> dict[str, ThemeLink]:
        """Theme slug -> its link from pages at page_url's depth."""
        up = to_site_root(page_url)
        found = self._links_at_depth.get(up)
        if found is None:
            found = self._links_at_depth[up] = {
                t.slug: ThemeLink(f"{up}themes/{t.slug}/", t.title) for t in self.digest.themes}
        return found

    def list_items(self, papers: list[Paper], page_url: str, exclude_theme: str | None = None
                   ) -> list[ListItem]:
        links = self._theme_links(page_url)
        up = to_site_root(page_url)
        assignments = self.digest.assignments
        return [ListItem(p, up + p.url, p.date.isoformat() if p.date else "",
                         str(p.date.year) if p.date else "",
                         tuple(links[a.theme] for a in assignments[p.id] if a.theme != exclude_theme))
                for p in papers]

    def paper_page(self, paper: Paper) -> HtmlPage:
        return HtmlPage({"title": str(escape(paper.title)), "body": "html"},
                        partial(self._paper_body, paper), partial(self._paper_search_view, paper))

    def _paper_body(self, paper: Paper) -> str:
        up = to_site_root(paper.url)
        links = self._theme_links(paper.url)
        return self._template("paper.md.j2").render(
            paper=paper,
            themes=[PaperTheme(links[a.theme], a.curated,
                               tuple(e for e in a.evidence if e.weight > 0),
                               tuple(e for e in a.evidence if e.weight < 0))
                    for a in self.digest.assignments[paper.id]],
            exclusions=[(links[slug], reason)
                        for slug, reason in self.digest.exclusions.get(paper.id, ())],
            related=[(up + self.by_id[r].url, self.by_id[r].title)
                     for r in self.digest.related.get(paper.id, ())],
            search_links=search_links(paper.title),
            index_abstract=self.index_abstracts,
        )

    def _paper_search_view(self, paper: Paper) -> str:
        return self._template("paper_search.html.j2").render(paper=paper,
                                                              index_abstract=self.index_abstracts)

    def listing_page(self, template: str, page_url: str, title: str, papers, **values) -> HtmlPage:
        """A theme page or the full list: its search view is the page without its items."""
        ordered = newest_first(papers)
        years = year_counts(ordered)

        items = partial(self._item_batches, ordered, page_url, values.get("theme_slug"))

        def body(items_html: str) -> str:
            return self._render(template, page_url, papers=ordered, years=years,
                                items_html=Markup(items_html), **values)
        meta = {"title": title, "body": "html"}
        if values.get("theme_slug"):
            meta.update(feed=f"themes/{values['theme_slug']}/feed.xml",
                        feed_title=f"{title} (Atom feed)")
        return HtmlPage(meta, lambda: body("".join(items())), partial(body, ""),
                        shell=partial(body, LIST_ITEMS_MARK), items=items)

    def _item_batches(self, papers: list[Paper], page_url: str, theme_slug: str | None
                      ) -> Iterator[str]:
        """The list's items, rendered a batch at a time (see items.html.j2)."""
        for i in range(0, len(papers), ITEMS_PER_BATCH):
            yield self._template("items.html.j2").render(
                items=self.list_items(papers[i:i + ITEMS_PER_BATCH], page_url, theme_slug))

    def theme_page(self, theme) -> HtmlPage:
        papers = self.digest.papers_in(theme.slug)
        misses = [(self.by_id[m.paper], [self.by_id[n] for n in m.neighbours])
                  for m in self.misses.get(theme.slug, ())]
        return self.listing_page("theme.md.j2", f"themes/{theme.slug}/", theme.title, papers,
                                 theme=theme, theme_slug=theme.slug, misses=misses)

    def trends_page(self) -> str:
        trends = trend_counts(self.digest)
        charts = {
            "years": year_chart(trends, "Papers per theme per year", chart_id="years"),
            "months": svg_bar_chart(trends.month_labels, trends.by_month,
                                    f"Papers per theme per month of {trends.latest_year}",
                                    chart_id="months") if trends.months else "",
        }
        body = self._render(
            "trends.md.j2", "trends/", trends=trends,
            charts={k: Markup(v) for k, v in charts.items()},
            year_rows=table_rows(trends.year_labels, trends.by_year + (trends.all_by_year,)),
            month_rows=table_rows(trends.month_labels, trends.by_month + (trends.all_by_month,),
                                  first_header="Month"))
        return to_markdown({"title": "Trends"}, body)

    def all_papers_page(self) -> HtmlPage:
        return self.listing_page("papers.md.j2", "papers/", "All papers", self.digest.papers,
                                 theme_slug=None)

    def home_page(self) -> str:
        papers = self.digest.papers
        body = self._render("home.md.j2", "", newest=newest_first(papers)[:10],
                            upvoted=most_upvoted(papers, 10),
                            counts={t.slug: len(self.digest.papers_in(t.slug)) for t in self.digest.themes})
        return to_markdown({"title": "Home"}, body)
