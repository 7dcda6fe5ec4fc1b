"""MkDocs glue, kept thin: run the pipeline in `on_files` and add every page in
memory with File.generated, so nothing is written into docs_dir and `mkdocs
serve` does not rebuild in a loop.

Large digests: a page's text is made when MkDocs reads it (`on_page_read_source`);
the HTML body of a paper, theme or list page (`HtmlPage`) skips Markdown, is made
when MkDocs renders it into the theme (`on_page_context`) and dropped once written
(`on_post_page`); the long lists of the all-papers and theme pages are written
into their built pages a batch of items at a time (`on_post_build`); each
download is made when MkDocs copies it into the site (the JSON, CSV and BibTeX
exports a piece at a time; feeds hold at most 50 entries).
So the build never holds all pages and exports at once,
and Material's search parses only each HtmlPage's `search_view`, not its lists.

Input problems become MkDocs warnings (so `mkdocs build --strict` fails on
them); a broken themes.yml or curation.yml aborts the build with one line.
"""
from __future__ import annotations

import importlib
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from mkdocs.exceptions import Abort
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc


if TYPE_CHECKING:
    from generator.pages import HtmlPage
    from generator.site import SitePlan

MODULES = ("config", "pages", "pipeline", "site", "themes")


def _generator_modules() -> SimpleNamespace:
    """The generator's modules for this build.

    MkDocs loads this hook once per process, and Python keeps modules imported,
    so under `mkdocs serve` an edit to the generator's code would never reach the
    preview. When a .py file of the package changed since it was imported, the
    package is forgotten and imported again; unchanged code keeps its modules and
    what they remember between rebuilds (parsed pages, theme scores). Templates
    reload by themselves."""
    stamp = sorted((p.name, p.stat().st_mtime_ns) for p in Path(__file__).parent.glob("*.py"))
    loaded = sys.modules.get("generator")
    if loaded is not None and getattr(loaded, "source_stamp", stamp) != stamp:
        for name in [n for n in sys.modules if n == "generator" or n.startswith("generator.")]:
            del sys.modules[name]
    importlib.import_module("generator").source_stamp = stamp
    return SimpleNamespace(**{m: importlib.import_module(f"generator.{m}") for m in MODULES})


log = logging.getLogger("mkdocs.hooks.paper_digest")

_GEN: SimpleNamespace | None = None  # the generator's modules, taken by every on_config
_PLAN: SitePlan | None = None  # this build's site; replaced by every on_files
_LISTS: dict[str, Callable[[], Iterable[str]]] = {}  # built page -> its list items, see on_post_build
_HEADING = re.compile(r'^<h([2-6]) id="([^"]+)"[^>]*>([^<]*)</h[2-6]>$', re.M)


def content_dir(config) -> Path:
    return Path(config.config_file_path).parent / "content"


def _config_abort(exc: Exception) -> Abort:
    """One line on stderr naming file and key; MkDocs prints an Abort's text on stdout."""
    log.error("Paper Digest: %s", exc)
    return Abort("Aborted: fix the file named above.")


def on_config(config):
    """The nav names every theme in themes.yml, so a new theme needs no edit here."""
    global _GEN
    _GEN = _generator_modules()
    try:
        themes = _GEN.themes.load_themes(content_dir(config) / "themes.yml")
    except _GEN.config.ConfigError as exc:
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
    global _PLAN
    _PLAN = None
    _LISTS.clear()
    try:
        digest = _GEN.pipeline.build_digest(content_dir(config))
    except _GEN.config.ConfigError as exc:
        raise _config_abort(exc) from None
    for diagnostic in digest.diagnostics:
        log.warning("Paper Digest: %s", diagnostic)
    _PLAN = _GEN.site.plan_site(digest, config.site_url or _GEN.site.DEFAULT_SITE_URL)
    for path in _PLAN.paths():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)  # the generated file wins over one in docs_dir
        if path.endswith(".md"):
            files.append(File.generated(config, path, content=""))  # made in on_page_read_source
        else:
            download = _Download.generated(config, path, content="")
            download.plan = _PLAN
            files.append(download)
    return files


class _Download(File):
    """A feed or export: in Files, so Markdown links to it resolve, but made only
    when MkDocs copies it into the site (exports a piece at a time)."""

    plan: SitePlan

    @property
    def content_string(self) -> str:
        return self.plan.text(self.src_uri)

    @property
    def content_bytes(self) -> bytes:
        return self.content_string.encode("utf-8")

    def copy_file(self, dirty: bool = False) -> None:
        os.makedirs(os.path.dirname(self.abs_dest_path), exist_ok=True)
        with open(self.abs_dest_path, "w", encoding="utf-8", newline="") as out:
            self.plan.write(self.src_uri, out)


def on_env(env, config, files):
    """overrides/shared-parts.html keeps the parts of Material's page that pages
    outside the nav share in a store that lives for one build."""
    env.globals["paper_digest_shared"] = SharedParts()
    return env


