"""Duplicate listings merge into one paper; ids are stable slugs."""
import datetime as dt
from pathlib import Path

from generator.ids import slugify, title_key, unique_ids
from generator.merge import code_links, merge_entries
from generator.model import Entry
from generator.pipeline import read_all

LAYOUTS = Path(__file__).parent / "data" / "layouts"


def test_duplicate_titles_merge_ignoring_case_punctuation_and_spacing():
    parsed, _ = read_all(LAYOUTS)
    papers = merge_entries(e for s in parsed for e in s.entries)
    assert len(papers) == 6
    third = next(p for p in papers if p.id == "a-third-paper-seen-twice")
    assert third.title == "A Third Paper, Seen Twice"  # first appearance wins
    assert third.sources == ("compact.txt:7", "rich.txt:13")
    assert third.abstract.startswith("The longer abstract")  # the most complete one
    assert (third.authors, third.upvotes, third.date) == (4, 7, dt.date(2024, 2, 18))


def test_explicit_date_beats_inferred_and_highest_upvotes_win():
    a = Entry("a.txt", 1, "Same Paper", "x", dt.date(2025, 1, 1), True, None, None, 3)
    b = Entry("b.txt", 9, "same paper.", "xy", dt.date(2023, 5, 5), False, 5, None, 8)
    (paper,) = merge_entries([a, b])
    assert (paper.date, paper.date_inferred, paper.upvotes, paper.authors) == (dt.date(2023, 5, 5), False, 8, 5)
    assert paper.sources == ("a.txt:1", "b.txt:9")


def test_title_key_ignores_case_punctuation_and_spacing():
    assert title_key("Attention Is All You Need!") == title_key("attention is all-you  need")
    assert title_key("BERT") != title_key("BART")


def test_titles_without_letters_do_not_all_merge():
    entries = [Entry("a.txt", n, t, f"abstract {n}") for n, t in enumerate(["***", "🤖🤖", "---", "* * *"], 1)]
    papers = merge_entries(entries)
    assert [p.sources for p in papers] == [("a.txt:1", "a.txt:4"), ("a.txt:2",), ("a.txt:3",)]
    assert [p.id for p in papers] == ["paper", "paper-2", "paper-3"]


def test_slug_is_lowercase_ascii_with_hyphens_cut_at_a_word_boundary():
    assert slugify("Pix2NeRF: Unsupervised Conditional π-GAN") == "pix2nerf-unsupervised-conditional-gan"
    assert slugify("Über Naïve Café") == "uber-naive-cafe"
    long = slugify("word " * 40)
    assert len(long) <= 80 and not long.endswith("-") and long.endswith("word")
    assert slugify("数学") == "paper"


def test_numbered_ids_of_long_titles_stay_within_80_characters():
    ids = unique_ids(["word " * 40] * 3)
    assert len(set(ids)) == 3 and all(len(i) <= 80 for i in ids)
    assert ids[1].endswith("-2") and ids[2].endswith("-3")


def test_colliding_slugs_get_numbered_in_order_of_first_appearance():
    assert unique_ids(["A: B", "a b", "A-B!", "C"]) == ["a-b", "a-b-2", "a-b-3", "c"]


def test_code_links_are_http_urls_without_trailing_punctuation():
    text = "Code: https://github.com/x/y. Also (see http://example.org/a_(b)) and ftp://no.pe and javascript:alert(1)"
    assert code_links(text) == ("https://github.com/x/y", "http://example.org/a_(b)")
