"""Whole-word term matching for theme rules, on words rather than characters.

A text is split into words once; a term is a sequence of words. A TermIndex
holds every term list of every theme and finds all their matches in one pass
over a text's words, remembering per distinct word which terms it can start.
This replaces one large regular expression per rule (Python's regex engine
tries every alternative at every word: about 6 ms per paper) and, later, one
look-up pass per rule (about 1.3 ms per paper at 20,000 papers).

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
from functools import cached_property

_WORD = re.compile(r"\w+")
_WORD_SPLIT = re.compile(r"(\w+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


class TermError(ValueError):
    """A term that cannot be matched; the message says why."""


class Tokens:
    """A text's words, as written and lower-cased, and where each word is."""

    def __init__(self, text: str):
        self.text = text
        self._parts = _WORD_SPLIT.split(text)  # separator, word, separator, ..., separator
        self.words = self._parts[1::2]
        # word by word (one lower() call for all: words hold no line feed)
        self.lower = "\n".join(self.words).lower().split("\n") if self.words else []

    @cached_property
    def _offsets(self) -> list[int]:
        """Word i spans offsets[2i] to offsets[2i + 1]; summed in C, only for texts
        with a match to quote or place."""
        return list(itertools.accumulate(map(len, self._parts)))

    @cached_property
    def _sentence_ends(self) -> list[int]:
        return [m.start() for m in _SENTENCE_END.finditer(self.text)]

    def sentence_of(self, i: int) -> int:
        """The sentence word i is in; a sentence ends at . ! or ? before a space."""
        return bisect.bisect_right(self._sentence_ends, self._offsets[2 * i])

    def quote(self, i: int, n: int) -> str:
        return self.text[self._offsets[2 * i]:self._offsets[2 * (i + n) - 1]]


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

    def length_after_first(self, words: list[str], i: int) -> int:
        """How many words of `words` from i this alternative covers, 0 when it does not
        match, given that words[i] matches its first word."""
        n = len(self.words)
        if n == 1:
            return 1
        if i + n > len(words):
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
    """A list of terms compiled for look-up; keeps the written terms for messages.

    Equal when written alike, so themes holding them can be cache keys."""

    written: tuple[str, ...]
    case_sensitive: bool
    by_first: dict[str, tuple[Alternative, ...]] = field(repr=False, compare=False)
    open_first: tuple[Alternative, ...] = field(repr=False, compare=False)

    def __hash__(self) -> int:
        """Asked for at every match of a scan: computed once."""
        try:
            return self.__dict__["_hash"]
        except KeyError:
            self.__dict__["_hash"] = value = hash((self.written, self.case_sensitive))
            return value

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
        return cls(tuple(written), case_sensitive,
                   {w: tuple(a) for w, a in by_first.items()}, tuple(open_first))

    def starting_with(self, word: str) -> tuple[Alternative, ...]:
        """The alternatives whose first word matches `word` (already lower-cased
        unless the terms are case-sensitive)."""
        return self.by_first.get(word, ()) + tuple(a for a in self.open_first
                                                   if a.first_matches(word))

    @cached_property
    def _own_index(self) -> "TermIndex":
        return TermIndex((self,))

    def find(self, text: str) -> list[str]:
        """The matches as written in the text, left to right, longest first at a word,
        never overlapping (like a regular expression's finditer)."""
        return self._own_index.scan(text).find(self)


@dataclass(frozen=True)
class _Starts:
    """What one word can start: terms matched by the word alone, and longer
    alternatives filed under their second word, so a common first word ("we",
    "the") costs one look-up of the next word rather than a try per alternative."""

    alone: tuple[Terms, ...]
    by_second: dict[str, tuple[tuple[Terms, Alternative], ...]]
    open_second: tuple[tuple[Terms, Alternative], ...]  # second word is a prefix


_NOTHING = _Starts((), {}, ())


class TermIndex:
    """Many Terms looked up in one pass over a text's words.

    Theme assignment asks dozens of term lists about the same title and abstract;
    scanning each text once, with what each distinct word can start remembered
    across texts (vocabularies repeat), makes that cost about one dictionary
    look-up per word instead of one search per term list."""

    def __init__(self, terms):
        self._terms: tuple[Terms, ...] = tuple(dict.fromkeys(terms))
        # one pattern for every open-ended first word, so most new words skip them all
        patterns = sorted({(r"\w*" if a.open_start else "") + re.escape(a.words[0])
                           + (r"\w*" if a.open_end and len(a.words) == 1 else "")
                           for t in self._terms for a in t.open_first})
        self._may_open = re.compile("|".join(patterns)).fullmatch if patterns else None
        self._sensitive = any(t.case_sensitive for t in self._terms)
        self._insensitive = any(not t.case_sensitive for t in self._terms)
        self._memo: dict[bool, dict[str, _Starts]] = {False: {}, True: {}}  # filled as words are met

    def _starting(self, word: str, case_sensitive: bool) -> _Starts:
        may_open = self._may_open is not None and self._may_open(word) is not None
        alone: dict[Terms, None] = {}
        by_second: dict[str, list[tuple[Terms, Alternative]]] = {}
        open_second = []
        for t in self._terms:
            if t.case_sensitive != case_sensitive:
                continue
            for alt in (t.starting_with(word) if may_open else t.by_first.get(word, ())):
                if len(alt.words) == 1:
                    alone[t] = None
                elif len(alt.words) == 2 and alt.open_end:
                    open_second.append((t, alt))
                else:
                    by_second.setdefault(alt.words[1], []).append((t, alt))
        if not (alone or by_second or open_second):
            starts = _NOTHING
        else:
            starts = _Starts(tuple(alone), {w: tuple(a) for w, a in by_second.items()},
                             tuple(open_second))
        self._memo[case_sensitive][word] = starts
        return starts

    def scan(self, text: str) -> "Scan":
        tokens = Tokens(text)
        longest: dict[Terms, dict[int, int]] = {}  # terms -> first word -> words covered
        for case_sensitive, words in ((False, tokens.lower), (True, tokens.words)):
            if not (self._sensitive if case_sensitive else self._insensitive):
                continue
            memo = self._memo[case_sensitive]
            last = len(words) - 1
            for i, word in enumerate(words):
                starts = memo.get(word)
                if starts is None:
                    starts = self._starting(word, case_sensitive)
                if starts is _NOTHING:
                    continue
                found = [(t, 1) for t in starts.alone]
                if i < last:
                    for t, alt in (*starts.by_second.get(words[i + 1], ()), *starts.open_second):
                        n = alt.length_after_first(words, i)
                        if n:
                            found.append((t, n))
                for t, n in found:
                    at = longest.setdefault(t, {})
                    if n > at.get(i, 0):
                        at[i] = n
        return Scan(tokens, {t: _leftmost_longest(at) for t, at in longest.items()})


def _leftmost_longest(at: dict[int, int]) -> tuple[tuple[int, int], ...]:
    hits, end = [], -1
    for i in sorted(at):
        if i >= end:
            hits.append((i, at[i]))
            end = i + at[i]
    return tuple(hits)


@dataclass(frozen=True)
class Scan:
    """One text's matches for every Terms of a TermIndex."""

    tokens: Tokens
    hits: dict[Terms, tuple[tuple[int, int], ...]]

    def matches(self, terms: Terms) -> tuple[tuple[int, int], ...]:
        """(first word, number of words) of each match, as `Terms.find` describes."""
        return self.hits.get(terms, ())

    def find(self, terms: Terms) -> list[str]:
        return [self.tokens.quote(i, n) for i, n in self.matches(terms)]
