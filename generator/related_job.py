"""Related papers worked out beside the theme scoring, in a second process.

Both stages need only the merged papers, and each takes seconds on a large
digest; scikit-learn (with numpy and scipy) also takes a second and
about 80 MB just to import. So for a large digest a `RelatedJob` starts a new
Python process running this module as the build starts (it imports scikit-learn
while the caller reads the listing pages), hands it the merged papers' ids,
titles and abstracts (JSON lines on a pipe, in id order), and returns at once; the caller scores
themes meanwhile, never imports scikit-learn, and collects the neighbours when
it needs them.
A small digest (the tests' fixtures, the seed collection) is worked out
in-process, where starting an interpreter would cost more than it saves. Either
way the result is the same: `related_papers` depends on nothing but ids and texts.

The child is a plain `python -c` running this same package (not
multiprocessing, whose `spawn` imports the caller's main script again: an
unguarded script that runs MkDocs would build twice), and it is ended if the
caller stops before collecting it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from .model import Paper

SEPARATE_PROCESS_FROM = 3_000_000  # bytes of listing pages, about 2,000 papers: below,
# a second interpreter costs more than it saves
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the folder holding this `generator`
# glibc keeps freed memory of large arrays for reuse unless they were mapped on their
# own; the worker's TF-IDF makes and drops several copies of the matrix, so with this
# each goes back to the system when dropped (other C libraries ignore the variable)
WORKER_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072"}
TEXTS_PER_LINE = 500  # about 0.7 MB of JSON: the most either process holds of the texts

Related = dict[str, tuple[str, ...]]


class Text(NamedTuple):
    """What related papers are made from: all the child process is sent of a paper."""

    id: str
    title: str
    abstract: str


def related_of_texts(texts: Sequence[Text]) -> Related:
    from .related import related_in_id_order  # numpy, scipy, scikit-learn: only where used
    return related_in_id_order(texts)


class RelatedJob:
    """`related_papers` of some papers, worked out while the caller goes on: start
    it, `send` it the papers, collect `result()`. With a separate process, the
    process starts (and imports scikit-learn) at once, before the papers are known,
    so its start-up overlaps the reading of the listing pages too. A context
    manager: leaving it ends a child process that was not collected."""

    def __init__(self, separate_process: bool):
        self._texts: list[Text] = []
        self._child: subprocess.Popen | None = None
        self._feeder: threading.Thread | None = None
        if separate_process:
            code = (f"import sys; sys.path.insert(0, {str(PACKAGE_ROOT)!r}); "
                    "from generator.related_job import child_main; child_main()")
            try:
                self._child = subprocess.Popen([sys.executable, "-c", code],
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               env={**os.environ, **WORKER_ENV})
            except (OSError, ValueError):  # no interpreter to start here: work it out in-process
                self._child = None

    @classmethod
    def for_listing_pages(cls, paths: Sequence[Path]) -> RelatedJob:
        """A separate process when the listing pages hold SEPARATE_PROCESS_FROM bytes."""
        size = 0
        for path in paths:
            try:
                size += path.stat().st_size
            except OSError:
                pass  # reading it will report the problem
        return cls(separate_process=size >= SEPARATE_PROCESS_FROM)

    @property
    def in_separate_process(self) -> bool:
        return self._child is not None

    def send(self, papers: Sequence[Paper]) -> None:
        texts = sorted(Text(p.id, p.title, p.abstract) for p in papers)
        if self._child is None:
            self._texts = texts
            return
        # a thread writes the texts a line at a time (the pipe fills long before the
        # child has read a large digest) and then reads the answer as soon as it comes,
        # so the child ends, and gives back its memory, while the caller still works
        self._outcome: dict[str, object] = {}
        feeder = threading.Thread(target=_exchange, args=(self._child, texts, self._outcome),
                                  daemon=True)
        feeder.start()
        self._feeder = feeder  # once started: __exit__ joins it

    def result(self) -> Related:
        if self._child is None:
            return related_of_texts(self._texts)
        if self._feeder is None:
            raise RuntimeError("related papers: result() before send()")
        self._feeder.join()
        if "error" in self._outcome:
            raise RuntimeError("related papers: talking to the worker process failed"
                               ) from self._outcome["error"]
        out = self._outcome.get("answer", b"")
        if self._child.wait() != 0 or not out:
            raise RuntimeError(f"related papers: the worker process failed "
                               f"(exit status {self._child.returncode}; its error is above)")
        self._child.stdout.close()
        self._child = None
        return {pid: tuple(ids) for pid, ids in json.loads(out).items()}

    def __enter__(self) -> RelatedJob:
        return self

    def __exit__(self, *exc) -> None:
        if self._child is not None:  # not collected: the caller failed on the way
            self._child.kill()
            self._child.wait()
            if self._feeder is not None:
                self._feeder.join()  # its write fails at once: the reader is gone
            for stream in (self._child.stdin, self._child.stdout):
                try:
                    stream.close()
                except OSError:
                    pass  # unwritten input: the pipe is broken, which is the point
            self._child = None


def _exchange(child: subprocess.Popen, texts: list[Text], outcome: dict) -> None:
    """Texts out as lines of JSON, each a batch of TEXTS_PER_LINE, ASCII (\\u escapes
    carry any text, even a lone surrogate or a line separator, through the pipe); then
    the answer in, as outcome["answer"]. A batch is one write: a write per text would
    wait for the interpreter lock thousands of times while the caller scores themes.
    Whatever goes wrong, the child's input is closed (so it never waits for more), and
    an error other than a broken pipe is kept for result() to raise."""
    try:
        try:
            for i in range(0, len(texts), TEXTS_PER_LINE):
                child.stdin.write(json.dumps(texts[i:i + TEXTS_PER_LINE]).encode("ascii") + b"\n")
        finally:
            child.stdin.close()
        outcome["answer"] = child.stdout.read()
    except OSError:
        pass  # the child ended early (or was ended): result() reports its exit status
    except BaseException as exc:  # raised again by result(), in the caller's thread
        outcome["error"] = exc


def child_main() -> None:
    """The worker: texts as JSON lines on stdin, in id order, read a line at a time;
    {id: [related ids]} as JSON on stdout. scikit-learn is imported first, while the
    caller is still reading its listing pages."""
    from .related import related_in_id_order
    neighbours = related_in_id_order(text for line in sys.stdin.buffer for text in json.loads(line))
    sys.stdout.buffer.write(json.dumps(neighbours).encode("ascii"))
    sys.stdout.buffer.flush()
