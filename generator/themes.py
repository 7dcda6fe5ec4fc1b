"""Themes: the themes.yml schema and assignment of papers with evidence.

A theme is a set of evidence rules. Each rule lists terms (whole words or
phrases; `*` at either end of a term stands for letters, as in `*BERT`), the
weight of a match in the title and per mention in the abstract (negative
weights count against the theme; `count: distinct` counts each different term
once), and optionally other terms it needs in the paper (`needs`) or in the
same sentence (`near`). A paper joins the theme when its score reaches the
threshold and no veto applies; a veto may look at the title, the abstract or
both (`where`). content/themes.yml documents every key. The evidence is kept so that every
page can show why a paper is where it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config import ConfigError, Field, Schema, load_yaml
from .model import Assignment, Evidence, Paper
from .terms import Scan, TermError, TermIndex, Terms

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VETO_WHERE = ("title", "abstract", "anywhere")
RULE_COUNT = ("mentions", "distinct")


@dataclass(frozen=True)
class Rule:
    name: str
    terms: Terms
    title: float
    abstract: float
    abstract_cap: int
    needs: Terms | None
    near: Terms | None
    count: str = "mentions"


@dataclass(frozen=True)
class Veto:
    """Terms that keep a paper out unless its title already carries strong evidence.

    `where` says which part of the paper the terms must be in: "title",
    "abstract" or "anywhere"."""

    name: str
    terms: Terms
    unless_title_score: float
    where: str = "anywhere"


@dataclass(frozen=True)
class Theme:
    slug: str
    title: str
    description: str
    threshold: float
    rules: tuple[Rule, ...]
    vetoes: tuple[Veto, ...]


def compile_terms(terms: tuple[str, ...], case_sensitive: bool, schema: Schema, key: str) -> Terms:
    try:
        return Terms.compile(terms, case_sensitive)
    except TermError as exc:
        index, message = str(exc).split(": ", 1)
        raise schema.error(f"{key}[{index}]", message) from None


def load_themes(path: Path, display: str = "content/themes.yml") -> tuple[Theme, ...]:
    schema = Schema(display)
    data = load_yaml(path, display)
    top = Schema(display, Field("themes", lambda v, k: v)).validate(data, "")
    raw_themes = top["themes"]
    if not isinstance(raw_themes, list) or not raw_themes:
        raise ConfigError(display, "themes", "expected a non-empty list of themes")

    def rule(value, key) -> Rule:
        fields = Schema(display,
                        Field("name", schema.string),
                        Field("terms", schema.strings),
                        Field("case_sensitive", _boolean(schema), False, False),
                        Field("title", schema.number, False, 0.0),
                        Field("abstract", schema.number, False, 0.0),
                        Field("abstract_cap", _count(schema), False, 1),
                        Field("needs", schema.strings, False, None),
                        Field("near", schema.strings, False, None),
                        Field("count", _choice(schema, RULE_COUNT), False, "mentions"),
                        ).validate(value, key)
        cs = fields["case_sensitive"]
        return Rule(fields["name"], compile_terms(fields["terms"], cs, schema, f"{key}.terms"),
                    fields["title"], fields["abstract"], fields["abstract_cap"],
                    _optional_terms(fields["needs"], schema, f"{key}.needs"),
                    _optional_terms(fields["near"], schema, f"{key}.near"), fields["count"])

    def veto(value, key) -> Veto:
        fields = Schema(display,
                        Field("name", schema.string),
                        Field("terms", schema.strings),
                        Field("unless_title_score", schema.number, False, float("inf")),
                        Field("case_sensitive", _boolean(schema), False, False),
                        Field("where", _choice(schema, VETO_WHERE), False, "anywhere"),
                        ).validate(value, key)
        return Veto(fields["name"],
                    compile_terms(fields["terms"], fields["case_sensitive"], schema, f"{key}.terms"),
                    fields["unless_title_score"], fields["where"])

    def theme(value, key) -> Theme:
        fields = Schema(display,
                        Field("slug", schema.string),
                        Field("title", _plain_text(schema)),
                        Field("description", schema.string),
                        Field("threshold", schema.number),
                        Field("rules", lambda v, k: schema.items(v, k, rule)),
                        Field("vetoes", lambda v, k: schema.items(v, k, veto), False, ()),
                        ).validate(value, key)
        if not SLUG.match(fields["slug"]):
            raise schema.error(f"{key}.slug", f"{fields['slug']!r} is not a slug (a-z, 0-9, hyphens)")
        if not fields["rules"]:
            raise schema.error(f"{key}.rules", "a theme needs at least one rule")
        return Theme(fields["slug"], fields["title"], fields["description"], fields["threshold"],
                     fields["rules"], fields["vetoes"])

    themes = schema.items(raw_themes, "themes", theme)
    seen: set[str] = set()
    for i, t in enumerate(themes):
        if t.slug in seen:
            raise schema.error(f"themes[{i}].slug", f"duplicate slug {t.slug!r}")
        seen.add(t.slug)
    return themes


def _optional_terms(terms, schema: Schema, key: str) -> Terms | None:
    return compile_terms(terms, False, schema, key) if terms else None


def _find(rule: Rule, scan: Scan) -> list[str]:
    """Matches of the rule's terms; with `near`, only in sentences that also name a near term."""
    if rule.near is None:
        return scan.find(rule.terms)
    near = scan.matches(rule.near)
    if not near:
        return []
    sentence_of = scan.tokens.sentence_of
    sentences = {sentence_of(i) for i, _ in near}
    return [scan.tokens.quote(i, n) for i, n in scan.matches(rule.terms)
            if sentence_of(i) in sentences]


