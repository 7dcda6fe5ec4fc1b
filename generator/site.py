"""The whole site as files: path -> text, built from one Digest.

Both the MkDocs hook and the CLI call `render_site`; neither knows how a page
is made, and the mapping is complete before anything is written.
"""
from __future__ import annotations

from .exports import to_bibtex, to_csv, to_json
from .feeds import absolute_url, atom_feed
from .misses import possible_misses
from .pages import PageRenderer
from .pipeline import Digest
from .related import related_papers
from .report import report_json, report_page


def exports(prefix: str, papers, digest: Digest, site_url: str) -> dict[str, str]:
    """papers.json / .csv / .bib for a set of papers, under `prefix` ("" or "themes/x/")."""
    return {
        f"{prefix}papers.json": to_json(papers, digest),
        f"{prefix}papers.csv": to_csv(papers, digest),
        f"{prefix}papers.bib": to_bibtex(papers, digest, site_url),
    }


DEFAULT_SITE_URL = "http://127.0.0.1:8000/"  # where `mkdocs serve` shows the site


def render_site(digest: Digest, site_url: str = DEFAULT_SITE_URL) -> dict[str, str]:
    """site_url is the absolute address the site is published at (feeds and BibTeX
    notes carry it)."""
    related = related_papers(digest.papers)
    renderer = PageRenderer(digest, related, possible_misses(digest, related))
    files: dict[str, str] = {
        "index.md": renderer.home_page(),
        "papers/index.md": renderer.all_papers_page(),
        "trends.md": renderer.trends_page(),
        "report.md": report_page(digest),
        "report.json": report_json(digest),
        "feed.xml": atom_feed(digest.papers, title="Paper Digest: all papers",
                              feed_url=absolute_url(site_url, "feed.xml"), site_url=site_url,
                              digest=digest),
        **exports("", digest.papers, digest, site_url),
    }
    for theme in digest.themes:
        prefix = f"themes/{theme.slug}/"
        papers = digest.papers_in(theme.slug)
        files[f"themes/{theme.slug}.md"] = renderer.theme_page(theme)
        files[f"{prefix}feed.xml"] = atom_feed(
            papers, title=f"Paper Digest: {theme.title}", subtitle=theme.description,
            feed_url=absolute_url(site_url, f"{prefix}feed.xml"), site_url=site_url,
            page_url=absolute_url(site_url, prefix), digest=digest)
        files.update(exports(prefix, papers, digest, site_url))
    for paper in digest.papers:
        files[f"papers/{paper.id}.md"] = renderer.paper_page(paper)
    return files
