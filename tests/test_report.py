"""The build report accounts for every entry: read = kept in papers + skipped.

Checked on the real seeds and on the broken fixtures, in report.json as other tools
read it, and on the report page as readers see it.
"""
from __future__ import annotations

import json
from collections import Counter

import pytest

from generator.pipeline import build_digest
from generator.report import build_report, check_balance, report_json, report_page
from generator.site import render_site
from sitecheck import DATA, REPO, article, build, make_project, read_html, render_markdown

BROKEN = DATA / "broken"
FIXTURE_DIRS = (BROKEN / "encodings", BROKEN / "unreadable", BROKEN / "entries")


@pytest.fixture(scope="module")
def seeds():
    return build_digest(REPO / "content")


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("report"), *FIXTURE_DIRS)
    return project, build_digest(project / "content")


def assert_balanced(digest):
    files = render_site(digest)
    report = json.loads(files["report.json"])
    papers = json.loads(files["papers.json"])["papers"]
    totals = report["totals"]
    # the invariant, in the data files as other tools read them
    assert totals["entries_read"] == sum(len(p["sources"]) for p in papers) + totals["skipped"]
    assert totals["papers"] == len(papers) == sum(s["papers"] for s in report["sources"])
    assert totals["skipped"] == sum(len(s["skipped"]) for s in report["sources"])
    # per file: every entry read is a first listing, a merged duplicate or skipped
    listed = Counter(src.rsplit(":", 1)[0] for p in papers for src in p["sources"])
    firsts = Counter(p["sources"][0].rsplit(":", 1)[0] for p in papers)
    for s in report["sources"]:
        assert s["entries_read"] == s["papers"] + s["duplicates_merged"] + len(s["skipped"]), s["file"]
        assert s["papers"] == firsts[s["file"]]
        assert s["papers"] + s["duplicates_merged"] == listed[s["file"]]
    assert check_balance(build_report(digest)) == []
    return report


def test_seed_accounts_balance(seeds):
    report = assert_balanced(seeds)
    assert report["totals"]["entries_read"] == sum(len(s.entries) + len(s.skipped) for s in seeds.sources)
    assert [s["file"] for s in report["sources"]] == sorted(p.name for p in (REPO / "content" / "sources").glob("*.txt"))


def test_fixture_accounts_balance_and_name_every_skipped_entry(fixtures):
    project, digest = fixtures
    report = assert_balanced(digest)
    skipped = {k["where"]: k["reason"] for s in report["sources"] for k in s["skipped"]}
    assert skipped == {
        "compact_cut_at_end.txt:7": "title without an abstract",
        "compact_lost_abstract.txt:5": "title without an abstract",
        "compact_lost_abstract.txt:8": "abstract without a title",
        "rich_cut_at_end.txt:25": "title without an abstract",
        "rich_orphans.txt:21": "abstract without a title",
        "rich_orphans.txt:27": "metadata without a title",
        "rich_orphans.txt:31": "title without an abstract",
    }
    by_file = {s["file"]: s for s in report["sources"]}
    # the same capture in nine encodings: one file's entries become papers, the rest merge in
    encodings = [by_file[p.name] for p in sorted((BROKEN / "encodings").glob("*.txt"))]
    assert sum(s["papers"] for s in encodings) == 2
    assert sum(s["duplicates_merged"] for s in encodings) == 2 * len(encodings) - 2
    for name in ("empty.txt", "blank.txt", "binary.txt", "notes.txt"):
        assert by_file[name]["entries_read"] == 0
        assert len(by_file[name]["warnings"]) == 1 and by_file[name]["warnings"][0]["where"] == name


def test_every_diagnostic_is_in_the_report_once(fixtures):
    project, digest = fixtures
    report = json.loads(report_json(digest))
    listed = [(w["where"], w["message"]) for s in report["sources"] for w in s["warnings"]]
    listed += [(w["where"], w["message"]) for w in report["other_warnings"]]
    expected = [(d.file if d.line is None else f"{d.file}:{d.line}", d.message) for d in digest.diagnostics]
    assert sorted(listed) == sorted(expected)
    assert report["totals"]["warnings"] == len(expected)


def test_report_json_is_stable_text(fixtures):
    project, digest = fixtures
    text = report_json(digest)
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert [s["file"] for s in data["sources"]] == sorted(s["file"] for s in data["sources"])
    for s in data["sources"]:
        assert [k["line"] for k in s["skipped"]] == sorted(k["line"] for k in s["skipped"])
    assert report_json(build_digest(project / "content")) == text


def test_report_page_escapes_file_names_and_messages(tmp_path):
    """A file name is text from outside too: one can hold markup on most file systems."""
    project = make_project(tmp_path / "project")
    sources = project / "content" / "sources"
    name = "<img src=x onerror=alert(1)> *x* `y`.txt"
    (sources / name).write_bytes(
        (BROKEN / "entries" / "compact_cut_at_end.txt").read_bytes())
    digest = build_digest(project / "content")
    meta, html = render_markdown(report_page(digest))
    assert meta["title"] == "Build report"
    assert html.find_all("img") == [] and html.find_all("em") == []
    codes = [c.text for c in html.find_all("code")]
    assert name in codes and f"{name}:7" in codes
    for element in html.iter():
        assert not any(a.startswith("on") for a in element.attrs)


def test_report_page_in_the_built_site(tmp_path):
    project = make_project(tmp_path / "project", BROKEN / "entries", BROKEN / "unreadable")
    site = build(project)
    content = article(read_html(site / "report" / "index.html"))
    rows = content.find("table", "pd-report").find("tbody").find_all("tr")
    table = {}
    for row in rows:
        cells = [c.text for c in row.iter() if c.tag in ("td", "th")]
        table[cells[0]] = cells[1:]
    # layout, read, papers, duplicates ("First Rich Paper" is in rich_cut_at_end.txt too), skipped, warnings
    assert table["rich_orphans.txt"] == ["rich", "5", "1", "1", "3", "3"]
    assert table["binary.txt"] == ["unreadable", "0", "0", "0", "0", "1"]
    skipped = [li.text for li in content.find("ul", "pd-skipped").find_all("li")]
    assert "rich_orphans.txt:27: metadata without a title" in skipped
    warnings = [li.text for li in content.find("ul", "pd-warnings").find_all("li")]
    assert "binary.txt: binary file (not text), skipped" in warnings
    data = json.loads((site / "report.json").read_text(encoding="utf-8"))
    assert data["totals"]["skipped"] == len(skipped)