def _normal(hit: str) -> str:
    """One spelling per term: case, hyphens and spaces do not make a mention distinct."""
    return re.sub(r"[\s\-]+", "", hit.lower())


def _plain_text(schema: Schema):
    """Material prints page and nav titles without escaping them, so a theme title
    may not hold characters that HTML reads as markup."""
    def check(value, key):
        text = schema.string(value, key)
        if any(c in text for c in "<>&"):
            raise schema.error(key, "may not contain <, > or & (write 'and')")
        return text
    return check


def _boolean(schema: Schema):
    def check(value, key):
        if not isinstance(value, bool):
            raise schema.error(key, "expected true or false")
        return value
    return check


def _choice(schema: Schema, choices: tuple[str, ...]):
    def check(value, key):
        if value not in choices:
            raise schema.error(key, f"expected one of {', '.join(choices)}, got {value!r}")
        return value
    return check


def _count(schema: Schema):
    def check(value, key):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise schema.error(key, "expected a whole number of at least 1")
        return value
    return check


@lru_cache(maxsize=4)
def term_index(themes: tuple[Theme, ...]) -> TermIndex:
    """Every term list of every theme, so each title and abstract is scanned once."""
    return TermIndex(terms for theme in themes
                     for terms in [*(t for r in theme.rules for t in (r.terms, r.needs, r.near)),
                                   *(v.terms for v in theme.vetoes)]
                     if terms is not None)


@dataclass(frozen=True)
class Scanned:
    """A paper's title and abstract, each scanned once for all themes' terms."""

    title: Scan
    abstract: Scan

    def part(self, where: str) -> tuple[Scan, ...]:
        if where == "title":
            return (self.title,)
        return (self.abstract,) if where == "abstract" else (self.title, self.abstract)


def score_theme(theme: Theme, paper: Paper, scanned: Scanned | None = None
                ) -> tuple[float, tuple[Evidence, ...], bool]:
    """The theme's score for a paper, its evidence, and whether it is assigned."""
    if scanned is None:
        scanned = scan_paper((theme,), paper)
    evidence: list[Evidence] = []
    score = title_score = 0.0
    for rule in theme.rules:
        if rule.needs is not None and not any(s.matches(rule.needs) for s in scanned.part("anywhere")):
            continue
        in_title = _find(rule, scanned.title)
        if in_title and rule.title:
            evidence.append(Evidence(in_title[0], "title", rule.title))
            score += rule.title
            title_score += rule.title
        in_abstract = _find(rule, scanned.abstract)
        if in_abstract and rule.abstract:
            mentions = (len(in_abstract) if rule.count == "mentions"
                        else len({_normal(hit) for hit in in_abstract}))
            counted = min(mentions, rule.abstract_cap)
            weight = rule.abstract * counted
            shown = ", ".join(dict.fromkeys(in_abstract))
            evidence.append(Evidence(shown, "abstract", weight))
            score += weight
    assigned = score >= theme.threshold
    if assigned:
        for v in theme.vetoes:
            hit = [h for s in scanned.part(v.where) for h in s.find(v.terms)]
            if hit and title_score < v.unless_title_score:
                evidence.append(Evidence(f"{hit[0]} (veto: {v.name})", "veto", 0.0))
                assigned = False
                break
    return score, tuple(evidence), assigned


def scan_paper(themes: tuple[Theme, ...], paper: Paper) -> Scanned:
    index = term_index(themes)
    return Scanned(index.scan(paper.title), index.scan(paper.abstract))


@lru_cache(maxsize=2)
def _assigned_before(themes: tuple[Theme, ...]) -> dict[tuple[str, str], tuple[Assignment, ...]]:
    return {}


def assign_all(themes: tuple[Theme, ...], papers) -> dict[str, tuple[Assignment, ...]]:
    """Paper id -> its themes. A paper's themes depend on its title and abstract alone,
    so they are remembered while themes.yml is unchanged: `mkdocs serve` rebuilds
    after every edit, and a large digest's unchanged papers need not be scored again."""
    remembered = _assigned_before(themes)
    out = {}
    for paper in papers:
        key = (paper.title, paper.abstract)
        if key not in remembered:
            remembered[key] = assign_themes(themes, paper)
        out[paper.id] = remembered[key]
    return out


def assign_themes(themes: tuple[Theme, ...], paper: Paper) -> tuple[Assignment, ...]:
    scanned = scan_paper(themes, paper)
    out = []
    for theme in themes:
        score, evidence, assigned = score_theme(theme, paper, scanned)
        if assigned:
            out.append(Assignment(theme.slug, score, evidence))
    return tuple(out)
