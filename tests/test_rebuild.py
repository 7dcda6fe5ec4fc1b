"""`mkdocs serve` rebuilds the whole digest after every edit; in one process, the
listing pages and papers that did not change are not decoded, parsed or scored
again, and the result is the digest a fresh process would build."""
from __future__ import annotations

import shutil
from pathlib import Path

from generator import pipeline
from generator.pipeline import build_digest
from generator.themes import _assigned_before

REPO = Path(__file__).resolve().parent.parent
NEW_LISTING = """Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
SubscribeRebuild Canary: a selective state space model for one edited page
We propose a Mamba variant; this abstract exists to be added between two builds.
"""


def test_a_rebuild_after_one_edit_reuses_what_did_not_change_and_equals_a_fresh_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    sources = sorted((content / "sources").glob("*.txt"))
    first = build_digest(content)

    (content / "sources" / "zz_new.txt").write_text(NEW_LISTING, encoding="utf-8")
    scores = len(_assigned_before(first.themes))
    second = build_digest(content)
    assert len(second.sources) == len(sources) + 1
    # the unchanged pages' parse results are the very ones of the first build
    assert all(again is before for again, before in zip(second.sources, first.sources))
    assert second.sources[-1].name == "zz_new.txt"
    assert len(_assigned_before(second.themes)) - scores == 1  # only the new paper was scored
    assert len(second.papers) == len(first.papers) + 1
    new = next(p for p in second.papers if p.title.startswith("Rebuild Canary"))
    assert [a.theme for a in second.assignments[new.id]] == ["mamba-ssm"]

    pipeline._PARSED.clear()
    _assigned_before.cache_clear()
    fresh = build_digest(content)
    assert fresh.sources[0] is not second.sources[0]
    assert fresh == second
