"""themes.yml and curation.yml as a maintainer edits them: a new theme works, mistakes
stop the build with a message naming the file and the key path."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.config import ConfigError
from generator.curation import load_curation
from generator.pipeline import build_digest
from generator.themes import load_themes

CONTENT = Path(__file__).resolve().parent.parent / "content"
HEADER = ("Get trending papers in your email inbox once a day!\n"
          "Get trending papers in your email inbox!\n")
LONG = (" The method is evaluated on several public benchmarks, compared with strong "
        "baselines, and analysed in ablations; code and trained models are released so "
        "that others can reproduce every number reported in the paper.")
PAPERS = [
    ("Graph neural networks for molecules",
     "We propose a message-passing graph neural network for molecular property prediction."),
    ("Mamba for time series forecasting",
     "We apply a selective state space model to long-horizon forecasting."),
    ("A study of crop yields",
     "We study crop yields across two decades of weather records in three regions."),
]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of content/ whose sources are one small compact listing page."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root, ignore=shutil.ignore_patterns("sources"))
    (root / "sources").mkdir()
    lines = [HEADER + "Subscribe" + PAPERS[0][0], PAPERS[0][1] + LONG]
    for title, abstract in PAPERS[1:]:
        lines += [title, abstract + LONG]
    (root / "sources" / "fixture.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "curation.yml").write_text("pins: []\n", encoding="utf-8")
    return root


def themes_data(content: Path) -> dict:
    return yaml.safe_load((content / "themes.yml").read_text(encoding="utf-8"))


def write_themes(content: Path, data: dict) -> None:
    (content / "themes.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def config_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        load_themes(path)
    return err.value


def test_fixture_source_is_read(content):
    digest = build_digest(content)
    assert sorted(p.title for p in digest.papers) == sorted(t for t, _ in PAPERS)
    assert [p.title for p in digest.papers_in("mamba-ssm")] == ["Mamba for time series forecasting"]


def test_a_fourth_theme_is_loaded_and_assigned(content):
    data = themes_data(content)
    data["themes"].append({
        "slug": "graph-learning", "title": "Graph learning", "description": "Graph neural networks.",
        "threshold": 3,
        "rules": [{"name": "graph network", "terms": ["graph neural network*", "message-passing"],
                   "title": 3, "abstract": 1}],
    })
    write_themes(content, data)
    digest = build_digest(content)
    assert [t.slug for t in digest.themes][-1] == "graph-learning"
    assert [p.title for p in digest.papers_in("graph-learning")] == ["Graph neural networks for molecules"]
    evidence = digest.assignment(digest.papers_in("graph-learning")[0].id, "graph-learning").evidence
    assert ("Graph neural networks", "title") in {(e.phrase, e.where) for e in evidence}


def test_broken_yaml_names_the_file_and_line(content):
    (content / "themes.yml").write_text("themes:\n  - slug: [unclosed\n", encoding="utf-8")
    err = config_error(content / "themes.yml")
    assert str(err).startswith("content/themes.yml: line ")
    assert "not valid YAML" in str(err)


def test_unknown_key_names_the_key_path(content):
    data = themes_data(content)
    data["themes"][1]["rules"][0]["wieght"] = 2
    write_themes(content, data)
    err = config_error(content / "themes.yml")
    assert "content/themes.yml" in str(err)
    assert "themes[1].rules[0].wieght" in str(err)
    assert "unknown key" in str(err)


def test_unknown_veto_place_names_the_key_path(content):
    data = themes_data(content)
    data["themes"][0]["vetoes"][0]["where"] = "footnote"
    write_themes(content, data)
    err = config_error(content / "themes.yml")
    assert "themes[0].vetoes[0].where" in str(err) and "footnote" in str(err)


def test_duplicate_slug_names_the_key_path(content):
    data = themes_data(content)
    data["themes"][2]["slug"] = data["themes"][0]["slug"]
    write_themes(content, data)
    err = config_error(content / "themes.yml")
    assert "content/themes.yml" in str(err)
    assert "themes[2].slug" in str(err) and "duplicate" in str(err)


def test_star_inside_a_term_names_the_key_path(content):
    data = themes_data(content)
    data["themes"][2]["rules"][0]["terms"][3] = "linear*attention"
    write_themes(content, data)
    err = config_error(content / "themes.yml")
    assert "content/themes.yml" in str(err)
    assert "themes[2].rules[0].terms[3]" in str(err)
    assert "linear*attention" in str(err)


def test_pin_for_an_unknown_paper_is_a_warning_naming_curation_yml(content):
    (content / "curation.yml").write_text(
        "pins:\n  - paper: no-such-paper\n    theme: mamba-ssm\n    action: include\n"
        "    reason: A test pin for a paper that is not in any source.\n", encoding="utf-8")
    digest = build_digest(content)
    warnings = [str(d) for d in digest.diagnostics if "no-such-paper" in str(d)]
    assert warnings and warnings[0].startswith("content/curation.yml")
    assert "pins[0]" in warnings[0]


def test_pin_for_an_unknown_theme_is_a_config_error(content):
    path = content / "curation.yml"
    path.write_text("pins:\n  - paper: a-study-of-crop-yields\n    theme: agriculture\n"
                    "    action: include\n    reason: Crops.\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_curation(path, {"bert-variants", "mamba-ssm", "efficient-attention"})
    assert str(err.value).startswith("content/curation.yml: pins[0].theme: unknown theme 'agriculture'")
    with pytest.raises(ConfigError):
        build_digest(content)


def test_pin_moves_a_paper_and_keeps_the_reason(content):
    digest = build_digest(content)
    crop = next(p for p in digest.papers if p.title == "A study of crop yields")
    (content / "curation.yml").write_text(
        f"pins:\n  - paper: {crop.id}\n    theme: mamba-ssm\n    action: include\n"
        "    reason: Crop yields modelled with a state space recurrence.\n", encoding="utf-8")
    digest = build_digest(content)
    assert digest.assignment(crop.id, "mamba-ssm").curated.startswith("Crop yields")
