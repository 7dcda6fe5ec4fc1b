"""Parts of Material's page shared by the paper pages (overrides/shared-parts.html).

Pages outside the nav reuse one rendering per folder of the nav sidebar, header,
stylesheets, footer, configuration and scripts, with each page's own title and
table of contents put back. The pages must come out exactly as Material alone
would render them: the seed site is built again with shared-parts.html reduced
to `{% extends "base.html" %}`, and every page is compared byte for byte.
"""
from __future__ import annotations

import re
from pathlib import Path

from generator.mkdocs_hook import SharedParts
from sitecheck import REPO, build, make_project


def html_pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_every_page_is_what_material_renders_without_shared_parts(seed_site, tmp_path):
    project = make_project(tmp_path / "project", REPO / "content" / "sources")
    (project / "overrides" / "shared-parts.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    plain = build(project, "--strict")
    shared, unshared = html_pages(seed_site), html_pages(plain)
    assert shared.keys() == unshared.keys()
    papers = [path for path in shared if path.startswith("papers/") and path != "papers/index.html"]
    assert len(papers) == 414
    assert [path for path in shared if shared[path] != unshared[path]] == []


def test_each_paper_page_keeps_its_own_title_and_contents(seed_site):
    """The shared header and sidebar are cut around the title and the table of
    contents; every paper page shows its own."""
    for page in (seed_site / "papers").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        title = re.search(r"<title>(.*) - Paper Digest</title>", html).group(1)
        topic = re.search(r'data-md-component="header-topic">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>',
                          html, re.S).group(1)
        assert topic == title
        toc = re.search(r'data-md-type="toc"(.*?)</nav>', html, re.S).group(1)
        headings = re.findall(r'<h2 id="([^"]+)"', html)
        assert headings and all(f'href="#{h}"' in toc for h in headings)


class Page:
    def __init__(self, url):
        self.url, self.meta = url, {}


class Heading:
    def __init__(self, anchor):
        self.level, self.id, self.title, self.children = 2, anchor, anchor.title(), []


def test_shared_parts_are_kept_per_folder_for_pages_outside_the_nav_only():
    nav = type("Nav", (), {"pages": [Page("about/")]})()
    shared = SharedParts()
    assert shared.key("header", nav.pages[0], nav) is None
    assert shared.key("header", Page("papers/a/"), nav) == shared.key("header", Page("papers/b/"), nav)
    assert shared.key("header", Page("papers/a/"), nav) != shared.key("header", Page("themes/a/"), nav)
    hidden = Page("papers/c/")
    hidden.meta = {"hide": ["navigation"]}
    assert shared.key("header", hidden, nav) is None


def test_sidebars_are_shared_per_table_of_contents_and_their_variants_are_bounded():
    nav = type("Nav", (), {"pages": []})()
    shared = SharedParts()
    same = [shared.key("nav sidebar", Page(f"papers/{i}/"), nav, [Heading("abstract")]) for i in range(3)]
    assert len(set(same)) == 1
    others = {shared.key("nav sidebar", Page("papers/x/"), nav, [Heading(f"h{i}")])
              for i in range(SharedParts.VARIANTS * 2)}
    assert None in others and len(others - {None}) == SharedParts.VARIANTS - 1
    assert shared.key("nav sidebar", Page("papers/y/"), nav, [Heading("abstract")]) == same[0]
