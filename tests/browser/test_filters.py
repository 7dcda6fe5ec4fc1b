"""The filter form on a theme page, against its contract with the templates:

- items are `li.pd-item` with data-year, data-upvotes, data-code="yes|no", data-date;
- `form.pd-filters` is rendered `hidden` and shown by the site's script;
- the form has input[name=q] (text, case-insensitive), select[name=year],
  input[name=code] (checkbox: only papers with code) and select[name=sort]
  (date: newest first, undated last; upvotes: most upvoted first);
- filtering hides the items that do not match (the `hidden` attribute or display: none),
  sorting reorders the items.

The expectations are computed from each item's data attributes, so the test holds
for any content; the fixture tests/data/hostile_browser/zz_upvoted_ssm.txt makes
sure the page has upvotes, years and code links to tell apart.
"""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

THEME_PAGE = "themes/mamba-ssm/"
ITEMS_JS = """() => [...document.querySelectorAll('li.pd-item')].map(li => ({
    key: li.querySelector('a.pd-item__title').getAttribute('href'),
    title: li.querySelector('a.pd-item__title').textContent,
    text: li.textContent,
    year: li.dataset.year, date: li.dataset.date, code: li.dataset.code,
    upvotes: Number(li.dataset.upvotes),
    visible: li.checkVisibility(),
}))"""


def items(page) -> list[dict]:
    return page.evaluate(ITEMS_JS)


def visible_keys(page) -> set[str]:
    return {i["key"] for i in items(page) if i["visible"]}


def settle(page, check, timeout: float = 5.0):
    """Poll until check(items) is true (the script may filter on a debounce); return
    the last items either way so the assertion can show them."""
    deadline = time.monotonic() + timeout
    while True:
        current = items(page)
        if check(current) or time.monotonic() > deadline:
            return current
        page.wait_for_timeout(100)


@pytest.fixture
def theme_page(visit):
    page = visit(THEME_PAGE)
    form = page.locator("form.pd-filters")
    expect(form, "the filter form is still hidden: no script shows it").to_be_visible(timeout=5_000)
    everything = items(page)
    assert len(everything) >= 3, everything
    assert all(i["visible"] for i in everything), "items hidden before any filter is set"
    return page, form, everything


def test_year_filter(theme_page):
    page, form, everything = theme_page
    years = [v for v in form.locator("select[name=year] option").evaluate_all(
        "os => os.map(o => o.value)") if v]
    assert len(years) >= 2, f"the year select offers {years}"
    page_years = {i["year"] for i in everything if i["year"]}
    assert set(years) == page_years, f"options {years} but items are from {sorted(page_years)}"

    for year in years:
        expected = {i["key"] for i in everything if i["year"] == year}
        form.locator("select[name=year]").select_option(year)
        now = settle(page, lambda its: {i["key"] for i in its if i["visible"]} == expected)
        shown = {i["key"] for i in now if i["visible"]}
        assert shown == expected, (
            f"year {year}: shown {len(shown)}, expected {len(expected)}; "
            f"wrongly shown {sorted(shown - expected)}, wrongly hidden {sorted(expected - shown)}")

    form.locator("select[name=year]").select_option("")
    now = settle(page, lambda its: all(i["visible"] for i in its))
    assert all(i["visible"] for i in now), "'All years' does not show every item again"


def test_code_filter(theme_page):
    page, form, everything = theme_page
    expected = {i["key"] for i in everything if i["code"] == "yes"}
    assert 0 < len(expected) < len(everything), "the page needs items with and without code"
    form.locator("input[name=code]").check()
    now = settle(page, lambda its: {i["key"] for i in its if i["visible"]} == expected)
    shown = {i["key"] for i in now if i["visible"]}
    assert shown == expected, (f"wrongly shown {sorted(shown - expected)}, "
                               f"wrongly hidden {sorted(expected - shown)}")

    form.locator("input[name=code]").uncheck()
    now = settle(page, lambda its: all(i["visible"] for i in its))
    assert all(i["visible"] for i in now), "unchecking 'Has code' does not show every item again"


def distinctive_word(everything) -> str:
    """A word from a title that fewer than half of the items mention anywhere."""
    for item in everything:
        for word in re.findall(r"[A-Za-z]{6,}", item["title"]):
            mentions = sum(word.lower() in i["text"].lower() for i in everything)
            if mentions < len(everything) / 2:
                return word
    raise AssertionError("no distinctive title word on the page")


def test_text_filter(theme_page):
    page, form, everything = theme_page
    word = distinctive_word(everything)
    query = word.lower()  # the filter ignores case
    in_title = {i["key"] for i in everything if query in i["title"].lower()}
    in_text = {i["key"] for i in everything if query in i["text"].lower()}
    form.locator("input[name=q]").fill(query)

    def done(its):
        shown = {i["key"] for i in its if i["visible"]}
        return in_title <= shown <= in_text
    now = settle(page, done)
    shown = {i["key"] for i in now if i["visible"]}
    assert in_title <= shown, f"{query!r}: hidden although in the title: {sorted(in_title - shown)}"
    assert shown <= in_text, f"{query!r}: shown although not in the item: {sorted(shown - in_text)}"
    assert len(shown) < len(everything)

    form.locator("input[name=q]").fill("")
    now = settle(page, lambda its: all(i["visible"] for i in its))
    assert all(i["visible"] for i in now), "clearing the text does not show every item again"


def test_filters_combine(theme_page):
    page, form, everything = theme_page
    year = next(i["year"] for i in everything if i["code"] == "yes" and i["year"])
    expected = {i["key"] for i in everything if i["code"] == "yes" and i["year"] == year}
    form.locator("select[name=year]").select_option(year)
    form.locator("input[name=code]").check()
    now = settle(page, lambda its: {i["key"] for i in its if i["visible"]} == expected)
    assert {i["key"] for i in now if i["visible"]} == expected


def descending(values) -> bool:
    return all(a >= b for a, b in zip(values, values[1:]))


def test_sort_by_upvotes_and_back_to_date(theme_page):
    page, form, everything = theme_page
    votes = [i["upvotes"] for i in everything]
    assert not descending(votes), "the page is already in upvote order; nothing to test"

    form.locator("select[name=sort]").select_option("upvotes")
    now = settle(page, lambda its: descending([i["upvotes"] for i in its]))
    assert descending([i["upvotes"] for i in now]), \
        f"not most upvoted first: {[(i['upvotes'], i['key']) for i in now][:12]}"
    assert {i["key"] for i in now} == {i["key"] for i in everything}, "sorting lost items"
    assert all(i["visible"] for i in now), "sorting hid items"

    def by_date(its):
        dates = [i["date"] for i in its]
        dated = [d for d in dates if d]
        return descending(dated) and dates == dated + [""] * (len(dates) - len(dated))

    form.locator("select[name=sort]").select_option("date")
    now = settle(page, by_date)
    assert by_date(now), f"not newest first: {[i['date'] for i in now]}"


def test_sort_keeps_filters(theme_page):
    page, form, everything = theme_page
    expected = {i["key"] for i in everything if i["code"] == "yes"}
    form.locator("input[name=code]").check()
    form.locator("select[name=sort]").select_option("upvotes")
    now = settle(page, lambda its: {i["key"] for i in its if i["visible"]} == expected
                 and descending([i["upvotes"] for i in its if i["visible"]]))
    assert {i["key"] for i in now if i["visible"]} == expected
    assert descending([i["upvotes"] for i in now if i["visible"]])
