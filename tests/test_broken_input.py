"""Broken input: every problem is a warning naming the file (and line), and the build goes on.

Fixtures in tests/data/broken/ (byte-exact, see its .gitattributes):
- encodings/: one small compact capture with é, ü, ï and “smart quotes”, saved as UTF-8,
  UTF-8 with a BOM, CRLF, CR, BOM + CRLF, windows-1252, Latin-1, UTF-16, and UTF-8 with one
  line pasted in windows-1252 (mixed.txt).
- unreadable/: an empty file, a whitespace-only file, a binary file, and notes in no
  known layout.
- entries/: compact_* and rich_* pages with entries cut at the end of the file, titles
  that lost their abstract, abstracts that lost their title, metadata without a date,
  titles that look like dates, stray blank lines and trailing spaces, and entries longer
  than any real abstract.

The expectations below follow the rules in generator/parse.py's docstring.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.model import Diagnostic
from generator.parse import MAX_ABSTRACT, MAX_TITLE, NO_ABSTRACT, NO_ENTRY, NO_TITLE, parse_source
from generator.sources import decode_source, read_source
from sitecheck import DATA, REPO, make_project, run_mkdocs

BROKEN = DATA / "broken"
ENCODINGS = BROKEN / "encodings"
UNREADABLE = BROKEN / "unreadable"
ENTRIES = BROKEN / "entries"

TITLE = "Café Über-Models: “Smart” Quotes for Naïve Transformers"


def parsed(path: Path):
    source, diagnostics = read_source(path)
    assert source is not None, diagnostics
    return source, parse_source(source), diagnostics


def summary(result):
    return [(e.line, e.title, e.abstract) for e in result.entries]


# --- encodings and line ends -----------------------------------------------------------

@pytest.mark.parametrize("name", ["utf8_bom.txt", "utf8_crlf.txt", "utf8_cr.txt", "utf8_bom_crlf.txt"])
def test_utf8_with_bom_or_other_line_ends_reads_like_plain_utf8(name):
    _, baseline, _ = parsed(ENCODINGS / "utf8.txt")
    source, result, diagnostics = parsed(ENCODINGS / name)
    assert diagnostics == []
    assert source.layout == "compact"
    assert summary(result) == summary(baseline)
    assert [e.line for e in result.entries] == [3, 5]
    assert result.entries[0].title == TITLE


@pytest.mark.parametrize("line_end", [b"\r\n", b"\r"])
def test_line_numbers_of_skipped_entries_survive_crlf_and_cr(line_end):
    data = (ENTRIES / "compact_lost_abstract.txt").read_bytes().replace(b"\n", line_end)
    source, diagnostics = decode_source("x.txt", data)
    result = parse_source(source)
    assert [(s.line, s.reason) for s in result.skipped] == [(5, NO_ABSTRACT), (8, NO_TITLE)]
    assert [e.line for e in result.entries] == [3, 6, 9]


@pytest.mark.parametrize("name, title", [
    ("cp1252.txt", TITLE),
    ("latin1.txt", TITLE.replace("“", '"').replace("”", '"')),
])
def test_legacy_encodings_are_detected_and_reported(name, title):
    source, result, diagnostics = parsed(ENCODINGS / name)
    assert [str(d) for d in diagnostics] == [f"{name}: not valid UTF-8; decoded as cp1252 (detected)"]
    assert source.encoding == "cp1252"
    assert result.entries[0].title == title
    assert "café menus, Übersetzung" in result.entries[0].abstract
    assert result.entries[1].title == "Second Paper on Façades"


def test_utf16_with_a_byte_order_mark_is_read_and_reported():
    _, baseline, _ = parsed(ENCODINGS / "utf8.txt")
    source, result, diagnostics = parsed(ENCODINGS / "utf16.txt")
    assert [str(d) for d in diagnostics] == ["utf16.txt: not UTF-8; decoded as utf-16 (byte-order mark)"]
    assert summary(result) == summary(baseline)


def test_a_line_pasted_in_another_encoding_is_decoded_alone_and_named():
    _, baseline, _ = parsed(ENCODINGS / "utf8.txt")
    source, result, diagnostics = parsed(ENCODINGS / "mixed.txt")
    assert [str(d) for d in diagnostics] == [
        "mixed.txt: not valid UTF-8 on line 4; those lines decoded as cp1252 (detected)"]
    assert summary(result) == summary(baseline)


def test_control_characters_are_removed_and_whitespace_collapsed():
    data = ("Get trending papers in your email inbox once a day!\n"
            "SubscribeA Title\x07 With\u00a0Odd\tSpace\x85s\u2028Here \x7f\n"
            "An abstract\x1b[31m with an escape\u200b kept, \x0cand a form feed.\n").encode("utf-8")
    source, diagnostics = decode_source("ctl.txt", data)
    assert diagnostics == []
    entry = parse_source(source).entries[0]
    assert entry.title == "A Title With Odd Spaces Here"
    assert entry.abstract == "An abstract[31m with an escape\u200b kept, and a form feed."


def test_seed_pages_saved_as_windows_1252_read_the_same():
    """Real captures, re-encoded: detection must not settle on a near miss (cp1250, ...)."""
    checked = 0
    for path in sorted((REPO / "content" / "sources").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        try:
            data = text.encode("cp1252")
        except UnicodeEncodeError:
            continue  # holds characters windows-1252 does not have
        if data.isascii():
            continue
        source, diagnostics = decode_source(path.name, data)
        original, _ = read_source(path)
        assert source.encoding == "cp1252", diagnostics
        assert parse_source(source).entries == parse_source(original).entries
        checked += 1
    assert checked >= 2


# --- files that hold nothing to parse ----------------------------------------------------

def test_a_file_that_cannot_be_read_is_skipped_with_a_warning(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("anything", encoding="utf-8")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert read_source(path) == (None, [Diagnostic("locked.txt", None, "cannot be read (Permission denied), skipped")])


@pytest.mark.parametrize("name, message", [
    ("empty.txt", "empty file, skipped"),
    ("blank.txt", "empty file, skipped"),
    ("binary.txt", "binary file (not text), skipped"),
])
def test_empty_and_binary_files_are_skipped_with_a_warning(name, message):
    source, diagnostics = read_source(UNREADABLE / name)
    assert source is None
    assert diagnostics == [Diagnostic(name, None, message)]


def test_a_file_in_no_known_layout_is_skipped_with_a_warning():
    source, diagnostics = read_source(UNREADABLE / "notes.txt")
    assert source.layout == "unknown"
    assert [str(d) for d in diagnostics] == ["notes.txt: no known listing layout (compact or rich), skipped"]
    assert parse_source(source).entries == ()


# --- broken entries ----------------------------------------------------------------------

# file -> (entry lines, [(skipped line, reason)], [(warning line, message)])
EXPECTED = {
    "compact_cut_at_end.txt": ([3, 5], [(7, NO_ABSTRACT)], []),
    "compact_lost_abstract.txt": ([3, 6, 9], [(5, NO_ABSTRACT), (8, NO_TITLE)], []),
    "compact_blank_lines.txt": ([5, 11], [], []),
    "compact_over_long.txt": ([3, 5, 7, 9], [], [
        (5, f"abstract longer than {MAX_ABSTRACT} characters, cut"),
        (7, f"title longer than {MAX_TITLE} characters, cut")]),
    "compact_date_titles.txt": ([3, 5, 7], [], []),
    "rich_cut_at_end.txt": ([13, 21], [(25, NO_ABSTRACT)], []),
    "rich_meta_without_date.txt": ([13, 20, 26, 33], [], [
        (17, "metadata has no date, left empty"),
        (24, "metadata has no date, left empty"),
        (30, "metadata has no date, left empty")]),
    "rich_date_titles.txt": ([13, 21, 29], [], []),
    "rich_date_title_no_capture_date.txt": ([11, 19], [], []),
    "rich_blank_lines.txt": ([15, 25, 36, 43], [], []),
    "rich_over_long.txt": ([13, 21], [], [
        (13, f"abstract longer than {MAX_ABSTRACT} characters, cut"),
        (21, f"title longer than {MAX_TITLE} characters, cut")]),
    "rich_orphans.txt": ([13, 33], [(21, NO_TITLE), (27, NO_ENTRY), (31, NO_ABSTRACT)], []),
}


def test_every_entries_fixture_has_expectations():
    assert sorted(p.name for p in ENTRIES.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_entries_kept_skipped_and_reported_by_the_documented_rules(name):
    lines, skipped, warnings = EXPECTED[name]
    source, result, diagnostics = parsed(ENTRIES / name)
    assert diagnostics == []
    assert source.layout == name.split("_")[0]
    assert [e.line for e in result.entries] == lines
    assert [(s.line, s.reason) for s in result.skipped] == skipped
    expected = sorted([Diagnostic(name, line, f"entry skipped: {reason}") for line, reason in skipped]
                      + [Diagnostic(name, line, message) for line, message in warnings],
                      key=lambda d: d.line)
    assert list(result.diagnostics) == expected


def test_title_at_the_end_of_the_file_without_abstract_is_skipped_not_invented():
    _, result, _ = parsed(ENTRIES / "compact_cut_at_end.txt")
    assert [e.title for e in result.entries] == ["First Complete Paper", "Second Complete Paper"]
    _, result, _ = parsed(ENTRIES / "rich_cut_at_end.txt")
    assert [e.title for e in result.entries] == ["First Rich Paper", "Second Rich Paper Without Metadata"]
    assert result.entries[1].date is None and result.entries[1].authors is None


def test_stray_blank_lines_and_trailing_spaces_do_not_change_the_text():
    _, result, _ = parsed(ENTRIES / "compact_blank_lines.txt")
    assert [e.title for e in result.entries] == ["First Spaced Paper", "Second Paper With a Leading Tab"]
    assert all(e.abstract == e.abstract.strip() and "  " not in e.abstract for e in result.entries)
    _, result, _ = parsed(ENTRIES / "rich_blank_lines.txt")
    assert [(e.title, e.date, e.authors, e.upvotes) for e in result.entries] == [
        ("Paper With a Blank Line Before the Date", dt.date(2024, 10, 9), 3, 2),
        ("Paper With a Blank Line Before the Separator", dt.date(2024, 9, 1), 4, None),
        ("Paper Glued to Its Abstract", dt.date(2024, 8, 2), 1, None),
        ("Paper With Indented Lines", dt.date(2024, 7, 3), 2, None),
    ]
    assert result.entries[2].abstract.startswith("We study glued")


def test_titles_that_look_like_dates_stay_titles():
    _, result, _ = parsed(ENTRIES / "compact_date_titles.txt")
    assert [e.title for e in result.entries] == ["May 2024", "Jun 25", "Oct 9, 2024 2"]
    _, result, _ = parsed(ENTRIES / "rich_date_titles.txt")
    assert [(e.title, e.date, e.upvotes) for e in result.entries] == [
        ("Jun 25", dt.date(2024, 6, 3), None),
        ("May 2024", dt.date(2024, 4, 4), 5),
        ("Oct 9, 2024 2", dt.date(2024, 3, 1), None),
    ]
    # no capture date after the byline: "Jun 25" followed by an abstract is a title
    _, result, _ = parsed(ENTRIES / "rich_date_title_no_capture_date.txt")
    assert [e.title for e in result.entries] == ["Jun 25", "Second Paper"]


def test_metadata_without_a_date_keeps_the_entry_and_the_rest_of_the_metadata():
    _, result, _ = parsed(ENTRIES / "rich_meta_without_date.txt")
    assert [(e.date, e.authors, e.organization) for e in result.entries] == [
        (None, 4, None), (None, 2, None), (None, None, "Acme Research"),
        (dt.date(2023, 7, 16), 5, None)]


def test_over_long_text_is_cut_at_a_word_and_marked():
    for name in ("compact_over_long.txt", "rich_over_long.txt"):
        _, result, _ = parsed(ENTRIES / name)
        long_abstract = next(e for e in result.entries if "Longer Than Any Real Abstract" in e.title)
        assert long_abstract.abstract.endswith(" …")
        assert MAX_ABSTRACT // 2 < len(long_abstract.abstract) <= MAX_ABSTRACT + 2
        long_title = next(e for e in result.entries if e.title.endswith(" …"))
        assert long_title.title.startswith("A ") and len(long_title.title) <= MAX_TITLE + 2
        assert long_title.abstract.startswith("We study long")


# --- the build goes on, and says what it skipped -----------------------------------------

@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("broken"), ENCODINGS, UNREADABLE, ENTRIES)
    return project, run_mkdocs(project)


def test_build_goes_on_and_warns_with_file_and_line(broken_build):
    project, result = broken_build
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warned = [line.split("Paper Digest: ", 1)[1] for line in result.stderr.splitlines()
              if "Paper Digest: " in line]
    for name, (_, skipped, warnings) in EXPECTED.items():
        for line, reason in skipped:
            assert f"{name}:{line}: entry skipped: {reason}" in warned
        for line, message in warnings:
            assert f"{name}:{line}: {message}" in warned
    for expected in ("empty.txt: empty file, skipped", "binary.txt: binary file (not text), skipped",
                     "notes.txt: no known listing layout (compact or rich), skipped",
                     "cp1252.txt: not valid UTF-8; decoded as cp1252 (detected)"):
        assert expected in warned
    assert (project / "site" / "index.html").exists()


def test_strict_build_fails_on_those_warnings(broken_build, tmp_path):
    project, _ = broken_build
    result = run_mkdocs(project, "--strict", "-d", str(tmp_path / "strict-site"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "Paper Digest: empty.txt: empty file, skipped" in result.stderr


# --- broken configuration: one line naming file and key, no traceback ---------------------

def break_themes(project: Path) -> None:
    path = project / "content" / "themes.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["themes"][0]["threshold"] = "high"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def break_curation(project: Path) -> None:
    themes = yaml.safe_load((project / "content" / "themes.yml").read_text(encoding="utf-8"))
    pins = {"pins": [{"paper": "some-paper", "theme": themes["themes"][0]["slug"],
                      "action": "maybe", "reason": "undecided"}]}
    (project / "content" / "curation.yml").write_text(yaml.safe_dump(pins), encoding="utf-8")


def break_yaml_syntax(project: Path) -> None:
    (project / "content" / "themes.yml").write_text("themes:\n  - slug: [unclosed\n", encoding="utf-8")


BROKEN_CONFIGS = [
    (break_themes, "content/themes.yml: themes[0].threshold: expected a number"),
    (break_curation, "content/curation.yml: pins[0].action: expected include or exclude"),
    (break_yaml_syntax, "content/themes.yml: line 3: not valid YAML"),
]


@pytest.mark.parametrize("breaker, message", BROKEN_CONFIGS, ids=lambda v: getattr(v, "__name__", ""))
def test_broken_config_stops_mkdocs_with_one_line(tmp_path, breaker, message):
    """MkDocs prints an Abort's message on stdout, so both streams are read."""
    project = make_project(tmp_path / "project", ENTRIES)
    breaker(project)
    result = run_mkdocs(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if message in line]
    assert len(lines) == 1, output


@pytest.mark.parametrize("breaker, message", BROKEN_CONFIGS, ids=lambda v: getattr(v, "__name__", ""))
def test_broken_config_stops_the_cli_with_one_line(tmp_path, breaker, message):
    project = make_project(tmp_path / "project", ENTRIES)
    breaker(project)
    result = subprocess.run([sys.executable, "-m", "generator", str(tmp_path / "out"),
                             "--content", str(project / "content")],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert message in result.stderr
    assert not (tmp_path / "out").exists()
