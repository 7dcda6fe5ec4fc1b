"""Synthetic Paper Digest collections of any size, for the benchmark and its test.

`make_project(dest, n_papers)` writes a project copy into `dest`:

- `mkdocs.yml`, `content/` (everything but `sources/`) and `overrides/` copied from
  the repository, and `generator/` as a symlink to the repository's package (the
  package itself is imported from the editable install either way);
- `content/sources/*.txt`: listing pages of a few hundred entries each, in both
  capture layouts (compact and rich, two of every five pages compact, as in the
  seeds), holding exactly `n_papers` distinct papers; about 10 % of the papers
  are listed on a second page (sometimes with different punctuation in the
  title or a shorter abstract), so merging has real work to do.

Papers are derived from the seed pages in `content/sources/` (parsed with the
generator's own reader): the first pass uses every seed as it is, later passes
use "<seed title, cut to keep slugs distinct> (variant k)" with an abstract that
keeps the seed's first sentence and swaps about a third of the others for
sentences of other seeds. Titles stay distinct after case, punctuation and
spacing are ignored, and so do URL slugs. Everything is drawn from one
`random.Random(seed)`, so the same arguments give the same bytes.

    .venv/bin/python benchmarks/corpus.py 4000 /tmp/digest-4000   # inspect one
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.model import MONTHS  # the month names the listing pages use

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO / "content" / "sources"

PER_PAGE = 250          # entries per listing page ("a few hundred")
DUPLICATE_SHARE = 0.10  # papers listed on a second page
MAX_SLUG_STEM = 56      # variant titles are cut so "(variant k)" lands inside the 80-char slug

COMPACT_HEADER = (
    "Get trending papers in your email inbox once a day!\n"
    "Get trending papers in your email inbox!\n"
    "Subscribe"  # the first title is glued to it
)
RICH_HEADER = ("new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
               "byAK and the research community")
ORGANISATIONS = ("KaLM-Embedding", "Google", "Meta AI", "Microsoft Research", "NVIDIA",
                 "Hugging Face", "Allen Institute for AI", "Tsinghua University", "DeepMind",
                 "Alibaba Qwen", "Apple", "Carnegie Mellon University")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_NOT_WORD = re.compile(r"[\W_]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def title_key(title: str) -> str:
    """Same paper iff equal ignoring case, punctuation and spacing (as the README says)."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", title).casefold())


