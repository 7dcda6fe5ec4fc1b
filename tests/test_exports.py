import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import bibtexparser
import pytest

from generator.data import dump_json, paper_record, papers_json
from generator.exports import LIST_SEPARATOR, to_bibtex, to_csv, to_json
from generator.model import Assignment, Paper
from generator.pipeline import Digest, build_digest
from generator.themes import Theme

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://x.github.io/digest/"

TRICKY = [
    ("braces", "Curly {braces} in a title", "Sets {a, b} and {c}."),
    ("unbalanced", "Unbalanced } then { braces", "Close } before open {"),
    ("specials", "50% of $x_1$ & #2 ^ ~ \\backslash", "Cost is 5$ & 10%, see #3_a ^b ~c \\d"),
    ("quotes", 'Quotes "double" and \'single\', commas, and more', 'He said "a, b", then left.'),
    ("unicode", "Ünïcödé – ✓ naïve café 日本語", "Résumé of ∑ and → arrows."),
    ("template", "{{ jinja }} and {% block %} <script>alert(1)</script>", "@misc{x, title={y}}"),
    ("plain", "Mamba: linear-time sequence modeling", "State space models."),
]


def paper(pid, title, abstract, date=None, code=()):
    return Paper(id=pid, title=title, abstract=abstract, date=date, date_inferred=False,
                 authors=3 if date else None, organization="Lab, Inc." if date else None,
                 upvotes=7 if date else None, code=code, sources=(f"{pid}.txt:4",))


PAPERS = tuple(sorted(
    (paper(pid, title, abstract, dt.date(2024, 2, 29) if pid == "plain" else None,
           ("https://github.com/a/b", "https://gitlab.com/c/d") if pid == "plain" else ())
     for pid, title, abstract in TRICKY), key=lambda p: p.id))
THEMES = (Theme("mamba-ssm", "Mamba", "", 1.0, (), ()), Theme("bert", "BERT", "", 1.0, (), ()))
DIGEST = Digest(
    papers=PAPERS, themes=THEMES,
    assignments={p.id: ((Assignment("mamba-ssm", 2.0, ()), Assignment("bert", 1.0, ()))
                        if p.id == "plain" else ()) for p in PAPERS},
    exclusions={}, sources=(), diagnostics=())

_UNESCAPE = {r"\textbackslash{}": "\\", r"\textbraceleft{}": "{", r"\textbraceright{}": "}",
             r"\textasciicircum{}": "^", r"\textasciitilde{}": "~"}


def latex_to_text(value: str) -> str:
    """What LaTeX prints for the escapes the exporter writes (independent of it)."""
    pattern = "|".join(re.escape(k) for k in _UNESCAPE) + r"|\\([%&$#_])"
    return re.sub(pattern, lambda m: m.group(1) or _UNESCAPE[m.group(0)], value)


def test_json_written_a_record_at_a_time_is_the_one_document_json_would_write():
    """papers.json is written in pieces so a large digest is never held whole; the
    text must stay what json.dumps makes of the whole document (indent 1)."""
    whole = dump_json({"papers": [paper_record(p, DIGEST) for p in sorted(PAPERS, key=lambda p: p.id)]})
    assert papers_json(PAPERS, DIGEST) == whole
    assert papers_json([PAPERS[0]], DIGEST) == dump_json({"papers": [paper_record(PAPERS[0], DIGEST)]})
    assert papers_json([], DIGEST) == dump_json({"papers": []})


def test_json_is_exactly_papers_json():
    text = to_json(reversed(PAPERS), DIGEST)
    assert text == papers_json(PAPERS, DIGEST)
    records = json.loads(text)["papers"]
    assert [(r["id"], r["title"], r["abstract"]) for r in records] == \
        [(p.id, p.title, p.abstract) for p in PAPERS]


def test_csv_reads_back_to_the_same_papers():
    rows = list(csv.DictReader(io.StringIO(to_csv(PAPERS, DIGEST))))
    assert [(r["id"], r["title"], r["abstract"]) for r in rows] == \
        [(p.id, p.title, p.abstract) for p in PAPERS]


def test_csv_header_is_the_papers_json_fields_and_cells_follow_json():
    reader = csv.reader(io.StringIO(to_csv(PAPERS, DIGEST)))
    assert next(reader) == list(paper_record(PAPERS[0], DIGEST))
    row = next(r for r in csv.DictReader(io.StringIO(to_csv(PAPERS, DIGEST))) if r["id"] == "plain")
    assert row["themes"].split(LIST_SEPARATOR) == ["mamba-ssm", "bert"]
    assert row["code"] == "https://github.com/a/b | https://gitlab.com/c/d"
    assert (row["date"], row["date_inferred"], row["authors"], row["upvotes"]) == \
        ("2024-02-29", "false", "3", "7")
    assert row["organization"] == "Lab, Inc."
    empty = next(r for r in csv.DictReader(io.StringIO(to_csv(PAPERS, DIGEST))) if r["id"] == "quotes")
    assert (empty["date"], empty["authors"], empty["code"], empty["themes"]) == ("", "", "", "")


