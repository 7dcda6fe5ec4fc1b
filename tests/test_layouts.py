"""Both capture layouts, read from small hand-made fixtures."""
import datetime as dt
from pathlib import Path

from generator.parse import parse_source
from generator.sources import read_source

LAYOUTS = Path(__file__).parent / "data" / "layouts"


def parsed(name):
    source, diagnostics = read_source(LAYOUTS / name)
    assert diagnostics == []
    return source, parse_source(source)


def test_compact_layout_is_told_apart_by_content():
    source, _ = parsed("compact.txt")
    assert source.layout == "compact"


def test_compact_entries_alternate_title_and_abstract_with_first_title_glued_to_subscribe():
    _, result = parsed("compact.txt")
    assert [(e.line, e.title) for e in result.entries] == [
        (3, "Mamba Goes Vision: A Selective State Space Backbone"),
        (5, "RoBERTa Revisited"),
        (7, "A Third Paper, Seen Twice"),
    ]
    assert result.entries[1].abstract.startswith("We study a robustly optimised BERT")
    assert all(e.date is None and e.upvotes is None for e in result.entries)
    assert result.skipped == ()


def test_rich_layout_is_told_apart_by_content():
    source, _ = parsed("rich.txt")
    assert source.layout == "rich"


def test_rich_entries_carry_authors_organisation_date_and_upvotes():
    _, result = parsed("rich.txt")
    by_title = {e.title: e for e in result.entries}
    assert [e.line for e in result.entries] == [13, 21, 29, 33]
    third = by_title["A third paper, seen twice!"]
    assert (third.authors, third.organization, third.date, third.upvotes, third.date_inferred) == (
        4, None, dt.date(2024, 2, 18), 7, False)
    window = by_title["Sliding Window Attention at Scale"]
    assert window.organization == "Example Lab"  # the capture repeats the name
    assert window.authors is None and window.upvotes is None


def test_rich_date_without_year_takes_the_year_after_the_latest_explicit_year():
    _, result = parsed("rich.txt")
    by_title = {e.title: e for e in result.entries}
    assert by_title["Sliding Window Attention at Scale"].date == dt.date(2025, 6, 25)
    yearless = by_title["Year-less and Upvoted"]
    assert (yearless.date, yearless.date_inferred, yearless.upvotes, yearless.authors) == (
        dt.date(2025, 1, 3), True, 2, 1)


def test_rich_entry_without_meta_block_keeps_empty_metadata():
    _, result = parsed("rich.txt")
    entry = next(e for e in result.entries if e.title == "A Paper Without Metadata")
    assert (entry.date, entry.authors, entry.organization, entry.upvotes) == (None, None, None, None)


def test_whitespace_runs_of_any_kind_become_one_space():
    """Tabs, no-break and ideographic spaces, line and paragraph separators: each run
    is one space, none at the ends (what the regular expression \\s+ would do)."""
    import re
    from generator.parse import normalize_space
    text = "\u3000 Mamba\t\u00a0goes\u2028\u2029vision\x1c\x85 (again)  \n"
    assert normalize_space(text) == "Mamba goes vision (again)"
    assert normalize_space(text) == re.sub(r"\s+", " ", text).strip()
    assert normalize_space("zero\u200bwidth") == "zero\u200bwidth"  # not whitespace
    assert normalize_space(" \t\n") == ""
