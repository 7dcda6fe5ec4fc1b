import pickle
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from generator import related, worker
from generator.model import Paper
from generator.pipeline import build_digest
from generator.related import related_papers
from generator.themes import assign_all, load_themes, unscored
from generator.worker import Worker, WorkerError

ROOT = Path(__file__).resolve().parent.parent


def paper(pid: str, title: str, abstract: str) -> Paper:
    return Paper(id=pid, title=title, abstract=abstract, date=None, date_inferred=False,
                 authors=None, organization=None, upvotes=None, code=(), sources=("s.txt:1",))


MAMBA = [
    paper("mamba-1", "Mamba: linear-time sequence modeling with selective state spaces",
          "Selective state space models scan sequences in linear time; Mamba uses "
          "a hardware-aware recurrent scan."),
    paper("mamba-2", "Vision Mamba: state space models for images",
          "We apply the selective scan of Mamba state space models to image patches, "
          "scanning in both directions with linear time complexity."),
    paper("mamba-3", "Mamba for long genomic sequences",
          "Selective state space models handle very long DNA sequences; the Mamba scan "
          "keeps memory linear in sequence length."),
]
BERT = [
    paper("bert-1", "BERT: pre-training of deep bidirectional transformers",
          "BERT pre-trains a masked language model encoder on unlabeled text and is "
          "fine-tuned for question answering and natural language inference."),
    paper("bert-2", "RoBERTa: a robustly optimized BERT pretraining approach",
          "We revisit BERT pretraining: longer training, bigger batches and dynamic "
          "masking of the masked language model objective improve fine-tuning."),
    paper("bert-3", "DistilBERT, a distilled version of BERT",
          "Knowledge distillation during pretraining shrinks the BERT encoder while "
          "keeping most of its masked language model accuracy after fine-tuning."),
]
FIXTURE = MAMBA + BERT
MAMBA_IDS = {p.id for p in MAMBA}
BERT_IDS = {p.id for p in BERT}


def test_a_papers_closest_neighbours_share_its_topic():
    result = related_papers(FIXTURE, k=5)
    for p in MAMBA:
        assert set(result[p.id][:2]) == MAMBA_IDS - {p.id}
    for p in BERT:
        assert set(result[p.id][:2]) == BERT_IDS - {p.id}


def test_a_paper_is_never_its_own_neighbour():
    result = related_papers(FIXTURE, k=10)
    assert set(result) == {p.id for p in FIXTURE}
    for pid, neighbours in result.items():
        assert pid not in neighbours
        assert len(neighbours) == len(set(neighbours))


def test_k_limits_the_number_of_neighbours():
    assert all(len(v) <= 2 for v in related_papers(FIXTURE, k=2).values())
    assert all(v == () for v in related_papers(FIXTURE, k=0).values())


def test_a_paper_sharing_no_word_with_others_has_no_neighbours_and_is_nobodys():
    loner = paper("zebra", "Zebra stripes", "Equine camouflage patterns in savannah herds.")
    result = related_papers(FIXTURE + [loner], k=10)
    assert result["zebra"] == ()
    assert all("zebra" not in v for v in result.values())


def test_stop_words_alone_make_no_similarity():
    a = paper("a", "The of and", "It is what it is, and they were there.")
    b = paper("b", "Of the and", "There they were: it is what it is.")
    assert related_papers([a, b]) == {"a": (), "b": ()}


def test_single_paper_and_empty_input():
    assert related_papers([MAMBA[0]]) == {"mamba-1": ()}
    assert related_papers([]) == {}


def test_equal_scores_are_ordered_by_id():
    twins = [paper(pid, "Identical twin paper", "Exactly the same words here.")
             for pid in ("d", "b", "a", "c")]
    result = related_papers(twins, k=2)
    assert result == {"a": ("b", "c"), "b": ("a", "c"), "c": ("a", "b"), "d": ("a", "b")}


def test_input_order_does_not_change_the_result():
    shuffled = FIXTURE[:]
    random.Random(3).shuffle(shuffled)
    assert related_papers(shuffled) == related_papers(FIXTURE)


