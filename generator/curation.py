"""Curation: editors pin a paper into or out of a theme, with a reason readers see."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import ConfigError, Field, Schema, load_yaml
from .model import Assignment, Diagnostic, Evidence

ACTIONS = ("include", "exclude")


@dataclass(frozen=True)
class Pin:
    paper: str
    theme: str
    action: str
    reason: str
    key: str  # where in curation.yml, for messages


def load_curation(path: Path, theme_slugs: set[str],
                  display: str = "content/curation.yml") -> tuple[Pin, ...]:
    if not path.exists():
        return ()
    data = load_yaml(path, display)
    if data is None:
        return ()
    schema = Schema(display)
    top = Schema(display, Field("pins", lambda v, k: v, False, [])).validate(data, "")

    def pin(value, key) -> Pin:
        f = Schema(display,
                   Field("paper", schema.string),
                   Field("theme", schema.string),
                   Field("action", schema.string),
                   Field("reason", schema.string)).validate(value, key)
        if f["action"] not in ACTIONS:
            raise ConfigError(display, f"{key}.action", f"expected include or exclude, got {f['action']!r}")
        if f["theme"] not in theme_slugs:
            raise ConfigError(display, f"{key}.theme",
                              f"unknown theme {f['theme']!r} (themes.yml has: {', '.join(sorted(theme_slugs))})")
        return Pin(f["paper"], f["theme"], f["action"], f["reason"], key)

    pins = schema.items(top["pins"] or [], "pins", pin)
    seen: dict[tuple[str, str], str] = {}
    for p in pins:
        if (p.paper, p.theme) in seen:
            raise ConfigError(display, p.key, f"{p.paper} is already pinned for {p.theme} at {seen[p.paper, p.theme]}")
        seen[p.paper, p.theme] = p.key
    return pins


def apply_curation(pins: tuple[Pin, ...], assignments: dict[str, tuple[Assignment, ...]],
                   display: str = "content/curation.yml"):
    """Returns new assignments, the exclusions readers are told about, and warnings
    for pins that name no paper (ids change when titles do)."""
    out = {pid: {a.theme: a for a in items} for pid, items in assignments.items()}
    excluded: dict[str, list[tuple[str, str]]] = {}
    warnings = []
    for p in pins:
        if p.paper not in out:
            warnings.append(Diagnostic(display, None, f"{p.key}: no paper has id {p.paper!r}"))
            continue
        current = out[p.paper].get(p.theme)
        if p.action == "include":
            evidence = (current.evidence if current else ()) + (Evidence("editor's pin", "curation", 0.0),)
            out[p.paper][p.theme] = Assignment(p.theme, current.score if current else 0.0,
                                               evidence, curated=p.reason)
        else:
            out[p.paper].pop(p.theme, None)
            excluded.setdefault(p.paper, []).append((p.theme, p.reason))
    result = {pid: tuple(items.values()) for pid, items in out.items()}
    return result, {k: tuple(v) for k, v in excluded.items()}, warnings
