"""Downloads of a list of papers: JSON, CSV and BibTeX.

Why three: JSON is the data contract for programs (the exact papers.json shape,
made by generator.data so the two can never drift apart), CSV is for
spreadsheets, BibTeX is for citing. All three list papers by id and are
byte-for-byte the same for the same input, so a rebuild changes no download
unless a paper changed.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

from .data import FIELDS, paper_record, papers_json
from .feeds import site_base
from .model import MONTHS, Paper
from .parse import normalize_space
from .pipeline import Digest

LIST_SEPARATOR = " | "
"""Joins list fields (themes, code, sources) in a CSV cell. None of them can hold it:
themes are slugs, code links are URLs, sources are "<file>.txt:<line>"."""

BIBTEX_KEY_PREFIX = "digest:"

# Braces become commands with balanced braces: BibTeX itself counts every brace,
# escaped or not, so "\{" alone would unbalance a field.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIBTEX_SPECIALS = re.compile("[" + re.escape("".join(_BIBTEX_SPECIAL)) + "]")


def _by_id(papers: Iterable[Paper]) -> list[Paper]:
    return sorted(papers, key=lambda p: p.id)


def to_json(papers: Iterable[Paper], digest: Digest) -> str:
    """{"papers": [...]} exactly as papers.json, sorted by id."""
    return papers_json(papers, digest)


def field_names() -> list[str]:
    """The papers.json record keys, in order: the CSV header."""
    return list(FIELDS)


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def to_csv(papers: Iterable[Paper], digest: Digest) -> str:
    """One row per paper (sorted by id) under a header of the papers.json fields.

    Lists are joined with LIST_SEPARATOR, None is an empty cell, booleans are
    "true"/"false" as in JSON. Rows end in "\\n"; cells are quoted only when needed
    (comma, quote or line break inside). Values are written as they are: a
    spreadsheet may read a title starting with "=" as a formula, but changing
    the text would break the round trip other tools rely on.
    """
    return "".join(iter_csv(papers, digest))


def iter_csv(papers: Iterable[Paper], digest: Digest) -> Iterator[str]:
    """`to_csv` a row at a time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def row(values) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(values)
        return out.getvalue()
    yield row(field_names())
    for paper in _by_id(papers):
        yield row([_csv_cell(v) for v in paper_record(paper, digest).values()])


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX/LaTeX field value: specials become commands, whitespace
    runs (line breaks included) become one space, so every field is one line."""
    text = normalize_space(text)
    if not any(c in text for c in _BIBTEX_SPECIAL):  # most texts: a few scans in C
        return text
    return _BIBTEX_SPECIALS.sub(_bibtex_special, text)


def _bibtex_special(match: re.Match) -> str:
    return _BIBTEX_SPECIAL[match.group(0)]


def bibtex_key(paper: Paper) -> str:
    """Stable and unique: paper ids are unique slugs of [a-z0-9-]."""
    return BIBTEX_KEY_PREFIX + paper.id


def _entry(paper: Paper, digest: Digest, base: str) -> str:
    url = base + paper.url
    fields = [("title", "{" + bibtex_escape(paper.title) + "}")]  # inner braces keep its case
    if paper.date is not None:
        fields += [("year", str(paper.date.year)), ("month", MONTHS[paper.date.month - 1].lower())]
    fields += [
        ("howpublished", rf"\url{{{url}}}"),
        ("url", url),
        ("note", rf"Listed in Paper Digest: \url{{{url}}}"),
    ]
    themes = [a.theme for a in digest.assignments.get(paper.id, ())]
    if themes:
        fields.append(("keywords", ", ".join(themes)))
    if paper.abstract.strip():
        fields.append(("abstract", bibtex_escape(paper.abstract)))
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields)
    return f"@misc{{{bibtex_key(paper)},\n{body}\n}}\n"


def to_bibtex(papers: Iterable[Paper], digest: Digest, site_url: str) -> str:
    """@misc entries sorted by id, separated by blank lines.

    Fields: title (double-braced so styles keep its capitals), year and month
    (a month macro) when dated, howpublished and url (the paper's page), note
    "Listed in Paper Digest: <url>", keywords (theme slugs) and abstract.
    Authors are unknown to the digest, so there is no author field.
    """
    return "".join(iter_bibtex(papers, digest, site_url))


def iter_bibtex(papers: Iterable[Paper], digest: Digest, site_url: str) -> Iterator[str]:
    """`to_bibtex` an entry at a time."""
    base = site_base(site_url)
    for i, paper in enumerate(_by_id(papers)):
        yield ("\n" if i else "") + _entry(paper, digest, base)
