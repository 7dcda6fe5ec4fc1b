"""Trends: papers per theme per year (and per month of the latest year), as
numbers, as an SVG bar chart and as table rows.

Why the chart is SVG text made at build time: the site stays static and works
offline, with no chart script or external file; the same Digest gives the same
bytes. Why a table as well: a picture of numbers is not readable by everyone,
so the page can show (or offer) the same numbers as a table; the SVG carries
role="img", a <title> and a <desc> for screen readers.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .ids import slugify
from .model import MONTHS, Paper
from .pipeline import Digest

# Okabe-Ito colours: told apart with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
# (not calendar.month_abbr: that follows the process locale, and output must not)
LEGEND_CHARS = 28  # a legend entry is a third of the width; the full name is in <desc>


@dataclass(frozen=True)
class Series:
    """Counts aligned with a list of labels (years or months)."""

    key: str  # theme slug, or "all"
    label: str  # what a reader sees: the theme title, or "All papers"
    values: tuple[int, ...]


@dataclass(frozen=True)
class Trends:
    years: tuple[int, ...]  # first to last year with a dated paper, gaps included
    by_year: tuple[Series, ...]  # one per theme, themes.yml order
    all_by_year: Series
    latest_year: int | None
    months: tuple[int, ...]  # 1 .. last month with a paper in latest_year
    by_month: tuple[Series, ...]
    all_by_month: Series
    undated: dict[str, int]  # theme slug (and "all") -> papers without a date

    @property
    def year_labels(self) -> tuple[str, ...]:
        return tuple(str(y) for y in self.years)

    @property
    def month_labels(self) -> tuple[str, ...]:
        return tuple(MONTHS[m - 1] for m in self.months)


def _series(key: str, label: str, papers: Sequence[Paper], slots, slot_of) -> Series:
    counts = Counter(slot_of(p) for p in papers if p.date is not None)
    return Series(key, label, tuple(counts.get(s, 0) for s in slots))


def trend_counts(digest: Digest) -> Trends:
    """Counts by theme; a paper in two themes counts in both, once in "all".

    Dates whose year was inferred count like the others: the listing page gave
    the day and month, and the year is the best reading of it.
    """
    dated = [p for p in digest.papers if p.date is not None]
    years = tuple(range(min(p.date.year for p in dated), max(p.date.year for p in dated) + 1)
                  ) if dated else ()
    latest = years[-1] if years else None
    months = tuple(range(1, max((p.date.month for p in dated if p.date.year == latest),
                                default=0) + 1))
    in_theme = {t.slug: digest.papers_in(t.slug) for t in digest.themes}

    def year(p: Paper) -> int:
        return p.date.year

    def month(p: Paper) -> int | None:
        return p.date.month if p.date.year == latest else None

    return Trends(
        years=years,
        by_year=tuple(_series(t.slug, t.title, in_theme[t.slug], years, year)
                      for t in digest.themes),
        all_by_year=_series("all", "All papers", digest.papers, years, year),
        latest_year=latest,
        months=months,
        by_month=tuple(_series(t.slug, t.title, in_theme[t.slug], months, month)
                       for t in digest.themes),
        all_by_month=_series("all", "All papers", digest.papers, months, month),
        undated={"all": len(digest.papers) - len(dated),
                 **{slug: sum(p.date is None for p in papers) for slug, papers in in_theme.items()}},
    )


def table_rows(labels: Sequence[str], series: Sequence[Series],
               first_header: str = "Year") -> list[tuple[str, ...]]:
    """The chart's numbers as rows of text: a header (first_header, series
    labels), then one row per label. Render it as an HTML/Markdown table."""
    rows = [(first_header, *(s.label for s in series))]
    rows += [(label, *(str(s.values[i]) for s in series)) for i, label in enumerate(labels)]
    return rows


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _ticks(top: int) -> list[int]:
    """0 and a few round steps (1, 2 or 5 times a power of ten) up past `top`."""
    rough = max(top, 1) / 4
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return list(range(0, math.ceil(max(top, 1) / step) * step + 1, step))


def describe(labels: Sequence[str], series: Sequence[Series]) -> str:
    """A one-paragraph text version of the chart for its <desc>."""
    parts = []
    for s in series:
        values = ", ".join(f"{label}: {v}" for label, v in zip(labels, s.values))
        parts.append(f"{s.label}: {values}." if len(series) > 1 else f"{values}.")
    return " ".join(parts)


def svg_bar_chart(labels: Sequence[str], series: Sequence[Series], title: str, *,
                  description: str | None = None, chart_id: str | None = None,
                  width: int = 640, height: int = 240) -> str:
    """A self-contained grouped bar chart: one group per label, one bar per series.

    Text and axes use currentColor, so the chart follows the page's light or
    dark scheme when inlined. No blank lines or indentation, so it can sit in a
    raw HTML block of a Markdown page. chart_id prefixes the element ids (needed
    unique per page); by default it is made from the title.
    """
    cid = chart_id or "chart-" + slugify(title)
    legend = len(series) > 1
    left, right, top, bottom = 36, 8, 8 + (18 * math.ceil(len(series) / 3) if legend else 0), 28
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = _ticks(max((v for s in series for v in s.values), default=0))
    scale = plot_h / ticks[-1]
    desc = description if description is not None else describe(labels, series)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" '
           f'aria-labelledby="{cid}-title {cid}-desc" class="trend-chart">',
           f'<title id="{cid}-title">{escape(title)}</title>',
           f'<desc id="{cid}-desc">{escape(desc)}</desc>',
           '<g font-family="sans-serif" font-size="11" fill="currentColor">']
    for tick in ticks:
        y = _num(top + plot_h - tick * scale)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y}" y2="{y}" '
                   'stroke="currentColor" stroke-opacity="0.2"/>')
        out.append(f'<text x="{left - 4}" y="{y}" dy="0.35em" text-anchor="end">{tick}</text>')
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    every = max(1, math.ceil(len(labels) * (7 * max((len(x) for x in labels), default=1) + 6)
                             / plot_w))
    for i, label in enumerate(labels):
        x0 = left + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            h = s.values[i] * scale
            tip = f"{label}, {s.label}: {s.values[i]}" if legend else f"{label}: {s.values[i]}"
            out.append(f'<rect x="{_num(x0 + j * bar_w)}" y="{_num(top + plot_h - h)}" '
                       f'width="{_num(bar_w)}" height="{_num(h)}" '
                       f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(tip)}</title></rect>')
        if i % every == 0:
            out.append(f'<text x="{_num(left + (i + 0.5) * group_w)}" y="{height - bottom + 16}" '
                       f'text-anchor="middle">{escape(label)}</text>')
    for j, s in enumerate(series if legend else ()):
        x, y = left + (j % 3) * (plot_w / 3), 4 + 18 * (j // 3)
        out.append(f'<rect x="{_num(x)}" y="{y}" width="12" height="12" '
                   f'fill="{PALETTE[j % len(PALETTE)]}"/>')
        name = s.label if len(s.label) <= LEGEND_CHARS else s.label[:LEGEND_CHARS - 1] + "…"
        out.append(f'<text x="{_num(x + 16)}" y="{y + 6}" dy="0.35em">{escape(name)}</text>')
    out += ["</g>", "</svg>"]
    return "\n".join(out) + "\n"


def year_chart(trends: Trends, title: str = "Papers per year", *, per_theme: bool = True,
               chart_id: str | None = None) -> str:
    """The chart for the home page: per theme (or all papers) per year."""
    series = trends.by_year if per_theme else (trends.all_by_year,)
    return svg_bar_chart(trends.year_labels, series, title, chart_id=chart_id)


def theme_series(trends: Trends, slug: str) -> tuple[Series, Series]:
    """(per year, per month of the latest year) for one theme's page."""
    by_year = next(s for s in trends.by_year if s.key == slug)
    by_month = next(s for s in trends.by_month if s.key == slug)
    return by_year, by_month

