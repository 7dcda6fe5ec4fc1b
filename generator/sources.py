"""Reading listing pages: bytes on disk -> decoded lines with a layout.

This is the I/O edge of the pipeline. Captures are made by hand with whatever
tool a maintainer had, so decoding is forgiving (BOM, CRLF/CR, legacy
encodings) but never silent: anything that is not plain UTF-8 is reported.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import charset_normalizer

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
SUBSCRIBE = "Subscribe"
META_SEPARATOR = "·"
AUTHORS_LINE = re.compile(r"^\s*•\s*\d+\s+authors?\s*$")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def source_paths(sources_dir: Path) -> list[Path]:
    """Every `*.txt` directly in the folder, sorted by name so builds are repeatable."""
    return sorted(p for p in sources_dir.glob("*.txt") if p.is_file())


def read_source(path: Path) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Read and decode one file; None when it holds nothing that can be parsed."""
    return decode_source(path.name, path.read_bytes())


def decode_source(name: str, data: bytes) -> tuple[SourceFile | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    if not data.strip():
        return None, [Diagnostic(name, None, "empty file, skipped")]
    if _looks_binary(data):
        return None, [Diagnostic(name, None, "binary file (not text), skipped")]
    text, encoding = _decode(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        diagnostics.append(
            Diagnostic(name, None, f"not valid UTF-8; decoded as {encoding} (detected)")
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = tuple(_clean_line(line) for line in text.split("\n"))
    layout = detect_layout(lines)
    if layout == "unknown":
        diagnostics.append(
            Diagnostic(name, None, "no known listing layout (compact or rich), skipped")
        )
    return SourceFile(name, layout, lines, encoding), diagnostics


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return True
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls > len(sample) * 0.05


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        return data.decode("cp1252", errors="replace"), "cp1252"
    return str(best), best.encoding


def _clean_line(line: str) -> str:
    """Drop control characters and trailing spaces; they carry no meaning in a capture."""
    line = _CONTROL.sub("", line).rstrip()
    return unicodedata.normalize("NFC", line)


def detect_layout(lines: tuple[str, ...]) -> str:
    """Tell the two capture layouts apart by what the text looks like, not by file name."""
    content = [line for line in lines if line.strip()]
    if not content:
        return "unknown"
    head = content[:8]
    if any(line == META_SEPARATOR or AUTHORS_LINE.match(line) for line in lines):
        return "rich"
    if "Daily Papers" in head or "byAK and the research community" in head:
        return "rich"
    if any(line.startswith(SUBSCRIBE) and len(line) > len(SUBSCRIBE) for line in head):
        return "compact"
    if any(line in COMPACT_HEADERS for line in head):
        return "compact"
    return "unknown"
