"""Dates with honest precision: a small subset of EDTF (ISO 8601-2).

`2015-11-20` (day), `2012-12` (month), `2013` (year); a trailing `~` marks an
approximate date (`2014~`), `?` an uncertain one (`2015?`), `%` both; `A/B` is a range and
`A/..` one still open (still active). Parsing is a regex and a cache,
because the full `edtf` package costs milliseconds a date and we sort 100k of them.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache
from typing import NamedTuple

_POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([~?%])?$")
OPEN = ".."  # EDTF's open end: `2014-06-29/..` began then and has not ended
_OPEN_LATEST = "9999-12-31"

FORMAT_HINT = ("YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ (approximate), ? (uncertain) or % (both), "
               "or a range A/B, or A/.. (still going on)")


class Point(NamedTuple):
    year: int
    month: int  # 0 when the precision is the year
    day: int  # 0 when the precision is the month or the year
    approx: bool
    uncertain: bool = False  # EDTF `?`: the sources are not sure of it (`%` is both)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def earliest(self) -> str:
        return f"{self.year:04d}-{self.month or 1:02d}-{self.day or 1:02d}"

    def latest(self) -> str:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return f"{self.year:04d}-{month:02d}-{day:02d}"

    def text(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def shown(self) -> str:
        """`c. 2014`, `2015 (uncertain)`, `c. 2015 (uncertain)`."""
        out = f"c. {self.text()}" if self.approx else self.text()
        return out + " (uncertain)" if self.uncertain else out

    def short(self) -> str:
        """As `shown`, in EDTF's own marks where columns are few: `c. 2014`, `2015?`."""
        return (f"c. {self.text()}" if self.approx else self.text()) + ("?" if self.uncertain else "")


class FuzzyDate(NamedTuple):
    start: Point
    end: Point | None
    open_end: bool = False  # `A/..`: began at A and still goes on

    @property
    def precision(self) -> str:
        return self.start.precision

    @property
    def approx(self) -> bool:
        return self.start.approx or bool(self.end and self.end.approx)

    @property
    def uncertain(self) -> bool:
        return self.start.uncertain or bool(self.end and self.end.uncertain)

    def earliest(self) -> str:
        return self.start.earliest()

    def latest(self) -> str:
        return _OPEN_LATEST if self.open_end else (self.end or self.start).latest()

    def display(self) -> str:
        if self.open_end:
            return f"from {self.start.shown()}, still active"
        if self.end is None:
            return self.start.shown()
        return f"between {self.start.shown()} and {self.end.shown()}"


class DateError(ValueError):
    """A date string outside the grammar; the message says what was expected."""


def _point(text: str, whole: str) -> Point:
    m = _POINT.match(text)
    if not m:
        raise DateError(f"{whole!r} is not a date")
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    if m[2] and not 1 <= month <= 12:
        raise DateError(f"{whole!r} has month {month:02d}")
    if m[3] and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise DateError(f"{whole!r} has no day {day:02d} in that month")
    return Point(year, month, day, m[4] in ("~", "%"), m[4] in ("?", "%"))


@lru_cache(maxsize=65536)
def parse(text: str) -> FuzzyDate:
    """Parse a date string; raises DateError with a readable message."""
    if not isinstance(text, str):
        raise DateError(f"{text!r} is not a string")
    left, sep, right = text.partition("/")
    start = _point(left, text)
    if not sep:
        return FuzzyDate(start, None)
    if right == OPEN:
        return FuzzyDate(start, None, open_end=True)
    end = _point(right, text)
    if end.latest() < start.earliest():
        raise DateError(f"{text!r} ends before it starts")
    return FuzzyDate(start, end)


def problem(text: object) -> str | None:
    """Why `text` is not a valid date, or None when it is."""
    try:
        parse(text)
    except DateError as exc:
        return str(exc)
    return None


def sort_key(text: str | None) -> tuple[int, int, int]:
    """Order by the earliest moment a date can mean; coarser first on a tie.

    `2015` -> (2015, 0, 0) sorts before `2015-01-01` -> (2015, 1, 1): a year-only
    event heads its year rather than pretending to be 1 January. Undated sorts last.
    """
    if not text:
        return (9999, 99, 99)
    p = parse(text).start
    return (p.year, p.month, p.day)


def order_prefix(text: str) -> str:
    """A date's place in timeline order as text: its start, coarser first (as `sort_key`); on the same
    start a single date comes before a range, which ends later (a statement dated "after the attack,
    2015-11-20/2015-12" follows the attack of 2015-11-20)."""
    return "%04d%02d%02d%d" % (*sort_key(text), "/" in text)


def span(start: str | None, end: str | None) -> str:
    """How long something held, in words: `from 2012-12`, `until 2012-12`, `from 2012-12 until 2014`;
    a bound known only as a range: `until some time between 2013 and 2014`."""
    def bound(text: str) -> str:
        return f"some time {display(text)}" if parse(text).end else display(text)

    parts = ([f"from {bound(start)}"] if start else []) + ([f"until {bound(end)}"] if end else [])
    return " ".join(parts)


def display(text: str | None) -> str:
    return parse(text).display() if text else "undated"


def display_short(text: str | None) -> str:
    """At most 14 columns for list views: a range shows its start and `…` (the dossier has the rest)."""
    if not text:
        return "undated"
    d = parse(text)
    return d.start.short() + ("…" if d.end or d.open_end else "")


@lru_cache(maxsize=65536)
def earliest(text: str) -> str:
    return parse(text).earliest()


@lru_cache(maxsize=65536)
def latest(text: str) -> str:
    return parse(text).latest()


def may_have_begun_by(date: str | None, as_of: str) -> bool:
    """True when something dated `date` could already have happened on day `as_of`.

    Undated things count as always there: we do not hide what we cannot place.
    """
    return date is None or parse(date).earliest() <= parse(as_of).latest()


def ended_before(end: str | None, as_of: str) -> bool:
    """True when something that ended at `end` was surely over by day `as_of` (no end: never)."""
    return end is not None and parse(end).latest() < parse(as_of).earliest()


def overlaps(date: str | None, start: str | None, end: str | None) -> bool:
    """True when `date` may fall within [start, end] (either bound optional)."""
    if date is None:
        return start is None and end is None
    # The cached bounds: a date-range filter at 100k events asks this thousands of times.
    if start and latest(date) < earliest(start):
        return False
    if end and earliest(date) > latest(end):
        return False
    return True
