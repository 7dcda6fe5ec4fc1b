"""Possible misses: unthemed papers whose nearest neighbours mostly share a theme.

The rules can miss a paper that never uses a theme's words; its neighbours by
text similarity often still give it away. These are shown to editors, never
assigned automatically: a pin in curation.yml settles each one.
"""
from __future__ import annotations

from dataclasses import dataclass

from .pipeline import Digest

MIN_SHARE = 0.6


@dataclass(frozen=True)
class PossibleMiss:
    paper: str
    theme: str
    neighbours: tuple[str, ...]  # the neighbours that are in the theme


def possible_misses(digest: Digest, related: dict[str, tuple[str, ...]]) -> dict[str, tuple[PossibleMiss, ...]]:
    """theme slug -> papers outside every theme whose neighbours are mostly in it."""
    themes_of = {pid: {a.theme for a in items} for pid, items in digest.assignments.items()}
    excluded = {(pid, slug) for pid, items in digest.exclusions.items() for slug, _ in items}
    out: dict[str, list[PossibleMiss]] = {t.slug: [] for t in digest.themes}
    for paper in digest.papers:
        neighbours = related.get(paper.id, ())
        if themes_of[paper.id] or not neighbours:
            continue
        for theme in digest.themes:
            inside = tuple(n for n in neighbours if theme.slug in themes_of[n])
            if len(inside) / len(neighbours) >= MIN_SHARE and (paper.id, theme.slug) not in excluded:
                out[theme.slug].append(PossibleMiss(paper.id, theme.slug, inside))
    return {slug: tuple(items) for slug, items in out.items()}
