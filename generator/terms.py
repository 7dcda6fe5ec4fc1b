"""Whole-word term matching for theme rules, on words rather than characters.

A paper is split into words once (`tokenize`, cached); a term is a sequence of
words, looked up in the text's word index. This replaces one large regular
expression per rule: Python's regex engine tries every alternative at every
word, which made theme assignment the slowest stage of the build (about 6 ms
per paper); set and dict look-ups make it a small fraction of that.

Term syntax (documented for editors in content/themes.yml):
- words are letters and digits; anything else between them (space, hyphen,
  apostrophe) is a separator, and words may also be written together, so
  "state space" finds "state space", "state-space" and "statespace";
- "*" at the start of a term lets the first word have letters before it
  ("*BERT" finds "BioBERT"), at the end lets the last word have letters after
  it ("Mamba*" finds "MambaMixer");
- matching ignores case unless the terms are case-sensitive.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


class TermError(ValueError):
    """A term that cannot be matched; the message says why."""


class Tokens:
    """A text's words with their character spans; the word indexes are built on
    first use, since most texts are only ever searched case-insensitively."""

    def __init__(self, text: str):
        self.text = text
        self.words = _WORD.findall(text)
        self.lower = _WORD.findall(text.lower())
        if len(self.lower) != len(self.words):  # lower() changed a word's length or class
            self.lower = [w.lower() for w in self.words]

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """Only needed to quote a match or place words in sentences."""
        return [m.span() for m in _WORD.finditer(self.text)]

    @cached_property
    def sentence_of(self) -> list[int]:
        """The sentence each word is in; a sentence ends at . ! or ? before a space."""
        ends = [m.start() for m in _SENTENCE_END.finditer(self.text)]
        return [bisect.bisect_right(ends, start) for start, _ in self.spans]

    def quote(self, i: int, n: int) -> str:
        return self.text[self.spans[i][0]:self.spans[i + n - 1][1]]

    @cached_property
    def where(self) -> dict[str, list[int]]:
        return _index(self.words)

    @cached_property
    def where_lower(self) -> dict[str, list[int]]:
        return _index(self.lower)

    @cached_property
    def vocabulary(self) -> str:
        return "\n".join(self.where)

    @cached_property
    def vocabulary_lower(self) -> str:
        return "\n".join(self.where_lower)


def _index(words: list[str]) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        positions.setdefault(word, []).append(i)
    return positions


@lru_cache(maxsize=256)
def tokenize(text: str) -> Tokens:
    """Cached for the rules of all themes on one paper (title, abstract, sentences); a
    small cache, so a large digest's texts are not all kept alive."""
    return Tokens(text)


@dataclass(frozen=True)
class Alternative:
    """One way to write a term: its words, and whether its ends may have more letters."""

    words: tuple[str, ...]
    open_start: bool
    open_end: bool

    def first_matches(self, word: str) -> bool:
        first = self.words[0]
        open_after = self.open_end and len(self.words) == 1
        if self.open_start and open_after:
            return first in word
        if self.open_start:
            return word.endswith(first)
        if open_after:
            return word.startswith(first)
        return word == first

    def length_at(self, words: tuple[str, ...], i: int) -> int:
        """How many words of `words` from i this alternative covers, 0 when it does not match."""
        n = len(self.words)
        if i + n > len(words) or not self.first_matches(words[i]):
            return 0
        for k in range(1, n):
            word = words[i + k]
            wanted = self.words[k]
            if k == n - 1 and self.open_end:
                if not word.startswith(wanted):
                    return 0
            elif word != wanted:
                return 0
        return n


def _alternatives(term: str, case_sensitive: bool) -> list[Alternative]:
    body = term.strip("*")
    if not body or "*" in body:
        raise TermError(f"bad term {term!r}: '*' only at the start or end")
    words = _WORD.findall(body if case_sensitive else body.lower())
    if not words:
        raise TermError(f"bad term {term!r}: no letters or digits")
    open_start, open_end = term.startswith("*"), term.endswith("*")
    out = []
    # every way of writing adjacent words together: "pre trained" -> "pretrained"
    for joins in itertools.product((False, True), repeat=len(words) - 1):
        merged = [words[0]]
        for word, join in zip(words[1:], joins):
            if join:
                merged[-1] += word
            else:
                merged.append(word)
        out.append(Alternative(tuple(merged), open_start, open_end))
    return out


@dataclass(frozen=True)
class Terms:
    """A list of terms compiled for look-up; keeps the written terms for messages."""

    written: tuple[str, ...]
    case_sensitive: bool
    by_first: dict[str, tuple[Alternative, ...]] = field(repr=False)
    open_first: tuple[Alternative, ...] = field(repr=False)
    open_words: re.Pattern | None = field(repr=False)  # finds words open_first may start at

    @classmethod
    def compile(cls, written: tuple[str, ...], case_sensitive: bool) -> "Terms":
        """Raises TermError naming the first bad term (as `index: message`)."""
        by_first: dict[str, list[Alternative]] = {}
        open_first: list[Alternative] = []
        for i, term in enumerate(written):
            try:
                alternatives = _alternatives(term, case_sensitive)
            except TermError as exc:
                raise TermError(f"{i}: {exc}") from None
            for alt in alternatives:
                if alt.open_start or (alt.open_end and len(alt.words) == 1):
                    open_first.append(alt)
                else:
                    by_first.setdefault(alt.words[0], []).append(alt)
        patterns = sorted({(r"\w*" if a.open_start else "") + re.escape(a.words[0])
                           + (r"\w*" if a.open_end and len(a.words) == 1 else "")
                           for a in open_first})
        open_words = re.compile("^(?:" + "|".join(patterns) + ")$", re.M) if patterns else None
        return cls(tuple(written), case_sensitive,
                   {w: tuple(a) for w, a in by_first.items()}, tuple(open_first), open_words)

    def find(self, text: str) -> list[str]:
        """The matches as written in the text, left to right, longest first at a word,
        never overlapping (like a regular expression's finditer)."""
        tokens = tokenize(text)
        return [tokens.quote(i, n) for i, n in self.matches(tokens)]

    def matches(self, tokens: Tokens) -> list[tuple[int, int]]:
        """(first word, number of words) of each match, as `find` describes."""
        words = tokens.words if self.case_sensitive else tokens.lower
        where = tokens.where if self.case_sensitive else tokens.where_lower
        best: dict[int, int] = {}
        for word in where.keys() & self.by_first.keys():
            alternatives = self.by_first[word]
            for i in where[word]:
                if len(alternatives) == 1 and len(alternatives[0].words) == 1 \
                        and not alternatives[0].open_end:
                    best[i] = max(best.get(i, 0), 1)  # the look-up was the whole match
                    continue
                for alt in alternatives:
                    best[i] = max(best.get(i, 0), alt.length_at(words, i))
        if self.open_words is not None:
            vocabulary = tokens.vocabulary if self.case_sensitive else tokens.vocabulary_lower
            for word in self.open_words.findall(vocabulary):
                for alt in self.open_first:
                    if alt.first_matches(word):
                        for i in where[word]:
                            best[i] = max(best.get(i, 0), alt.length_at(words, i))
        hits, end = [], -1
        for i in sorted(best):
            n = best[i]
            if n and i >= end:
                hits.append((i, n))
                end = i + n
        return hits
