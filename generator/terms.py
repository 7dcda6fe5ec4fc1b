"""Whole-word term matching for theme rules, on words rather than characters.

A text is reduced once to its words, each set off by one space (" state space
model "); a term is a sequence of words, written the same way. A TermIndex
compiles every way of writing every term of every theme into one Aho-Corasick
automaton (pyahocorasick, in C) and finds all their matches, overlapping ones
included, in one pass over that string. Only the matches come back to Python,
a few per text: a scan costs about the same whatever the number of terms.
(One regular expression per rule cost about 6 ms per paper, a look-up per
word in Python about 0.15 ms.)

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
import operator
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import ahocorasick

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?]\s")
# For ASCII text, str.translate + split find the same words as \w+ at a fraction
# of the cost, and keep every offset (one character for one).
_ASCII_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128))
                                 if not (c.isalnum() or c == "_")})


class TermError(ValueError):
    """A term that cannot be matched; the message says why."""


class Tokens:
    """A text's words, set off by single spaces as written and lower-cased, and
    (worked out only for texts with a match to quote or place) where each word is."""

    def __init__(self, text: str):
        self.text = text
        self._ascii = text.isascii()
        self.words = (text.translate(_ASCII_NON_WORD).split() if self._ascii
                      else _WORD.findall(text))
        self.joined = f" {' '.join(self.words)} "
        self.lowered = self.joined.lower()

    @cached_property
    def _spans(self) -> tuple[list[int], list[int]]:
        """Word i spans starts[i] to ends[i] in the text."""
        if self._ascii:
            parts = self.text.translate(_ASCII_NON_WORD).split(" ")
            at = list(itertools.accumulate(map((1).__add__, map(len, parts)), initial=0))
            starts = list(itertools.compress(at, parts))
            return starts, list(map(operator.add, starts, map(len, self.words)))
        spans = [m.span() for m in _WORD.finditer(self.text)]
        return [s for s, _ in spans], [e for _, e in spans]

    @cached_property
    def _sentence_starts(self) -> list[int]:
        """The first word of each sentence after the first. A sentence ends at . ! or ?
        before a space, which never falls inside a word, so each sentence's words are
        counted on its own (no word's place in the text is needed)."""
        split = str.split if self._ascii else _WORD.findall
        table = _ASCII_NON_WORD if self._ascii else None
        counts = [len(split(part.translate(table) if table else part))
                  for part in _SENTENCE_END.split(self.text)]
        return list(itertools.accumulate(counts[:-1]))

    def sentence_of(self, i: int) -> int:
        """The sentence word i is in."""
        return bisect.bisect_right(self._sentence_starts, i)

    def quote(self, i: int, n: int) -> str:
        starts, ends = self._spans
        return self.text[starts[i]:ends[i + n - 1]]


@dataclass(frozen=True)
class Alternative:
    """One way to write a term: its words, and whether its ends may have more letters."""

    words: tuple[str, ...]
    open_start: bool
    open_end: bool

    @property
    def pattern(self) -> str:
        """The alternative as it stands in a text's `joined` words: a space marks each
        end that must be a word's end."""
        return f"{'' if self.open_start else ' '}{' '.join(self.words)}{'' if self.open_end else ' '}"


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


@dataclass(frozen=True, eq=False)
class Terms:
    """A list of terms compiled for look-up; keeps the written terms for messages.

    `compile` makes one object per distinct list (case included), so terms written
    alike are the same object: themes holding them compare equal and can be cache
    keys, while hashing stays the identity hash, asked for at every match of a scan."""

    written: tuple[str, ...]
    case_sensitive: bool
    alternatives: tuple[Alternative, ...] = field(repr=False)

    @classmethod
    def compile(cls, written: tuple[str, ...], case_sensitive: bool) -> "Terms":
        """Raises TermError naming the first bad term (as `index: message`)."""
        return _compiled(tuple(written), case_sensitive)

    @cached_property
    def _own_index(self) -> "TermIndex":
        return TermIndex((self,))

    def find(self, text: str) -> list[str]:
        """The matches as written in the text, left to right, longest first at a word,
        never overlapping (like a regular expression's finditer)."""
        return self._own_index.scan(text).find(self)


@lru_cache(maxsize=None)
def _compiled(written: tuple[str, ...], case_sensitive: bool) -> Terms:
    alternatives: list[Alternative] = []
    for i, term in enumerate(written):
        try:
            alternatives.extend(_alternatives(term, case_sensitive))
        except TermError as exc:
            raise TermError(f"{i}: {exc}") from None
    return Terms(written, case_sensitive, tuple(alternatives))


def _automaton(terms: list[Terms]) -> ahocorasick.Automaton | None:
    """Pattern -> (characters from its first word's start to its end, words it
    covers, the Terms it belongs to)."""
    found: dict[str, dict[Terms, None]] = {}
    for t in terms:
        for alt in t.alternatives:
            found.setdefault(alt.pattern, {})[t] = None
    if not found:
        return None
    automaton = ahocorasick.Automaton()
    for pattern, owners in found.items():
        words = pattern.strip(" ").count(" ") + 1
        automaton.add_word(pattern, (len(pattern) - 1 - pattern.startswith(" "), words,
                                     tuple(owners)))
    automaton.make_automaton()
    return automaton


class TermIndex:
    """Many Terms looked up in one pass over a text.

    Theme assignment asks dozens of term lists about the same title and abstract;
    one automaton per letter case finds every match of all of them at once."""

    def __init__(self, terms):
        unique = list(dict.fromkeys(terms))
        self._insensitive = _automaton([t for t in unique if not t.case_sensitive])
        self._sensitive = _automaton([t for t in unique if t.case_sensitive])

    def scan(self, text: str) -> "Scan":
        tokens = Tokens(text)
        longest: dict[Terms, dict[int, int]] = {}  # terms -> first word -> words covered
        if tokens.words:
            for automaton, padded in ((self._insensitive, tokens.lowered),
                                      (self._sensitive, tokens.joined)):
                if automaton is None:
                    continue
                for end, (back, n, owners) in automaton.iter(padded):
                    i = padded.count(" ", 1, end - back)  # words before the match
                    for t in owners:
                        at = longest.get(t)
                        if at is None:
                            longest[t] = {i: n}
                        elif n > at.get(i, 0):
                            at[i] = n
        return Scan(tokens, {t: _leftmost_longest(at) for t, at in longest.items()})


def _leftmost_longest(at: dict[int, int]) -> tuple[tuple[int, int], ...]:
    if len(at) == 1:
        return tuple(at.items())
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
