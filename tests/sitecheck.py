"""Helpers for tests that build a throwaway copy of the project and read the HTML back.

A project copy holds mkdocs.yml, content/themes.yml, content/curation.yml,
content/pages/, overrides/ and generator/, with content/sources replaced by fixture
files. `mkdocs build` runs in a subprocess from inside the copy, so the copy's own
generator/ is the one imported.

HTML is read with the standard library's html.parser into a small element tree, so
assertions are about elements, attributes and text, never about substrings of markup.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}


def make_project(dest: Path, *source_dirs: Path, themes: Path | None = None) -> Path:
    """A project copy whose content/sources holds the *.txt files of `source_dirs`.

    With `themes`, that file replaces content/themes.yml and curation.yml is emptied
    (its pins name the real themes and seed papers)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "content").mkdir(exist_ok=True)
    for name in ("themes.yml", "curation.yml"):
        if (REPO / "content" / name).exists():
            shutil.copy2(REPO / "content" / name, dest / "content" / name)
    if themes is not None:
        shutil.copy2(themes, dest / "content" / "themes.yml")
        (dest / "content" / "curation.yml").write_text("pins: []\n", encoding="utf-8")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("content/pages", "overrides", "generator"):
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, dest / part, ignore=ignore, dirs_exist_ok=True)
    sources = dest / "content" / "sources"
    sources.mkdir(exist_ok=True)
    for folder in source_dirs:
        for path in sorted(folder.glob("*.txt")):
            shutil.copy2(path, sources / path.name)
    return dest


def run_mkdocs(project: Path, *args: str, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess:
    """`python -m mkdocs build ARGS` inside the project copy."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=project,
                          capture_output=True, text=True, env=full_env, timeout=300)


def build(project: Path, *args: str, env: dict[str, str] | None = None) -> Path:
    """Build into project/site (MkDocs cleans it first) and return that folder."""
    result = run_mkdocs(project, *args, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return project / "site"


# --- HTML ------------------------------------------------------------------------------

@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = None
    children: list = field(default_factory=list)  # Element or str

    def iter(self):
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        return [e for e in self.iter()
                if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)]

    def find(self, tag: str | None = None, cls: str | None = None) -> Element | None:
        found = self.find_all(tag, cls)
        return found[0] if found else None

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def read_html(path: Path) -> Element:
    return parse_html(path.read_text(encoding="utf-8"))


def article(page: Element) -> Element:
    """The page content Material renders from our Markdown."""
    found = page.find("article", "md-content__inner")
    assert found is not None, "no article element"
    return found


# --- Markdown, rendered the way MkDocs renders our pages ------------------------------

@functools.lru_cache(maxsize=1)
def markdown_options() -> tuple[tuple[str, ...], dict]:
    """markdown_extensions from mkdocs.yml, as MkDocs' own config loading resolves them."""
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    return tuple(config["markdown_extensions"]), dict(config["mdx_configs"])


def render_markdown(text: str) -> tuple[dict, Element]:
    """A generated .md file -> (front matter as MkDocs reads it, HTML body as a tree)."""
    import markdown
    from mkdocs.utils.meta import get_data

    body, meta = get_data(text)
    extensions, configs = markdown_options()
    html = markdown.Markdown(extensions=list(extensions), extension_configs=configs).convert(body)
    return meta, parse_html(html)
