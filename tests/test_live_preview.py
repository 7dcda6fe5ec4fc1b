"""`mkdocs serve` previews a new listing page: dropped into content/sources/, its paper
gets a page without a restart, and the server rebuilds a bounded number of times
(the hook generates pages in memory, so a rebuild never triggers another one)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from generator.ids import slugify

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("mkdocs.yml", "content", "overrides", "generator")
START_TIMEOUT = 120
NEW_PAGE_TIMEOUT = 90
QUIET_SECONDS = 6
EXTRA_BUILDS_ALLOWED = 3

NEW_TITLE = "Live Preview Canary: a freshly captured listing for mkdocs serve"
NEW_SLUG = slugify(NEW_TITLE)
NEW_LISTING = f"""Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
Subscribe{NEW_TITLE}
This canary abstract exists only to show that a listing page saved into content/sources while the preview server runs becomes a paper page without restarting the server.
"""
BUILD_LINE = re.compile(r"Building documentation")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_project(dest: Path) -> None:
    for name in PROJECT_PARTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            shutil.copy2(src, dest / name)


def status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


class Output:
    """Collects a process's merged output from a reader thread."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for line in iter(stream.readline, ""):
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    def text(self) -> str:
        with self._lock:
            return "\n".join(self.lines)

    def builds(self) -> int:
        with self._lock:
            return sum(bool(BUILD_LINE.search(line)) for line in self.lines)


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(predicate, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def test_new_listing_page_appears_in_live_preview(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    new_source = project / "content" / "sources" / "zz_live_preview_canary.txt"
    assert not new_source.exists()

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "SITE_URL": base, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    out = Output(server.stdout)
    try:
        ready = wait_for(lambda: server.poll() is None and status(base) == 200, START_TIMEOUT)
        assert ready, f"mkdocs serve did not come up on {base}:\n{out.text()}"
        initial_builds = out.builds()
        assert initial_builds >= 1, out.text()
        page = f"{base}papers/{NEW_SLUG}/"
        assert status(page) == 404, "the canary paper exists before its listing page was added"

        new_source.write_text(NEW_LISTING, encoding="utf-8")
        appeared = wait_for(lambda: status(page) == 200, NEW_PAGE_TIMEOUT)
        assert appeared, f"{page} did not appear within {NEW_PAGE_TIMEOUT} s:\n{out.text()}"
        with urllib.request.urlopen(page, timeout=5) as response:
            html = response.read().decode("utf-8")
        assert NEW_TITLE in html

        time.sleep(QUIET_SECONDS)  # a rebuild loop would keep building now
        extra = out.builds() - initial_builds
        assert 1 <= extra <= EXTRA_BUILDS_ALLOWED, (
            f"{extra} rebuilds after adding one file (at most {EXTRA_BUILDS_ALLOWED} expected):\n"
            f"{out.text()}")
        assert server.poll() is None, f"mkdocs serve exited:\n{out.text()}"

        # an edit to the generator's Python code shows too, though Python keeps modules
        # imported between rebuilds
        pages_py = project / "generator" / "pages.py"
        code = pages_py.read_text(encoding="utf-8")
        assert code.count('("arXiv", ') == 1
        pages_py.write_text(code.replace('("arXiv", ', '("arXiv (edited)", '), encoding="utf-8")
        edited = wait_for(lambda: "Search arXiv (edited) for this title" in fetch(page), NEW_PAGE_TIMEOUT)
        assert edited, f"the edit to generator/pages.py did not reach {page}:\n{out.text()}"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=15)
