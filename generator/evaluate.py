"""`paper-digest-eval`: how well theme assignment agrees with a hand-labelled set.

The labels in tests/data/theme_labels.csv were made by reading titles and
abstracts against the theme definitions, not by running the rules, so the
figures say how far a reader can trust the grouping. Both the rules alone and
the final assignment (rules + curation.yml) are reported.
"""
from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from .cli import load_digest
from .pipeline import Digest
from .themes import assign_themes


@dataclass(frozen=True)
class Scores:
    theme: str
    tp: int
    fp: int
    fn: int
    false_positives: tuple[str, ...]
    false_negatives: tuple[str, ...]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_labels(path: Path) -> dict[str, dict[str, bool]]:
    """paper id -> theme slug -> labelled in or out."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        themes = [c for c in reader.fieldnames or () if c not in ("id", "title", "note")]
        return {row["id"]: {t: row[t].strip() == "1" for t in themes} for row in reader}


def evaluate(digest: Digest, labels: dict[str, dict[str, bool]], *, rules_only: bool = False) -> list[Scores]:
    known = {p.id: p for p in digest.papers}
    missing = sorted(set(labels) - set(known))
    if missing:
        raise ValueError(f"labelled ids with no paper: {', '.join(missing[:5])}")
    predicted = {
        pid: {a.theme for a in (assign_themes(digest.themes, known[pid]) if rules_only
                                 else digest.assignments[pid])}
        for pid in labels
    }
    out = []
    for theme in digest.themes:
        if not any(theme.slug in row for row in labels.values()):
            continue
        fp = sorted(pid for pid in labels if theme.slug in predicted[pid] and not labels[pid][theme.slug])
        fn = sorted(pid for pid in labels if theme.slug not in predicted[pid] and labels[pid][theme.slug])
        tp = sum(1 for pid in labels if theme.slug in predicted[pid] and labels[pid][theme.slug])
        out.append(Scores(theme.slug, tp, len(fp), len(fn), tuple(fp), tuple(fn)))
    return out


def format_table(scores: list[Scores]) -> str:
    lines = ["| theme | precision | recall | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|"]
    for s in scores:
        lines.append(f"| {s.theme} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.tp} | {s.fp} | {s.fn} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paper-digest-eval", description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--labels", type=Path, default=Path("tests/data/theme_labels.csv"))
    args = parser.parse_args(argv)
    digest = load_digest(args.content)
    if digest is None:
        return 2
    labels = load_labels(args.labels)
    titles = {p.id: p.title for p in digest.papers}
    print(f"{len(labels)} labelled papers ({args.labels})\n")
    for name, rules_only in (("Rules alone", True), ("Rules + curation.yml (what the site shows)", False)):
        scores = evaluate(digest, labels, rules_only=rules_only)
        print(f"## {name}\n\n{format_table(scores)}\n")
        if rules_only:
            continue
        for s in scores:
            for kind, ids in (("false positive", s.false_positives), ("false negative", s.false_negatives)):
                for pid in ids:
                    print(f"{s.theme}: {kind}: {pid} ({titles[pid]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