def slug(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


@dataclass(frozen=True)
class Seed:
    title: str
    abstract: str
    sentences: tuple[str, ...]


@dataclass
class Paper:
    title: str
    abstract: str
    meta: str | None       # rich-layout meta block: "  • N authors" or an organisation line
    date: str              # "Feb 18, 2024" / "Jun 25", optionally with upvotes
    explicit_year: bool


@dataclass
class Corpus:
    """What was written; the numbers a test or a report needs."""

    root: Path
    papers: int
    listings: int
    duplicates: int
    pages: dict[str, str] = field(default_factory=dict)  # file name -> layout
    pins_kept: int = 0
    pins_dropped: int = 0

    @property
    def sources_dir(self) -> Path:
        return self.root / "content" / "sources"

    @property
    def layouts(self) -> set[str]:
        return set(self.pages.values())


# --- seeds ---------------------------------------------------------------------------

def load_seeds(seeds_dir: Path = SEEDS_DIR) -> list[Seed]:
    """Distinct seed papers in file order, read with the generator's own reader."""
    from generator.parse import parse_source
    from generator.sources import read_source, source_paths

    seeds: dict[str, Seed] = {}
    for path in source_paths(seeds_dir):
        source, _ = read_source(path)
        if source is None:
            continue
        for entry in parse_source(source).entries:
            key = title_key(entry.title)
            if key and key not in seeds and len(entry.abstract) > 300 and "…" not in entry.abstract:
                sentences = tuple(s for s in _SENTENCE.split(entry.abstract) if s)
                seeds[key] = Seed(entry.title, entry.abstract, sentences)
    if not seeds:
        raise SystemExit(f"no seed papers found in {seeds_dir}")
    return list(seeds.values())


# --- papers ----------------------------------------------------------------------------

def _stem(title: str) -> str:
    """The seed title cut at a word so its slug stays under MAX_SLUG_STEM characters."""
    words, out = title.split(), []
    for word in words:
        if out and len(slug(" ".join(out + [word]))) > MAX_SLUG_STEM:
            break
        out.append(word)
    return " ".join(out).rstrip(" :;,-–—")


def _abstract(rng: random.Random, seed: Seed, pool: list[str]) -> str:
    sentences = list(seed.sentences)
    for i in range(1, len(sentences)):
        if rng.random() < 0.35:
            sentences[i] = rng.choice(pool)
    text = " ".join(sentences)
    while len(text) <= 320:  # compact pages tell an abstract from a title by length
        text += " " + rng.choice(pool)
    return text[:9000]


def _date(rng: random.Random) -> tuple[str, bool]:
    month, day = rng.choice(MONTHS), rng.randint(1, 28)  # no Feb 29: inferred years vary
    explicit = rng.random() < 0.75
    text = f"{month} {day}, {rng.randint(2019, 2024)}" if explicit else f"{month} {day}"
    if rng.random() < 0.3:
        text += f" {min(int(rng.expovariate(1 / 12)) + 1, 400)}"
    return text, explicit


def _meta(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.90:
        return f"  • {rng.randint(1, 12)} authors"
    if roll < 0.95:
        org = rng.choice(ORGANISATIONS)
        return f"{org} {org}"  # captures repeat the organisation (avatar text, then name)
    return None


def make_papers(n: int, rng: random.Random, seeds: list[Seed]) -> list[Paper]:
    pool = [s for seed in seeds for s in seed.sentences[1:] if 40 <= len(s) <= 600]
    keys: set[str] = set()
    slugs: set[str] = set()
    papers: list[Paper] = []
    i = 0
    while len(papers) < n:
        seed, k = seeds[i % len(seeds)], i // len(seeds)
        i += 1
        if k == 0:
            title, abstract = seed.title, seed.abstract
        else:
            title, abstract = f"{_stem(seed.title)} (variant {k})", _abstract(rng, seed, pool)
        key, s = title_key(title), slug(title)[:80]
        if key in keys or s in slugs:  # a seed that clashes with another one; skip it
            continue
        keys.add(key)
        slugs.add(s)
        date, explicit = _date(rng)
        papers.append(Paper(title, abstract, _meta(rng), date, explicit))
    return papers


def _retitled(rng: random.Random, title: str) -> str:
    """The same title as another capture might write it: same key, different text."""
    variants = [title.replace(": ", " - "), title.replace(" (", " – ("), title.upper(),
                title.rstrip(".") + "."]
    return rng.choice([v for v in variants if v != title] or [title])


def _shorter(abstract: str) -> str:
    head, _, _ = abstract.rpartition(". ")
    return head + "." if len(head) > 320 else abstract


# --- pages -------------------------------------------------------------------------------

def _page_layout(j: int) -> str:
    return "compact" if j % 5 in (0, 3) else "rich"


def _compact_page(listings: list[tuple[str, str, Paper]]) -> str:
    lines = [COMPACT_HEADER + listings[0][0], listings[0][1]]
    for title, abstract, _ in listings[1:]:
        lines += [title, abstract]
    return "\n".join(lines) + "\n"


def _rich_page(rng: random.Random, listings: list[tuple[str, str, Paper]]) -> str:
    capture = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}"
    blocks = [*RICH_HEADER, capture]
    dated = [p for _, _, p in listings if p.meta is not None]
    has_year = any(p.explicit_year for p in dated)
    for title, abstract, paper in listings:
        blocks += [title, abstract]
        if paper.meta is not None:
            date = paper.date
            if not has_year:  # a year-less date needs an explicit year on its page
                date, has_year = _date_with_year(rng, date), True
            blocks.append(f"{paper.meta}\n·\n{date}")
    return "\n\n".join(blocks) + "\n"


def _date_with_year(rng: random.Random, date: str) -> str:
    if "," in date:  # already has a year
        return date
    month, day, *upvotes = date.split()
    return f"{month} {day}, {rng.randint(2019, 2024)}" + (f" {upvotes[0]}" if upvotes else "")


def write_sources(dest: Path, n_papers: int, seed: int = 20_000, per_page: int = PER_PAGE,
                  duplicate_share: float = DUPLICATE_SHARE,
                  seeds_dir: Path = SEEDS_DIR) -> tuple[int, int, dict[str, str], list[Paper]]:
    """Write the listing pages into `dest` (a sources folder)."""
    if n_papers < 2:
        raise ValueError("need at least 2 papers (one page of each layout)")
    rng = random.Random(seed)
    papers = make_papers(n_papers, rng, load_seeds(seeds_dir))
    order = list(range(n_papers))
    rng.shuffle(order)
    duplicated = sorted(rng.sample(range(n_papers), round(n_papers * duplicate_share)))
    n_pages = max(2, round((n_papers + len(duplicated)) / per_page))
    bounds = [round(j * n_papers / n_pages) for j in range(n_pages + 1)]
    pages: list[list[tuple[str, str, Paper]]] = []
    home: dict[int, int] = {}
    for j in range(n_pages):
        chunk = order[bounds[j]:bounds[j + 1]]
        pages.append([(papers[p].title, papers[p].abstract, papers[p]) for p in chunk])
        home.update((p, j) for p in chunk)
    for p in duplicated:
        other = rng.choice([j for j in range(n_pages) if j != home[p]])
        paper = papers[p]
        title = _retitled(rng, paper.title) if rng.random() < 0.3 else paper.title
        abstract = _shorter(paper.abstract) if rng.random() < 0.2 else paper.abstract
        pages[other].insert(rng.randint(0, len(pages[other])), (title, abstract, paper))
    dest.mkdir(parents=True, exist_ok=True)
    layouts: dict[str, str] = {}
    for j, listings in enumerate(pages):
        layout = _page_layout(j)
        name = f"{j:03d}_synthetic_{layout}.txt"
        text = _compact_page(listings) if layout == "compact" else _rich_page(rng, listings)
        (dest / name).write_text(text, encoding="utf-8")
        layouts[name] = layout
    return n_papers + len(duplicated), len(duplicated), layouts, papers


# --- the project copy ---------------------------------------------------------------------

def _copy_curation(src: Path, dst: Path, papers: list[Paper]) -> tuple[int, int]:
    """Keep only pins whose paper is in the synthetic collection (others would warn)."""
    if not src.exists():
        return 0, 0
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    pins = (data or {}).get("pins") or []
    if not pins:
        shutil.copy2(src, dst)
        return 0, 0
    from generator.ids import slugify
    ids = {slugify(p.title) for p in papers}
    kept = [pin for pin in pins if isinstance(pin, dict) and pin.get("paper") in ids]
    dst.write_text(yaml.safe_dump({**data, "pins": kept}, sort_keys=False, allow_unicode=True),
                   encoding="utf-8")
    return len(kept), len(pins) - len(kept)


def make_project(dest: Path, n_papers: int, seed: int = 20_000, per_page: int = PER_PAGE,
                 duplicate_share: float = DUPLICATE_SHARE, repo: Path = REPO) -> Corpus:
    """A buildable copy of the project in `dest` holding `n_papers` synthetic papers."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy2(repo / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(repo / "content", dest / "content",
                    ignore=lambda d, names: ["sources"] if Path(d) == repo / "content" else [])
    if (repo / "overrides").is_dir():
        shutil.copytree(repo / "overrides", dest / "overrides")
    (dest / "generator").symlink_to(repo / "generator", target_is_directory=True)
    listings, duplicates, layouts, papers = write_sources(
        dest / "content" / "sources", n_papers, seed, per_page, duplicate_share,
        repo / "content" / "sources")
    kept, dropped = _copy_curation(repo / "content" / "curation.yml",
                                   dest / "content" / "curation.yml", papers)
    return Corpus(dest, n_papers, listings, duplicates, layouts, kept, dropped)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("papers", type=int)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--seed", type=int, default=20_000)
    parser.add_argument("--per-page", type=int, default=PER_PAGE)
    args = parser.parse_args(argv)
    corpus = make_project(args.dest, args.papers, args.seed, args.per_page)
    print(f"{corpus.papers} papers, {corpus.listings} listings ({corpus.duplicates} duplicates) "
          f"on {len(corpus.pages)} pages in {corpus.root}")


if __name__ == "__main__":
    sys.exit(main())