class SharedParts(dict):
    """Rendered parts of Material's page (name -> HTML) shared by the pages of a folder."""

    VARIANTS = 8  # of one part in one folder; beyond, pages render the part themselves

    def __init__(self):
        super().__init__()
        self._variants: dict[tuple[str, str], set[str]] = {}
        self._page = self._folder = None  # the last page asked about, and its answer

    def key(self, part: str, page, nav, toc=None) -> str | None:
        """The name of `part` as shared by the pages of `page`'s folder (and, given a
        table of contents, by those with the same one), or None when the page renders
        it itself: pages in the nav (their nav item is active, their footer links to
        neighbours), pages that hide parts of Material's page, and pages whose table
        of contents is unlike those already kept (so memory stays bounded)."""
        folder = self._shared_folder(page, nav)
        if folder is None:
            return None
        key = f"{part} for pages in /{folder}"
        if toc is not None:
            key = f"{key} with contents {_toc_signature(toc)!r}"
        variants = self._variants.setdefault((part, folder), set())
        if key not in variants:
            if len(variants) >= self.VARIANTS:
                return None
            variants.add(key)
        return key

    def _shared_folder(self, page, nav) -> str | None:
        """The folder whose parts `page` shares, or None. Asked once per part, so six
        times a page: worked out for the first and kept. Membership of the nav is by
        identity (MkDocs' Page.__eq__ compares titles and files, 15 us a call here)."""
        if page is not self._page:
            shared = (page is not None and nav is not None
                      and not any(p is page for p in nav.pages)
                      and not (page.meta or {}).get("hide"))
            self._page = page
            self._folder = page.url.rstrip("/").rpartition("/")[0] if shared else None
        return self._folder


def _toc_signature(toc) -> tuple:
    return tuple((a.level, a.id, a.title, _toc_signature(a.children)) for a in toc)


class _HtmlDocument(Page):
    """A Page whose body is HTML made later (an HtmlPage): MkDocs' render() would
    build a Markdown converter with every extension to convert an empty text, and
    that costs more than the rest of reading the page. MkDocs has no event to skip
    it, so `on_pre_page` gives such pages this class, whose render() sets what
    Markdown would have set from an empty text."""

    def render(self, config, files) -> None:
        self.content = ""  # the body is set in on_page_context
        self.toc = get_toc([])
        self._title_from_render = None  # the title is in page.meta
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


def on_pre_page(page, config, files):
    if _html_page(page) is not None and type(page) is Page:
        page.__class__ = _HtmlDocument  # same object: the nav and file.page keep it
    return page


def on_page_read_source(page, config) -> str | None:
    if _PLAN is None:
        return None
    if page.file.src_uri in _PLAN.html_pages:
        return ""  # its front matter is set in on_page_markdown, its body in on_page_context
    make = _PLAN.files.get(page.file.src_uri)
    return make() if make is not None else None


def on_page_markdown(markdown: str, page, config, files) -> str:
    """An HtmlPage's front matter goes to MkDocs as it is, without a YAML round trip
    per page (dumping and parsing it cost more than the rest of reading the page)."""
    html_page = _html_page(page)
    if html_page is not None:
        page.meta = dict(html_page.front_matter)
    return markdown


def _html_page(page) -> HtmlPage | None:
    return _PLAN.html_pages.get(page.file.src_uri) if _PLAN is not None else None


@event_priority(100)  # before Material's search plugin reads page.content
def _search_view(context, page, config, nav):
    html_page = _html_page(page)
    if html_page is not None:
        page.content = html_page.search_view()
    return context


@event_priority(-100)  # after search, before the theme renders page.content
def _body(context, page, config, nav):
    html_page = _html_page(page)
    if html_page is None:
        return context
    if html_page.items is not None:
        page.content = html_page.shell()  # the items go in once MkDocs wrote the page
        _LISTS[page.file.abs_dest_path] = html_page.items
    else:
        page.content = html_page.body()
    # the table of contents Markdown would have made from the page's own headings
    page.toc = get_toc([{"level": int(level), "id": hid, "name": name, "children": []}
                        for level, hid, name in _HEADING.findall(page.content)])
    return context


on_page_context = CombinedEvent(_search_view, _body)


@event_priority(100)  # before plugins that read the built pages (minifiers and the like)
def on_post_build(config) -> None:
    """Long lists (the all-papers and theme pages) are written into their built pages
    here, a batch of items at a time, where the page has LIST_ITEMS_MARK."""
    try:
        for path, items in _LISTS.items():
            _write_list_items(Path(path), items)
    finally:
        _LISTS.clear()


def _write_list_items(path: Path, items) -> None:
    mark = _GEN.pages.LIST_ITEMS_MARK.encode("utf-8")
    parts = path.read_bytes().split(mark)
    if len(parts) != 2:
        raise Abort(f"Paper Digest: {path} should hold the list mark once, holds it {len(parts) - 1} times")
    partial_path = path.with_name(path.name + ".partial")
    with open(partial_path, "wb") as out:
        out.write(parts[0])
        for batch in items():  # encoded as MkDocs encodes a page
            out.write(batch.encode("utf-8", errors="xmlcharrefreplace"))
        out.write(parts[1])
    os.replace(partial_path, path)


def on_post_page(output: str, page, config) -> str:
    if _html_page(page) is not None:
        # written: MkDocs would otherwise keep every page's HTML and contents to the end
        page.content = None
        page.toc = get_toc([])
    return output
