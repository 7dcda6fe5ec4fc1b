"""`mkdocs serve` rebuilds the whole digest after every edit; in one process, the
listing pages and papers that did not change are not decoded, parsed or scored
again, and the result is the digest a fresh process would build."""
from __future__ import annotations

import shutil
from pathlib import Path

from generator.pipeline import build_digest, decode_and_parse
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
    parses, scores = decode_and_parse.cache_info(), len(_assigned_before(first.themes))
    second = build_digest(content)
    parsed_again = decode_and_parse.cache_info()
    assert parsed_again.hits - parses.hits == len(sources)  # the unchanged pages
    assert parsed_again.misses - parses.misses == 1  # the new one
    assert len(_assigned_before(second.themes)) - scores == 1  # only the new paper was scored
    assert len(second.papers) == len(first.papers) + 1
    new = next(p for p in second.papers if p.title.startswith("Rebuild Canary"))
    assert [a.theme for a in second.assignments[new.id]] == ["mamba-ssm"]

    decode_and_parse.cache_clear()
    _assigned_before.cache_clear()
    assert build_digest(content) == second
