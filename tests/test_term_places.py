"""Property: a scan places, quotes and sentences its matches as a plain reading of the
text does, whatever the separators, letter case or alphabet.

The scanner works on a text reduced to its words (terms.Tokens) and maps matches back
to the text through the runs of separators it dropped; the reference here finds words
with the regular expression \\w+ and sentence ends with [.!?] before whitespace,
directly on the text.
"""
from __future__ import annotations

import bisect
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.terms import Terms, TermIndex

WORDS = ["state", "space", "State", "SPACE", "model", "models", "BERT", "RoBERTa", "Mamba",
         "MambaMixer", "attention", "cost", "we", "propose", "pre", "trained", "x", "ΣΑΣ",
         "İstanbul", "café", "naïve", "_", "a1", "2024"]
SEPARATORS = [" ", "  ", "-", ", ", ". ", "! ", "?\n", " (", ") ", "/", "…", "\t", "'",
              ".", " — ", "\u00a0", "; ", ":"]
TERMS = [Terms.compile(("state space", "state-space model*", "*BERT", "Mamba*", "we propose",
                        "pre-trained", "x", "cost", "attention", "café", "istanbul"), False),
         Terms.compile(("BERT", "*BERT*", "SPACE", "ΣΑΣ"), True)]

texts = st.lists(st.tuples(st.sampled_from(SEPARATORS), st.sampled_from(WORDS)), max_size=40).map(
    lambda parts: "".join(sep + word for sep, word in parts)) | st.text(max_size=60)


def reference_words(text: str) -> list[re.Match]:
    return list(re.finditer(r"\w+", text))


def reference_sentence(text: str, offset: int) -> int:
    ends = [m.start() + 1 for m in re.finditer(r"[.!?]\s", text)]
    return bisect.bisect_right(ends, offset)


@settings(max_examples=400, deadline=None)
@given(text=texts)
def test_matches_are_quoted_and_placed_as_the_text_reads(text):
    scan = TermIndex(TERMS).scan(text)
    words = reference_words(text)
    for terms in TERMS:
        for i, n in scan.matches(terms):
            assert 0 <= i and i + n <= len(words)
            assert scan.tokens.quote(i, n) == text[words[i].start():words[i + n - 1].end()]
            assert scan.tokens.sentence_of(i) == reference_sentence(text, words[i].start())
            assert scan.tokens.normal(i, n) == "".join(
                w.group() for w in words[i:i + n]).lower()


def test_quotes_keep_the_separators_the_text_has():
    text = "  (We) propose ... a State--Space   model; BioBERT, state/space."
    scan = TermIndex(TERMS).scan(text)
    assert scan.find(TERMS[0]) == ["We) propose", "State--Space   model", "BioBERT", "state/space"]
    assert [scan.tokens.sentence_of(i) for i, _ in scan.matches(TERMS[0])] == [0, 1, 1, 1]
