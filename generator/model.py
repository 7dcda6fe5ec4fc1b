"""Plain records passed between the pipeline's stages.

Every stage takes and returns these frozen values, so a stage can be tested
alone and no stage can quietly change what an earlier one produced.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# English abbreviations as the listing pages write them; never the process locale's
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Diagnostic:
    """A problem with the input, named by file and line so a maintainer can find it."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Skipped:
    """An entry that did not become a paper, kept so the report can account for it."""

    file: str
    line: int
    reason: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Block:
    """Consecutive non-blank lines of a source; `line` is the first one's number."""

    line: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class SourceFile:
    """One listing page, decoded, with its layout told apart by content."""

    name: str
    layout: str  # "compact", "rich" or "unknown"
    lines: tuple[str, ...]
    encoding: str


@dataclass(frozen=True)
class Entry:
    """One listing of a paper on one page, as parsed."""

    file: str
    line: int
    title: str
    abstract: str
    date: dt.date | None = None
    date_inferred: bool = False
    authors: int | None = None
    organization: str | None = None
    upvotes: int | None = None

    @property
    def source(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Paper:
    """One distinct paper after duplicates are merged; `sources` lists every listing."""

    id: str
    title: str
    abstract: str
    date: dt.date | None
    date_inferred: bool
    authors: int | None
    organization: str | None
    upvotes: int | None
    code: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"papers/{self.id}/"


@dataclass(frozen=True)
class Evidence:
    """Why a theme rule fired: the phrase as written in the paper and where."""

    phrase: str
    where: str  # "title", "abstract" or "curation"
    weight: float


@dataclass(frozen=True)
class Assignment:
    """A paper placed in a theme, with the evidence a reader can check."""

    theme: str
    score: float
    evidence: tuple[Evidence, ...]
    curated: str | None = None  # the editor's reason when curation.yml decided


@dataclass(frozen=True)
class ParsedSource:
    """What one file yielded: entries in file order, skipped entries, diagnostics."""

    name: str
    layout: str
    entries: tuple[Entry, ...]
    skipped: tuple[Skipped, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())


def newest_first(papers) -> list[Paper]:
    """Dated papers newest first, then undated ones; ties by id, so the order is stable."""
    papers = list(papers)
    dated = sorted((p for p in papers if p.date), key=lambda p: (-p.date.toordinal(), p.id))
    return dated + sorted((p for p in papers if not p.date), key=lambda p: p.id)
