"""The build's second core: related papers, and a share of the theme scoring, worked
out in a second Python process while the caller goes on.

Both stages need only the merged papers' texts and take seconds on a large digest;
scikit-learn (with numpy and scipy) also takes a second and about 80 MB just to
import. So for a large digest a `Worker` starts a new Python process as the build
starts (it imports scikit-learn while the caller reads the listing pages), hands it
the merged papers' ids, titles and abstracts in id order, marking the share whose
themes it is to score, and returns at once. The caller scores the other papers'
themes meanwhile, collects the worker's share, and goes on rendering: the related
papers are collected only when a page first needs them (`related_later`), by which
time the worker has long answered. The caller never imports scikit-learn.

A small digest (the tests' fixtures, the seed collection) is worked out in-process,
where starting an interpreter would cost more than it saves. Either way the result
is the same: `related_papers` and theme assignment depend on nothing but the texts.

The child is a plain `python -c` running this same package (not multiprocessing,
whose `spawn` imports the caller's main script again: an unguarded script that runs
MkDocs would build twice), and it is ended if the caller stops before collecting it.
Both directions carry pickles: the two ends are the same program, and a pickle
carries any text (a lone surrogate, a line separator) as it is.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from .model import Assignment, Paper

SEPARATE_PROCESS_FROM = 3_000_000  # bytes of listing pages, about 2,000 papers: below,
# a second interpreter costs more than it saves
SCORED_ELSEWHERE = 0.3  # share of the papers whose themes the worker scores: it also
# counts every paper's words for related papers meanwhile, so this share ends with the caller's
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the folder holding this `generator`
# glibc keeps freed memory of large arrays for reuse unless they were mapped on their
# own; the worker's TF-IDF makes and drops several copies of the matrix, so with this
# each goes back to the system when dropped (other C libraries ignore the variable)
WORKER_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072"}
TEXTS_PER_BATCH = 500  # about 0.7 MB: the most either process holds of the texts at once

Related = dict[str, tuple[str, ...]]
Assignments = dict[str, tuple[Assignment, ...]]


class Text(NamedTuple):
    """What the worker is sent of a paper: all that related papers and themes read."""

    id: str
    title: str
    abstract: str
    score: bool = False  # its themes are to be scored by the worker


def related_of_texts(texts: Sequence[Text]) -> Related:
    from .related import related_in_id_order  # numpy, scipy, scikit-learn: only where used
    return related_in_id_order((t.id, t.title, t.abstract) for t in texts)


class Worker:
    """Start it, `send` it the papers (and the share to score), collect `assignments()`
    and `related()` (or `related_later()`). With a separate process, the process starts
    (and imports scikit-learn) at once, before the papers are known, so its start-up
    overlaps the reading of the listing pages too. A context manager: leaving it ends
    a child process that was not collected."""

    def __init__(self, separate_process: bool, themes: tuple = ()):
        self.themes = themes
        self._texts: list[Text] = []
        self._child: subprocess.Popen | None = None
        self._feeder: threading.Thread | None = None
        self._outcome: dict[str, object] = {}
        self._scored = threading.Event()
        if separate_process:
            code = (f"import sys; sys.path.insert(0, {str(PACKAGE_ROOT)!r}); "
                    "from generator.worker import child_main; child_main()")
            try:
                self._child = subprocess.Popen([sys.executable, "-c", code],
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               env={**os.environ, **WORKER_ENV})
            except (OSError, ValueError):  # no interpreter to start here: work it out in-process
                self._child = None

    @classmethod
    def for_listing_pages(cls, paths: Sequence[Path], themes: tuple = ()) -> Worker:
        """A separate process when the listing pages hold SEPARATE_PROCESS_FROM bytes."""
        size = 0
        for path in paths:
            try:
                size += path.stat().st_size
            except OSError:
                pass  # reading it will report the problem
        return cls(separate_process=size >= SEPARATE_PROCESS_FROM, themes=themes)

    @property
    def in_separate_process(self) -> bool:
        return self._child is not None

    def share(self, papers: Sequence[Paper]) -> list[Paper]:
        """The papers whose themes the worker is to score: none in-process."""
        if self._child is None or not self.themes:
            return []
        ordered = sorted(papers, key=lambda p: p.id)
        return ordered[len(ordered) - int(len(ordered) * SCORED_ELSEWHERE):]

    def send(self, papers: Sequence[Paper], score: Sequence[Paper] = ()) -> None:
        marked = {p.id for p in score}
        texts = sorted(Text(p.id, p.title, p.abstract, p.id in marked) for p in papers)
        if self._child is None:
            self._texts = texts
            return
        # a thread writes the texts a batch at a time (the pipe fills long before the
        # child has read a large digest) and then reads the answers as soon as they
        # come, so the child ends, and gives back its memory, while the caller still works
        feeder = threading.Thread(target=_exchange, daemon=True,
                                  args=(self._child, self.themes if marked else (), texts,
                                        self._outcome, self._scored))
        feeder.start()
        self._feeder = feeder  # once started: __exit__ joins it

    def assignments(self) -> Assignments:
        """The themes of the papers sent to be scored, by paper id."""
        if self._child is None:
            return {}
        if self._feeder is None:
            raise RuntimeError("worker: assignments() before send()")
        self._scored.wait()
        return self._answer("assignments")

    def related(self) -> Related:
        if self._child is None:
            return related_of_texts(self._texts)
        if self._feeder is None:
            raise RuntimeError("worker: related() before send()")
        self._feeder.join()
        related = self._answer("related")
        self._child.wait()
        self._child.stdout.close()
        self._child = None
        return related

    def _answer(self, name: str):
        if "error" in self._outcome:
            raise RuntimeError("worker: talking to the worker process failed"
                               ) from self._outcome["error"]
        if name not in self._outcome:
            self._feeder.join()  # the exchange ended early: the child has ended
            raise RuntimeError(f"worker: the worker process failed "
                               f"(exit status {self._child.wait()}; its error is above)")
        return self._outcome[name]

    def related_later(self) -> Mapping[str, tuple[str, ...]]:
        """`related()` as a mapping that collects it when first read; from then on the
        mapping owns the worker, and ends it if it is dropped unread."""
        return _Later(self)

    def close(self) -> None:
        """End a child process that was not collected (the caller failed on the way)."""
        if self._child is None:
            return
        self._child.kill()
        self._child.wait()
        if self._feeder is not None:
            self._feeder.join()  # its write or read fails at once: the other end is gone
        for stream in (self._child.stdin, self._child.stdout):
            try:
                stream.close()
            except OSError:
                pass  # unwritten input: the pipe is broken, which is the point
        self._child = None

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Later(Mapping):
    """Related papers collected from a Worker on first read."""

    def __init__(self, worker: Worker):
        self._worker: Worker | None = worker
        self._value: Related | None = None
        self._finalizer = weakref.finalize(self, worker.close)

    def _get(self) -> Related:
        if self._value is None:
            try:
                self._value = self._worker.related()
            finally:
                self._finalizer()
                self._worker = None
        return self._value

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def _exchange(child: subprocess.Popen, themes: tuple, texts: list[Text], outcome: dict,
              scored: threading.Event) -> None:
    """Themes, then the texts a batch at a time, out; then the assignments and the
    related papers in, as outcome["assignments"] and outcome["related"]. A batch is one
    write: a write per text would wait for the interpreter lock thousands of times
    while the caller scores themes. Whatever goes wrong, the child's input is closed
    (so it never waits for more) and `scored` is set (so the caller never waits for
    ever); an error other than a broken pipe is kept for the caller to raise."""
    try:
        try:
            child.stdin.write(pickle.dumps(themes, pickle.HIGHEST_PROTOCOL))
            for i in range(0, len(texts), TEXTS_PER_BATCH):
                child.stdin.write(pickle.dumps(texts[i:i + TEXTS_PER_BATCH], pickle.HIGHEST_PROTOCOL))
        finally:
            child.stdin.close()
        outcome["assignments"] = pickle.load(child.stdout)
        scored.set()
        outcome["related"] = pickle.load(child.stdout)
    except (OSError, EOFError, pickle.UnpicklingError):
        pass  # the child ended early (or was ended): its exit status tells
    except BaseException as exc:  # raised again by the caller, in its own thread
        outcome["error"] = exc
    finally:
        scored.set()


def child_main() -> None:
    """The worker: themes, then batches of texts in id order, as pickles on stdin;
    the assignments of the texts marked for scoring, then the related papers, as
    pickles on stdout. scikit-learn is imported first, while the caller is still
    reading its listing pages; the themes are scored as the texts come in, and
    their assignments sent before the related papers are worked out."""
    from .related import related_in_id_order
    from .themes import assign_themes, term_index
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    themes = pickle.load(stdin)
    index = term_index(themes) if themes else None
    assignments: Assignments = {}

    def texts() -> Iterator[tuple[str, str, str]]:
        while True:
            try:
                batch = pickle.load(stdin)
            except EOFError:
                break
            for text in batch:
                if text.score:
                    assignments[text.id] = assign_themes(themes, text, index)
                yield text.id, text.title, text.abstract
        pickle.dump(assignments, stdout, pickle.HIGHEST_PROTOCOL)  # before the product
        stdout.flush()
    related = related_in_id_order(texts())
    pickle.dump(related, stdout, pickle.HIGHEST_PROTOCOL)
    stdout.flush()
