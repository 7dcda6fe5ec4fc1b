"""The generator on its own: `paper-digest OUT` writes the Markdown tree for any renderer."""
import json
import subprocess
import sys
from pathlib import Path

import frontmatter
from markupsafe import escape

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True,
                          text=True, cwd=REPO)


def test_cli_writes_every_page_and_data_file(tmp_path):
    result = run_cli(str(tmp_path), "--content", str(REPO / "content"), "--strict",
                     "--site-url", "https://example.org/digest/")
    assert result.returncode == 0, result.stderr
    papers = json.loads((tmp_path / "papers.json").read_text(encoding="utf-8"))["papers"]
    assert len(papers) == 414
    for paper in papers[:20]:
        post = frontmatter.load(tmp_path / "papers" / f"{paper['id']}.md")
        assert post["title"]  # HTML-escaped title for Material's <title>
        assert str(escape(paper["abstract"])) in post.content
    for slug in ("bert-variants", "mamba-ssm", "efficient-attention"):
        assert (tmp_path / "themes" / f"{slug}.md").is_file()
        feed = (tmp_path / "themes" / slug / "feed.xml").read_text(encoding="utf-8")
        assert f"https://example.org/digest/themes/{slug}/feed.xml" in feed
    assert (tmp_path / "index.md").is_file() and (tmp_path / "trends.md").is_file()


def test_cli_reports_a_broken_theme_file_in_one_line(tmp_path):
    content = tmp_path / "content"
    (content / "sources").mkdir(parents=True)
    (content / "themes.yml").write_text("themes:\n  - slug: x\n    titel: X\n", encoding="utf-8")
    result = run_cli(str(tmp_path / "out"), "--content", str(content))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "content/themes.yml: themes[0].titel: unknown key" in result.stderr
