"""What a paper page says about its themes: evidence for, evidence against, editors' pins."""
import datetime as dt
from pathlib import Path

import pytest

from generator.config import ConfigError
from generator.model import Assignment, Evidence, Paper
from generator.pages import PageRenderer
from generator.pipeline import Digest
from generator.themes import load_themes

REPO = Path(__file__).resolve().parent.parent
THEMES = load_themes(REPO / "content" / "themes.yml")


def paper(pid="p"):
    return Paper(pid, "A Title", "An abstract.", dt.date(2024, 1, 2), False, None, None, None, (), ("a.txt:1",))


def page_for(assignment):
    p = paper()
    digest = Digest((p,), THEMES, {p.id: (assignment,)}, {}, (), ())
    return PageRenderer(digest).paper_page(p).markdown()


def test_evidence_against_a_theme_is_labelled_as_such():
    text = page_for(Assignment("efficient-attention", 3.0, (
        Evidence("linear attention", "title", 3.0), Evidence("quantization", "abstract", -1.0))))
    assert "evidence: <q>linear attention</q> in the title" in text
    assert "counted against: <q>quantization</q> in the abstract" in text


def test_a_pin_alone_shows_the_reason_and_no_empty_evidence():
    text = page_for(Assignment("bert-variants", 0.0, (Evidence("editor's pin", "curation", 0.0),),
                               curated="a binarised BERT-style encoder"))
    assert "placed here by the editors (a binarised BERT-style encoder)" in text
    assert "evidence:" not in text


def test_dates_are_written_in_english_whatever_the_locale():
    assert "Jan 2, 2024" in page_for(Assignment("mamba-ssm", 3.0, ()))


def test_a_theme_title_with_markup_characters_is_refused(tmp_path):
    broken = (REPO / "content" / "themes.yml").read_text(encoding="utf-8").replace(
        "title: BERT variants", "title: BERT <i>variants</i>", 1)
    path = tmp_path / "themes.yml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"themes\[0\]\.title: may not contain"):
        load_themes(path)
