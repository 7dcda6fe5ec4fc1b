"""Merging: every listing of the same paper becomes one Paper that keeps all sources."""
from __future__ import annotations

import re
from collections.abc import Iterable

from .ids import title_key, unique_ids
from .model import Entry, Paper

CODE_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>\"'"


def code_links(abstract: str) -> tuple[str, ...]:
    """http(s) URLs in the abstract, trailing punctuation removed, first mention first."""
    if "://" not in abstract:
        return ()  # most abstracts: a substring test instead of a regex scan
    seen: dict[str, None] = {}
    for match in CODE_URL.finditer(abstract):
        url = match.group(0)
        while url and url[-1] in _TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if re.match(r"https?://[^/\s]+\.[^/\s]+", url, re.IGNORECASE):
            seen.setdefault(url, None)
    return tuple(seen)


def merge_entries(entries: Iterable[Entry]) -> list[Paper]:
    """Group entries by title key in order of first appearance; ids follow that order."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(title_key(entry.title), []).append(entry)
    firsts = [group[0].title for group in groups.values()]
    return [_merge_group(pid, group) for pid, group in zip(unique_ids(firsts), groups.values())]


def _first(values):
    return next((v for v in values if v is not None), None)


def _merge_group(paper_id: str, group: list[Entry]) -> Paper:
    """The most complete metadata wins: the longest abstract, an explicit date over an
    inferred one, the highest upvote count; every listing stays a source."""
    abstract = max((e.abstract for e in group), key=len)  # max keeps the first of equals
    dated = [e for e in group if e.date is not None]
    best_date = next((e for e in dated if not e.date_inferred), dated[0] if dated else None)
    upvotes = [e.upvotes for e in group if e.upvotes is not None]
    code: dict[str, None] = {}
    for e in group:
        for url in code_links(e.abstract):
            code.setdefault(url, None)
    return Paper(
        id=paper_id,
        title=group[0].title,
        abstract=abstract,
        date=best_date.date if best_date else None,
        date_inferred=best_date.date_inferred if best_date else False,
        authors=_first(e.authors for e in group),
        organization=_first(e.organization for e in group),
        upvotes=max(upvotes) if upvotes else None,
        code=tuple(code),
        sources=tuple(e.source for e in group),
    )
