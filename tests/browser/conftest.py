"""The built site, seen in a real browser (Debian's Chromium driven by Playwright).

One session builds a copy of the project with the extra listing pages in
tests/data/hostile_browser/ (one whose title and abstract carry HTML and Markdown
payloads, one that gives the mamba-ssm theme page upvotes, years and code links for
the filter tests) and serves the result on 127.0.0.1; every test
gets a fresh page whose requests, responses, console messages and dialogs are
recorded. When a test fails, each page it had open is saved as
tests/artifacts/<test>.png.

In CI (CI=true) a missing Chromium is a failure, never a silent skip.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_DIR = ROOT / "tests" / "data" / "hostile_browser"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
                    "(apt-get install chromium)")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# What a build needs: the hook lives in generator/, the theme overrides in overrides/.
PROJECT_PARTS = ("mkdocs.yml", "content", "overrides", "generator")
LOCAL_HOSTS = {"127.0.0.1"}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_project(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in PROJECT_PARTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, dest / name)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        if in_ci():
            pytest.fail(CHROMIUM_MISSING, pytrace=False)
        pytest.skip(CHROMIUM_MISSING)
    return str(CHROMIUM)


@dataclass(frozen=True)
class BuiltSite:
    root: Path  # the built site folder
    base_url: str  # http://127.0.0.1:<port>/
    build_log: str
    papers: tuple[dict, ...]  # papers.json records
    hostile_files: tuple[str, ...]  # fixture file names added to content/sources

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def paper_url(self, paper_id: str) -> str:
        return self.url(f"papers/{paper_id}/")

    def hostile_paper(self) -> dict:
        hits = [p for p in self.papers if "<script>alert(1)</script>" in p["title"]]
        assert len(hits) == 1, f"expected one hostile fixture paper in papers.json, got {len(hits)}"
        return hits[0]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="session")
def site(chromium_path, tmp_path_factory) -> BuiltSite:
    work = tmp_path_factory.mktemp("browser_site")
    project = work / "project"
    project.mkdir()
    copy_project(project)
    hostile = sorted(HOSTILE_DIR.glob("*.txt"))
    assert hostile, f"no fixture listing page in {HOSTILE_DIR}"
    for f in hostile:
        shutil.copy2(f, project / "content" / "sources" / f.name)

    port = free_port()
    base_url = f"http://127.0.0.1:{port}/"
    out = work / "site"
    env = {**os.environ, "SITE_URL": base_url, "NO_MKDOCS_2_WARNING": "1"}
    # Not --strict: the test below reports warnings by name, and a warning elsewhere in
    # the content should not hide what the browser sees.
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(out)],
                          cwd=project, env=env, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        pytest.fail(f"mkdocs build failed (exit {proc.returncode}):\n{log}", pytrace=False)
    papers = tuple(json.loads((out / "papers.json").read_text(encoding="utf-8"))["papers"])

    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield BuiltSite(out, base_url, log, papers, tuple(f.name for f in hostile))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@dataclass
class PageLog:
    """Everything a page did that a test may want to hold against it."""

    base_url: str
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # requests not to 127.0.0.1
    bad_responses: list[str] = field(default_factory=list)  # status >= 400
    failed: list[str] = field(default_factory=list)  # requestfailed
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        out = []
        for name in ("outside", "bad_responses", "failed", "console_errors", "page_errors", "dialogs"):
            out += [f"{name}: {entry}" for entry in getattr(self, name)]
        return out


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS


@pytest.fixture
def page_log(site) -> PageLog:
    return PageLog(site.base_url)


@pytest.fixture
def context(browser, site, page_log, request):
    """A fresh browser context; requests that would leave 127.0.0.1 are recorded and
    aborted, so nothing ever reaches the network. Optional indirect parameter:
    {"color_scheme": "dark"}."""
    options = getattr(request, "param", None) or {}
    ctx = browser.new_context(color_scheme=options.get("color_scheme", "light"),
                              viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15_000)

    def guard(route):
        page_log.outside.append(route.request.url)
        route.abort()

    ctx.route(lambda url: not is_local(url), guard)
    ctx.on("request", lambda r: page_log.requests.append(r.url))
    ctx.on("response", lambda r: page_log.bad_responses.append(f"{r.status} {r.url}")
           if r.status >= 400 else None)
    ctx.on("requestfailed", lambda r: page_log.failed.append(f"{r.url} ({r.failure})"))
    ctx.on("page", lambda p: _watch_page(p, page_log))
    try:
        yield ctx
    finally:
        _screenshot_on_failure(request, ctx)
        ctx.close()


def _watch_page(page, log: PageLog) -> None:
    page.on("console", lambda m: log.console_errors.append(f"{m.text} ({m.location})")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))

    def on_dialog(dialog):
        log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _screenshot_on_failure(request, ctx) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
    for i, p in enumerate(ctx.pages):
        target = ARTIFACTS / (f"{name}.png" if i == 0 else f"{name}-{i + 1}.png")
        try:
            p.screenshot(path=str(target), full_page=True)
        except Exception as exc:  # a crashed page must not hide the test's own failure
            print(f"could not save a screenshot of {p.url}: {exc}", file=sys.stderr)


@pytest.fixture
def visit(page, site):
    """visit("themes/mamba-ssm/"): open a site path (or full URL) in the test's page and
    wait until Material's scripts have settled; returns the page."""
    def open_(path: str = ""):
        url = path if path.startswith("http") else site.url(path)
        response = page.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
        page.wait_for_load_state("networkidle")
        return page
    return open_
