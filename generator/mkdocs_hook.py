"""MkDocs glue, kept thin: run the pipeline in `on_files` and add every page and
data file in memory with File.generated, so nothing is written into docs_dir
and `mkdocs serve` does not rebuild in a loop.

Input problems become MkDocs warnings (so `mkdocs build --strict` fails on
them); a broken themes.yml or curation.yml aborts the build with one line.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from generator.config import ConfigError
from generator.pipeline import build_digest
from generator.site import DEFAULT_SITE_URL, render_site
from generator.themes import load_themes

log = logging.getLogger("mkdocs.hooks.paper_digest")


def content_dir(config) -> Path:
    return Path(config.config_file_path).parent / "content"


def _config_abort(exc: ConfigError) -> Abort:
    """One line on stderr naming file and key; MkDocs prints an Abort's text on stdout."""
    log.error("Paper Digest: %s", exc)
    return Abort("Aborted: fix the file named above.")


def on_config(config):
    """The nav names every theme in themes.yml, so a new theme needs no edit here."""
    try:
        themes = load_themes(content_dir(config) / "themes.yml")
    except ConfigError as exc:
        raise _config_abort(exc) from None
    config.nav = [
        {"Home": "index.md"},
        {"Themes": [{t.title: f"themes/{t.slug}.md"} for t in themes]},
        {"All papers": "papers/index.md"},
        {"Trends": "trends.md"},
        {"Build report": "report.md"},
        {"About": "about.md"},
    ]
    return config


_HTML_BODIES: dict[str, str] = {}
_HEADING = re.compile(r'^<h([2-6]) id="([^"]+)"[^>]*>([^<]*)</h[2-6]>$', re.M)


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Pages whose body the generator wrote as HTML (`body: html`) skip Markdown:
    converting thousands of them is most of what Markdown costs a build."""
    if page.meta.get("body") == "html":
        _HTML_BODIES[page.file.src_uri] = markdown
        return ""
    return markdown


def on_page_content(html: str, page, config, files) -> str:
    body = _HTML_BODIES.pop(page.file.src_uri, None)
    if body is None:
        return html
    # the table of contents Markdown would have made from the page's own headings
    page.toc = get_toc([{"level": int(level), "id": hid, "name": name, "children": []}
                        for level, hid, name in _HEADING.findall(body)])
    return body


def on_files(files: Files, config) -> Files:
    try:
        digest = build_digest(content_dir(config))
    except ConfigError as exc:
        raise _config_abort(exc) from None
    for diagnostic in digest.diagnostics:
        log.warning("Paper Digest: %s", diagnostic)
    for path, text in sorted(render_site(digest, config.site_url or DEFAULT_SITE_URL).items()):
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=text))
    return files
