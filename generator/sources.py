"""Reading listing pages: bytes on disk -> decoded lines with a layout.

This is the I/O edge of the pipeline. Captures are made by hand with whatever
tool a maintainer had, so decoding is forgiving but never silent: anything that
is not plain UTF-8 is reported, naming the file and the encoding used.

The rules, in order:
- A file that cannot be read (permissions, I/O error) is skipped with a warning.
- An empty or whitespace-only file, or a binary one (a NUL byte, or more than 5% of
  control bytes other than tab, line ends and form feed, in its first 8 KiB), is skipped
  with a warning. (A file starting with a byte-order mark is judged after decoding.)
- A byte-order mark decides: UTF-8 (silently), UTF-16 or UTF-32 (reported).
- Valid UTF-8 is read as UTF-8.
- Otherwise, when some lines are UTF-8 with non-ASCII characters, the file is UTF-8
  with a few lines pasted from elsewhere: only the lines that are not valid UTF-8 are
  decoded by detection, and the warning names them.
- Otherwise the whole file is decoded by detection (charset-normalizer); when
  candidates tie, windows-1252 wins, since it is what Western web pages mean even
  when they say Latin-1. When no encoding fits, the file is skipped with a warning.
- Line ends may be LF, CRLF or CR (even mixed); line numbers count them all, so they
  match what an editor shows. No other character (U+2028, NEL, form feed) ends a line.
- In every line, control characters (Unicode category Cc: U+0000-U+001F except tab,
  U+007F-U+009F) and noncharacters (U+FDD0-U+FDEF, U+FFFE, U+FFFF and their
  counterparts in every plane) are removed, trailing whitespace is dropped, and the text
  is put in Unicode normal form NFC.
- The layout (compact or rich) is told apart by content, never by file name; a file
  in no known layout is skipped with a warning.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from .model import Diagnostic, SourceFile

COMPACT_HEADERS = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
)
RICH_HEADERS = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
)
RICH_MARKERS = ("Daily Papers", "byAK and the research community")
SUBSCRIBE = "Subscribe"
META_SEPARATOR = "·"
AUTHORS_LINE = re.compile(r"^\s*•\s*\d+\s+authors?\s*$")

# Cc except tab (LF and CR never reach a line), and the 66 Unicode noncharacters, which
# are never text (XML cannot even carry U+FFFE and U+FFFF).
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
_CONTROL_IN_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_NONCHARACTERS}]")  # LF stays
# The same without the astral noncharacters: a character class of single code points
# beyond U+FFFF is checked about ten times slower, so it runs only on texts that have any.
_CONTROL_IN_BMP_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LINE_END = re.compile(rb"\r\n|\r|\n")
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
PREFERRED = "cp1252"
_SHOWN_LINES = 10


class Undecodable(Exception):
    """No encoding fits the bytes; str() says why."""


def source_paths(sources_dir: Path) -> list[Path]:
    """Every `*.txt` directly in the folder, sorted by name so builds are repeatable."""
    return sorted(p for p in sources_dir.glob("*.txt") if p.is_file())


def display_name(path: Path) -> str:
    """The file name as text: bytes that are not UTF-8 in a name show as U+FFFD, and
    control characters (a newline could forge a log line) as U+FFFD too."""
    name = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", "\ufffd", name)


def read_source(path: Path) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Read and decode one file; None when it holds nothing that can be parsed."""
    name, data, problems = read_bytes(path)
    return (None, problems) if data is None else decode_source(name, data)


def read_bytes(path: Path) -> tuple[str, bytes | None, list[Diagnostic]]:
    """The file's display name and bytes; None and a warning when it cannot be read."""
    name = display_name(path)
    try:
        return name, path.read_bytes(), []
    except OSError as exc:
        return name, None, [Diagnostic(name, None, f"cannot be read ({exc.strerror or exc}), skipped")]


