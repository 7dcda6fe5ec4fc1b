"""Paper Digest at scale: generator time, full `mkdocs build`, memory, site and search size,
each against the floor (a bare mkdocs-material site with as many trivial pages), and the
`mkdocs serve` rebuild after one source file changes.

    .venv/bin/python benchmarks/run.py                          # sizes 400 4000 20000
    .venv/bin/python benchmarks/run.py --sizes 400 4000         # a quicker run

For every size, in the same run:
  1. benchmarks/corpus.py writes a project copy with that many distinct papers into a
     temporary folder (mkdocs.yml, content/, overrides/ and generator/ come from a snapshot
     of the repository taken at the start and checked to build at 60 papers, so every size
     measures the same code while others edit the repository; --live skips the snapshot);
  2. a child process times generator.pipeline.build_digest + generator.site.render_site
     in-process, with the exclusive time of each stage (read, parse, merge, themes,
     curation, related, json, render, ...), and its peak RSS;
  3. `mkdocs build` of the project and of the floor run as subprocesses: wall time, CPU
     time (its own and its descendants') and peak memory: the larger of its own peak RSS
     (os.wait4) and the sampled peak of the RSS summed over it and its descendants (the
     build works out related papers in a second process);
  4. bytes of both site folders, of search/search_index.json, and of what Material's
     search loads before it can answer (the index plus the search worker script).
Then, at the serve size (4000 by default), `mkdocs serve` (with livereload, as users run
it) is started on 127.0.0.1, one source page gets a new entry, and the time until the
server logs "Reloading browsers" and serves the new paper's page is taken.

The table and the goals are printed and written to benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import inspect
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SOURCE = {"root": REPO, "pythonpath": None}  # what the projects are made from (see take_snapshot)
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402  (benchmarks/corpus.py)

MB = 1_000_000
GOALS = {
    "build_ratio": 1.3,        # full build <= 1.3x floor, at 4,000 and 20,000
    "ms_per_paper": 0.3,       # generator at 20,000
    "growth": 5.5,             # build time 4,000 -> 20,000
    "memory_ratio": 2.0,       # peak memory at 20,000 vs floor
    "search_bytes": 5 * MB,    # index + worker before first results
}
STAGES = {  # generator module -> stage name in the breakdown
    "sources": "read", "parse": "parse", "merge": "merge", "ids": "merge",
    "themes": "themes", "curation": "curation", "config": "config",
    "data": "json", "pages": "render", "site": "render", "pipeline": "pipeline",
    "terms": "themes", "worker": "worker", "exports": "exports", "feeds": "feeds", "trends": "trends",
    "misses": "misses", "report": "report",
}
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


# --- subprocess measurement -----------------------------------------------------------

def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SITE_URL", None)
    env["NO_MKDOCS_2_WARNING"] = "1"  # Material's banner; noise in the logs
    if SOURCE["pythonpath"]:  # the snapshot's generator package wins over the editable install
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [SOURCE["pythonpath"], env.get("PYTHONPATH")]))
    return env


def take_snapshot(workdir: Path) -> Path:
    """Copy mkdocs.yml, content/, overrides/ and generator/ once, so that every size in the
    run measures the same code while others keep editing the repository."""
    snap = workdir / "snapshot"
    if snap.exists():
        shutil.rmtree(snap)
    snap.mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", snap / "mkdocs.yml")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("content", "overrides", "generator"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, snap / name, ignore=skip)
    return snap


def smoke_check(workdir: Path) -> str | None:
    """A 60-paper build with the snapshot; the error text if it does not build."""
    project = workdir / "smoke"
    try:
        corpus_mod.make_project(project, 60, repo=SOURCE["root"])
        measure_generator(project, repeat=1)
        mkdocs_build(project)
    except (SystemExit, Exception) as exc:
        return str(exc).strip()[-600:]
    finally:
        shutil.rmtree(project, ignore_errors=True)
    return None


def run_measured(cmd: list[str], cwd: Path, log: Path) -> dict:
    """Run to completion; wall and CPU seconds and peak memory. Peak memory is the larger
    of the child's own peak RSS (os.wait4, which folds in descendants only as a maximum)
    and the sampled peak of the RSS summed over the child and its descendants (the build
    works out related papers in a second process, at the same time as its own work)."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=child_env())
        sampler = TreeRss(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}) in {cwd}:\n{text[-3000:]}")
    own = usage.ru_maxrss * 1024
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "rss": max(own, sampler.peak), "own_rss": own, "tree_rss": sampler.peak,
            "processes": sampler.most_processes, "warnings": text.count("WARNING"),
            "warning_lines": [line for line in text.splitlines() if "WARNING" in line][:5]}


