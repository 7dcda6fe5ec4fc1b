"""Theme assignment on small hand-made papers: matching, weighting, vetoes, evidence."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import Schema
from generator.model import Paper
from generator.terms import TermIndex
from generator.themes import compile_terms, load_themes, score_theme

CONTENT = Path(__file__).resolve().parent.parent / "content"
FILLER = ("We report experiments on several public benchmarks and release our code. "
          "The results are discussed in detail together with their limitations.")


def paper(title: str, abstract: str = FILLER) -> Paper:
    return Paper(id="p", title=title, abstract=abstract, date=None, date_inferred=False,
                 authors=None, organization=None, upvotes=None, code=(), sources=())


@pytest.fixture(scope="module")
def themes():
    return {t.slug: t for t in load_themes(CONTENT / "themes.yml")}


def assigned(theme, p: Paper) -> bool:
    return score_theme(theme, p)[2]


def terms(*written: str, case_sensitive: bool = False):
    return compile_terms(written, case_sensitive, Schema("test.yml"), "terms")


def write_theme(tmp_path: Path, rule: str, threshold: float = 3) -> tuple:
    path = tmp_path / "themes.yml"
    path.write_text(f"themes:\n  - slug: t\n    title: T\n    description: d\n"
                    f"    threshold: {threshold}\n    rules:\n{rule}", encoding="utf-8")
    return load_themes(path, "themes.yml")[0]


# matching ---------------------------------------------------------------------------

def test_case_sensitive_name_does_not_match_the_ordinary_word():
    albert = terms("ALBERT", case_sensitive=True)
    assert albert.find("ALBERT: A Lite BERT") == ["ALBERT"]
    assert albert.find("Albert Einstein and the photoelectric effect") == []


def test_terms_match_whole_words_only():
    bert = terms("BERT", "*BERT", case_sensitive=True)
    assert bert.find("Robert and Bertrand met") == []
    assert bert.find("We pre-train BioBERT and BERT") == ["BioBERT", "BERT"]
    assert terms("bert").find("Robert was here") == []


def test_star_stands_for_letters_at_either_end_only():
    assert terms("Mamba*").find("MambaMixer and Mamba-2") == ["MambaMixer", "Mamba"]
    with pytest.raises(Exception) as err:
        terms("sparse*attention")
    assert "terms[0]" in str(err.value) and "test.yml" in str(err.value)


def test_space_or_hyphen_in_a_term_matches_either_or_nothing():
    found = terms("state space").find("state-space, state space and statespace models")
    assert len(found) == 3
    assert terms("bi-directional encoder").find("a bidirectional encoder") == ["bidirectional encoder"]


def test_one_scan_for_many_term_lists_finds_what_each_finds_alone():
    """Theme assignment scans a text once for every rule's terms; overlapping first
    words, open ends and case-sensitive lists must not disturb one another."""
    lists = [terms("state space", "state-space model*", "SSM"), terms("*BERT", "BERT", case_sensitive=True),
             terms("we propose", "we pre-train*"), terms("we"), terms("Mamba*", "*former"),
             terms("linear attention", "linear"), terms("bert")]
    text = ("We propose a state-space models hybrid, MambaFormer: we pre-trained it like BioBERT "
            "and Robert's BERT. Linear attention is linear; statespace SSMs aside, an SSM works.")
    scan = TermIndex(lists).scan(text)
    for t in lists:
        assert scan.find(t) == t.find(text), t.written
    assert scan.find(lists[0]) == ["state-space models", "statespace", "SSM"]
    assert scan.find(lists[2]) == ["We propose", "we pre-trained"]
    assert scan.find(lists[4]) == ["MambaFormer"]
    assert scan.find(lists[1]) == ["BioBERT", "BERT"]


def test_near_counts_only_mentions_in_sentences_with_a_near_term(themes):
    quadratic_elsewhere = paper("A new optimiser",
                                "Our optimiser needs a quadratic number of steps. "
                                "It is used to train transformers. " + FILLER)
    quadratic_in_attention = paper("A new optimiser",
                                   "Self-attention has quadratic cost in the sequence length. "
                                   + FILLER)
    theme = themes["efficient-attention"]
    assert score_theme(theme, quadratic_in_attention)[0] > score_theme(theme, quadratic_elsewhere)[0]


def test_distinct_count_ignores_repeated_mentions(tmp_path):
    rule = ("      - name: r\n        terms: [memory, cost]\n        abstract: 1\n"
            "        abstract_cap: 3\n        count: distinct\n")
    theme = write_theme(tmp_path, rule, threshold=2)
    assert score_theme(theme, paper("x", "memory memory memory memory"))[0] == 1
    assert score_theme(theme, paper("x", "memory and cost"))[0] == 2


def test_distinct_count_ignores_how_the_words_are_separated(tmp_path):
    rule = ("      - name: r\n        terms: [low-cost, memory]\n        abstract: 1\n"
            "        abstract_cap: 3\n        count: distinct\n")
    theme = write_theme(tmp_path, rule, threshold=2)
    assert score_theme(theme, paper("x", "Low-cost, low cost and low/cost memory."))[0] == 2


# weighting --------------------------------------------------------------------------

def test_title_weighs_more_than_one_abstract_mention(themes):
    theme = themes["mamba-ssm"]
    in_title = score_theme(theme, paper("Mamba for speech recognition"))[0]
    in_abstract = score_theme(theme, paper("Speech recognition",
                                           "We build on Mamba. " + FILLER))[0]
    assert in_title > in_abstract
    assert assigned(theme, paper("Mamba for speech recognition"))
    assert not assigned(theme, paper("Speech recognition", "We build on Mamba. " + FILLER))


def test_negative_weight_counts_against_the_theme(tmp_path):
    rule = ("      - name: for\n        terms: [sparse attention]\n        title: 3\n"
            "      - name: against\n        terms: [quantization]\n        abstract: -1\n")
    theme = write_theme(tmp_path, rule)
    assert assigned(theme, paper("Sparse attention for vision"))
    assert not assigned(theme, paper("Sparse attention for vision", "We add quantization. " + FILLER))


# what is not assigned -----------------------------------------------------------------

def test_bert_only_as_a_baseline_is_not_assigned(themes):
    p = paper("Graph networks for citation classification",
              "We propose a graph network for citation classification. It is more accurate "
              "than BERT baselines and RoBERTa on three datasets. " + FILLER)
    assert not assigned(themes["bert-variants"], p)


def test_a_new_domain_bert_is_assigned(themes):
    p = paper("LawBERT: a pre-trained language model for legal text",
              "We pre-train LawBERT, a BERT model with masked language modeling on court "
              "decisions. " + FILLER)
    assert assigned(themes["bert-variants"], p)


def test_ssm_in_another_sense_is_not_assigned(themes):
    p = paper("Species distribution with step selection models",
              "Step selection models (SSM) describe animal movement. We fit an SSM to GPS "
              "tracks of deer and compare habitat choices. " + FILLER)
    assert not assigned(themes["mamba-ssm"], p)


def test_efficient_without_attention_is_not_assigned(themes):
    p = paper("Efficient and fast training of transformers with 4-bit weights",
              "We make transformers efficient by quantization of the weights, which cuts the "
              "model size by four and makes inference fast and efficient. " + FILLER)
    assert not assigned(themes["efficient-attention"], p)


def test_cheaper_attention_is_assigned(themes):
    p = paper("Linear attention for long documents",
              "Self-attention has quadratic cost in the sequence length; our kernelized "
              "attention runs in linear time. " + FILLER)
    assert assigned(themes["efficient-attention"], p)


def test_title_veto_applies_only_to_title_wording(themes):
    theme = themes["efficient-attention"]
    abstract = ("Self-attention has quadratic cost; we propose sparse attention with linear "
                "complexity. " + FILLER)
    assert not assigned(theme, paper("Mamba meets sparse attention", abstract))
    assert assigned(theme, paper("Sparse attention for long sequences",
                                 abstract + " Unlike Mamba, we keep attention."))


# evidence ---------------------------------------------------------------------------

def test_evidence_names_the_matched_phrase_and_where(themes):
    p = paper("Vision Mamba for medical images",
              "We apply a selective state space model to segmentation. " + FILLER)
    score, evidence, ok = score_theme(themes["mamba-ssm"], p)
    assert ok
    shown = {(e.phrase, e.where) for e in evidence}
    assert ("Mamba", "title") in shown
    assert ("selective state space", "abstract") in shown
    assert sum(e.weight for e in evidence) == score


def test_veto_is_shown_as_evidence(themes):
    p = paper("ChatGPT versus BERT for sentiment", "We compare BERT and ChatGPT. " + FILLER)
    _, evidence, ok = score_theme(themes["bert-variants"], p)
    assert not ok
    assert any(e.where == "veto" and "ChatGPT" in e.phrase for e in evidence)
