"""`paper-digest`: the generator on its own, writing the Markdown tree to a folder.

The site is not locked to MkDocs: any renderer that reads Markdown with YAML
front matter can take the tree this writes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import ConfigError
from .pipeline import Digest, build_digest
from .site import DEFAULT_SITE_URL, plan_site


def load_digest(content: Path) -> Digest | None:
    """The digest, or None after printing a broken content file's one-line error."""
    try:
        return build_digest(content)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paper-digest", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the Markdown tree into")
    parser.add_argument("--content", type=Path, default=Path("content"),
                        help="content folder with sources/, themes.yml, curation.yml (default: content)")
    parser.add_argument("--site-url", default=DEFAULT_SITE_URL,
                        help="absolute address the site is published at, for feeds and BibTeX")
    parser.add_argument("--strict", action="store_true", help="exit 1 if there is any warning")
    args = parser.parse_args(argv)
    digest = load_digest(args.content)
    if digest is None:
        return 2
    for diagnostic in digest.diagnostics:
        print(f"warning: {diagnostic}", file=sys.stderr)
    plan = plan_site(digest, args.site_url)
    paths = plan.paths()
    for rel in paths:  # one file in memory at a time
        target = args.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as out:
            plan.write(rel, out)
    print(f"wrote {len(paths)} files for {len(digest.papers)} papers to {args.out}")
    return 1 if args.strict and digest.diagnostics else 0


if __name__ == "__main__":
    sys.exit(main())
