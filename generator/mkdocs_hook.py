"""MkDocs glue, kept thin: run the pipeline in `on_files` and add every page and
data file in memory with File.generated, so nothing is written into docs_dir
and `mkdocs serve` does not rebuild in a loop.

Input problems become MkDocs warnings (so `mkdocs build --strict` fails on
them); a broken themes.yml or curation.yml aborts the build with one line.
"""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files

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
