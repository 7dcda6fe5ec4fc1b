"""Related papers: for each paper, the few others most like it in words.

Similarity is the cosine of scikit-learn TF-IDF vectors (English stop words,
sublinear tf, smooth idf, L2 rows) over the title, counted twice, and the
abstract; the result is the same as `TfidfVectorizer(stop_words="english",
sublinear_tf=True)` on that text.

Why it is built by hand around `TfidfTransformer` rather than with the
vectorizer itself: the vectorizer splits, filters and counts every token in
Python, which is most of the cost on a large collection. Here ASCII text is
split with str.translate + str.split (the same words as the vectorizer's
token pattern), each document is counted with `collections.Counter`, words
are numbered through a defaultdict, all at C speed, and stop words and
one-letter words are dropped once per distinct word, not once per token.

Why no n x n matrix: the similarities are computed a block of rows at a time
as a sparse product, and only each row's top k survive a block, so memory
grows with the number of papers, not with its square. Two further economies
keep the time near linear:

* a word found in only one paper cannot make two papers alike, so it is left
  out of the product (after the rows are normalised, so no score changes);
* on a large collection the words found in the most papers ("model", "data")
  cost the most (a word in d papers costs d*d multiply-adds) and separate
  papers the least (lowest idf). They are left out of the product, most
  widespread first, until the product fits `WORK_PER_PAPER` multiply-adds per
  paper. Below `EXACT_WORK` in total nothing is left out, so collections of a
  few thousand papers get exact cosines.

Ties are broken by paper id, so the result depends on nothing but the input.
"""
from __future__ import annotations

import itertools
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer

from .model import Paper

TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
# For ASCII text the same words come out of str.translate + split at a third of
# the cost (one-letter words are dropped with the stop words, per distinct word).
_ASCII_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128))
                                 if not (c.isalnum() or c == "_")})
CHUNK_ROWS = 512
WORK_PER_PAPER = 2_500
EXACT_WORK = 50_000_000
SAMPLE = 256  # entries per long row used to bound its k-th best score


def _words(text: str) -> list[str]:
    """Lower-case text -> its tokens; one-letter tokens may be among them."""
    return text.translate(_ASCII_NON_WORD).split() if text.isascii() else TOKEN.findall(text)