class TreeRss(threading.Thread):
    """Samples, every 20 ms, the RSS summed over a process and all its descendants
    (from /proc; shared pages are counted in every process, so it errs high)."""

    PAGE = os.sysconf("SC_PAGE_SIZE")

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root, self.peak, self.most_processes = root, 0, 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.02):
            total, count = self.sample()
            self.peak = max(self.peak, total)
            self.most_processes = max(self.most_processes, count)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def sample(self) -> tuple[int, int]:
        """RSS summed over the root and its descendants, found through each thread's
        /proc/PID/task/TID/children: reading only the tree keeps the sampler's own
        CPU time (taken from the build it measures) small. Kernels without those
        files get every process's parent read instead."""
        if not os.path.exists(f"/proc/{self.root}/task/{self.root}/children"):
            return self.sample_by_scan()
        total, count, todo, seen = 0, 0, [self.root], set()
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    total += int(f.read().rsplit(b")", 1)[1].split()[21])
                count += 1
                for task in os.scandir(f"/proc/{pid}/task"):
                    with open(f"{task.path}/children", "rb") as f:
                        todo.extend(int(child) for child in f.read().split())
            except (OSError, ValueError, IndexError):
                continue  # ended meanwhile
        return total * self.PAGE, count

    def sample_by_scan(self) -> tuple[int, int]:
        parent, rss = {}, {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                parent[int(entry.name)], rss[int(entry.name)] = int(fields[1]), int(fields[21])
            except (OSError, ValueError, IndexError):
                continue  # ended meanwhile
        children: dict[int, list[int]] = {}
        for pid, ppid in parent.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = set(), [self.root]
        while todo:
            pid = todo.pop()
            if pid in rss and pid not in tree:
                tree.add(pid)
                todo.extend(children.get(pid, ()))
        return sum(rss[pid] for pid in tree) * self.PAGE, len(tree)


def mkdocs_build(project: Path) -> dict:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", "mkdocs.yml", "-d", "site"]
    return run_measured(cmd, project, project / "build.log")


def measure_generator(project: Path, profile: Path | None = None, repeat: int = 2) -> dict:
    """The generator's time from plain runs (the fastest of `repeat`), and its stages
    from one more run with every call between modules timed (which costs time itself:
    its total is larger than the plain runs')."""
    if profile:
        return _generator_run(project, "--_profile", profile)
    plain = [_generator_run(project, "--_plain") for _ in range(repeat)]
    result = _generator_run(project)
    best = min(plain, key=lambda r: r["total_s"])
    result.update(staged_s=result["total_s"], total_s=best["total_s"], cpu_s=best["cpu_s"],
                  tree_cpu_s=best["tree_cpu_s"], plain_walls=[r["total_s"] for r in plain])
    return result


def _generator_run(project: Path, *flags) -> dict:
    out = project / ("generator-profile.json" if "--_profile" in flags else "generator.json")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_generator", str(project),
           "--_out", str(out), *map(str, flags)]
    usage = run_measured(cmd, project, project / "generator.log")
    result = json.loads(out.read_text())
    result["child_rss"] = usage["rss"]
    result["tree_cpu_s"] = usage["cpu"]  # the child's and the worker's, start-up included
    return result


# --- the generator, in-process (runs in a child: python run.py --_generator DIR) -------

class StageTimer:
    """Exclusive time per stage: a call's time minus that of wrapped calls inside it."""

    def __init__(self):
        self.exclusive: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.peak_growth: dict[str, int] = {}  # bytes the peak RSS grew during each stage
        self._stack: list[float] = []
        self._peak = peak_rss()

    def wrap(self, fn, stage: str):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            self._stack.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.perf_counter() - start
                inner = self._stack.pop()
                self.exclusive[stage] = self.exclusive.get(stage, 0.0) + spent - inner
                self.calls[stage] = self.calls.get(stage, 0) + 1
                if self._stack:
                    self._stack[-1] += spent
                if len(self._stack) <= 1:  # called from build_digest / render_site (or them)
                    peak = peak_rss()
                    if peak > self._peak:
                        self.peak_growth[stage] = self.peak_growth.get(stage, 0) + peak - self._peak
                        self._peak = peak
        return timed

    def instrument(self) -> None:
        """Wrap every function one generator module imports from another, in the importing
        module's namespace, so calls between stages are timed whatever modules exist."""
        modules = [m for name, m in list(sys.modules.items())
                   if name.startswith("generator.") and m is not None]
        for module in modules:
            for name, obj in list(vars(module).items()):
                origin = getattr(obj, "__module__", "") or ""
                if (inspect.isfunction(obj) and origin.startswith("generator.")
                        and origin != module.__name__):
                    short = origin.split(".", 1)[1]
                    if inspect.isgeneratorfunction(obj):  # timed while it runs, not when it starts
                        obj = _run_through(obj)
                    setattr(module, name, self.wrap(obj, STAGES.get(short, short)))
        # the worker is a job object (a second process on a large digest): starting it
        # and waiting for its answers are the parent's share of the worker stage
        job = sys.modules.get("generator.worker")
        if job is not None and hasattr(job, "Worker"):
            for method in ("__init__", "assignments", "related"):
                if hasattr(job.Worker, method):
                    setattr(job.Worker, method, self.wrap(getattr(job.Worker, method), "worker"))


def _run_through(generator_function):
    """A generator function that does all its work when called (the downloads are
    written a piece at a time), so the stage that made the pieces is charged for them."""
    @functools.wraps(generator_function)
    def run(*args, **kwargs):
        return iter(list(generator_function(*args, **kwargs)))
    return run


def peak_rss() -> int:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def render_arguments(render_site, project: Path) -> dict:
    """What the hook passes to render_site besides the digest (it has grown a site_url)."""
    params = inspect.signature(render_site).parameters
    kwargs = {}
    if "site_url" in params:
        cfg = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_TolerantLoader)
        kwargs["site_url"] = (cfg or {}).get("site_url") or DEFAULT_SITE_URL
    return kwargs


