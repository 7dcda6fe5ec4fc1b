import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.feeds import EPOCH, atom_feed, newest_first
from generator.model import Assignment, Paper
from generator.pipeline import Digest, build_digest
from generator.themes import Theme

ROOT = Path(__file__).resolve().parent.parent
A = "{http://www.w3.org/2005/Atom}"
SITE = "https://x.github.io/digest/"
FEED = SITE + "feed.xml"
HOSTILE = '<script>alert("x")</script> & {{ config }} \'quoted\' <b>bold</b> &amp;'


def paper(pid: str, date: dt.date | None, title: str | None = None, abstract: str = "Text.") -> Paper:
    return Paper(id=pid, title=title or f"Title {pid}", abstract=abstract, date=date,
                 date_inferred=False, authors=None, organization=None, upvotes=None,
                 code=(), sources=("s.txt:1",))


PAPERS = [
    paper("old", dt.date(2021, 5, 1)),
    paper("new", dt.date(2024, 3, 2)),
    paper("undated-b", None),
    paper("mid", dt.date(2023, 1, 9)),
    paper("undated-a", None),
    paper("same-day", dt.date(2024, 3, 2)),
]


def render(papers=PAPERS, **kw) -> str:
    kw.setdefault("title", "Paper Digest")
    kw.setdefault("feed_url", FEED)
    kw.setdefault("site_url", SITE)
    return atom_feed(papers, **kw)


def entries(xml: str):
    return ET.fromstring(xml.encode()).findall(f"{A}entry")


def test_feed_is_atom_that_parses():
    root = ET.fromstring(render().encode())
    assert root.tag == f"{A}feed"
    assert root.findtext(f"{A}id") == FEED
    assert root.findtext(f"{A}title") == "Paper Digest"
    assert root.find(f"{A}author/{A}name").text
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links == {"self": FEED, "alternate": SITE}


def test_entries_are_newest_first_then_undated_by_id():
    ids = [e.findtext(f"{A}id") for e in entries(render())]
    order = ["new", "same-day", "mid", "old", "undated-a", "undated-b"]
    assert ids == [f"{SITE}papers/{pid}/" for pid in order]
    assert [p.id for p in newest_first(PAPERS)] == order


def test_entry_id_and_link_are_the_absolute_paper_url():
    for base in ("https://x.github.io/digest/", "https://x.github.io/digest"):
        entry = entries(render(site_url=base))[0]
        url = "https://x.github.io/digest/papers/new/"
        assert entry.findtext(f"{A}id") == url
        assert entry.find(f"{A}link").get("href") == url


def test_entry_dates_come_from_the_paper_at_utc_midnight():
    by_id = {e.findtext(f"{A}id"): e for e in entries(render())}
    dated = by_id[f"{SITE}papers/mid/"]
    assert dated.findtext(f"{A}updated") == "2023-01-09T00:00:00+00:00"
    assert dated.findtext(f"{A}published") == "2023-01-09T00:00:00+00:00"
    undated = by_id[f"{SITE}papers/undated-a/"]
    assert undated.findtext(f"{A}updated") == EPOCH.isoformat()
    assert undated.find(f"{A}published") is None


def test_feed_updated_is_the_newest_paper_not_the_build_time():
    root = ET.fromstring(render().encode())
    assert root.findtext(f"{A}updated") == "2024-03-02T00:00:00+00:00"
    undated = ET.fromstring(render([paper("x", None)]).encode())
    assert undated.findtext(f"{A}updated") == "1970-01-01T00:00:00+00:00"
    given = ET.fromstring(render(updated=dt.datetime(2025, 1, 1, 12)).encode())
    assert given.findtext(f"{A}updated") == "2025-01-01T12:00:00+00:00"


def test_two_renders_are_byte_identical_and_carry_no_generator_version():
    first, second = render(), render(list(reversed(PAPERS)))
    assert first == second
    generator = ET.fromstring(first.encode()).find(f"{A}generator")
    assert generator.text == "Paper Digest"
    assert generator.get("version") is None and generator.get("uri") is None


def test_hostile_title_and_abstract_are_text_never_markup():
    feed = render([paper("evil", dt.date(2024, 1, 1), title=HOSTILE, abstract=HOSTILE)])
    assert "<script>" not in feed and "<b>" not in feed
    entry = entries(feed)[0]
    assert entry.findtext(f"{A}title") == HOSTILE
    assert entry.findtext(f"{A}summary") == HOSTILE
    assert entry.find(f"{A}title").get("type") in (None, "text")
    assert entry.find(f"{A}summary").get("type") in (None, "text")


def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    entry = entries(render([paper("ctl", None, title="Bell\x07 and null\x00 here")]))[0]
    assert entry.findtext(f"{A}title") == "Bell and null here"


def test_at_most_fifty_entries():
    many = [paper(f"p{i:03d}", dt.date(2020, 1, 1) + dt.timedelta(days=i)) for i in range(80)]
    got = entries(render(many))
    assert len(got) == 50
    assert got[0].findtext(f"{A}id") == f"{SITE}papers/p079/"


def test_relative_site_url_is_refused():
    with pytest.raises(ValueError):
        render(site_url="/digest/")


def test_theme_feed_has_categories_and_its_page_as_alternate():
    theme = Theme("mamba-ssm", "Mamba & SSMs", "", 1.0, (), ())
    papers = tuple(sorted(PAPERS, key=lambda p: p.id))
    digest = Digest(papers=papers, themes=(theme,),
                    assignments={p.id: (Assignment("mamba-ssm", 2.0, ()),) if p.id == "new" else ()
                                 for p in papers},
                    exclusions={}, sources=(), diagnostics=())
    page = SITE + "themes/mamba-ssm/"
    root = ET.fromstring(render(digest.papers_in("mamba-ssm"), digest=digest, page_url=page,
                                feed_url=page + "feed.xml").encode())
    assert {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}["alternate"] == page
    category = root.find(f"{A}entry/{A}category")
    assert (category.get("term"), category.get("label")) == ("mamba-ssm", "Mamba & SSMs")


def test_seed_collection_feed():
    digest = build_digest(ROOT / "content")
    feed = render(digest.papers, digest=digest)
    got = entries(feed)
    assert len(got) == 50
    dates = [e.findtext(f"{A}updated") for e in got]
    assert dates == sorted(dates, reverse=True)
    assert feed == render(digest.papers, digest=digest)
