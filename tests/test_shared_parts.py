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

from conftest import copy_project, mkdocs_build


def html_pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_every_page_is_what_material_renders_without_shared_parts(seed_site, tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "overrides" / "shared-parts.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    plain = tmp_path / "site"
    result = mkdocs_build(project, plain)
    assert result.returncode == 0, result.stderr
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
