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
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import ahocorasick

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?]\s")
_SEPARATOR_RUN = re.compile(r"  +")
# For ASCII text, str.translate + split find the same words as \w+ at a fraction
# of the cost, and keep every offset (one character for one).
_ASCII_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128))
                                 if not (c.isalnum() or c == "_")})


class TermError(ValueError):
    """A term that cannot be matched; the message says why."""


class Tokens:
    """A text's words, set off by single spaces as written (`joined`) and lower-cased
    (`lowered`), and, for the words a match starts at, where they are in the text.

    Places are worked out only for the texts with a match to quote or a sentence to
    tell, from where the matches start in `joined` (recorded by TermIndex.scan):
    for ASCII text `joined` is the text with every non-word character a space and
    runs of spaces made one, so a place in it maps back to the text through the
    runs alone (about 30 in an abstract, against 200 words)."""

    def __init__(self, text: str):
        self.text = text
        self._ascii = text.isascii()
        if self._ascii:  # separators to single spaces without a string per word
            self._spaced = spaced = text.translate(_ASCII_NON_WORD)  # as long as the text
            while "  " in spaced:
                spaced = spaced.replace("  ", " ")
            self.joined = f" {spaced.strip(' ')} "
        else:
            self.joined = f" {' '.join(_WORD.findall(text))} "
        self.lowered = self.joined.lower()
        # word -> where it starts in joined (or lowered: the same for ASCII text), for the
        # words a match starts at; filled by TermIndex.scan
        self.word_starts: dict[int, int] = {}

    @property
    def has_words(self) -> bool:
        return len(self.joined) > 2

    def normal(self, i: int, n: int) -> str:
        """Words i to i + n - 1 lower-cased and written together: one spelling of a
        term however the text writes it ("State-Space", "state space", "statespace")."""
        if self._ascii:
            start, end = self._joined_span(i, n)
            return self.lowered[start:end].replace(" ", "")
        return "".join(self.lowered[1:-1].split(" ")[i:i + n])

    def quote(self, i: int, n: int) -> str:
        """Words i to i + n - 1 as the text writes them, separators included."""
        if self._ascii:
            start, end = self._joined_span(i, n)
            return self.text[self._in_text(start):self._in_text(end - 1) + 1]
        starts, ends = self._words
        return self.text[starts[i]:ends[i + n - 1]]

    def sentence_of(self, i: int) -> int:
        """The sentence word i is in; a sentence ends at . ! or ? before a space."""
        start = self._in_text(self.word_starts[i]) if self._ascii else self._words[0][i]
        return bisect.bisect_right(self._sentence_ends, start)

    def _joined_span(self, i: int, n: int) -> tuple[int, int]:
        start = end = self.word_starts[i]
        for _ in range(n - 1):
            end = self.joined.index(" ", end) + 1
        return start, self.joined.index(" ", end)

    def _in_text(self, j: int) -> int:
        """Where the word character at j in `joined` is in the text (ASCII text)."""
        kept, removed = self._runs
        return j - 1 + removed[bisect.bisect_left(kept, j)]

    @cached_property
    def _runs(self) -> tuple[list[int], list[int]]:
        """Where in `joined` each run of two or more separators left its one space,
        and how many characters were dropped before each (the first entry: a
        separator at the start of the text, dropped with the run it begins)."""
        lead = int(self._spaced[:1] == " ")
        kept, removed = [], [lead]
        for m in _SEPARATOR_RUN.finditer(self._spaced):
            start, end = m.span()
            kept.append(start - removed[-1] + 1)
            removed.append(removed[-1] + end - start - 1)
        return kept, removed

    @cached_property
    def _sentence_ends(self) -> list[int]:
        return [m.start() + 1 for m in _SENTENCE_END.finditer(self.text)]

    @cached_property
    def _words(self) -> tuple[list[int], list[int]]:
        """Text other than ASCII: where each word starts and ends."""
        found = list(_WORD.finditer(self.text))
        return [m.start() for m in found], [m.end() for m in found]


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

    def __getstate__(self) -> dict:
        """Pickled (to the worker process) without what it worked out for itself."""
        return {name: self.__dict__[name] for name in ("written", "case_sensitive", "alternatives")}

    @cached_property
    def _own_index(self) -> "TermIndex":
        return TermIndex((self,))

    def find(self, text: str) -> list[str]:
        """The matches as written in the text, left to right, longest first at a word,
        never overlapping (like a regular expression's finditer)."""
        return self._own_index.scan(text).find(self)


@lru_cache(maxsize=4096)  # term lists; themes.yml holds a few dozen
def _compiled(written: tuple[str, ...], case_sensitive: bool) -> Terms:
    alternatives: list[Alternative] = []
    for i, term in enumerate(written):
        try:
            alternatives.extend(_alternatives(term, case_sensitive))
        except TermError as exc:
            raise TermError(f"{i}: {exc}") from None
    return Terms(written, case_sensitive, tuple(alternatives))


def _automaton(terms: list[Terms]) -> ahocorasick.Automaton | None:
    """Pattern -> (characters from where it starts matching, after any leading space,
    to its end; words it covers; the Terms it belongs to; whether its first word may
    start before the match)."""
    found: dict[str, dict[Terms, None]] = {}
    for t in terms:
        for alt in t.alternatives:
            found.setdefault(alt.pattern, {})[t] = None
    if not found:
        return None
    automaton = ahocorasick.Automaton()
    for pattern, owners in found.items():
        words = pattern.strip(" ").count(" ") + 1
        closed_start = pattern.startswith(" ")
        automaton.add_word(pattern, (len(pattern) - 1 - closed_start, words, tuple(owners),
                                     not closed_start))
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
        if tokens.has_words:
            for automaton, padded in ((self._insensitive, tokens.lowered),
                                      (self._sensitive, tokens.joined)):
                if automaton is None:
                    continue
                starts = tokens.word_starts
                for end, (back, n, owners, open_start) in automaton.iter(padded):
                    first = end - back
                    if open_start:
                        first = padded.rfind(" ", 0, first) + 1
                    i = padded.count(" ", 1, first)  # words before the match
                    starts[i] = first
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
