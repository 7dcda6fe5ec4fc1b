"""The build report: what every source file yielded, so nothing is lost unseen.

For each file in content/sources: its layout, how many entries were read, how many
became papers (first listings), how many were merged into a paper listed earlier,
which entries were skipped (file:line and reason) and every warning about it.
Warnings about other files (curation.yml) are listed on their own.

The accounts balance: entries read = listings kept in papers + entries skipped, and
listings = first listings + duplicates merged. `check_balance` says where they do not.

report.md is rendered through templates/report.md.j2 (autoescaped, every value inside
raw HTML in the middle of a line, like every other page); report.json is the same
data, with sorted keys and files in name order, so two builds compare byte for byte.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from .model import Diagnostic, Skipped
from .pages import environment, to_markdown
from .pipeline import Digest

TITLE = "Build report"


@dataclass(frozen=True)
class SourceReport:
    file: str
    layout: str  # "compact", "rich", "unknown" or "unreadable"
    entries_read: int  # entries kept + entries skipped
    papers: int  # papers first listed in this file
    duplicates: int  # entries merged into a paper listed earlier (here or in another file)
    skipped: tuple[Skipped, ...]
    warnings: tuple[Diagnostic, ...]

    @property
    def listings(self) -> int:
        return self.papers + self.duplicates


@dataclass(frozen=True)
class BuildReport:
    sources: tuple[SourceReport, ...]  # in file-name order
    other_warnings: tuple[Diagnostic, ...]  # about files that are not sources
    papers: int  # distinct papers in the digest
    listings: int  # sum over papers of len(sources)

    @property
    def entries_read(self) -> int:
        return sum(s.entries_read for s in self.sources)

    @property
    def skipped(self) -> int:
        return sum(len(s.skipped) for s in self.sources)

    @property
    def duplicates(self) -> int:
        return sum(s.duplicates for s in self.sources)

    @property
    def warnings(self) -> int:
        return sum(len(s.warnings) for s in self.sources) + len(self.other_warnings)


def _file_of(where: str) -> str:
    return where.rsplit(":", 1)[0]


def _where(d: Diagnostic) -> str:
    return d.file if d.line is None else f"{d.file}:{d.line}"


def build_report(digest: Digest) -> BuildReport:
    firsts = Counter(_file_of(p.sources[0]) for p in digest.papers if p.sources)
    listed = Counter(_file_of(s) for p in digest.papers for s in p.sources)
    names = {s.name for s in digest.sources}
    by_file: dict[str, list[Diagnostic]] = {}
    other: list[Diagnostic] = []
    for d in digest.diagnostics:
        (by_file.setdefault(d.file, []) if d.file in names else other).append(d)
    sources = []
    for s in sorted(digest.sources, key=lambda s: s.name):
        sources.append(SourceReport(
            file=s.name,
            layout=s.layout,
            entries_read=len(s.entries) + len(s.skipped),
            papers=firsts[s.name],
            duplicates=listed[s.name] - firsts[s.name],
            skipped=tuple(sorted(s.skipped, key=lambda k: k.line)),
            warnings=tuple(sorted(by_file.get(s.name, ()), key=lambda d: d.line or 0)),
        ))
    return BuildReport(
        sources=tuple(sources),
        other_warnings=tuple(other),
        papers=len(digest.papers),
        listings=sum(len(p.sources) for p in digest.papers),
    )


def check_balance(report: BuildReport) -> list[str]:
    """Every way the accounts fail to balance, as sentences; empty when they do."""
    problems = []
    if report.entries_read != report.listings + report.skipped:
        problems.append(f"{report.entries_read} entries read, but {report.listings} listings "
                        f"in papers and {report.skipped} skipped")
    if sum(s.papers for s in report.sources) != report.papers:
        problems.append(f"{report.papers} papers, but first listings add up to "
                        f"{sum(s.papers for s in report.sources)}")
    for s in report.sources:
        if s.entries_read != s.listings + len(s.skipped):
            problems.append(f"{s.file}: {s.entries_read} entries read, but {s.listings} "
                            f"listings and {len(s.skipped)} skipped")
    return problems


def report_data(report: BuildReport) -> dict:
    return {
        "totals": {
            "files": len(report.sources),
            "entries_read": report.entries_read,
            "papers": report.papers,
            "duplicates_merged": report.duplicates,
            "skipped": report.skipped,
            "warnings": report.warnings,
        },
        "sources": [
            {
                "file": s.file,
                "layout": s.layout,
                "entries_read": s.entries_read,
                "papers": s.papers,
                "duplicates_merged": s.duplicates,
                "skipped": [{"where": k.where, "line": k.line, "reason": k.reason} for k in s.skipped],
                "warnings": [{"where": _where(d), "line": d.line, "message": d.message}
                             for d in s.warnings],
            }
            for s in report.sources
        ],
        "other_warnings": [{"where": _where(d), "line": d.line, "message": d.message}
                           for d in report.other_warnings],
    }


def report_json(digest: Digest) -> str:
    data = report_data(build_report(digest))
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def report_page(digest: Digest) -> str:
    report = build_report(digest)
    body = environment().get_template("report.md.j2").render(
        report=report, balance=check_balance(report), where=_where)
    return to_markdown({"title": TITLE}, body)
