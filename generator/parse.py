"""Parsing: decoded lines -> entries with title, abstract and metadata.

The documented rules (README, "How listing pages are read"):
- compact: header lines, then title and abstract on alternating non-blank lines;
  the first title may be glued to "Subscribe".
- rich: header blocks, then blank-line separated blocks: title, abstract and an
  optional meta block (authors or organisation, "·", date, optional upvotes).
- A date without a year gets the year after the latest explicit year on the
  same page and is marked inferred; with no explicit year on the page it is
  left empty (and reported).
- A title without an abstract, or an abstract without a title, is skipped and
  reported; an over-long title or abstract is cut and reported.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from .model import Block, Diagnostic, Entry, ParsedSource, Skipped, SourceFile
from .sources import AUTHORS_LINE, COMPACT_HEADERS, META_SEPARATOR, RICH_HEADERS, SUBSCRIBE

MAX_TITLE = 300
MAX_ABSTRACT = 10_000
MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
DATE_LINE = re.compile(
    r"^(?P<month>[A-Z][a-z]{2}) (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?(?: (?P<upvotes>\d+))?$"
)
_SPACES = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def parse_source(source: SourceFile) -> ParsedSource:
    if source.layout == "compact":
        entries, skipped, diagnostics = _parse_compact(source)
    elif source.layout == "rich":
        entries, skipped, diagnostics = _parse_rich(source)
    else:
        return ParsedSource(source.name, source.layout, (), (), ())
    entries, more = _infer_years(source.name, entries)
    checked = [_check_lengths(source.name, e, diagnostics) for e in entries]
    return ParsedSource(source.name, source.layout, tuple(checked), tuple(skipped),
                        tuple(diagnostics + more))


def _check_lengths(name: str, entry: Entry, diagnostics: list[Diagnostic]) -> Entry:
    title, abstract = entry.title, entry.abstract
    if len(title) > MAX_TITLE:
        diagnostics.append(Diagnostic(name, entry.line, f"title longer than {MAX_TITLE} characters, cut"))
        title = _cut(title, MAX_TITLE)
    if len(abstract) > MAX_ABSTRACT:
        diagnostics.append(Diagnostic(
            name, entry.line, f"abstract longer than {MAX_ABSTRACT} characters, cut"))
        abstract = _cut(abstract, MAX_ABSTRACT)
    return replace(entry, title=title, abstract=abstract)


def _cut(text: str, limit: int) -> str:
    head = text[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head) + " …"


def _skip(name: str, line: int, reason: str, skipped: list[Skipped],
          diagnostics: list[Diagnostic]) -> None:
    skipped.append(Skipped(name, line, reason))
    diagnostics.append(Diagnostic(name, line, f"entry skipped: {reason}"))


def _next_is_title(candidate: str, following: list[tuple[int, str]]) -> bool:
    """A short line followed by a long one is a title and its abstract, so the
    entry before them lost its abstract (a capture cut in the middle)."""
    return len(candidate) <= MAX_TITLE and bool(following) and len(following[0][1]) > MAX_TITLE


# --- compact layout ------------------------------------------------------------------

def _parse_compact(source: SourceFile):
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    diagnostics: list[Diagnostic] = []
    numbered = _compact_content(source.lines)
    i = 0
    while i < len(numbered):
        line_no, title = numbered[i]
        if len(title) > MAX_TITLE:
            _skip(source.name, line_no, "abstract without a title", skipped, diagnostics)
            i += 1
            continue
        if i + 1 >= len(numbered) or _next_is_title(numbered[i + 1][1], numbered[i + 2:i + 3]):
            _skip(source.name, line_no, "title without an abstract", skipped, diagnostics)
            i += 1
            continue
        entries.append(Entry(source.name, line_no, normalize_space(title),
                             normalize_space(numbered[i + 1][1])))
        i += 2
    return entries, skipped, diagnostics


def _compact_content(lines: tuple[str, ...]) -> list[tuple[int, str]]:
    """Non-blank lines with their numbers, header lines removed and "Subscribe" unglued."""
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    out: list[tuple[int, str]] = []
    in_header = True
    for n, line in numbered:
        if in_header and line in COMPACT_HEADERS:
            continue
        if in_header and line.startswith(SUBSCRIBE):
            line = line[len(SUBSCRIBE):]
            in_header = False
            if not line.strip():
                continue
        in_header = False
        out.append((n, line))
    return out


# --- rich layout -----------------------------------------------------------------------

def blocks_of(lines: tuple[str, ...]) -> list[Block]:
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    for n, line in enumerate(lines, 1):
        if line.strip():
            if not current:
                start = n
            current.append(line.strip())
        elif current:
            blocks.append(Block(start, tuple(current)))
            current = []
    if current:
        blocks.append(Block(start, tuple(current)))
    return blocks


def is_meta_block(block: Block) -> bool:
    return META_SEPARATOR in block.lines or bool(AUTHORS_LINE.match(block.lines[0]))


def _skip_rich_header(blocks: list[Block]) -> list[Block]:
    """Drop the page header; the capture date counts only right after the byline."""
    i = 0
    while i < len(blocks) and blocks[i].text in RICH_HEADERS:
        i += 1
        if blocks[i - 1].text in ("byAK and the research community", "Daily Papers") \
                and i < len(blocks) and DATE_LINE.match(blocks[i].text) \
                and blocks[i].text not in RICH_HEADERS:
            i += 1
            break
    return blocks[i:]


def _parse_rich(source: SourceFile):
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    diagnostics: list[Diagnostic] = []
    blocks = _skip_rich_header(blocks_of(source.lines))
    i = 0
    while i < len(blocks):
        title_block = blocks[i]
        if is_meta_block(title_block):
            _skip(source.name, title_block.line, "metadata without a title", skipped, diagnostics)
            i += 1
            continue
        title_lines = title_block.lines
        if len(title_lines) > 1:
            # a title and its abstract with no blank line between them
            title, abstract_text = title_lines[0], " ".join(title_lines[1:])
            i += 1
        else:
            title = title_lines[0]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            after = [(b.line, b.text) for b in blocks[i + 2:i + 3] if not is_meta_block(b)]
            if nxt is None or is_meta_block(nxt) or _next_is_title(nxt.text, after):
                _skip(source.name, title_block.line, "title without an abstract", skipped,
                      diagnostics)
                i += 2 if nxt is not None and is_meta_block(nxt) else 1
                continue
            abstract_text = nxt.text
            i += 2
        if len(title) > MAX_TITLE:
            _skip(source.name, title_block.line, "abstract without a title", skipped, diagnostics)
            continue
        entry = Entry(source.name, title_block.line, normalize_space(title),
                      normalize_space(abstract_text))
        if i < len(blocks) and is_meta_block(blocks[i]):
            entry = _apply_meta(entry, blocks[i], diagnostics)
            i += 1
        entries.append(entry)
    return entries, skipped, diagnostics


def _apply_meta(entry: Entry, block: Block, diagnostics: list[Diagnostic]) -> Entry:
    authors = organization = upvotes = None
    date: dt.date | None = None
    inferred = False
    before, after = _split_meta(block.lines)
    for line in before:
        m = re.match(r"^•\s*(\d+)\s+authors?$", line)
        if m:
            authors = int(m.group(1))
        elif line:
            organization = _dedupe_org(line)
    date_text = " ".join(after)
    m = DATE_LINE.match(date_text)
    if m:
        upvotes = int(m.group("upvotes")) if m.group("upvotes") else None
        date, inferred = _date_of(m, entry, block, diagnostics)
    elif date_text:
        diagnostics.append(Diagnostic(entry.file, block.line, f"unreadable date {date_text!r}, left empty"))
    else:
        diagnostics.append(Diagnostic(entry.file, block.line, "metadata has no date, left empty"))
    return replace(entry, authors=authors, organization=organization, upvotes=upvotes,
                   date=date, date_inferred=inferred)


def _split_meta(lines: tuple[str, ...]) -> tuple[list[str], list[str]]:
    if META_SEPARATOR in lines:
        k = lines.index(META_SEPARATOR)
        return list(lines[:k]), list(lines[k + 1:])
    return list(lines), []


def _dedupe_org(line: str) -> str:
    """Captures repeat the organisation name (avatar text, then name): keep it once."""
    words = line.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return line


def _date_of(m: re.Match, entry: Entry, block: Block, diagnostics: list[Diagnostic]):
    month = MONTHS.get(m.group("month"))
    year = int(m.group("year")) if m.group("year") else None
    # year-less dates are resolved later, page-wide; day 0 marks them for now
    if month is None:
        diagnostics.append(Diagnostic(entry.file, block.line, f"unknown month {m.group('month')!r}"))
        return None, False
    try:
        return dt.date(year or 2000, month, int(m.group("day"))), year is None
    except ValueError:
        diagnostics.append(Diagnostic(entry.file, block.line, f"impossible date {m.group(0)!r}, left empty"))
        return None, False


def _infer_years(name: str, entries: list[Entry]) -> tuple[list[Entry], list[Diagnostic]]:
    """Give year-less dates the year after the page's latest explicit year."""
    explicit = [e.date.year for e in entries if e.date and not e.date_inferred]
    pending = [e for e in entries if e.date and e.date_inferred]
    if not pending:
        return entries, []
    if not explicit:
        diags = [Diagnostic(name, e.line, "date without a year and no year on the page, left empty")
                 for e in pending]
        return [replace(e, date=None, date_inferred=False) if e.date_inferred else e
                for e in entries], diags
    year = max(explicit) + 1
    out, diags = [], []
    for e in entries:
        if e.date and e.date_inferred:
            try:
                e = replace(e, date=e.date.replace(year=year))
            except ValueError:  # Feb 29 in a year that has none
                diags.append(Diagnostic(name, e.line, f"Feb 29 does not exist in {year}, left empty"))
                e = replace(e, date=None, date_inferred=False)
        out.append(e)
    return out, diags
