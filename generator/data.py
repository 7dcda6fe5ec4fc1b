"""papers.json and report.json: the data contract other tools read.

Fields are only ever added, never renamed or removed (see README, "Data contract").
"""
from __future__ import annotations

import json

from .model import Paper
from .pipeline import Digest


def paper_record(paper: Paper, digest: Digest) -> dict:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "url": paper.url,
        "themes": [a.theme for a in digest.assignments[paper.id]],
        "date": paper.date.isoformat() if paper.date else None,
        "date_inferred": paper.date_inferred,
        "authors": paper.authors,
        "organization": paper.organization,
        "upvotes": paper.upvotes,
        "code": list(paper.code),
        "sources": list(paper.sources),
    }


def dump_json(value) -> str:
    """Stable text: sorted keys inside records are not needed (fixed order), but
    indentation and a final newline make diffs between builds readable."""
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def papers_json(papers, digest: Digest) -> str:
    return dump_json({"papers": [paper_record(p, digest) for p in sorted(papers, key=lambda p: p.id)]})
