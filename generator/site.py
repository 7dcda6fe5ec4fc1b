"""The whole site as files: path -> how to make its text, from one Digest.

Both the MkDocs hook and the CLI start from `plan_site`; neither knows how a
page is made. Nothing is rendered until asked, so the hook can make each page
when MkDocs reads it and each download when it is written, instead of holding
all of a large digest's pages and exports in memory at once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from .data import iter_papers_json
from .exports import iter_bibtex, iter_csv
from .feeds import absolute_url, atom_feed
from .pages import HtmlPage, PageRenderer
from .pipeline import Digest
from .report import report_json, report_page

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"  # where `mkdocs serve` shows the site


@dataclass(frozen=True)
class SitePlan:
    """Every file of the site, each made only when called."""

    files: dict[str, Callable[[], str]]  # path -> its text: pages, feeds, the report
    html_pages: dict[str, HtmlPage]  # pages among `files` whose body is HTML, in parts
    downloads: dict[str, Callable[[], Iterable[str]]]  # JSON, CSV and BibTeX, in pieces

    def paths(self) -> list[str]:
        return sorted([*self.files, *self.downloads])

    def text(self, path: str) -> str:
        return "".join(self.downloads[path]()) if path in self.downloads else self.files[path]()

    def write(self, path: str, out) -> None:
        """Write one file's text to a text stream; a download a piece at a time."""
        if path in self.downloads:
            out.writelines(self.downloads[path]())
        else:
            out.write(self.files[path]())

    def render(self) -> dict[str, str]:
        return {path: self.text(path) for path in self.paths()}


def exports(prefix: str, papers, digest: Digest, site_url: str
            ) -> dict[str, Callable[[], Iterable[str]]]:
    """papers.json / .csv / .bib for a set of papers, under `prefix` ("" or "themes/x/")."""
    return {
        f"{prefix}papers.json": partial(iter_papers_json, papers, digest),
        f"{prefix}papers.csv": partial(iter_csv, papers, digest),
        f"{prefix}papers.bib": partial(iter_bibtex, papers, digest, site_url),
    }


def plan_site(digest: Digest, site_url: str = DEFAULT_SITE_URL) -> SitePlan:
    """site_url is the absolute address the site is published at (feeds and BibTeX
    notes carry it)."""
    renderer = PageRenderer(digest)
    html_pages = {"papers/index.md": renderer.all_papers_page()}
    files: dict[str, Callable[[], str]] = {
        "index.md": renderer.home_page,
        "trends.md": renderer.trends_page,
        "report.md": partial(report_page, digest),
        "report.json": partial(report_json, digest),
        "feed.xml": partial(atom_feed, digest.papers, title="Paper Digest: all papers",
                            feed_url=absolute_url(site_url, "feed.xml"), site_url=site_url,
                            digest=digest),
    }
    downloads = exports("", digest.papers, digest, site_url)
    for theme in digest.themes:
        prefix = f"themes/{theme.slug}/"
        papers = digest.papers_in(theme.slug)
        html_pages[f"themes/{theme.slug}.md"] = renderer.theme_page(theme)
        files[f"{prefix}feed.xml"] = partial(
            atom_feed, papers, title=f"Paper Digest: {theme.title}", subtitle=theme.description,
            feed_url=absolute_url(site_url, f"{prefix}feed.xml"), site_url=site_url,
            page_url=absolute_url(site_url, prefix), digest=digest)
        downloads.update(exports(prefix, papers, digest, site_url))
    for paper in digest.papers:
        html_pages[f"papers/{paper.id}.md"] = renderer.paper_page(paper)
    for path, page in html_pages.items():
        files[path] = page.markdown
    return SitePlan(files, html_pages, downloads)


def render_site(digest: Digest, site_url: str = DEFAULT_SITE_URL) -> dict[str, str]:
    """Every file's text; what the CLI writes and the tests read."""
    return plan_site(digest, site_url).render()
