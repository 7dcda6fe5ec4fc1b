"""The benchmark's synthetic collection still reads as intended with the real pipeline.

benchmarks/run.py measures the site at 20,000 papers on a collection written by
benchmarks/corpus.py; if the listing format or the pipeline changes so that the
collection no longer parses cleanly, the benchmark would silently measure
something else. This keeps it honest at a small size.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from generator.pipeline import build_digest

CORPUS_PY = Path(__file__).resolve().parent.parent / "benchmarks" / "corpus.py"


def load_corpus_module():
    spec = importlib.util.spec_from_file_location("benchmark_corpus", CORPUS_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_synthetic_collection_parses_into_exactly_the_requested_papers(tmp_path):
    corpus = load_corpus_module()
    made = corpus.make_project(tmp_path / "project", 60, seed=7)

    digest = build_digest(made.root / "content")

    assert len(digest.papers) == 60
    assert {s.layout for s in digest.sources} == {"compact", "rich"} == made.layouts
    listings = sum(len(p.sources) for p in digest.papers)
    assert listings == made.listings > len(digest.papers)  # duplicates merged, none lost
    assert sum(len(s.entries) for s in digest.sources) == made.listings
    assert digest.diagnostics == ()


def test_synthetic_collection_is_deterministic(tmp_path):
    corpus = load_corpus_module()
    a = corpus.make_project(tmp_path / "a", 60, seed=7)
    b = corpus.make_project(tmp_path / "b", 60, seed=7)
    files_a = sorted(a.sources_dir.glob("*.txt"))
    assert [p.name for p in files_a] == [p.name for p in sorted(b.sources_dir.glob("*.txt"))]
    assert all(p.read_bytes() == (b.sources_dir / p.name).read_bytes() for p in files_a)
