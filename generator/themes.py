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


def _near(rule: Rule, scan: Scan, hits: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """With `near`, only the hits in sentences that also name a near term."""
    near = scan.hits.get(rule.near)
    if not near:
        return ()
    sentence_of = scan.tokens.sentence_of
    sentences = {sentence_of(i) for i, _ in near}
    return tuple(hit for hit in hits if sentence_of(hit[0]) in sentences)


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


@dataclass(frozen=True)
class _Found:
    """Evidence before it is quoted: a rule's matches in one part of the paper.
    Quoting needs the words' places in the text, worked out only for the papers a
    theme takes (or when the caller asks for the evidence of every score)."""

    scan: Scan
    hits: tuple[tuple[int, int], ...]
    where: str
    weight: float

    def evidence(self) -> Evidence:
        quotes = [self.scan.tokens.quote(i, n) for i, n in self.hits]
        return Evidence(quotes[0] if self.where == "title" else ", ".join(dict.fromkeys(quotes)),
                        self.where, self.weight)


def _score(theme: Theme, scanned: Scanned) -> tuple[float, list[_Found], Evidence | None]:
    """The theme's score, what it was made of, and the veto that applies, if one does.
    Most rules match nothing in most papers: two look-ups tell."""
    found: list[_Found] = []
    score = title_score = 0.0
    title, abstract = scanned.title, scanned.abstract
    for rule in theme.rules:
        in_title = title.hits.get(rule.terms) if rule.title else None
        in_abstract = abstract.hits.get(rule.terms) if rule.abstract else None
        if not (in_title or in_abstract):
            continue
        if rule.needs is not None and rule.needs not in title.hits \
                and rule.needs not in abstract.hits:
            continue
        if rule.near is not None:
            in_title = in_title and _near(rule, title, in_title)
            in_abstract = in_abstract and _near(rule, abstract, in_abstract)
        if in_title:
            found.append(_Found(title, in_title[:1], "title", rule.title))
            score += rule.title
            title_score += rule.title
        if in_abstract:
            mentions = (len(in_abstract) if rule.count == "mentions" else
                        len({abstract.tokens.normal(i, n) for i, n in in_abstract}))
            weight = rule.abstract * min(mentions, rule.abstract_cap)
            found.append(_Found(abstract, in_abstract, "abstract", weight))
            score += weight
    if score >= theme.threshold:
        for v in theme.vetoes:
            hit = [h for s in scanned.part(v.where) for h in s.find(v.terms)]
            if hit and title_score < v.unless_title_score:
                return score, found, Evidence(f"{hit[0]} (veto: {v.name})", "veto", 0.0)
    return score, found, None


def score_theme(theme: Theme, paper: Paper, scanned: Scanned | None = None
                ) -> tuple[float, tuple[Evidence, ...], bool]:
    """The theme's score for a paper, its evidence, and whether it is assigned."""
    if scanned is None:
        scanned = scan_paper((theme,), paper)
    score, found, veto = _score(theme, scanned)
    evidence = tuple(f.evidence() for f in found) + ((veto,) if veto else ())
    return score, evidence, score >= theme.threshold and veto is None


def scan_paper(themes: tuple[Theme, ...], paper: Paper, index: TermIndex | None = None) -> Scanned:
    index = index or term_index(themes)
    return Scanned(index.scan(paper.title), index.scan(paper.abstract))


@lru_cache(maxsize=2)
def _assigned_before(themes: tuple[Theme, ...]) -> dict[tuple[str, str], tuple[Assignment, ...]]:
    return {}


def assign_all(themes: tuple[Theme, ...], papers) -> dict[str, tuple[Assignment, ...]]:
    """Paper id -> its themes. A paper's themes depend on its title and abstract alone,
    so they are remembered while themes.yml is unchanged: `mkdocs serve` rebuilds
    after every edit, and a large digest's unchanged papers need not be scored again."""
    remembered = _assigned_before(themes)
    index = term_index(themes)  # once: hashing the themes is not free
    out = {}
    for paper in papers:
        key = (paper.title, paper.abstract)
        if key not in remembered:
            remembered[key] = assign_themes(themes, paper, index)
        out[paper.id] = remembered[key]
    return out


def unscored(themes: tuple[Theme, ...], papers) -> list[Paper]:
    """The papers whose themes `assign_all` has not remembered."""
    remembered = _assigned_before(themes)
    return [p for p in papers if (p.title, p.abstract) not in remembered]


def remember(themes: tuple[Theme, ...], papers, assigned: dict[str, tuple[Assignment, ...]]) -> None:
    """Themes of papers scored elsewhere (the worker process), for `assign_all`."""
    remembered = _assigned_before(themes)
    for paper in papers:
        remembered[(paper.title, paper.abstract)] = assigned[paper.id]


def assign_themes(themes: tuple[Theme, ...], paper: Paper, index: TermIndex | None = None
                  ) -> tuple[Assignment, ...]:
    scanned = scan_paper(themes, paper, index)
    out = []
    for theme in themes:
        score, found, veto = _score(theme, scanned)
        if score >= theme.threshold and veto is None:
            out.append(Assignment(theme.slug, score, tuple(f.evidence() for f in found)))
    return tuple(out)
