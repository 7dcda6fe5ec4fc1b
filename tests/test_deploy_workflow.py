"""The README's two commands are the ones CI and the Pages deployment run, verbatim,
and a fork's address reaches the site through SITE_URL."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
WORKFLOW = ROOT / ".github" / "workflows" / "deploy.yml"
CI_RUN = ROOT / ".ci" / "run"


def readme_commands() -> tuple[str, str]:
    """The first two ```sh blocks under "## Two commands": install+build, install+test."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Two commands\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert section, 'README.md has no "## Two commands" section'
    blocks = re.findall(r"^```sh\s*\n(.*?)^```", section.group(1), re.M | re.S)
    assert len(blocks) >= 2, f'expected two ```sh blocks under "## Two commands", got {len(blocks)}'
    build, test = (b.strip() for b in blocks[:2])
    assert "\n" not in build and "\n" not in test, "each command is one line"
    assert "mkdocs build" in build, build
    assert "pytest" in test, test
    return build, test


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    if True in data and "on" not in data:  # YAML 1.1 reads the bare key `on` as true
        data["on"] = data.pop(True)
    return data


def steps(workflow) -> list[tuple[str, dict]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in job.get("steps", [])]


def uses(step: dict, action: str) -> bool:
    return step.get("uses", "").split("@")[0] == action


def test_workflow_triggers_on_push_to_main_and_by_hand(workflow):
    on = workflow["on"]
    assert on["push"]["branches"] == ["main"], on
    assert "workflow_dispatch" in on, on


def test_workflow_runs_the_readme_build_command_verbatim(workflow):
    build, _ = readme_commands()
    runs = [(job, step) for job, step in steps(workflow) if build in step.get("run", "")]
    assert len(runs) == 1, f"no step (or more than one) runs the README build command {build!r}"
    job, step = runs[0]
    site_url = step.get("env", {}).get("SITE_URL", "")
    job_steps = workflow["jobs"][job]["steps"]
    index = job_steps.index(step)
    # the Pages address (project site, user site or custom domain) from configure-pages
    pages = [s for s in job_steps[:index] if uses(s, "actions/configure-pages")]
    assert pages and pages[0].get("id"), pages
    assert re.fullmatch(
        r"\$\{\{ *steps\." + re.escape(pages[0]["id"]) + r"\.outputs\.base_url *\}\}/", site_url), site_url

    setup = [s for s in job_steps[:index] if uses(s, "actions/setup-python")]
    assert setup and str(setup[0]["with"]["python-version"]) == "3.11", setup
    assert any(uses(s, "actions/checkout") for s in job_steps[:index])
    upload = [s for s in job_steps[index + 1:] if uses(s, "actions/upload-pages-artifact")]
    assert upload and upload[0]["with"]["path"] == "site", upload


def test_workflow_deploys_to_pages(workflow):
    perms = workflow.get("permissions", {})
    assert perms.get("pages") == "write" and perms.get("id-token") == "write", perms
    deploy = [(name, job) for name, job in workflow["jobs"].items()
              if any(uses(s, "actions/deploy-pages") for s in job.get("steps", []))]
    assert len(deploy) == 1, "one job deploys with actions/deploy-pages"
    name, job = deploy[0]
    environment = job.get("environment")
    env_name = environment.get("name") if isinstance(environment, dict) else environment
    assert env_name == "github-pages", environment
    builder = next(n for n, _ in steps(workflow) if _.get("uses", "").startswith(
        "actions/upload-pages-artifact"))
    needs = job.get("needs", [])
    assert builder in ([needs] if isinstance(needs, str) else needs), \
        f"{name} must wait for {builder}"


def test_ci_runs_the_readme_test_command_verbatim():
    _, test = readme_commands()
    text = CI_RUN.read_text(encoding="utf-8")
    assert test in text, f".ci/run does not run the README test command {test!r}"
    assert text.startswith("#!/usr/bin/env bash\n") or text.startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in text
    assert "apt-get install -y chromium" in text, ".ci/run installs Chromium when it is missing"
    assert os.access(CI_RUN, os.X_OK), ".ci/run is not executable (chmod +x)"


def test_site_url_comes_from_SITE_URL(monkeypatch):
    from mkdocs.config import load_config

    fork = "https://someone.github.io/paper-digest-fork/"
    monkeypatch.setenv("SITE_URL", fork)
    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    assert config.site_url == fork
    # The deployment uploads site/, where the build command writes by default.
    assert Path(config.site_dir) == ROOT / "site"

    monkeypatch.delenv("SITE_URL")
    local = load_config(config_file=str(ROOT / "mkdocs.yml"))
    assert local.site_url and local.site_url != fork