def generator_child(project: Path, out: Path, profile: Path | None, plain: bool = False) -> None:
    import generator.pipeline as pipeline
    import generator.site as site

    content = project / "content"
    kwargs = render_arguments(site.render_site, project)
    if plain:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        digest = pipeline.build_digest(content)
        files = site.render_site(digest, **kwargs)
        wall1, cpu1 = time.perf_counter(), time.process_time()
        out.write_text(json.dumps({"papers": len(digest.papers), "files": len(files),
                                   "total_s": wall1 - wall0, "cpu_s": cpu1 - cpu0}))
        return
    if profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.enable()
        digest = pipeline.build_digest(content)
        site.render_site(digest, **kwargs)
        prof.disable()
        prof.dump_stats(profile)
        stats = pstats.Stats(str(profile))
        rows = []
        for (file, line, func), (cc, nc, tt, ct, _) in stats.stats.items():
            rows.append({"function": f"{Path(file).name}:{line}({func})", "calls": nc,
                         "tottime": tt, "cumtime": ct, "file": file})
        out.write_text(json.dumps({"profile": rows}))
        return

    timer = StageTimer()
    imports_rss = peak_rss()
    timer.instrument()
    build, render = timer.wrap(pipeline.build_digest, "pipeline"), timer.wrap(site.render_site, "render")
    wall0, cpu0 = time.perf_counter(), time.process_time()
    digest = build(content)
    wall1 = time.perf_counter()
    files = render(digest, **kwargs)
    wall2, cpu2 = time.perf_counter(), time.process_time()
    import resource
    out.write_text(json.dumps({
        "papers": len(digest.papers),
        "listings": sum(len(p.sources) for p in digest.papers),
        "layouts": sorted({s.layout for s in digest.sources}),
        "diagnostics": [str(d) for d in digest.diagnostics[:20]],
        "n_diagnostics": len(digest.diagnostics),
        "files": len(files),
        "markdown_bytes": sum(len(t.encode("utf-8")) for t in files.values()),
        "digest_s": wall1 - wall0, "render_s": wall2 - wall1,
        "total_s": wall2 - wall0, "cpu_s": cpu2 - cpu0,
        "stages": timer.exclusive, "calls": timer.calls,
        "imports_rss": imports_rss, "peak_growth": timer.peak_growth,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


# --- floor ----------------------------------------------------------------------------------

class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: !ENV, !relative and python tags become None."""


def _env_tag(loader, node):
    """!ENV [NAME, ..., default] as MkDocs reads it (the benchmark's children have no SITE_URL)."""
    if isinstance(node, yaml.SequenceNode):
        values = loader.construct_sequence(node)
        names, default = (values[:-1], values[-1]) if len(values) > 1 else (values, None)
    else:
        names, default = [loader.construct_scalar(node)], None
    return next((child_env()[n] for n in names if n in child_env()), default)


_TolerantLoader.add_constructor("!ENV", _env_tag)
_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _has_none(value) -> bool:
    if value is None:
        return True
    if isinstance(value, dict):
        return any(_has_none(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_none(v) for v in value)
    return False


def floor_config(repo_config: Path) -> dict:
    """The repository's theme (no custom_dir), search plugin and Markdown extensions; nothing else."""
    cfg = yaml.load(repo_config.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    theme = dict(cfg.get("theme") or {"name": "material"})
    theme.pop("custom_dir", None)
    plugins = [p for p in cfg.get("plugins") or []
               if p == "search" or (isinstance(p, dict) and "search" in p)] or ["search"]
    extensions = cfg.get("markdown_extensions") or []
    if _has_none(extensions) and not all(e is None or isinstance(e, str) for e in extensions):
        extensions = ["toc", "tables"]
    return {
        "site_name": "Floor", "site_url": "http://127.0.0.1:8000/", "docs_dir": "docs",
        "use_directory_urls": cfg.get("use_directory_urls", True), "theme": theme,
        "plugins": plugins, "markdown_extensions": [e for e in extensions if e is not None],
        "nav": [{"Home": "index.md"}], "not_in_nav": "/papers/*.md\n",
    }


def make_floor(dest: Path, n_pages: int) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "docs" / "papers").mkdir(parents=True)
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(floor_config(SOURCE["root"] / "mkdocs.yml"), sort_keys=False))
    (dest / "docs" / "index.md").write_text(f"# Floor\n\n{n_pages} trivial pages outside the nav.\n")
    for i in range(1, n_pages + 1):
        (dest / "docs" / "papers" / f"paper-{i:05d}.md").write_text(
            f"# Paper {i}\n\nA trivial page, number {i}.\n")
    return dest


# --- sizes ------------------------------------------------------------------------------

def tree_bytes(path: Path) -> tuple[int, int]:
    total = count = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
            count += 1
    return total, count


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def search_download(site: Path) -> dict:
    """What the browser fetches for search before the first result: the worker script named
    in the page's __config, lunr language files for languages other than English, and
    search/search_index.json (the worker builds the lunr index from it in the browser)."""
    index_path = site / "search" / "search_index.json"
    data = index_path.read_bytes()
    index = json.loads(data)
    html = (site / "index.html").read_text(encoding="utf-8")
    m = re.search(r'"search":\s*"([^"]*workers/search[^"]*\.js)"', html)
    worker = (site / m.group(1)) if m else next((site / "assets/javascripts/workers").glob("search.*.min.js"))
    loads = [worker]
    langs = [lang for lang in index.get("config", {}).get("lang", ["en"]) if lang != "en"]
    lunr = site / "assets" / "javascripts" / "lunr" / "min"
    if langs:
        loads += [lunr / "lunr.stemmer.support.min.js"] + [lunr / f"lunr.{lang}.min.js" for lang in langs]
        if len(index["config"]["lang"]) > 1:
            loads.append(lunr / "lunr.multi.min.js")
    scripts = [p.read_bytes() for p in loads if p.exists()]
    shell = [site / "index.html"] + list((site / "assets" / "javascripts").glob("bundle.*.min.js")) \
        + list((site / "assets" / "stylesheets").glob("*.min.css"))
    shell_bytes = [p.read_bytes() for p in shell]
    return {
        "index": len(data), "index_gz": gz(data), "docs": len(index.get("docs", [])),
        "scripts": sum(map(len, scripts)), "scripts_gz": sum(gz(s) for s in scripts),
        "download": len(data) + sum(map(len, scripts)),
        "download_gz": gz(data) + sum(gz(s) for s in scripts),
        "shell": sum(map(len, shell_bytes)), "shell_gz": sum(gz(s) for s in shell_bytes),
        "loads": [str(p.relative_to(site)) for p in loads] + ["search/search_index.json"],
    }


def index_breakdown(site: Path) -> dict[str, int]:
    """Bytes of the search index's `docs` by the kind of page they come from."""
    docs = json.loads((site / "search" / "search_index.json").read_bytes()).get("docs", [])
    out: dict[str, int] = {}
    for doc in docs:
        loc = doc.get("location", "")
        kind = ("paper pages" if re.match(r"papers/[^/]+/", loc) else
                "all-papers page" if loc.startswith("papers/") else
                "theme pages" if loc.startswith("themes/") else "other pages")
        section = "page" if "#" not in loc else "section"
        key = f"{kind} ({section} entries)"
        out[key] = out.get(key, 0) + len(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


# --- mkdocs serve ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_status(url: str) -> int | None:
    try:
        with _NO_PROXY.open(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


class ServeLog:
    def __init__(self, proc: subprocess.Popen):
        self.lines: list[tuple[float, str]] = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc):
        for line in proc.stdout:
            with self.cond:
                self.lines.append((time.monotonic(), line.rstrip()))
                self.cond.notify_all()

    def wait_for(self, text: str, after: float, timeout: float, proc) -> tuple[float, str]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, line in self.lines:
                    if t >= after and text in line:
                        return t, line
                if proc.poll() is not None:
                    raise RuntimeError(f"mkdocs serve exited: {self.tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {text!r} in the mkdocs serve log: {self.tail()}")
                self.cond.wait(min(left, 1.0))

    def tail(self) -> str:
        return "\n".join(line for _, line in self.lines[-15:])


def measure_serve(project: Path, corpus) -> dict:
    """Start `mkdocs serve` (livereload on), append one entry to a compact page, and time
    until the server says it reloaded and serves the new paper."""
    port = free_port()
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=child_env(), start_new_session=True)
    log = ServeLog(proc)
    try:
        ready, _ = log.wait_for("Serving on", started, 3600, proc)
        base = f"http://127.0.0.1:{port}/"
        while http_status(base) != 200:
            if proc.poll() is not None or time.monotonic() - ready > 120:
                raise RuntimeError(f"mkdocs serve does not answer on {base}: {log.tail()}")
            time.sleep(0.2)
        time.sleep(2.0)  # let the file watcher settle
        stamp = int(time.time())
        title = f"Serve Rebuild Probe {stamp}: Timing One Changed Listing Page"
        abstract = ("We append one paper to one listing page while mkdocs serve runs and measure "
                    "how long the development server takes to rebuild the whole digest. ") * 3
        page = next(p for p, layout in sorted(corpus.pages.items()) if layout == "compact")
        changed = time.monotonic()
        with open(corpus.sources_dir / page, "a", encoding="utf-8") as f:
            f.write(f"{title}\n{abstract.strip()}\n")
        detected, _ = log.wait_for("Detected file changes", changed, 3600, proc)
        reloaded, _ = log.wait_for("Reloading browsers", changed, 3600, proc)
        built = [line for t, line in log.lines if t >= changed and "Documentation built in" in line]
        build_s = float(re.search(r"built in ([\d.]+)", built[-1]).group(1)) if built else None
        slug = corpus_mod.slug(title)
        while http_status(f"{base}papers/{slug}/") != 200:
            if time.monotonic() - reloaded > 60:
                raise RuntimeError(f"the new paper papers/{slug}/ is not served: {log.tail()}")
            time.sleep(0.1)
        served = time.monotonic()
        return {"initial_s": ready - started, "detect_s": detected - changed,
                "reload_s": reloaded - changed, "build_s": build_s, "served_s": served - changed,
                "port": port}
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """SIGINT (mkdocs serve shuts down and removes its temporary site), then harder."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- one size -------------------------------------------------------------------------------

def walls_text(results: list[dict]) -> str:
    def seconds(runs):
        return "/".join(f"{w:.1f}" for w in runs.get("walls", [runs["wall"]]))
    return "; ".join(f"{r['n']:,}: build {seconds(r['build'])} s, floor {seconds(r['floor'])} s"
                     for r in results)


def tree_text(results: list[dict]) -> str:
    return "; ".join(
        f"{r['n']:,}: build {r['build'].get('own_rss', 0) / MB:.0f} MB own, "
        f"{r['build'].get('tree_rss', 0) / MB:.0f} MB over "
        f"{r['build'].get('processes', 1)} processes" for r in results)


def best_of(runs: list[dict]) -> dict:
    """The fastest of repeated builds (wall and CPU each their minimum, as timing tools
    report), with the largest peak memory; every wall time is kept in `walls`."""
    best = dict(min(runs, key=lambda r: r["wall"]))
    best.update(cpu=min(r["cpu"] for r in runs), rss=max(r["rss"] for r in runs),
                own_rss=max(r.get("own_rss", 0) for r in runs),
                tree_rss=max(r.get("tree_rss", 0) for r in runs),
                processes=max(r.get("processes", 1) for r in runs),
                walls=[r["wall"] for r in runs])
    return best


def measure_size(n: int, workdir: Path, seed: int, keep: bool, serve: bool, profile: bool,
                 repeat: int = 1) -> dict:
    say(f"\n== {n:,} papers")
    project = workdir / f"digest-{n}"
    t = time.perf_counter()
    corpus = corpus_mod.make_project(project, n, seed=seed, repo=SOURCE["root"])
    say(f"   corpus: {corpus.listings:,} listings ({corpus.duplicates:,} duplicates) on "
        f"{len(corpus.pages)} pages, {time.perf_counter() - t:.1f} s")
    floor = make_floor(workdir / f"floor-{n}", n)

    errors = []
    try:
        gen = measure_generator(project, repeat=repeat)
    except (SystemExit, Exception) as exc:  # the build is still worth measuring
        gen = {"total_s": float("nan"), "papers": 0, "n_diagnostics": 0, "stages": {}}
        errors.append(f"generator, in-process: {str(exc).strip().splitlines()[-1]}")
        say(f"   !! {errors[-1]}")
    say(f"   generator: {gen['total_s']:.2f} s = {1000 * gen['total_s'] / n:.3f} ms/paper "
        f"(runs: {', '.join(f'{w:.2f}' for w in gen.get('plain_walls', []))} s; CPU "
        f"{gen.get('cpu_s', float('nan')):.2f} s, with the worker "
        f"{gen.get('tree_cpu_s', float('nan')):.2f} s; {gen['papers']:,} papers, "
        f"{gen['n_diagnostics']} diagnostics)")
    if gen["papers"] != n:
        say(f"   !! the generator found {gen['papers']} papers, expected {n}")
    builds, floor_builds = [], []
    for _ in range(repeat):  # alternated, so a slow spell of a shared machine hits both
        builds.append(mkdocs_build(project))
        say(f"   mkdocs build: {builds[-1]['wall']:.1f} s wall, {builds[-1]['cpu']:.1f} s CPU, "
            f"{builds[-1]['rss'] / MB:.0f} MB peak, {builds[-1]['warnings']} warnings")
        floor_builds.append(mkdocs_build(floor))
        say(f"   floor build:  {floor_builds[-1]['wall']:.1f} s wall, "
            f"{floor_builds[-1]['cpu']:.1f} s CPU, {floor_builds[-1]['rss'] / MB:.0f} MB peak")
    build, floor_build = best_of(builds), best_of(floor_builds)
    site_bytes, site_files = tree_bytes(project / "site")
    floor_bytes, floor_files = tree_bytes(floor / "site")
    search = search_download(project / "site")
    breakdown = index_breakdown(project / "site")
    say(f"   site {site_bytes / MB:.1f} MB in {site_files:,} files (floor {floor_bytes / MB:.1f} MB); "
        f"search index {search['index'] / MB:.2f} MB ({search['docs']:,} entries)")
    result = {"n": n, "corpus": {"listings": corpus.listings, "duplicates": corpus.duplicates,
                                 "pages": len(corpus.pages), "pins_dropped": corpus.pins_dropped},
              "generator": gen, "build": build, "floor": floor_build,
              "site": {"bytes": site_bytes, "files": site_files},
              "floor_site": {"bytes": floor_bytes, "files": floor_files},
              "search": search, "index_breakdown": breakdown, "errors": errors}
    if not keep:
        shutil.rmtree(project / "site", ignore_errors=True)
        shutil.rmtree(floor, ignore_errors=True)
    if profile:
        say("   profiling the generator (cProfile) ...")
        prof = measure_generator(project, profile=workdir / f"generator-{n}.prof")
        result["profile"] = prof["profile"]
    if serve:
        say("   mkdocs serve: waiting for the first build ...")
        result["serve"] = measure_serve(project, corpus)
        s = result["serve"]
        say(f"   mkdocs serve: first build {s['initial_s']:.1f} s; after one source change, "
            f"reloaded in {s['reload_s']:.1f} s, new page served in {s['served_s']:.1f} s")
    return result


def say(text: str) -> None:
    print(text, flush=True)


# --- report -----------------------------------------------------------------------------------

def fmt_mb(b: float) -> str:
    return f"{b / MB:.1f}" if b >= 10 * MB else f"{b / MB:.2f}"


def table(results: list[dict]) -> str:
    head = ("| Papers | Generator ms/paper | Generator s | Build s (wall) | Floor s (wall) "
            "| **Build ratio** | Build CPU s | Floor CPU s | CPU ratio | Peak RSS MB | Floor RSS MB "
            "| **Memory ratio** | Site MB | Floor site MB | search_index.json MB (gzip) "
            "| Search download MB (gzip) | Index entries |")
    lines = [head, "|" + "---:|" * (head.count("|") - 1)]
    for r in results:
        g, b, f, s = r["generator"], r["build"], r["floor"], r["search"]
        lines.append(
            f"| {r['n']:,} | {1000 * g['total_s'] / r['n']:.3f} | {g['total_s']:.1f} "
            f"| {b['wall']:.1f} | {f['wall']:.1f} | **{b['wall'] / f['wall']:.2f}×** "
            f"| {b['cpu']:.1f} | {f['cpu']:.1f} | {b['cpu'] / f['cpu']:.2f}× "
            f"| {b['rss'] / MB:.0f} | {f['rss'] / MB:.0f} | **{b['rss'] / f['rss']:.2f}×** "
            f"| {fmt_mb(r['site']['bytes'])} | {fmt_mb(r['floor_site']['bytes'])} "
            f"| {fmt_mb(s['index'])} ({fmt_mb(s['index_gz'])}) "
            f"| {fmt_mb(s['download'])} ({fmt_mb(s['download_gz'])}) | {s['docs']:,} |")
    return "\n".join(lines)


def generator_cpu_text(results: list[dict]) -> str:
    return "; ".join(f"{r['n']:,}: {r['generator'].get('cpu_s', float('nan')):.1f} s CPU, "
                     f"{r['generator'].get('tree_cpu_s', float('nan')):.1f} s with the worker's "
                     f"and both start-ups, runs {', '.join(f'{w:.1f}' for w in r['generator'].get('plain_walls', []))} s"
                     for r in results)


def stage_table(results: list[dict]) -> str:
    stages: list[str] = []
    for r in results:
        for name in sorted(r["generator"]["stages"], key=lambda k: -r["generator"]["stages"][k]):
            if name not in stages:
                stages.append(name)
    lines = ["| Papers | " + " | ".join(stages) + " | total |",
             "|---:|" + "---:|" * (len(stages) + 1)]
    for r in results:
        st = r["generator"]["stages"]
        cells = [f"{1000 * st.get(name, 0.0) / r['n']:.3f}" for name in stages]
        lines.append(f"| {r['n']:,} | " + " | ".join(cells)
                     + f" | {1000 * r['generator'].get('staged_s', r['generator']['total_s']) / r['n']:.3f} |")
    return "\n".join(lines)


def verdict(value: float, target: float, unit: str, fmt: str = "{:.2f}") -> str:
    v, t = fmt.format(value), fmt.format(target)
    if value <= target:
        return f"**met**: {v}{unit} vs ≤ {t}{unit} ({(1 - value / target):.0%} headroom)"
    return f"**missed**: {v}{unit} vs ≤ {t}{unit} ({value / target - 1:.0%} over, {value / target:.1f}× the budget)"


def goals(results: list[dict]) -> list[str]:
    by_n = {r["n"]: r for r in results}
    out = []
    for n in (4000, 20000):
        r = by_n.get(n)
        name = f"Full build ≤ {GOALS['build_ratio']}× floor at {n:,}"
        if r is None:
            out.append(f"- {name}: not measured")
            continue
        ratio = r["build"]["wall"] / r["floor"]["wall"]
        excess = r["build"]["wall"] - GOALS["build_ratio"] * r["floor"]["wall"]
        extra = f"; {excess:.0f} s to cut" if excess > 0 else ""
        out.append(f"- {name}: {verdict(ratio, GOALS['build_ratio'], '×')} "
                   f"(CPU-time ratio {r['build']['cpu'] / r['floor']['cpu']:.2f}×{extra})")
    r = by_n.get(20000)
    name = f"Generator ≤ {GOALS['ms_per_paper']} ms/paper at 20,000"
    out.append(f"- {name}: " + (verdict(1000 * r["generator"]["total_s"] / 20000, GOALS["ms_per_paper"],
                                        " ms", "{:.3f}") if r else "not measured"))
    name = f"Build time 4,000 → 20,000 grows ≤ {GOALS['growth']}×"
    if 4000 in by_n and 20000 in by_n:
        a, b = by_n[4000]["build"], by_n[20000]["build"]
        out.append(f"- {name}: {verdict(b['wall'] / a['wall'], GOALS['growth'], '×')} "
                   f"(CPU time grows {b['cpu'] / a['cpu']:.2f}×)")
    else:
        out.append(f"- {name}: not measured")
    name = f"Peak memory at 20,000 ≤ {GOALS['memory_ratio']}× floor"
    out.append(f"- {name}: " + (verdict(r["build"]["rss"] / r["floor"]["rss"], GOALS["memory_ratio"], "×")
                                if r else "not measured"))
    for n in sorted(by_n):
        if n < 4000:
            continue
        s = by_n[n]["search"]
        out.append(f"- Search download ≤ 5 MB before first results at {n:,} "
                   f"(search_index.json + worker, uncompressed): "
                   f"{verdict(s['download'] / MB, GOALS['search_bytes'] / MB, ' MB')}; "
                   f"gzip-compressed transfer {s['download_gz'] / MB:.2f} MB")
    return out


def versions() -> dict[str, str]:
    from importlib.metadata import version
    out = {"python": platform.python_version()}
    for pkg in ("mkdocs", "mkdocs-material", "Jinja2", "Markdown", "scikit-learn"):
        try:
            out[pkg] = version(pkg)
        except Exception:
            out[pkg] = "not installed"
    return out


def git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "generator", "content",
                                "mkdocs.yml", "overrides"], cwd=REPO, capture_output=True,
                               text=True).stdout.split("\n")
        changed = [line[3:] for line in dirty if line.strip()]
        return f"{head}" + (f" plus uncommitted changes in {', '.join(changed)}" if changed else "")
    except OSError:
        return "unknown"


def report(results: list[dict], meta: dict) -> str:
    v = meta["versions"]
    lines = [
        "# Benchmark results", "",
        f"Command: `{meta['command']}`  ",
        f"Date: {meta['date']}  ",
        f"Machine: {meta['cpus']} CPU cores (os.cpu_count()), {platform.system()} {platform.machine()}; "
        f"load average {meta['load_start']} at the start, {meta['load_end']} at the end "
        "(the machine is shared with other work, so wall times are noisy; CPU times less so)  ",
        f"Python {v['python']}, mkdocs {v['mkdocs']}, mkdocs-material {v['mkdocs-material']}, "
        f"Jinja2 {v['Jinja2']}, Markdown {v['Markdown']}, scikit-learn {v['scikit-learn']}  ",
        f"Code: {meta['git']}  ",
        f"Total run time: {meta['elapsed'] / 60:.1f} min", "",
        "Generator = `build_digest` + `render_site` in-process, cold, in a fresh process: the "
        "fastest of as many plain runs as builds (its CPU time is the build process's; from "
        "2,000 papers a worker process scores a share of the themes and works out related "
        f"papers beside it: {generator_cpu_text(results)}). Build = "
        "`mkdocs build` as a subprocess; its CPU time includes its child processes', and its "
        "peak memory is the larger of its own peak RSS (os.wait4) and the peak, sampled every "
        "20 ms, of the RSS summed over it and its descendants (a large digest's related papers "
        "and a share of its themes are worked out in a second process; pages shared between "
        f"processes count twice, so it errs high): {tree_text(results)}. "
        f"The project and the floor are each built {meta['repeat']} times, alternately; the "
        "fastest wall and CPU times count and the largest peak memory (all wall times: "
        f"{walls_text(results)}). "
        "Floor = bare mkdocs-material (same theme settings and search plugin, no hook, no "
        "overrides) with the same number of trivial pages outside the nav. Search download = "
        "`search/search_index.json` + the search worker script Material loads before it can "
        "answer (the page shell — HTML, bundle JS, CSS — comes on top: "
        f"{fmt_mb(results[-1]['search']['shell'])} MB, {fmt_mb(results[-1]['search']['shell_gz'])} MB gzip). "
        "MB = 10⁶ bytes.", "",
        "## Results", "", table(results), "",
        "## Goals", "", *goals(results), "",
        "## Generator stages (exclusive ms per paper)", "",
        "Each stage is the time spent in one generator module's functions, not counting calls "
        "into other stages; `render` includes the Jinja templates and front matter; `worker` "
        "is the time the build spends starting the worker and waiting for its answers. Timed "
        "in a run of its own, with every call between modules wrapped in a timer, which makes "
        "it slower: its total is the last column, the plain runs' is in the table above.", "",
        stage_table(results), "",
        "Generator peak memory (in-process child; MB the peak RSS grew during each stage, "
        "after the imports; from 2,000 papers the worker process is not in "
        "these, the build's peak memory above counts it):", "",
        *[f"- {r['n']:,} papers: peak {r['generator'].get('rss', 0) / MB:.0f} MB, imports "
          f"{r['generator'].get('imports_rss', 0) / MB:.0f} MB; "
          + ", ".join(f"{k} +{v / MB:.0f}" for k, v in sorted(
              r["generator"].get("peak_growth", {}).items(), key=lambda kv: -kv[1]) if v >= MB)
          for r in results], "",
        "## What is in the search index", "",
    ]
    for r in results:
        parts = ", ".join(f"{k} {fmt_mb(b)} MB" for k, b in r["index_breakdown"].items())
        lines.append(f"- {r['n']:,} papers: {parts}")
    serve = [r for r in results if "serve" in r]
    lines += ["", "## `mkdocs serve` rebuild after one source file changes", ""]
    if serve:
        for r in serve:
            s = r["serve"]
            built = f"{s['build_s']:.1f} s" if s["build_s"] is not None else "n/a"
            lines.append(
                f"- {r['n']:,} papers: first build {s['initial_s']:.1f} s; after appending one entry to "
                f"one page: change detected in {s['detect_s']:.1f} s, \"Documentation built in\" {built}, "
                f"\"Reloading browsers\" after {s['reload_s']:.1f} s, the new paper's page served "
                f"after {s['served_s']:.1f} s (livereload on, 127.0.0.1:{s['port']}).")
    else:
        lines.append("- not measured")
    problems = meta["failed"] + [f"{r['n']:,} papers: {e}" for r in results for e in r["errors"]]
    if problems:
        lines += ["", "## Measurements that failed", ""] + [f"- {p}" for p in problems]
    warn = [r for r in results if r["build"]["warnings"] or r["generator"]["n_diagnostics"]]
    if warn:
        lines += ["", "## Warnings during the builds", ""]
        for r in warn:
            lines.append(f"- {r['n']:,}: {r['build']['warnings']} mkdocs warnings, "
                         f"{r['generator']['n_diagnostics']} generator diagnostics; first: "
                         + "; ".join(f"`{w.strip()}`" for w in r["build"]["warning_lines"][:3]))
    profiled = [r for r in results if "profile" in r]
    for r in profiled:
        lines += ["", f"## Generator profile at {r['n']:,} papers (cProfile, top by own time)", "",
                  "| Function | Calls | Own s | Cumulative s |", "|---|---:|---:|---:|"]
        rows = sorted(r["profile"], key=lambda x: -x["tottime"])[:20]
        for x in rows:
            lines.append(f"| `{x['function']}` | {x['calls']:,} | {x['tottime']:.2f} | {x['cumtime']:.2f} |")
        lines += ["", "Top generator functions by cumulative time:", "",
                  "| Function | Calls | Cumulative s |", "|---|---:|---:|"]
        gen_rows = [x for x in r["profile"] if "/generator/" in x["file"]]
        for x in sorted(gen_rows, key=lambda x: -x["cumtime"])[:15]:
            lines.append(f"| `{x['function']}` | {x['calls']:,} | {x['cumtime']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Paper Digest benchmark (see benchmarks/README.md).")
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 4000, 20000],
                        help="numbers of distinct papers (default: 400 4000 20000)")
    parser.add_argument("--serve-size", type=int, default=4000,
                        help="size at which to time the mkdocs serve rebuild (0: skip)")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile the generator at the largest size")
    parser.add_argument("--repeat", type=int, default=2,
                        help="builds of the project and of the floor, alternated; the fastest "
                             "of each counts (default 2)")
    parser.add_argument("--seed", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, help="where the temporary projects go")
    parser.add_argument("--keep", action="store_true", help="keep the projects and sites")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md",
                        help="Markdown report (default benchmarks/RESULTS.md)")
    parser.add_argument("--live", action="store_true",
                        help="use the repository's files as they are at each step instead of "
                             "a snapshot taken at the start")
    parser.add_argument("--_generator", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_profile", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_plain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._generator:
        generator_child(args._generator, args._out, args._profile, args._plain)
        return

    started = time.perf_counter()
    load_start = "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())
    git_start = git_state()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="paper-digest-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    say(f"Paper Digest benchmark: sizes {', '.join(f'{n:,}' for n in args.sizes)}; "
        f"{os.cpu_count()} cores; load {load_start}; work in {workdir}")
    results, failed = [], []
    try:
        if not args.live:
            for attempt in range(1, 6):
                git_start = git_state()
                SOURCE["root"] = take_snapshot(workdir)
                SOURCE["pythonpath"] = str(SOURCE["root"])
                problem = smoke_check(workdir)
                if problem is None:
                    break
                say(f"   the code does not build at 60 papers (attempt {attempt}; someone may be "
                    f"mid-edit), retrying in 30 s:\n{problem}")
                time.sleep(30)
            else:
                raise SystemExit("the repository's code does not build; nothing measured")
            say(f"   measuring a snapshot of {git_start}")
        for n in sorted(args.sizes):
            try:
                results.append(measure_size(n, workdir, args.seed, args.keep,
                                            serve=(n == args.serve_size),
                                            profile=args.profile and n == max(args.sizes),
                                            repeat=args.repeat))
            except (SystemExit, Exception) as exc:  # report the other sizes all the same
                failed.append(f"{n:,} papers: {str(exc).strip()[-1500:]}")
                say(f"   !! {n:,} papers not measured: {exc}")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    meta = {
        "command": " ".join([".venv/bin/python benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(), "versions": versions(),
        "git": (f"a snapshot of {git_start}, taken at the start" if not args.live else
                git_start if git_state() == git_start
                else f"{git_start} at the start; {git_state()} at the end"),
        "load_start": load_start, "load_end": "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg()),
        "elapsed": time.perf_counter() - started, "failed": failed, "repeat": args.repeat,
    }
    if not results:
        raise SystemExit("nothing was measured:\n" + "\n".join(failed))
    text = report(results, meta)
    say("\n" + text)
    if args.output and str(args.output) != "-":
        args.output.write_text(text, encoding="utf-8")
        say(f"written to {args.output}")
    raw = Path(tempfile.gettempdir()) / "paper-digest-bench-results.json"
    raw.write_text(json.dumps({"meta": meta, "results": results}, indent=1, default=str))
    say(f"raw numbers in {raw}")


if __name__ == "__main__":
    main()
