import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.model import Assignment, Paper
from generator.pipeline import Digest, build_digest
from generator.themes import Theme
from generator.trends import Series, svg_bar_chart, table_rows, theme_series, trend_counts, year_chart

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def paper(pid, date):
    return Paper(id=pid, title=pid, abstract="", date=date, date_inferred=False, authors=None,
                 organization=None, upvotes=None, code=(), sources=("s.txt:1",))


def digest_of(placed: dict[str, tuple[dt.date | None, tuple[str, ...]]]) -> Digest:
    themes = (Theme("mamba", "Mamba", "", 1.0, (), ()), Theme("bert", "BERT & co", "", 1.0, (), ()))
    papers = tuple(paper(pid, date) for pid, (date, _) in sorted(placed.items()))
    return Digest(papers=papers, themes=themes,
                  assignments={pid: tuple(Assignment(t, 1.0, ()) for t in slugs)
                               for pid, (_, slugs) in placed.items()},
                  exclusions={}, sources=(), diagnostics=())


D = digest_of({
    "a": (dt.date(2021, 6, 1), ("bert",)),
    "b": (dt.date(2023, 2, 1), ("mamba", "bert")),
    "c": (dt.date(2023, 2, 20), ("mamba",)),
    "d": (dt.date(2023, 5, 3), ()),
    "e": (None, ("mamba",)),
})


def test_counts_per_theme_per_year_with_empty_years_filled():
    t = trend_counts(D)
    assert t.years == (2021, 2022, 2023)
    assert {s.key: s.values for s in t.by_year} == {"mamba": (0, 0, 2), "bert": (1, 0, 1)}
    assert t.all_by_year.values == (1, 0, 3)
    assert [s.label for s in t.by_year] == ["Mamba", "BERT & co"]


def test_counts_per_month_of_the_latest_year_up_to_its_last_month():
    t = trend_counts(D)
    assert (t.latest_year, t.months) == (2023, (1, 2, 3, 4, 5))
    assert t.month_labels == ("Jan", "Feb", "Mar", "Apr", "May")
    assert {s.key: s.values for s in t.by_month} == {"mamba": (0, 2, 0, 0, 0),
                                                     "bert": (0, 1, 0, 0, 0)}
    assert t.all_by_month.values == (0, 2, 0, 0, 1)
    assert theme_series(t, "mamba") == (t.by_year[0], t.by_month[0])


def test_undated_papers_are_counted_apart():
    assert trend_counts(D).undated == {"all": 1, "mamba": 1, "bert": 0}


def test_no_dated_papers_gives_empty_series():
    t = trend_counts(digest_of({"x": (None, ("mamba",))}))
    assert (t.years, t.months, t.latest_year) == ((), (), None)
    assert all(s.values == () for s in t.by_year)
    ET.fromstring(year_chart(t))  # still a valid picture


def test_table_rows_carry_the_same_numbers_as_the_chart():
    t = trend_counts(D)
    assert table_rows(t.year_labels, t.by_year) == [
        ("Year", "Mamba", "BERT & co"), ("2021", "0", "1"), ("2022", "0", "0"), ("2023", "2", "1")]
    assert table_rows(t.month_labels, (t.all_by_month,), "Month")[0] == ("Month", "All papers")


def test_svg_is_accessible_self_contained_xml():
    svg = year_chart(trend_counts(D))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Papers per year"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "Mamba: 2021: 0, 2022: 0, 2023: 2." in desc.text
    for element in root.iter():
        assert element.tag not in (f"{SVG}script", f"{SVG}image", f"{SVG}use", f"{SVG}foreignObject")
        assert not any("href" in name or name.startswith("on") for name in element.attrib)
    assert "url(" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "\n\n" not in svg


def test_one_bar_per_label_and_series_with_its_number_as_tooltip():
    t = trend_counts(D)
    bars = [r for r in ET.fromstring(year_chart(t)).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == len(t.years) * len(t.by_year)
    assert "2023, Mamba: 2" in [b.find(f"{SVG}title").text for b in bars]
    heights = {b.find(f"{SVG}title").text: float(b.get("height")) for b in bars}
    assert heights["2023, Mamba: 2"] == 2 * heights["2021, BERT & co: 1"] > 0
    assert heights["2022, Mamba: 0"] == 0


def test_chart_text_is_escaped_and_output_deterministic():
    series = (Series("x", '<script>alert("x")</script> & more', (1, 5)),)
    svg = svg_bar_chart(["2023", "<2024>"], series, 'Title <b>&</b> "q"', chart_id="c1")
    assert "<script>" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == 'Title <b>&</b> "q"'
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    assert svg == svg_bar_chart(["2023", "<2024>"], series, 'Title <b>&</b> "q"', chart_id="c1")


def test_seed_collection_trends():
    digest = build_digest(ROOT / "content")
    t = trend_counts(digest)
    dated = [p for p in digest.papers if p.date]
    assert sum(t.all_by_year.values) == len(dated)
    assert t.undated["all"] == len(digest.papers) - len(dated)
    for s in t.by_year:
        in_theme = digest.papers_in(s.key)
        assert sum(s.values) + t.undated[s.key] == len(in_theme)
    assert sum(t.all_by_month.values) == sum(1 for p in dated if p.date.year == t.latest_year)
    ET.fromstring(year_chart(t))
    assert year_chart(t) == year_chart(trend_counts(build_digest(ROOT / "content")))
