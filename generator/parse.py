"""Parsing: decoded lines -> entries with title, abstract and metadata.

The rules, for lines already decoded and cleaned by sources.py (control characters
removed, trailing whitespace dropped, NFC):

Both layouts
- Titles and abstracts are whitespace-normalised: every run of whitespace (spaces,
  tabs, no-break spaces, U+2028 ...) becomes one space and the ends are trimmed.
  Nothing else in the text is changed: markup, quotes and entities stay as written.
- A line longer than MAX_TITLE (300) characters cannot be a title; real abstracts are
  longer than that, so "long" below means "longer than MAX_TITLE".
- A title lost its abstract when nothing follows it, when metadata follows it, or when
  the next text is short and is itself followed by a long one (the next paper's title
  and abstract): it is skipped, reason "title without an abstract".
- Long text where a title should be is an abstract whose title is missing: skipped,
  reason "abstract without a title" -- unless the next text is long too, in which case
  the two are one entry whose over-long title is cut.
- An over-long title (> MAX_TITLE) or abstract (> MAX_ABSTRACT, 10 000 characters) is
  cut at a word, ends with " …", and is reported.
- Every skipped entry is reported as file:line with its reason and kept in
  ParsedSource.skipped, so the build report can account for every entry read.

Compact layout
- The header lines ("Get trending papers ...") are dropped; the first title may be glued
  to "Subscribe".
- Blank lines carry no meaning: the non-blank lines alternate title, abstract.

Rich layout
- The page header blocks are dropped, and with them the capture date right after the
  byline -- unless the text after that date-like line is an abstract (long, or followed
  by metadata): then it is a paper titled, say, "Jun 25".
- The rest is blocks separated by blank lines: title, abstract, then an optional
  metadata block: an authors line ("• 6 authors") or an organisation, "·", and a date
  line "Mon D[, YYYY] [upvotes]". A metadata block without a date keeps the entry with
  an empty date, reported.
- A title and its abstract with no blank line between them are one block: the first
  line is the title, the rest the abstract; a block of short lines followed by a long
  block is a title wrapped over several lines.
- Stray blank lines inside a metadata block are ignored: a block starting with "·" (when
  the block before has none), or a lone date line, continues the metadata block before
  it while that block has no date yet -- unless the date-like line is followed by an
  abstract (then it is a title). Without a "·", the date is the line that reads as one.
- A metadata block with no entry before it is skipped, reason "metadata without a title";
  the metadata of a skipped entry is skipped with it.
- A date without a year gets the year after the latest explicit year on the same page
  and is marked inferred; with no explicit year on the page it is left empty (and
  reported).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from .model import MONTHS, Block, Diagnostic, Entry, ParsedSource, Skipped, SourceFile
from .sources import (AUTHORS_LINE, COMPACT_HEADERS, META_SEPARATOR, RICH_HEADERS,
                      RICH_MARKERS, SUBSCRIBE)

MAX_TITLE = 300
MAX_ABSTRACT = 10_000
MONTH_NUMBER = {m: i for i, m in enumerate(MONTHS, 1)}
DATE_LINE = re.compile(
    r"^(?P<month>" + "|".join(MONTHS) + r") (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?"
    r"(?: (?P<upvotes>\d+))?$"
)
_AUTHORS = re.compile(r"^•\s*(\d+)\s+authors?$")

NO_ABSTRACT = "title without an abstract"
NO_TITLE = "abstract without a title"
NO_ENTRY = "metadata without a title"


def normalize_space(text: str) -> str:
    """Runs of whitespace become one space, none at the ends. str.split() and the
    regular expression \\s+ agree on what whitespace is (str.isspace), and split
    is five times faster on an abstract; `is_normal_space` tells in a fraction of
    that that most texts need neither."""
    return text if is_normal_space(text) else " ".join(text.split())


def is_normal_space(text: str) -> bool:
    """No whitespace but single spaces between words. A printable text's only
    whitespace is the ASCII space (str.isprintable counts every other separator
    and control character out)."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def is_long(text: str) -> bool:
    return len(text) > MAX_TITLE


def parse_source(source: SourceFile) -> ParsedSource:
    if source.layout == "compact":
        entries, skipped, diagnostics = _parse_compact(source)
    elif source.layout == "rich":
        entries, skipped, diagnostics = _parse_rich(source)
    else:
        return ParsedSource(source.name, source.layout, (), (), ())
    entries, more = _infer_years(source.name, entries)
    checked = [_check_lengths(source.name, e, diagnostics) for e in entries]
    ordered = sorted(diagnostics + more, key=lambda d: d.line or 0)
    return ParsedSource(source.name, source.layout, tuple(checked), tuple(skipped),
                        tuple(ordered))


def _check_lengths(name: str, entry: Entry, diagnostics: list[Diagnostic]) -> Entry:
    title, abstract = entry.title, entry.abstract
    if len(title) <= MAX_TITLE and len(abstract) <= MAX_ABSTRACT:
        return entry  # the usual case; dataclasses.replace costs microseconds an entry
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


def _next_is_title(candidate: str, following: list[str]) -> bool:
    """A short text followed by a long one is a title and its abstract, so the
    entry before them lost its abstract (a capture cut in the middle)."""
    return not is_long(candidate) and bool(following) and is_long(following[0])


# --- compact layout ------------------------------------------------------------------

