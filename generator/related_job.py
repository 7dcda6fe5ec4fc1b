"""Related papers worked out beside the theme scoring, in a second process.

Both stages need only the merged papers and take about as long as each other on
a large digest; scikit-learn (with numpy and scipy) also takes a second and
about 80 MB just to import. So for a large digest `start_related` hands the
papers' ids, titles and abstracts (as JSON, on a pipe) to a new Python process
running this module, and returns at once; the caller scores themes meanwhile,
never imports scikit-learn, and collects the neighbours when it needs them.
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
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from .model import Paper

SEPARATE_PROCESS_FROM = 2_000  # papers; below, a second interpreter costs more than it saves
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the folder holding this `generator`

Related = dict[str, tuple[str, ...]]


class Text(NamedTuple):
    """What related papers are made from: all the child process is sent of a paper."""

    id: str
    title: str
    abstract: str


def related_of_texts(texts: Sequence[Text]) -> Related:
    from .related import related_papers  # numpy, scipy, scikit-learn: only where used
    return related_papers(texts)


class RelatedJob:
    """`related_papers` of some papers, being worked out; `result()` waits for it.
    A context manager: leaving it ends a child process that was not collected."""

    def __init__(self, papers: Sequence[Paper], separate_process: bool | None = None):
        self._texts = [Text(p.id, p.title, p.abstract) for p in papers]
        if separate_process is None:
            separate_process = len(self._texts) >= SEPARATE_PROCESS_FROM
        self._child: subprocess.Popen | None = None
        self._feeder: threading.Thread | None = None
        if separate_process:
            self._start_child()

    def _start_child(self) -> None:
        code = (f"import sys; sys.path.insert(0, {str(PACKAGE_ROOT)!r}); "
                "from generator.related_job import child_main; child_main()")
        try:
            self._child = subprocess.Popen([sys.executable, "-c", code],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except (OSError, ValueError):  # no interpreter to start here: work it out in-process
            return
        # ASCII JSON: \u escapes carry any text, even a lone surrogate, through the pipe
        payload = json.dumps(self._texts).encode("ascii")
        self._texts = []
        # written from a thread: a large digest fills the pipe before the child reads it
        self._feeder = threading.Thread(target=_feed, args=(self._child.stdin, payload), daemon=True)
        self._feeder.start()

    def result(self) -> Related:
        if self._child is None:
            return related_of_texts(self._texts)
        out = self._child.stdout.read()
        self._feeder.join()
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
            self._child.stdout.close()
            self._child = None


def _feed(stream, payload: bytes) -> None:
    try:
        stream.write(payload)
        stream.close()
    except (BrokenPipeError, OSError):
        pass  # the child ended early; result() reports its exit status


def child_main() -> None:
    """The worker: texts as JSON on stdin, {id: [related ids]} as JSON on stdout."""
    related = related_of_texts([Text(*t) for t in json.loads(sys.stdin.buffer.read())])
    sys.stdout.buffer.write(json.dumps(related).encode("ascii"))  # the texts are gone by now
    sys.stdout.buffer.flush()