def test_blocks_of_rows_give_the_same_answer_as_one_block(monkeypatch):
    whole = related_papers(FIXTURE, k=3)
    monkeypatch.setattr(related, "CHUNK_ROWS", 2)
    monkeypatch.setattr(related, "SAMPLE", 2)
    assert related_papers(FIXTURE, k=1) == {pid: v[:1] for pid, v in whole.items()}
    assert related_papers(FIXTURE, k=3) == whole


def test_on_a_large_collection_the_most_widespread_words_are_left_out(monkeypatch):
    # "report" and "results" join every paper to every other one.
    common = [replace(p, abstract=p.abstract + " We report results.") for p in FIXTURE]
    exact = related_papers(common, k=5)
    assert all(len(v) == 5 for v in exact.values())
    # Words in 2 or 3 papers cost 136 multiply-adds here, the two in all six 72 more;
    # a budget of 6 * 23 = 138 keeps the first and leaves out the second.
    monkeypatch.setattr(related, "EXACT_WORK", 0)
    monkeypatch.setattr(related, "WORK_PER_PAPER", 23)
    pruned = related_papers(common, k=5)
    for p in FIXTURE:
        group = MAMBA_IDS if p.id in MAMBA_IDS else BERT_IDS
        assert set(pruned[p.id]) == group - {p.id}
        assert pruned[p.id] == exact[p.id][:2]


def test_tfidf_matches_scikit_learns_vectorizer_on_awkward_text():
    texts = [("GPT-4 vs. state-of-the-art (S4)", "x_1 a b2 __init__ naïve café, 3D; it's O(n^2)!"),
             ("Naïve Café", "CAFÉ au lait — Straße, 東京 and S4 models"),
             ("a I", "of the")]
    papers = [paper(f"p{i}", t, a) for i, (t, a) in enumerate(texts)]
    ours = related.tfidf_matrix(papers)
    theirs = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [f"{t} {t} {a}" for t, a in texts])
    assert ours.shape == theirs.shape
    assert np.allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-6)
    assert np.allclose(np.sort(ours.data), np.sort(theirs.data), atol=1e-6)


@pytest.fixture(scope="module")
def seed_papers():
    return list(build_digest(ROOT / "content").papers)


def test_seed_neighbours_are_the_best_tfidf_cosines(seed_papers):
    """Same answer as a plain dense TfidfVectorizer similarity, up to float noise."""
    result = related_papers(seed_papers, k=5)
    texts = [f"{p.title} {p.title} {p.abstract}" for p in seed_papers]
    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    sims = (x @ x.T).toarray()
    np.fill_diagonal(sims, -1)
    index = {p.id: i for i, p in enumerate(seed_papers)}
    for p in seed_papers:
        row = sims[index[p.id]]
        got = [row[index[q]] for q in result[p.id]]
        best = np.sort(row[row > 0])[::-1][:5]
        assert len(got) == len(best)
        assert np.allclose(got, best, atol=1e-5)
        assert p.id not in result[p.id]


def related_elsewhere(papers):
    with Worker(separate_process=True) as job:
        assert job.in_separate_process
        job.send(papers)
        return job.related()


def test_related_worked_out_in_a_second_process_equals_in_process(seed_papers):
    """Large digests send the texts to a worker process; same neighbours, same order."""
    elsewhere = related_elsewhere(seed_papers)
    assert elsewhere == related_papers(seed_papers, k=5)
    assert elsewhere == build_digest(ROOT / "content").related


def test_themes_scored_in_the_worker_equal_themes_scored_here(seed_papers):
    """The worker scores its share of the papers with the same themes.yml: the same
    themes, scores and evidence as scoring them in the build's own process."""
    themes = load_themes(ROOT / "content" / "themes.yml")
    with Worker(separate_process=True, themes=themes) as job:
        share = job.share(seed_papers)
        assert 0 < len(share) < len(seed_papers)
        job.send(seed_papers, score=share)
        scored = job.assignments()
        assert job.related() == related_papers(seed_papers, k=5)
    assert set(scored) == {p.id for p in share}
    here = assign_all(themes, share)
    assert scored == here
    assert any(scored.values())


