"""papers.json and report.json: the data contract other tools read.

Fields are only ever added, never renamed or removed (see README, "Data contract").
"""
from __future__ import annotations

import json

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


def papers_json(papers, digest: Digest) -> str:
    return dump_json({"papers": [paper_record(p, digest) for p in sorted(papers, key=lambda p: p.id)]})
