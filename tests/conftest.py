"""Shared fixtures: the repository, temporary project copies and built sites."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
PROJECT_PARTS = ("mkdocs.yml", "content", "overrides", "generator")


def copy_project(dest: Path, sources: Path | None = None) -> Path:
    """A throwaway copy of the project; `sources` replaces content/sources when given."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / part)
    if sources is not None:
        shutil.rmtree(dest / "content" / "sources")
        shutil.copytree(sources, dest / "content" / "sources")
    return dest


def mkdocs_build(project: Path, site: Path, *, strict: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    if strict:
        cmd.append("--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=project)


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> Path:
    """The real seed collection built once with `mkdocs build --strict`."""
    root = tmp_path_factory.mktemp("seed")
    project = copy_project(root / "project")
    site = root / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site
