"""The build's second core: related papers, and a share of the theme scoring, worked
out in a second Python process while the caller goes on.

Both stages need only the merged papers' texts and take seconds on a large digest;
scikit-learn (with numpy and scipy) also takes a second and about 80 MB just to
import. So for a large digest a `Worker` starts a new Python process as the build
starts (it imports scikit-learn while the caller reads the listing pages), hands it
the merged papers' ids, titles and abstracts in id order, marking the share whose
themes it is to score, and returns at once. The caller scores the other papers'
themes meanwhile; the worker works out the related papers first (its memory peaks
there, while the caller's is still small: the MkDocs build's peak memory counts
both), then scores its share, answers, and ends. The caller never imports
scikit-learn.

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
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from .model import Assignment, Paper

SEPARATE_PROCESS_FROM = 3_000_000  # bytes of listing pages, about 2,000 papers: below,
# a second interpreter costs more than it saves
SCORED_ELSEWHERE = 0.1  # share of the papers to score whose themes the worker scores,
# after the related papers: so that both processes end their part at about the same time
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the folder holding this `generator`
# glibc keeps freed memory of large arrays for reuse unless they were mapped on their
# own; the worker's TF-IDF makes and drops several copies of the matrix, so with this
# each goes back to the system when dropped (other C libraries ignore the variable)
WORKER_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072"}
TEXTS_PER_BATCH = 500  # about 0.7 MB: the most either process holds of a batch at once

Related = dict[str, tuple[str, ...]]
Assignments = dict[str, tuple[Assignment, ...]]


class WorkerError(RuntimeError):
    """The worker process did not answer: it failed, was ended, or its answer could
    not be read."""


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
    """Start it, `send` it the papers (and the share to score), then collect
    `assignments()` and `related()`. With a separate process, the process starts (and
    imports scikit-learn) at once, before the papers are known, so its start-up
    overlaps the reading of the listing pages too. A context manager: leaving it ends
    a child process that was not collected."""

    def __init__(self, separate_process: bool, themes: tuple = ()):
        self.themes = themes
        self._texts: list[Text] = []
        self._child: subprocess.Popen | None = None
        self._feeder: threading.Thread | None = None
        self._outcome: dict[str, object] = {}
        if separate_process:
            code = (f"import sys; sys.path.insert(0, {str(PACKAGE_ROOT)!r}); "
                    "from generator.worker import child_main; child_main()")
            try:
                self._child = subprocess.Popen([sys.executable, "-c", code],
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               env={**os.environ, **WORKER_ENV})
            except (OSError, ValueError):  # no interpreter to start here: work it out in-process
                self._child = None
        self.in_separate_process = self._child is not None

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

    def share(self, papers: Sequence[Paper]) -> list[Paper]:
        """The papers whose themes the worker is to score: none in-process."""
        if not self.in_separate_process or not self.themes:
            return []
        ordered = sorted(papers, key=lambda p: p.id)
        return ordered[len(ordered) - int(len(ordered) * SCORED_ELSEWHERE):]

    def send(self, papers: Sequence[Paper], score: Sequence[Paper] = ()) -> None:
        marked = {p.id for p in score}
        if marked and not self.themes:
            raise ValueError("worker: papers to score, but no themes to score them with")
        texts = sorted(Text(p.id, p.title, p.abstract, p.id in marked) for p in papers)
        if not self.in_separate_process:
            self._texts = texts
            return
        # a thread writes the texts a batch at a time (the pipe fills long before the
        # child has read a large digest) and then reads the answers as soon as they
        # come, so the child ends, and gives back its memory, while the caller still works
        feeder = threading.Thread(target=_exchange, daemon=True,
                                  args=(self._child, self.themes if marked else (), texts,
                                        self._outcome))
        feeder.start()
        self._feeder = feeder  # once started: close() joins it

    def assignments(self) -> Assignments:
        """The themes of the papers sent to be scored, by paper id."""
        if not self.in_separate_process:
            return {}
        self._check_sent()
        self._end()
        return self._answer("assignments")

    def related(self) -> Related:
        if not self.in_separate_process:
            return related_of_texts(self._texts)
        self._check_sent()
        self._end()
        return self._answer("related")

    def _check_sent(self) -> None:
        if self._feeder is None and "error" not in self._outcome:
            raise WorkerError("worker: answers asked for before the papers were sent")

    def _end(self) -> None:
        """Wait for the exchange to end and reap the child. A child that did not answer
        everything is given a moment to end by itself (its exit status tells why), then
        ended (it may be waiting to write what nobody reads)."""
        if self._child is None:
            return
        if self._feeder is not None:
            self._feeder.join()
        answered = "related" in self._outcome and "assignments" in self._outcome
        if answered:
            status = self._child.wait()
        else:
            try:
                status = self._child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._child.kill()
                status = self._child.wait()
        self._child.stdout.close()
        self._child = None
        if not answered:
            cause = self._outcome.get("error")
            if status == 0 and cause is not None:
                message = "worker: talking to the worker process failed"
            elif status < 0:
                message = f"worker: the worker process was ended by signal {-status}"
            else:
                message = (f"worker: the worker process failed (exit status {status}; "
                           "its error is above)")
            error = WorkerError(message)
            error.__cause__ = cause
            self._outcome["error"] = error

    def _answer(self, name: str):
        error = self._outcome.get("error")
        if isinstance(error, WorkerError):
            raise error
        if error is not None:
            raise WorkerError("worker: talking to the worker process failed") from error
        return self._outcome[name]

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
        self._outcome.setdefault("error", WorkerError("worker: ended before it answered"))

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _exchange(child: subprocess.Popen, themes: tuple, texts: list[Text], outcome: dict) -> None:
    """Themes, then the texts a batch at a time, out; then the related papers and the
    assignments in, as outcome["related"] and outcome["assignments"]. A batch is one
    write: a write per text would wait for the interpreter lock thousands of times
    while the caller scores themes. Whatever goes wrong, the child's input is closed
    (so it never waits for more); an error other than the child's end is kept for
    the caller to raise."""
    try:
        try:
            child.stdin.write(pickle.dumps(themes, pickle.HIGHEST_PROTOCOL))
            for i in range(0, len(texts), TEXTS_PER_BATCH):
                child.stdin.write(pickle.dumps(texts[i:i + TEXTS_PER_BATCH], pickle.HIGHEST_PROTOCOL))
        finally:
            child.stdin.close()
        outcome["related"] = pickle.load(child.stdout)
        outcome["assignments"] = pickle.load(child.stdout)
    except (OSError, EOFError):
        pass  # the child ended early (or was ended): its exit status tells
    except BaseException as exc:  # raised again by the caller, in its own thread
        outcome["error"] = exc


def child_main() -> None:
    """The worker: themes, then batches of texts in id order, as pickles on stdin;
    the related papers, then the assignments of the texts marked for scoring, as
    pickles on stdout. scikit-learn is imported first, while the caller is still
    reading its listing pages. The texts to score are kept (a small share) while
    every text is counted for related papers, and scored once those are sent."""
    from .related import related_in_id_order
    from .themes import assign_themes, term_index
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not land among the answers
    try:
        themes = pickle.load(stdin)
    except EOFError:
        return  # the caller never sent the papers (it failed, or changed its mind)
    to_score: list[Text] = []

    def texts() -> Iterator[tuple[str, str, str]]:
        while True:
            try:
                batch = pickle.load(stdin)
            except EOFError:
                return
            for text in batch:
                if text.score:
                    to_score.append(text)
                yield text.id, text.title, text.abstract
    pickle.dump(related_in_id_order(texts()), stdout, pickle.HIGHEST_PROTOCOL)
    stdout.flush()
    index = term_index(themes) if themes else None
    pickle.dump({text.id: assign_themes(themes, text, index) for text in to_score},
                stdout, pickle.HIGHEST_PROTOCOL)
    stdout.flush()
