"""Atom feeds of the newest papers, for the whole digest or one theme.

Why feedgen: it writes the XML through lxml, so titles and abstracts (untrusted
text from scraped pages) only ever become escaped character data; every text
element is Atom's plain `text` type, so a reader never renders them as markup.

Why the care over time: a feed is a build output that lands in version
control and in caches, so the same papers must give the same bytes. feedgen
stamps `now()` into every <updated> it is not given and advertises its own
version; here every date comes from the papers (UTC midnight of the listed
day, `EPOCH` when there is none) and the generator element names this site
without a version.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from .model import Paper, newest_first
from .pipeline import Digest

MAX_ENTRIES = 50
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
GENERATOR = "Paper Digest"
# Characters XML 1.0 cannot carry at all; lxml refuses them, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def site_base(site_url: str) -> str:
    """The site's absolute base URL with exactly one trailing slash.

    Raises ValueError for a relative URL: feed ids and BibTeX notes must be
    absolute to mean anything outside the site.
    """
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"site_url must be an absolute http(s) URL, not {site_url!r}")
    if any(c in site_url for c in ' "<>\\{}|^`') or parts.query or parts.fragment:
        raise ValueError(f"site_url must be a plain base URL, not {site_url!r}")
    return site_url.rstrip("/") + "/"


def absolute_url(site_url: str, path: str) -> str:
    """`path` is a site-relative URL such as Paper.url ("papers/<id>/")."""
    return site_base(site_url) + path.lstrip("/")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def paper_time(paper: Paper) -> dt.datetime | None:
    """UTC midnight of the paper's listed day; None when it is undated."""
    if paper.date is None:
        return None
    return dt.datetime.combine(paper.date, dt.time(0, 0), tzinfo=dt.timezone.utc)




def atom_feed(papers: Iterable[Paper], *, title: str, feed_url: str, site_url: str,
              updated: dt.datetime | None = None, page_url: str | None = None,
              digest: Digest | None = None, subtitle: str | None = None,
              limit: int = MAX_ENTRIES) -> str:
    """The Atom document (UTF-8 text with an XML declaration) for the newest `limit`
    papers.

    feed_url: the feed's own absolute URL; it is also the feed's <id>.
    site_url: the site's absolute base URL; entry ids and links are
        site_url + paper.url.
    page_url: the HTML page the feed belongs to (rel="alternate"); defaults to
        site_url, pass the theme page's absolute URL for a theme feed.
    updated: the feed's <updated>; by default the newest paper's date, or EPOCH.
    digest: when given, each entry carries its themes as <category term=slug
        label=theme title>.
    """
    base = site_base(site_url)
    chosen = newest_first(papers)[:limit]
    times = [t for t in map(paper_time, chosen) if t is not None]
    if updated is None:
        updated = max(times, default=EPOCH)
    elif updated.tzinfo is None:
        updated = updated.replace(tzinfo=dt.timezone.utc)
    theme_titles = {t.slug: t.title for t in digest.themes} if digest else {}

    # imported here, when MkDocs writes the feeds: feedgen (with lxml) costs 10 MB,
    # which then does not add to the build's busiest moment (themes and related papers)
    from feedgen.feed import FeedGenerator
    fg = FeedGenerator()
    fg.id(feed_url)
    fg.title(xml_text(title))
    if subtitle:
        fg.subtitle(xml_text(subtitle))
    fg.author({"name": GENERATOR})
    fg.link(href=feed_url, rel="self", type="application/atom+xml")
    fg.link(href=page_url or base, rel="alternate", type="text/html")
    fg.generator(GENERATOR)
    fg.updated(updated)
    for paper in chosen:
        url = absolute_url(base, paper.url)
        entry = fg.add_entry(order="append")
        entry.id(url)
        entry.title(xml_text(paper.title))
        entry.link(href=url, rel="alternate", type="text/html")
        entry.summary(xml_text(paper.abstract))
        when = paper_time(paper)
        entry.updated(when or EPOCH)
        if when is not None:
            entry.published(when)
        for assignment in digest.assignments.get(paper.id, ()) if digest else ():
            entry.category(term=assignment.theme,
                           label=xml_text(theme_titles.get(assignment.theme, assignment.theme)))
    return fg.atom_str(pretty=True, encoding="UTF-8").decode("utf-8")
