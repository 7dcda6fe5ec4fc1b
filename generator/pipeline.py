"""The build, top to bottom: read -> parse -> merge -> themes -> curation, with
related papers and a share of the themes worked out beside it (worker).

`build_digest` gathers everything into one Digest value; rendering is a
separate step (`site.plan_site`) so the same Digest feeds MkDocs and the CLI.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .curation import apply_curation, load_curation
from .merge import merge_entries
from .model import Assignment, Diagnostic, Paper, ParsedSource
from .parse import parse_source
from .sources import decode_source, read_bytes, source_paths
from .themes import Theme, assign_all, load_themes, remember, unscored
from .worker import Worker


@dataclass(frozen=True)
class Digest:
    papers: tuple[Paper, ...]  # sorted by id
    themes: tuple[Theme, ...]
    assignments: dict[str, tuple[Assignment, ...]]  # paper id -> in themes.yml order
    exclusions: dict[str, tuple[tuple[str, str], ...]]  # paper id -> (theme, reason)
    sources: tuple[ParsedSource, ...]
    diagnostics: tuple[Diagnostic, ...]
    # paper id -> the most similar other papers, best first (none in a Digest made by hand)
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def papers_in(self, slug: str) -> list[Paper]:
        return list(self._by_theme.get(slug, ()))

    @cached_property
    def _by_theme(self) -> dict[str, tuple[Paper, ...]]:
        """Theme slug -> its papers in id order; asked for by every page, feed and export."""
        out: dict[str, list[Paper]] = {}
        for paper in self.papers:
            for a in self.assignments[paper.id]:
                out.setdefault(a.theme, []).append(paper)
        return {slug: tuple(papers) for slug, papers in out.items()}

    def assignment(self, paper_id: str, slug: str) -> Assignment | None:
        return next((a for a in self.assignments[paper_id] if a.theme == slug), None)


def read_all(sources: Path | list[Path]) -> tuple[list[ParsedSource], list[Diagnostic]]:
    """Every listing page of a folder, or the given pages."""
    parsed, diagnostics = [], []
    for path in source_paths(sources) if isinstance(sources, Path) else sources:
        name, data, problems = read_bytes(path)
        diagnostics.extend(problems)
        result, problems = (ParsedSource(name, "unreadable", (), ()), ()) if data is None \
            else _remembered_parse(name, data)
        parsed.append(result)
        diagnostics.extend(problems)
    return parsed, diagnostics


PARSED_KEPT = 4096  # listing pages remembered (results only, a few per MB of listing)
_PARSED: dict[tuple[str, bytes], tuple[ParsedSource, tuple[Diagnostic, ...]]] = {}


def _remembered_parse(name: str, data: bytes) -> tuple[ParsedSource, tuple[Diagnostic, ...]]:
    """`decode_and_parse` is pure in its inputs, so its results are remembered:
    `mkdocs serve` rebuilds after every edit, and a large digest's unchanged listing
    pages need not be decoded and parsed again. The key is the file's name and a
    digest of its bytes, not the bytes, which would keep every file in memory."""
    key = (name, hashlib.sha256(data).digest())
    found = _PARSED.pop(key, None)
    if found is None:
        found = decode_and_parse(name, data)
    _PARSED[key] = found  # the most recently used last
    while len(_PARSED) > PARSED_KEPT:
        del _PARSED[next(iter(_PARSED))]
    return found


def decode_and_parse(name: str, data: bytes) -> tuple[ParsedSource, tuple[Diagnostic, ...]]:
    source, problems = decode_source(name, data)
    if source is None:
        return ParsedSource(name, "unreadable", (), ()), tuple(problems)
    result = parse_source(source)
    return result, (*problems, *result.diagnostics)


def build_digest(content_dir: Path) -> Digest:
    """Raises ConfigError for a broken themes.yml or curation.yml."""
    themes = load_themes(content_dir / "themes.yml")
    pins = load_curation(content_dir / "curation.yml", {t.slug for t in themes})
    pages = source_paths(content_dir / "sources")
    # the worker starts now: it imports scikit-learn while the pages are read
    with Worker.for_listing_pages(pages, themes) as worker:
        parsed, diagnostics = read_all(pages)
        merged = merge_entries(e for source in parsed for e in source.entries)
        elsewhere = worker.share(unscored(themes, merged))
        worker.send(merged, score=elsewhere)
        by_rules = _themes_of(themes, merged, elsewhere, worker)
        related = worker.related()
    curated, exclusions, warnings = apply_curation(pins, by_rules)
    order = {t.slug: i for i, t in enumerate(themes)}
    assignments = {pid: tuple(sorted(items, key=lambda a: order[a.theme]))
                   for pid, items in curated.items()}
    return Digest(
        papers=tuple(sorted(merged, key=lambda p: p.id)),
        themes=themes,
        assignments=assignments,
        exclusions=exclusions,
        sources=tuple(parsed),
        diagnostics=tuple(diagnostics + warnings),
        related=related,
    )


def _themes_of(themes, merged, elsewhere, worker: Worker) -> dict:
    """Every paper's themes: the worker's share from the worker, the rest scored here
    meanwhile; in the order of `merged`."""
    if not elsewhere:
        return assign_all(themes, merged)
    sent = {p.id for p in elsewhere}
    here = assign_all(themes, [p for p in merged if p.id not in sent])
    there = worker.assignments()
    remember(themes, elsewhere, there)
    return {p.id: here[p.id] if p.id in here else there[p.id] for p in merged}