def test_a_digest_built_with_the_worker_equals_one_built_without(monkeypatch):
    """From the worker's size on, the build hands the worker related papers and a
    share of the themes; the digest is the same as one built in a single process."""
    alone = build_digest(ROOT / "content")
    monkeypatch.setattr(worker, "SEPARATE_PROCESS_FROM", 1)
    import generator.themes as themes_module
    themes_module._assigned_before.cache_clear()  # nothing remembered: the worker scores its share
    shared = build_digest(ROOT / "content")
    assert not unscored(load_themes(ROOT / "content" / "themes.yml"), shared.papers)  # remembered
    assert shared.papers == alone.papers
    assert shared.assignments == alone.assignments
    assert shared.related == alone.related


def test_listing_pages_of_the_worker_size_get_the_worker(monkeypatch):
    pages = sorted((ROOT / "content" / "sources").glob("*.txt"))
    size = sum(p.stat().st_size for p in pages)
    monkeypatch.setattr(worker, "SEPARATE_PROCESS_FROM", size)
    with Worker.for_listing_pages(pages) as job:
        assert job.in_separate_process
        job.send(FIXTURE)
        assert job.related() == related_papers(FIXTURE, k=5)
    with Worker.for_listing_pages(pages[1:]) as job:
        assert not job.in_separate_process
        assert job.share(FIXTURE) == []
        job.send(FIXTURE)
        assert job.related() == related_papers(FIXTURE, k=5)


def test_a_worker_left_uncollected_is_ended():
    """If the build fails while the worker runs, leaving the job ends the process."""
    with pytest.raises(KeyError):
        with Worker(separate_process=True) as job:
            job.send(FIXTURE)
            child = job._child
            raise KeyError("the theme scoring failed")
    assert child.returncode is not None


def test_a_worker_ended_before_it_answered_says_so():
    """A worker left (the build failed meanwhile) never hands out empty answers later."""
    job = Worker(separate_process=True)
    job.send(FIXTURE)
    job.close()
    with pytest.raises(RuntimeError, match="ended before it answered"):
        job.related()
    with pytest.raises(RuntimeError, match="ended before it answered"):
        job.assignments()


def test_any_text_reaches_the_worker_intact():
    """Titles and abstracts are untrusted: quotes, backslashes, line breaks, astral
    characters and a lone surrogate all cross the pipe and give the same neighbours."""
    odd = [replace(p, title=p.title + ' "quoted" \\ back\nslash 𝔐amba \ud800', abstract=p.abstract + " ∑ 中文")
           for p in FIXTURE]
    assert related_elsewhere(odd) == related_papers(odd, k=5)


def test_a_failure_sending_to_the_worker_is_raised_not_a_hang():
    """Whatever stops the texts going out, the worker's input is closed and the
    caller gets the error."""
    unsendable = [replace(FIXTURE[0], title=lambda: None)]  # cannot be pickled
    with Worker(separate_process=True) as job:
        job.send(unsendable)
        with pytest.raises(RuntimeError, match="talking to the worker") as raised:
            job.related()
    assert isinstance(raised.value.__cause__, (pickle.PicklingError, AttributeError, TypeError))


def test_a_worker_that_dies_is_reported_not_a_hang():
    themes = load_themes(ROOT / "content" / "themes.yml")
    with Worker(separate_process=True, themes=themes) as job:
        job._child.kill()
        job.send(FIXTURE, score=FIXTURE[:1])
        with pytest.raises(WorkerError, match="ended by signal 9"):
            job.assignments()
        with pytest.raises(WorkerError, match="ended by signal 9"):
            job.related()


def test_a_worker_whose_answer_is_garbled_is_ended_and_reported(monkeypatch):
    """Anything else on the worker's output (a stray print) is an error, raised, not a
    wait for a worker blocked on a pipe nobody reads."""
    def garbled(stream):
        raise pickle.UnpicklingError("invalid load key, 'x'")
    monkeypatch.setattr(worker.pickle, "load", garbled)  # the parent's reads only
    with Worker(separate_process=True) as job:
        child = job._child
        job.send(FIXTURE)
        with pytest.raises(RuntimeError, match="talking to the worker") as raised:
            job.related()
    assert isinstance(raised.value.__cause__, pickle.UnpicklingError)
    assert child.returncode is not None