def _parse_compact(source: SourceFile):
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    diagnostics: list[Diagnostic] = []
    numbered = _compact_content(source.lines)
    i = 0
    while i < len(numbered):
        line_no, title = numbered[i]
        nxt = numbered[i + 1][1] if i + 1 < len(numbered) else None
        if is_long(title):
            if nxt is None or not is_long(nxt):
                _skip(source.name, line_no, NO_TITLE, skipped, diagnostics)
                i += 1
                continue
        elif nxt is None or _next_is_title(nxt, [text for _, text in numbered[i + 2:i + 3]]):
            _skip(source.name, line_no, NO_ABSTRACT, skipped, diagnostics)
            i += 1
            continue
        entries.append(Entry(source.name, line_no, normalize_space(title), normalize_space(nxt)))
        i += 2
    return entries, skipped, diagnostics


def _compact_content(lines: tuple[str, ...]) -> list[tuple[int, str]]:
    """Non-blank lines with their numbers, header lines removed and "Subscribe" unglued."""
    out: list[tuple[int, str]] = []
    in_header = True
    for n, line in enumerate(lines, 1):
        text = line.strip()
        if not text:
            continue
        if in_header and text in COMPACT_HEADERS:
            continue
        if in_header and text.startswith(SUBSCRIBE):
            text = text[len(SUBSCRIBE):]
            in_header = False
            if not text.strip():
                continue
        in_header = False
        out.append((n, text))
    return out


# --- rich layout -----------------------------------------------------------------------

def blocks_of(lines: tuple[str, ...]) -> list[Block]:
    """Runs of non-blank lines, stripped, each with the number of its first line."""
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


def _is_date_block(block: Block) -> bool:
    return len(block.lines) == 1 and bool(DATE_LINE.match(block.lines[0]))


def _abstract_at(blocks: list[Block], i: int) -> bool:
    """Whether blocks[i] reads as an abstract: text (not metadata) that is long or is
    followed by metadata."""
    if i >= len(blocks) or is_meta_block(blocks[i]):
        return False
    return is_long(blocks[i].text) or (i + 1 < len(blocks) and is_meta_block(blocks[i + 1]))


def _skip_rich_header(blocks: list[Block]) -> list[Block]:
    """Drop the page header; the capture date counts only right after the byline."""
    i = 0
    after_marker = False
    while i < len(blocks) and all(line in RICH_HEADERS for line in blocks[i].lines):
        after_marker = blocks[i].lines[-1] in RICH_MARKERS
        i += 1
    if after_marker and i < len(blocks) and _is_date_block(blocks[i]) \
            and not _abstract_at(blocks, i + 1):
        i += 1
    return blocks[i:]


def _has_date(block: Block) -> bool:
    return bool(DATE_LINE.match(" ".join(_split_meta(block.lines)[1])))


def _join_meta(blocks: list[Block]) -> list[Block]:
    """Join metadata blocks that stray blank lines split in two."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        prev = out[-1] if out else None
        if prev is not None and is_meta_block(prev) and not _has_date(prev):
            continues = (block.lines[0] == META_SEPARATOR and META_SEPARATOR not in prev.lines) \
                or (_is_date_block(block) and not _abstract_at(blocks, i + 1))
            if continues:
                out[-1] = Block(prev.line, prev.lines + block.lines)
                continue
        out.append(block)
    return out


def _parse_rich(source: SourceFile):
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    diagnostics: list[Diagnostic] = []
    blocks = _join_meta(_skip_rich_header(blocks_of(source.lines)))
    i = 0
    while i < len(blocks):
        block = blocks[i]
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        nxt_is_meta = nxt is not None and is_meta_block(nxt)
        if is_meta_block(block):
            _skip(source.name, block.line, NO_ENTRY, skipped, diagnostics)
            i += 1
            continue
        following = [b.text for b in blocks[i + 2:i + 3] if not is_meta_block(b)]
        if len(block.lines) > 1 and not any(is_long(line) for line in block.lines) \
                and nxt is not None and not nxt_is_meta and is_long(nxt.text):
            # a title wrapped over several lines, then its abstract
            title, abstract, used = block.text, nxt.text, 2
        elif len(block.lines) > 1 and not is_long(block.lines[0]):
            # a title and its abstract with no blank line between them
            title, abstract, used = block.lines[0], " ".join(block.lines[1:]), 1
        elif is_long(block.text):
            if nxt is None or nxt_is_meta or not is_long(nxt.text):
                _skip(source.name, block.line, NO_TITLE, skipped, diagnostics)
                i += 2 if nxt_is_meta else 1
                continue
            title, abstract, used = block.text, nxt.text, 2  # an over-long title
        elif nxt is None or nxt_is_meta or _next_is_title(nxt.text, following):
            _skip(source.name, block.line, NO_ABSTRACT, skipped, diagnostics)
            i += 2 if nxt_is_meta else 1
            continue
        else:
            title, abstract, used = block.text, nxt.text, 2
        i += used
        entry = Entry(source.name, block.line, normalize_space(title), normalize_space(abstract))
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
        m = _AUTHORS.match(line)
        if m:
            authors = int(m.group(1))
        elif line:
            organization = normalize_space(_dedupe_org(line))
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
    """(authors and organisation lines, date lines): split at "·", or without one,
    date lines are the lines that read as dates."""
    if META_SEPARATOR in lines:
        k = lines.index(META_SEPARATOR)
        return list(lines[:k]), [line for line in lines[k + 1:] if line != META_SEPARATOR]
    dates = [line for line in lines if DATE_LINE.match(line)]
    return [line for line in lines if line not in dates], dates


def _dedupe_org(line: str) -> str:
    """Captures repeat the organisation name (avatar text, then name): keep it once."""
    words = line.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return line


def _date_of(m: re.Match, entry: Entry, block: Block, diagnostics: list[Diagnostic]):
    month = MONTH_NUMBER[m.group("month")]
    year = int(m.group("year")) if m.group("year") else None
    # year-less dates are resolved later, page-wide (2000 is a leap year, so Feb 29 passes)
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