def tfidf_matrix(papers: Sequence[Paper]) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows in the order of `papers` (float32, CSR)."""
    return _tfidf_rows((paper.title, paper.abstract) for paper in papers)


def _tfidf_rows(texts: Iterable[tuple[str, str]]) -> sparse.csr_matrix:
    """`tfidf_matrix` of (title, abstract) pairs, read once, one at a time."""
    # Word -> column, numbered on first sight, filled without a Python-level loop;
    # the arrays hold C ints, so memory stays near the size of the matrix.
    vocabulary: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    indices, counts, indptr = array("i"), array("i"), array("q", [0])
    for title, abstract in texts:
        tally = Counter(_words(f"{title} {title} {abstract}".lower()))
        indices.extend(map(vocabulary.__getitem__, tally))
        counts.extend(tally.values())
        indptr.append(len(indices))
    rows = len(indptr) - 1
    data = np.asarray(counts, dtype=np.float32)
    del counts  # each copy of the counts is the size of the matrix: let go of them early
    counts_matrix = sparse.csr_matrix(
        (data, np.frombuffer(indices, dtype=np.intc), np.frombuffer(indptr, dtype=np.int64)),
        shape=(rows, len(vocabulary)))
    del data, indices
    keep = np.fromiter((len(word) > 1 and word not in ENGLISH_STOP_WORDS for word in vocabulary),
                       dtype=bool, count=len(vocabulary))
    counts_matrix = counts_matrix[:, np.flatnonzero(keep)]
    if counts_matrix.shape[1] == 0:
        return sparse.csr_matrix((rows, 0), dtype=np.float32)
    # transformed in place (fit_transform would copy the matrix first): one copy fewer
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts_matrix).transform(counts_matrix, copy=False)
    del counts_matrix
    return sparse.csr_matrix(tfidf, dtype=np.float32)


def _product_columns(x: sparse.csr_matrix) -> np.ndarray:
    """Columns worth multiplying: shared by two papers, within the work budget."""
    df = np.bincount(x.indices, minlength=x.shape[1]).astype(np.int64)
    shared = np.flatnonzero(df >= 2)
    by_df = shared[np.argsort(df[shared], kind="stable")]  # rarest first, ties by column
    work = np.cumsum(df[by_df] ** 2)
    budget = max(EXACT_WORK, WORK_PER_PAPER * x.shape[0])
    return np.sort(by_df[: int(np.searchsorted(work, budget, side="right"))])


def _top_k_block(block: sparse.csr_matrix, first_row: int, k: int) -> list[list[int]]:
    """Column indices of each row's k largest positive scores, best first, ties by
    column, the row's own column (first_row + i) excluded.

    Sorting every score would cost more than the product itself, so a long row
    is first cut at a bound that cannot lose a top-k entry: the (k+1)-th largest
    of SAMPLE distinct entries spread along it (one place more than k, as the
    row's own score may be among them). Only the few entries above it are sorted.
    """
    m = block.shape[0]
    lengths = np.diff(block.indptr)
    bound = np.full(m, -np.inf, dtype=np.float32)
    long_rows = np.flatnonzero(lengths >= SAMPLE) if SAMPLE > k else np.array([], int)
    if len(long_rows):
        spread = (np.arange(SAMPLE)[None, :] * lengths[long_rows, None]) // SAMPLE
        sample = block.data[block.indptr[long_rows, None] + spread]
        bound[long_rows] = -np.partition(-sample, k, axis=1)[:, k]
    keep = np.flatnonzero((block.data >= np.repeat(bound, lengths)) & (block.data > 0))
    rows = np.searchsorted(block.indptr, keep, side="right") - 1
    columns = block.indices[keep].astype(np.int64)
    scores = block.data[keep]
    others = columns != rows + first_row
    rows, columns, scores = rows[others], columns[others], scores[others]
    order = np.lexsort((columns, -scores, rows))
    rows, columns = rows[order], columns[order]
    row_start = np.searchsorted(rows, np.arange(m + 1))
    return [columns[row_start[i]:min(row_start[i + 1], row_start[i] + k)].tolist()
            for i in range(m)]


def related_papers(papers: Sequence[Paper], k: int = 5) -> dict[str, tuple[str, ...]]:
    """Paper id -> ids of up to k other papers, most similar first.

    A paper with nothing in common with any other gets an empty tuple; the
    paper itself and papers sharing no word with it never appear. Paper ids
    must be distinct (the pipeline's are); a repeated id raises ValueError.
    """
    return related_in_id_order(sorted(((p.id, p.title, p.abstract) for p in papers)), k)


def related_in_id_order(rows: Iterable[tuple[str, str, str]], k: int = 5
                        ) -> dict[str, tuple[str, ...]]:
    """`related_papers` of (id, title, abstract) rows sorted by id, read once, one at a
    time: the worker process (worker.py) reads them off a pipe and never holds
    every text at once."""
    ids: list[str] = []

    def texts() -> Iterator[tuple[str, str]]:
        for pid, title, abstract in rows:
            if ids and pid <= ids[-1]:
                raise ValueError(f"rows out of id order at {pid!r}")
            ids.append(pid)
            yield title, abstract
    if k <= 0:
        for _ in texts():
            pass
        return {pid: () for pid in ids}
    x = _tfidf_rows(texts())
    if len(ids) < 2:
        return {pid: () for pid in ids}
    x = x[:, _product_columns(x)].tocsr()
    x_t = x.T.tocsr()
    related: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(ids), CHUNK_ROWS):
        block = (x[start:start + CHUNK_ROWS] @ x_t).tocsr()
        for offset, neighbours in enumerate(_top_k_block(block, start, k)):
            related[ids[start + offset]] = tuple(map(ids.__getitem__, neighbours))
    return related
