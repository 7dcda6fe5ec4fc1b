"""papers.json and report.json: the data contract other tools read.

Fields are only ever added, never renamed or removed (see README, "Data contract").
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from .model import Paper
from .pipeline import Digest


FIELDS = ("id", "title", "abstract", "url", "themes", "date", "date_inferred", "authors",
          "organization", "upvotes", "code", "sources")


def paper_record(paper: Paper, digest: Digest) -> dict:
    """One papers.json record, its keys in FIELDS order (also the CSV header)."""
    return dict(zip(FIELDS, (
        paper.id,
        paper.title,
        paper.abstract,
        paper.url,
        [a.theme for a in digest.assignments[paper.id]],
        paper.date.isoformat() if paper.date else None,
        paper.date_inferred,
        paper.authors,
        paper.organization,
        paper.upvotes,
        list(paper.code),
        list(paper.sources),
    ), strict=True))


def dump_json(value) -> str:
    """Stable text: sorted keys inside records are not needed (fixed order), but
    indentation and a final newline make diffs between builds readable."""
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def iter_papers_json(papers, digest: Digest) -> Iterator[str]:
    """papers.json a record at a time: the text of `dump_json({"papers": [...]})`,
    without holding every record of a large digest (and its encoding) at once."""
    ordered = sorted(papers, key=lambda p: p.id)
    if not ordered:
        yield dump_json({"papers": []})
        return
    yield '{\n "papers": [\n'
    last = len(ordered) - 1
    for i, paper in enumerate(ordered):
        yield _record_text(paper_record(paper, digest)) + (",\n" if i < last else "\n")
    yield " ]\n}\n"


_RECORD_INDENT = "  "  # a record is two levels into papers.json, one space per level
_INNER = _RECORD_INDENT + " "
_scalar = json.JSONEncoder(ensure_ascii=False).encode  # compact: the C encoder
_string = json.encoder.encode_basestring  # what that encoder does to a str (in C)
_KEYS = {key: f"{_INNER}{_scalar(key)}: " for key in FIELDS}


def _value(value) -> str:
    """`_scalar` without its set-up per call for the types records hold."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return _scalar(value)


def _record_text(record: dict) -> str:
    """A record as `json.dumps(..., indent=1)` lays it out two levels in.

    json.dumps with an indent runs the encoder in pure Python (its C encoder only
    writes compact JSON), about 40 microseconds a record; records are flat (scalars
    and lists of scalars), so each value is encoded by the C encoder and laid out
    here. A test compares the result with json.dumps on the seed collection."""
    lines = []
    for key, value in record.items():
        if isinstance(value, list):
            text = ("[\n" + ",\n".join([_INNER + " " + _value(v) for v in value])
                    + "\n" + _INNER + "]") if value else "[]"
        else:
            text = _value(value)
        lines.append((_KEYS.get(key) or f"{_INNER}{_scalar(key)}: ") + text)
    return _RECORD_INDENT + "{\n" + ",\n".join(lines) + "\n" + _RECORD_INDENT + "}"


def papers_json(papers, digest: Digest) -> str:
    return "".join(iter_papers_json(papers, digest))
