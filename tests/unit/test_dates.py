"""Dates keep their honest precision: parsing, display, ordering, and readable errors."""

from __future__ import annotations

import calendar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maliterm import dates
from maliterm.dates import DateError


@pytest.mark.parametrize(("text", "precision", "approx"), [
    ("2015-11-20", "day", False),
    ("2012-12", "month", False),
    ("2013", "year", False),
    ("2014~", "year", True),
    ("2015-06~", "month", True),
    ("2013-02/2013-03", "month", False),
    ("2012/2013~", "year", True),
])
def test_precision(text, precision, approx):
    d = dates.parse(text)
    assert d.precision == precision
    assert d.approx is approx


@pytest.mark.parametrize(("text", "shown"), [
    ("2015-11-20", "2015-11-20"),
    ("2015-06", "2015-06"),
    ("2013", "2013"),
    ("2014~", "c. 2014"),
    ("2013-02/2013-03", "between 2013-02 and 2013-03"),
    ("2012~/2013", "between c. 2012 and 2013"),
    (None, "undated"),
])
def test_display(text, shown):
    assert dates.display(text) == shown


@pytest.mark.parametrize(("text", "earliest", "latest"), [
    ("2015", "2015-01-01", "2015-12-31"),
    ("2016-02", "2016-02-01", "2016-02-29"),
    ("2015-02", "2015-02-01", "2015-02-28"),
    ("2015-11-20", "2015-11-20", "2015-11-20"),
    ("2013-02/2013-03", "2013-02-01", "2013-03-31"),
])
def test_earliest_and_latest(text, earliest, latest):
    assert (dates.earliest(text), dates.latest(text)) == (earliest, latest)


def test_year_sorts_at_the_head_of_its_year():
    shuffled = ["2015-11-20", "2015-01", "2016", "2014-12-31", "2015", "2015-01-01", None]
    assert sorted(shuffled, key=dates.sort_key) == [
        "2014-12-31", "2015", "2015-01", "2015-01-01", "2015-11-20", "2016", None,
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("20/11/2015", "'20/11/2015' is not a date"),
    ("2015-11-20T10:00", "'2015-11-20T10:00' is not a date"),
    ("Nov 2015", "'Nov 2015' is not a date"),
    ("2015-13", "'2015-13' has month 13"),
    ("2015-02-30", "'2015-02-30' has no day 30 in that month"),
    ("2015-02-29", "'2015-02-29' has no day 29 in that month"),
    ("2016/2015", "'2016/2015' ends before it starts"),
    ("", "'' is not a date"),
    (2015, "2015 is not a string"),
])
def test_bad_dates_say_why(text, message):
    with pytest.raises(DateError) as caught:
        dates.parse(text)
    assert str(caught.value) == message
    assert dates.problem(text) == message


def test_leap_day_is_a_date():
    assert dates.problem("2016-02-29") is None


@pytest.mark.parametrize(("date", "start", "end", "inside"), [
    ("2015", "2015-11-01", "2015-11-30", True),  # a year-only event may fall in November
    ("2015-11-20", "2015-11-21", None, False),
    ("2015-11-20", None, "2015-11", True),
    ("2013/2014", "2014-06", "2014-07", True),
    ("2012-12", "2013", None, False),
    (None, "2013", None, False),
])
def test_overlaps(date, start, end, inside):
    assert dates.overlaps(date, start, end) is inside


@pytest.mark.parametrize(("date", "as_of", "begun"), [
    ("2013/2014", "2013-01-01", True),
    ("2013/2014", "2012-12-31", False),
    ("2012-12", "2012-12-01", True),
    ("2015", "2014-12", False),
    (None, "1900", True),  # undated: we do not hide what we cannot place
])
def test_may_have_begun_by(date, as_of, begun):
    assert dates.may_have_begun_by(date, as_of) is begun


# ---- properties over generated dates -------------------------------------------------------


@st.composite
def points(draw):
    """(text, year, month, day, approx) for a valid single date of any precision."""
    year = draw(st.integers(1, 9999))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    month = draw(st.integers(1, 12)) if precision != "year" else 0
    day = draw(st.integers(1, calendar.monthrange(year, month)[1])) if precision == "day" else 0
    approx = draw(st.booleans())
    text = "-".join([f"{year:04d}", *([f"{month:02d}"] if month else []), *([f"{day:02d}"] if day else [])])
    return text + ("~" if approx else ""), year, month, day, approx


@st.composite
def date_texts(draw):
    """Any valid date string: a point, or a range whose end does not precede its start."""
    start = draw(points())[0]
    if not draw(st.booleans()):
        return start
    end = draw(points().filter(lambda p: dates.latest(p[0]) >= dates.earliest(start)))[0]
    return f"{start}/{end}"


@given(points())
def test_parse_gives_back_what_was_written(point):
    text, year, month, day, approx = point
    d = dates.parse(text)
    assert (d.start.year, d.start.month, d.start.day, d.start.approx, d.end) == (year, month, day, approx, None)
    bare = text.rstrip("~")
    assert d.display() == (f"c. {bare}" if approx else bare)
    # What is displayed for an exact date can be typed back in and means the same.
    if not approx:
        assert dates.parse(d.display()) == d


@given(date_texts())
def test_range_display_round_trips_each_side(text):
    d = dates.parse(text)
    sides = d.display().removeprefix("between ").split(" and ")
    assert [dates.parse(s.removeprefix("c. ")).start[:3] for s in sides] == [
        p[:3] for p in (d.start, d.end) if p is not None
    ]


@given(date_texts(), date_texts())
def test_sort_key_agrees_with_earliest(a, b):
    if dates.earliest(a) < dates.earliest(b):
        assert dates.sort_key(a) < dates.sort_key(b)
    if dates.sort_key(a) < dates.sort_key(b):
        assert dates.earliest(a) <= dates.earliest(b)
    assert dates.earliest(a) <= dates.latest(a)
