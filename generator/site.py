"""The whole site as files: path -> text, built from one Digest.

Both the MkDocs hook and the CLI call `render_site`; neither knows how a page
is made, and the mapping is complete before anything is written.
"""
from __future__ import annotations

from .data import papers_json
from .pages import PageRenderer
from .pipeline import Digest
from .report import report_json, report_page


def render_site(digest: Digest) -> dict[str, str]:
    renderer = PageRenderer(digest)
    files: dict[str, str] = {
        "index.md": renderer.home_page(),
        "papers/index.md": renderer.all_papers_page(),
        "papers.json": papers_json(digest.papers, digest),
    }
    for theme in digest.themes:
        files[f"themes/{theme.slug}.md"] = renderer.theme_page(theme)
    for paper in digest.papers:
        files[f"papers/{paper.id}.md"] = renderer.paper_page(paper)
    files["report.md"] = report_page(digest)
    files["report.json"] = report_json(digest)
    return files