def decode_source(name: str, data: bytes) -> tuple[SourceFile | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    bom = _bom_codec(data)
    if bom is None:
        if not data.strip():
            return None, [Diagnostic(name, None, "empty file, skipped")]
        if _looks_binary(data):
            return None, [Diagnostic(name, None, "binary file (not text), skipped")]
    try:
        text, encoding, note = _decode(data, bom)
    except Undecodable as exc:
        return None, [Diagnostic(name, None, f"{exc}, skipped")]
    if note:
        diagnostics.append(Diagnostic(name, None, note))
    lines = clean_lines(text)
    if not any(lines):
        return None, diagnostics + [Diagnostic(name, None, "empty file, skipped")]
    layout = detect_layout(lines)
    if layout == "unknown":
        diagnostics.append(
            Diagnostic(name, None, "no known listing layout (compact or rich), skipped")
        )
    return SourceFile(name, layout, lines, encoding), diagnostics


def clean_lines(text: str) -> tuple[str, ...]:
    """The text's lines without control characters, noncharacters and trailing
    whitespace (they carry no meaning in a capture), in NFC.

    Done on the whole text, not line by line (a large collection has hundreds of
    thousands of lines): the removed characters include no line end once CR is
    gone, and NFC never composes across a line feed."""
    control = _CONTROL_IN_TEXT if _ASTRAL.search(text) else _CONTROL_IN_BMP_TEXT
    text = control.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return tuple(line.rstrip() for line in text.split("\n"))


def _bom_codec(data: bytes) -> str | None:
    return next((codec for bom, codec in _BOMS if data.startswith(bom)), None)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def _decode(data: bytes, bom: str | None) -> tuple[str, str, str | None]:
    """(text, encoding, warning or None)."""
    if bom is not None:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError:
            raise Undecodable(f"starts with a {bom} byte-order mark but is not {bom}") from None
        if bom == "utf-8-sig":
            return text, bom, None
        return text, bom, f"not UTF-8; decoded as {bom} (byte-order mark)"
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    raw_lines = _LINE_END.split(data)
    bad = [i for i, line in enumerate(raw_lines) if not _is_utf8(line)]
    if any(_is_utf8(line) and not line.isascii() for line in raw_lines):
        encoding = _detect(b"\n".join(raw_lines[i] for i in bad))
        bad_set = set(bad)
        text = "\n".join(line.decode(encoding if i in bad_set else "utf-8", errors="replace")
                         for i, line in enumerate(raw_lines))
        shown = ", ".join(str(i + 1) for i in bad[:_SHOWN_LINES])
        more = f" and {len(bad) - _SHOWN_LINES} more" if len(bad) > _SHOWN_LINES else ""
        return text, f"utf-8+{encoding}", (
            f"not valid UTF-8 on line{'s' if len(bad) > 1 else ''} {shown}{more}; "
            f"those lines decoded as {encoding} (detected)")
    encoding = _detect(data)
    return data.decode(encoding, errors="replace"), encoding, (
        f"not valid UTF-8; decoded as {encoding} (detected)")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect(data: bytes) -> str:
    """The encoding charset-normalizer finds most plausible; windows-1252 on a tie.
    Imported here: most listing pages are UTF-8, and the module costs 5 MB."""
    import charset_normalizer
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise Undecodable("not text in any encoding that could be detected")
    best = matches[0]
    tied = [m for m in matches
            if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01]
    if any(PREFERRED in m.could_be_from_charset for m in tied):
        return PREFERRED
    return codecs.lookup(best.encoding).name


def detect_layout(lines: tuple[str, ...]) -> str:
    """Tell the two capture layouts apart by what the text looks like, not by file name.

    The page header decides when there is one ("Daily Papers" or the byline: rich;
    a compact-only header line, or a first title glued to "Subscribe": compact);
    without one, a "·" line or an authors line means rich."""
    content = [line.strip() for line in lines if line.strip()]
    if not content:
        return "unknown"
    head = content[:8]
    if any(line in RICH_MARKERS for line in head):
        return "rich"
    if any(line.startswith(SUBSCRIBE) and len(line) > len(SUBSCRIBE) for line in head):
        return "compact"
    if COMPACT_HEADERS[0] in head:
        return "compact"
    if any(line == META_SEPARATOR or AUTHORS_LINE.match(line) for line in content):
        return "rich"
    if any(line in COMPACT_HEADERS for line in head):
        return "compact"
    return "unknown"