def test_bibtex_parses_back_to_the_same_keys_titles_and_abstracts():
    library = bibtexparser.parse_string(to_bibtex(PAPERS, DIGEST, SITE))
    assert library.failed_blocks == []
    got = {e.key: e for e in library.entries}
    assert list(got) == [f"digest:{p.id}" for p in PAPERS]
    for p in PAPERS:
        entry = got[f"digest:{p.id}"]
        assert entry.entry_type == "misc"
        title = entry["title"]
        assert title.startswith("{") and title.endswith("}")
        assert latex_to_text(title[1:-1]) == p.title
        assert latex_to_text(entry["abstract"]) == p.abstract


def test_bibtex_braces_balance_in_every_field_as_bibtex_counts_them():
    text = to_bibtex(PAPERS, DIGEST, SITE)
    assert "\\{" not in text and "\\}" not in text
    assert text.count("{") == text.count("}")
    for line in (line for line in text.splitlines() if line.startswith("  ")):  # one field a line
        depth = 0
        for char in line:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, line
        assert depth == 0, line


def test_bibtex_fields_url_note_and_dates():
    library = bibtexparser.parse_string(to_bibtex(PAPERS, DIGEST, "https://x.github.io/digest"))
    entry = next(e for e in library.entries if e.key == "digest:plain")
    url = "https://x.github.io/digest/papers/plain/"
    assert entry["url"] == url
    assert entry["howpublished"] == rf"\url{{{url}}}"
    assert entry["note"] == rf"Listed in Paper Digest: \url{{{url}}}"
    assert (entry["year"], entry["month"]) == ("2024", "feb")
    assert entry["keywords"] == "mamba-ssm, bert"
    undated = next(e for e in library.entries if e.key == "digest:quotes")
    assert "year" not in undated.fields_dict and "keywords" not in undated.fields_dict


def test_exports_are_byte_identical_whatever_the_input_order():
    for export in (lambda ps: to_csv(ps, DIGEST), lambda ps: to_bibtex(ps, DIGEST, SITE),
                   lambda ps: to_json(ps, DIGEST)):
        assert export(PAPERS) == export(tuple(reversed(PAPERS)))


def test_exports_of_a_subset_list_only_that_subset():
    subset = [p for p in PAPERS if p.id in ("plain", "braces")]
    assert [r["id"] for r in csv.DictReader(io.StringIO(to_csv(subset, DIGEST)))] == ["braces", "plain"]
    keys = [e.key for e in bibtexparser.parse_string(to_bibtex(subset, DIGEST, SITE)).entries]
    assert keys == ["digest:braces", "digest:plain"]


def test_empty_list_gives_header_only_csv_and_empty_bibtex():
    assert to_csv([], DIGEST).count("\n") == 1
    assert to_bibtex([], DIGEST, SITE) == ""


@pytest.fixture(scope="module")
def seed():
    return build_digest(ROOT / "content")


def test_seed_collection_round_trips_through_every_export(seed):
    ids = [p.id for p in seed.papers]
    assert [r["id"] for r in json.loads(to_json(seed.papers, seed))["papers"]] == ids
    rows = list(csv.DictReader(io.StringIO(to_csv(seed.papers, seed))))
    assert [(r["id"], r["title"], r["abstract"]) for r in rows] == \
        [(p.id, p.title, p.abstract) for p in seed.papers]
    library = bibtexparser.parse_string(to_bibtex(seed.papers, seed, SITE))
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [f"digest:{i}" for i in ids]
    for entry, p in zip(library.entries, seed.papers):
        assert latex_to_text(entry["title"][1:-1]) == p.title
        assert latex_to_text(entry["abstract"]) == " ".join(p.abstract.split())


def test_papers_json_of_the_seed_collection_is_what_json_dumps_writes():
    """papers.json lays records out itself (for speed); every seed record must come
    out as json.dumps with indent 1 would write the whole document."""
    digest = build_digest(ROOT / "content")
    records = [paper_record(p, digest) for p in digest.papers]
    assert any(r["code"] for r in records) and any(not r["code"] for r in records)
    assert any(r["upvotes"] is None for r in records) and any(r["upvotes"] for r in records)
    assert papers_json(digest.papers, digest) == dump_json({"papers": records})
