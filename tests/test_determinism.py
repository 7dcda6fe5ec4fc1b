"""Identical rebuilds: the same input gives the same bytes, and a removed file leaves nothing.

Two copies of the project, at different paths and with different PYTHONHASHSEED (so
any iteration over a set or a dict built from one would show), are built from the
seeds plus the hostile fixtures, and every file of the two sites is compared.
"""
from __future__ import annotations

import gzip
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generator.pipeline import build_digest
from generator.site import render_site
from sitecheck import DATA, REPO, build, make_project

SEEDS = REPO / "content" / "sources"
HOSTILE_SOURCES = tuple(sorted((DATA / "hostile").glob("*/sources")))

# Written by MkDocs itself, and dated with the day of the build (unless SOURCE_DATE_EPOCH
# is set): sitemap.xml has <lastmod>YYYY-MM-DD</lastmod> for every page, and
# sitemap.xml.gz carries that date again as the gzip header's mtime. Two builds either
# side of midnight (UTC) differ there and nowhere else, so these two are compared with
# the date taken out instead of byte for byte.
BUILD_DATED = {"sitemap.xml", "sitemap.xml.gz"}
LASTMOD = re.compile(rb"<lastmod>\d{4}-\d{2}-\d{2}</lastmod>")


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    projects = {seed: make_project(tmp_path_factory.mktemp(f"determinism-{seed}"), SEEDS, *HOSTILE_SOURCES)
                for seed in ("1", "2")}
    with ThreadPoolExecutor(max_workers=2) as pool:  # two processes, so both builds at once
        sites = pool.map(lambda item: build(item[1], env={"PYTHONHASHSEED": item[0]}), projects.items())
        return list(sites)


def test_two_builds_write_the_same_files(two_builds):
    first, second = (tree(site) for site in two_builds)
    assert sorted(first) == sorted(second)
    assert {"index.html", "papers.json", "report.json", "report/index.html"} <= set(first)


def test_two_builds_are_byte_identical_except_mkdocs_build_dates(two_builds):
    """Every page and data file -- HTML, papers.json, report.json, the search index, and
    feeds or exports when they exist -- is byte-identical. Only BUILD_DATED (see above)
    are compared without their date."""
    first, second = (tree(site) for site in two_builds)
    differ = sorted(path for path in first if path not in BUILD_DATED and first[path] != second.get(path))
    assert differ == []
    assert LASTMOD.sub(b"", first["sitemap.xml"]) == LASTMOD.sub(b"", second["sitemap.xml"])
    for files in (first, second):
        assert gzip.decompress(files["sitemap.xml.gz"]) == files["sitemap.xml"]


def test_seed_data_files_are_sorted_and_stable():
    one = render_site(build_digest(REPO / "content"))
    two = render_site(build_digest(REPO / "content"))
    assert one == two
    papers = json.loads(one["papers.json"])["papers"]
    assert [p["id"] for p in papers] == sorted(p["id"] for p in papers)


def test_removing_a_source_file_leaves_none_of_its_pages(tmp_path):
    keep, drop = DATA / "hostile" / "yaml" / "sources", DATA / "hostile" / "html" / "sources"
    project = make_project(tmp_path / "project", keep, drop)
    site = build(project)
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))["papers"]
    dropped_file = next(drop.glob("*.txt")).name
    gone = [p for p in papers if all(s.startswith(f"{dropped_file}:") for s in p["sources"])]
    kept = [p for p in papers if p not in gone]
    assert gone and kept
    for paper in papers:
        assert (site / paper["url"] / "index.html").exists()

    (project / "content" / "sources" / dropped_file).unlink()
    site = build(project)  # into the same site/ folder

    for paper in gone:
        assert not (site / paper["url"]).exists(), paper["url"]
    for paper in kept:
        assert (site / paper["url"] / "index.html").exists()
    after = json.loads((site / "papers.json").read_text(encoding="utf-8"))["papers"]
    assert sorted(p["id"] for p in after) == sorted(p["id"] for p in kept)
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    assert dropped_file not in [s["file"] for s in report["sources"]]
    listed = [p.parent.name for p in (site / "papers").glob("*/index.html")]
    assert sorted(listed) == sorted(p["id"] for p in kept)
