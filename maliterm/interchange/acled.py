"""Import the CSV that ACLED exports: events, actors, places and sources, idempotently.

An ACLED row becomes an event `acled-<event_id_cnty>` (so a re-import finds it and
changes nothing), its actors (matched by folded name or alias against what the
database holds), its place chain country > admin1 > admin2 > admin3 > location (the
location with ACLED's coordinates), and citations. Nothing is written until the whole
file has been read and checked: bad rows are listed with their line and column and skipped.

Places are matched level by level down the chain, so a place is the same only when its
whole chain is: `Ménaka` the town (in the cercle, in the region, in Mali) is not `Ménaka`
the region, and a second batch finds the places the first one made. At the location
level ACLED's coordinates must also agree within NEARBY_DEGREES; an existing place with
no coordinates takes ACLED's. A new place whose name's slug is taken (or reserved, such
as `meta`) is named after its enclosing place too: `meta-colombia`.

The file may be UTF-8 (with or without a BOM) or one legacy encoding throughout (Latin-1,
Windows-1252...), told apart by `charset-normalizer`; a file that mixes them is refused at
the line of the first bad byte.

`export csv` writes maliterm's own events in this layout too; what ACLED's columns cannot
say travels in the `tags` column, which ACLED itself fills with `key=value` tags:
`maliterm-date=2013` when event_date and time_precision cannot give the date exactly (a
year, a range, an approximate month), and `maliterm-title=...` (always last: a title may
hold `;`) when the title is not the one an import would make. The event_type column
carries our own type (`hostage_taking`) when ACLED gave none; the import maps it back.

Sources: one `dataset` record for ACLED itself, cited with the event id as locator,
plus one record per news outlet named in the `source` column (split on `;`). Per
outlet rather than per file so an analyst can grade an outlet once (A-F) and see every
event that rests on it; per outlet rather than per `source` string because
"Le Monde; Xinhua" is two outlets, not a third one.

The row is the source of every field it gives, so it is cited once, on the event (`MLI1234`,
the outlets beside it as `MLI1234 source`); the actors, the casualty figure and the
classification rest on that citation (`model.cites_of`) instead of each repeating it (which made
a database 5.5x its CSV). One exception: an actor of ACLED's second side keeps a citation whose
locator names its column (`MLI1234 actor2`), which is what lets `export csv` put it back there;
without one, the export places an actor by its role. Actors and places an import creates cite the
row and column they were first read from.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date as Date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maliterm import dates
from maliterm import model as m
from maliterm.errors import MalitermError, Problem
from maliterm.spellings import fold
from maliterm.lists import split_list  # ACLED separates several names or outlets in one cell with `;`
from maliterm.slugs import RESERVED, slugify, unique_slug
from maliterm.store import bulk_load
from maliterm.validate import SLUG

if TYPE_CHECKING:
    from maliterm.store import Store

# The column layout of an ACLED export since March 2023, in ACLED's order.
COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
REQUIRED = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
            "actor1", "country", "location")
# Cells no row may leave empty. An event exported from maliterm may have no actor and no place.
FILLED = ("event_id_cnty", "event_date", "time_precision", "event_type")
ACLED_ID = re.compile(r"[A-Z][A-Z0-9]*")  # MLI1234; anything else that is a slug is a maliterm event's own id

# ACLED event type -> (our event type, role of actor1's side, role of actor2's side).
# ACLED says actor1/actor2 carry no direction, except that in one-sided violence the
# second side is the one attacked.
EVENT_TYPES = {
    "Battles": ("battle", "participant", "participant"),
    "Explosions/Remote violence": ("attack", "perpetrator", "target"),
    "Violence against civilians": ("attack", "perpetrator", "victim"),
    "Protests": ("political", "participant", "responder"),
    "Riots": ("political", "participant", "participant"),
    "Strategic developments": ("other", "participant", "participant"),
}
# Sub-event types our vocabulary names more precisely than the event type does.
SUB_EVENT_TYPES = {
    "Air/drone strike": "airstrike",
    "Abduction/forced disappearance": "kidnapping",
    "Government regains territory": "military_operation",
}
# ACLED's inter codes (actor types, codebook "Actors") -> our actor kinds. Rioters, protesters and
# civilians are no kind we have; external/other forces are foreign or international armed forces
# and private military companies.
INTER_KINDS = {"1": "armed_force", "2": "armed_group", "3": "armed_group", "4": "armed_group",
               "5": "other", "6": "other", "7": "other", "8": "armed_force"}
# Since 2023 exports name the type instead of its code (folded here; a singular also matches).
INTER_LABELS = {"state forces": "1", "rebel groups": "2", "political militias": "3", "identity militias": "4",
                "rioters": "5", "protesters": "6", "civilians": "7", "external other forces": "8"}

CLASSIFICATION = "ACLED classification"  # the fact that keeps disorder / event / sub-event type
DATASET_TITLE = "ACLED: Armed Conflict Location & Event Data"
OUTLET_LOC = "source"  # locator suffix of an outlet's citation
SIDES = (("actor1", "assoc_actor_1", 1), ("actor2", "assoc_actor_2", 2))
# A same-named place in the same enclosing place is the same one only within this many degrees of
# latitude and of longitude (about 1 km): ACLED gives a location the same 4-decimal point every time.
NEARBY_DEGREES = 0.01
OUR_TAGS = "maliterm-"  # prefix of the tags that carry what ACLED's columns cannot


def event_slug(event_id: str) -> str:
    return "acled-" + event_id.lower()


def event_id_of(slug: str) -> str:
    """Back from our slug to ACLED's id (ACLED ids are upper-case letters and digits)."""
    return slug[len("acled-"):].upper() if slug.startswith("acled-") else slug


class BadRow(ValueError):
    """Why a row cannot be imported: the column at fault ("" for the whole row), what is wrong, what was expected."""

    def __init__(self, column: str, what: str, expected: str) -> None:
        super().__init__(what)
        self.column, self.what, self.expected = column, what, expected


def our_tags(cell: str) -> dict[str, str]:
    """The `maliterm-KEY=value` tags of a tags cell (see the module doc), as {KEY: value}."""
    head, sep, title = cell.partition(OUR_TAGS + "title=")
    out = {"title": title.strip()} if sep else {}
    for part in head.split(";"):
        key, eq, value = part.strip().partition("=")
        if eq and key.startswith(OUR_TAGS):
            out[key[len(OUR_TAGS):]] = value.strip()
    return out


def acled_date(day: str, precision: str) -> str:
    """ACLED's day and time_precision -> our date: 1 that day, 2 about that day, 3 that month.

    ACLED codes 2 when only the week or a span of days is known, 3 when only the month is.
    """
    return {"1": day, "2": day + "~", "3": day[:7]}[precision]


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(text: str) -> str | None:
    """`2015-11-20` or `20 November 2015` as an ISO day; None if neither."""
    if _ISO_DAY.fullmatch(text):  # the usual form, read in C: strptime costs 20x more a row
        try:
            return Date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def parse_date(text: str, precision: str, exact: str = "") -> str:
    """Our date for a row; `exact` is a maliterm-date tag, which must start on event_date's day."""
    if precision not in ("1", "2", "3"):
        raise BadRow("time_precision", f"{precision!r} is not a precision", "1 (day), 2 (week) or 3 (month)")
    day = _day(text.strip())
    if day is None:
        raise BadRow("event_date", f"{text!r} is not a date", "YYYY-MM-DD or DD Month YYYY, e.g. 2015-11-20")
    if not exact:
        return acled_date(day, precision)
    try:
        first = dates.parse(exact).earliest()
    except dates.DateError as exc:
        raise BadRow("tags", f"maliterm-date: {exc}", dates.FORMAT_HINT) from None
    if first != day:
        raise BadRow("tags", f"maliterm-date {exact} does not start on event_date {day}", f"a date from {day}")
    return exact


def parse_coords(lat: str, lon: str) -> dict | None:
    if not lat.strip() and not lon.strip():
        return None
    point = {}
    for column, text, top in (("latitude", lat, 90), ("longitude", lon, 180)):
        try:
            point[column[:3]] = value = float(text)
        except ValueError:
            raise BadRow(column, f"{text!r} is not a number", "decimal degrees, e.g. 12.6392") from None
        if not (math.isfinite(value) and -top <= value <= top):
            raise BadRow(column, f"{text} is out of range", f"-{top} to {top}")
    return point


def parse_count(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise BadRow("fatalities", f"{text!r} is not a number", "a whole number, 0 or more")
    return int(text)


def actor_kind(inter: str) -> str:
    """ACLED's actor type, as a code (`2`) or a label (`Rebel groups`), -> our kind."""
    key = fold(inter)
    code = key if key in INTER_KINDS else INTER_LABELS.get(key) or INTER_LABELS.get(key + "s", "")
    return INTER_KINDS.get(code, "other")


def default_title(kind: str, location: str) -> str:
    """The title an import gives an event: `Armed clash in Boni`."""
    return f"{kind} in {location}" if location else kind


def _near(a: dict, b: dict) -> bool:
    return abs(a["lat"] - b["lat"]) <= NEARBY_DEGREES and abs(a["lon"] - b["lon"]) <= NEARBY_DEGREES


@dataclass
class Plan:
    """What an import would do: the records to add and the tally a person reads."""

    path: Path
    rows: int = 0
    records: list[tuple[str, dict]] = field(default_factory=list)
    added: Counter = field(default_factory=Counter)  # table -> new records
    matched: Counter = field(default_factory=Counter)  # table -> existing records reused
    located: int = 0  # existing places that take ACLED's coordinates
    skipped: list[Problem] = field(default_factory=list)  # one per bad row

    def lines(self, applied: bool) -> list[str]:
        verb = "added" if applied else "would add"
        out = [f"{self.path}: {self.rows} rows"]
        for table in ("events", "actors", "places", "sources"):
            out.append(f"  {table:<8} {verb} {self.added[table]}, matched existing {self.matched[table]}")
        out.append(f"  places {'given' if applied else 'would get'} coordinates {self.located}")
        out.append(f"  rows skipped {len(self.skipped)}")
        if not applied and self.records:
            out.append("Dry run: nothing written. Add --apply to write.")
        return out

    def summary(self) -> str:
        """The one change-log line for the whole import."""
        text = f"import of {self.path.name}: " + ", ".join(
            f"{self.added[t]} {t}" for t in ("events", "actors", "places", "sources")) + " added"
        return text + (f", {self.located} places given coordinates" if self.located else "")


class Importer:
    """Turns rows into records, reusing what the store (and earlier rows) already hold."""

    def __init__(self, store: Store, path: Path) -> None:
        self.store = store
        self.plan = Plan(path)
        self.taken = set(store.table_of) | RESERVED
        self.new: dict[str, dict] = {}  # id -> record added by this import
        self.located: dict[str, dict] = {}  # id -> an existing place with ACLED's coordinates added
        self.reused: set[str] = set()  # existing records this import refers to
        self.actor_by_name: dict[str, str] = {}  # folded name -> actor slug
        self.places_at: dict[tuple, list[str]] = {}  # (country?, enclosing id, folded name) -> place ids
        self.source_by_title: dict[str, str] = {}
        self.seen_events: dict[str, int] = {}  # event_id_cnty -> line

    # ---- lookups that create on miss ----------------------------------------------

    def _add(self, table: str, record: dict) -> str:
        self.taken.add(record["id"])
        self.new[record["id"]] = record
        self.plan.records.append((table, record))
        self.plan.added[table] += 1
        return record["id"]

    def _reuse(self, table: str, rid: str) -> str:
        if rid not in self.new and rid not in self.reused:
            self.reused.add(rid)
            self.plan.matched[table] += 1
        return rid

    def _record(self, rid: str) -> dict:
        return self.new.get(rid) or self.located.get(rid) or self.store.get(rid)

    def _existing(self, table: str, name: str, accept: Callable[[dict], bool] = lambda r: True) -> list[str]:
        """Ids of the store's records of `table` with this name or alias that `accept` takes, by id."""
        return sorted(rid for rid in self.store.by_name.get(fold(name), ())
                      if self.store.table_of.get(rid) == table and accept(self.store.get(rid)))

    def source(self, title: str, make: Callable[[str], dict], short: str = "") -> str:
        """The source called `title` (found by title), else a new one named after `short` or the title."""
        key = fold(title)
        if key not in self.source_by_title:
            found = self._existing("sources", title)
            self.source_by_title[key] = (self._reuse("sources", found[0]) if found else
                                         self._add("sources", make(unique_slug(short or title, self.taken, "src-"))))
        return self.source_by_title[key]

    def dataset(self) -> str:
        # `src-acled`: every imported event cites it, so its id is kept short (a database of 100k rows
        # holds it 200k times).
        return self.source(DATASET_TITLE, short="ACLED", make=lambda slug: {
            "id": slug, "title": DATASET_TITLE, "kind": "dataset", "publisher": "ACLED",
            "url": "https://acleddata.com",
            "notes": "Locators are ACLED event ids (event_id_cnty), then the column cited.",
        })

    def outlet(self, name: str) -> str:
        return self.source(name, lambda slug: {
            "id": slug, "title": name, "kind": "other",
            "notes": "A news outlet ACLED names as a source of its events; cited through ACLED, "
                     "the reports themselves not read. Locators are ACLED event ids.",
        })

    def actor(self, name: str, inter: str, cite: Callable[[str], dict], column: str) -> str:
        """The actor called `name`; a new one cites `cite(column)` (made only then: most rows reuse)."""
        key = fold(name)
        if key not in self.actor_by_name:
            found = self._existing("actors", name)
            self.actor_by_name[key] = self._reuse("actors", found[0]) if found else self._add("actors", {
                "id": unique_slug(name, self.taken), "name": name, "kind": actor_kind(inter), "cite": [cite(column)],
            })
        return self.actor_by_name[key]

    def place(self, name: str, kind: str, within: str | None, country: str | None,
              coords: dict | None, cite: Callable[[str], dict], column: str) -> str:
        """The place called `name` directly inside `within` (a country: anywhere), near `coords` if given;
        a new one cites `cite(column)`."""
        key = (kind == "country", None if kind == "country" else within, fold(name))
        if key not in self.places_at:
            self.places_at[key] = self._existing("places", name, lambda r: r.get("kind") == "country"
                                                 if kind == "country" else r.get("within") == within)
        found = self.places_at[key]
        if coords is None:
            near = found[:1]
        else:
            near = ([p for p in found if self._record(p).get("coords") and _near(self._record(p)["coords"], coords)]
                    or [p for p in found if not self._record(p).get("coords")])[:1]
        if near:
            rid = near[0]
            if coords and not self._record(rid).get("coords"):
                self._locate(rid, coords)
            return self._reuse("places", rid)
        rec: dict[str, Any] = {"id": self._place_slug(name, within), "name": name, "kind": kind, "cite": [cite(column)]}
        if within:
            rec["within"] = within
        if country:
            rec["country"] = country
        if coords:
            rec["coords"] = coords
        found.append(self._add("places", rec))
        return rec["id"]

    def _place_slug(self, name: str, within: str | None) -> str:
        """The name's slug; if taken or reserved, followed by the enclosing place's id (`meta-colombia`)."""
        base = slugify(name)
        if base not in self.taken or not within:
            return unique_slug(name, self.taken)
        return unique_slug(f"{base} {within}", self.taken)

    def _locate(self, rid: str, coords: dict) -> None:
        """An existing place without coordinates takes ACLED's (one of ours just gets them)."""
        if rid in self.new:
            self.new[rid]["coords"] = coords
            return
        rec = {**self.store.get(rid), "coords": coords}
        self.located[rid] = rec
        self.plan.records.append(("places", rec))
        self.plan.located += 1

    # ---- one row ---------------------------------------------------------------------

    def check(self, row: dict[str, str]) -> tuple[str, str, dict | None, int | None]:
        """Everything that can be wrong with a row, found before any record is made: (id, date, coords, killed)."""
        for col in FILLED:
            if not row.get(col, "").strip():
                raise BadRow(col, "is empty", f"a value in every row's {col}")
        eid = row["event_id_cnty"].strip()
        slug = event_slug(eid) if ACLED_ID.fullmatch(eid) else eid
        if not SLUG.match(slug):
            raise BadRow("event_id_cnty", f"{eid!r} is not an event id",
                         "an ACLED id such as MLI1234, or the slug of an event exported by maliterm")
        if eid in self.seen_events:
            raise BadRow("event_id_cnty", f"{eid} repeats line {self.seen_events[eid]}", "each event once")
        etype = row["event_type"].strip()
        if etype not in EVENT_TYPES and etype not in m.EVENT_TYPES:
            raise BadRow("event_type", f"{etype!r} is not an event type",
                         "one of ACLED's " + ", ".join(EVENT_TYPES) + " or maliterm's " + ", ".join(m.EVENT_TYPES))
        if etype in EVENT_TYPES and not row.get("sub_event_type", "").strip():
            raise BadRow("sub_event_type", "is empty", f"ACLED's sub-event type of {etype}")
        date = parse_date(row["event_date"], row["time_precision"].strip(), our_tags(row.get("tags", "")).get("date", ""))
        year = row.get("year", "").strip()
        if year and year != date[:4]:
            raise BadRow("year", f"{year} differs from event_date {row['event_date']}", "the event_date's year")
        if slug in RESERVED or (slug in self.store.table_of and self.store.table_of[slug] != "events"):
            raise BadRow("event_id_cnty", f"its id {slug} is taken by {self.store.table_of.get(slug, 'maliterm')}",
                         "a free id")
        return slug, date, parse_coords(row.get("latitude", ""), row.get("longitude", "")), \
            parse_count(row.get("fatalities", ""))

    def where(self, row: dict[str, str], coords: dict | None, cite: Callable[[str], dict]) -> str | None:
        """The event's place: the location inside its admin chain, or the deepest level the row names."""
        country = place = None
        if row.get("country", "").strip():
            country = place = self.place(row["country"].strip(), "country", None, None, None, cite, "country")
        for col in ("admin1", "admin2", "admin3"):
            if row.get(col, "").strip():
                place = self.place(row[col].strip(), col, place, country, None, cite, col)  # kinds admin1..3
        location = row.get("location", "").strip()
        if location and not (place == country and country and fold(location) == fold(row["country"])):
            place = self.place(location, "other", place, country, coords, cite, "location")
        return place

    def row(self, row: dict[str, str], line: int) -> None:
        try:
            slug, date, coords, killed = self.check(row)
        except BadRow as bad:
            self.plan.skipped.append(Problem(f"{self.plan.path}:{line}", bad.column, bad.what, bad.expected))
            return
        eid = row["event_id_cnty"].strip()
        self.seen_events[eid] = line
        if slug in self.store.table_of:
            self.plan.matched["events"] += 1
            return
        data = self.dataset()

        def cite(column: str = "") -> dict:
            return {"source": data, "loc": f"{eid} {column}".strip()}

        place = self.where(row, coords, cite)
        etype, sub = row["event_type"].strip(), row.get("sub_event_type", "").strip()
        ours, *roles = EVENT_TYPES.get(etype, (etype, "participant", "participant"))
        actors = []
        for (main, assoc, side), role in zip(SIDES, roles):
            inter = row.get(f"inter{side}", "")
            for column, names in ((main, [row.get(main, "").strip()]), (assoc, split_list(row.get(assoc, "")))):
                for name in filter(None, names):
                    who = self.actor(name, inter, cite, column)
                    # Side 1 comes first and its roles are the export's default; side 2 says its column.
                    actors.append({"actor": who, "role": role, "cite": [cite(column)]} if side == 2 else
                                  {"actor": who, "role": role})
        outlets = [{"source": self.outlet(o), "loc": f"{eid} {OUTLET_LOC}"} for o in split_list(row.get("source", ""))]
        title = our_tags(row.get("tags", "")).get("title") or default_title(sub or etype, row.get("location", "").strip())
        event = {"id": slug, "date": date, "title": title, "type": SUB_EVENT_TYPES.get(sub, ours),
                 "cite": [cite(), *outlets]}
        if place:
            event["place"] = place
        if etype in EVENT_TYPES:
            disorder = row.get("disorder_type", "").strip()
            event["facts"] = [{"about": CLASSIFICATION, "claims": [{
                "text": " / ".join((disorder, etype, sub)), "value": sub}]}]
        if actors:
            event["actors"] = actors
        if row.get("notes", "").strip():
            event["summary"] = row["notes"].strip()
        if killed is not None:
            # ACLED codes the most conservative figure its sources report.
            event["casualties"] = [{"kind": "killed", "count": killed, "qualifier": "at_least", "counted_by": "ACLED"}]
        self._add("events", event)


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode(raw: bytes, path: Path) -> str:
    """The file's text: UTF-8 (a BOM is dropped), else the one legacy encoding charset-normalizer finds.

    A file holding any well-formed UTF-8 sequence is taken to be UTF-8, so a stray bad byte in it
    is refused at its line rather than turning every accent of the file into mojibake.
    """
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    if body is raw and not _UTF8_SEQUENCE.search(raw):
        from charset_normalizer import from_bytes

        matches = list(from_bytes(raw))
        if matches:
            # A few accents in a CSV fit several code pages equally well (measured: Latin-1 "Ségou"
            # ties cp775, cp1250, cp1252); among the least chaotic, take Windows-1252, what Excel
            # writes in Western locales and a superset of Latin-1's letters.
            least = [x for x in matches if x.chaos == min(y.chaos for y in matches)]
            return str(next((x for x in least if x.encoding == "cp1252"), least[0]))
    line = body.count(b"\n", 0, bad) + 1
    raise MalitermError(f"cannot read {path}", [Problem(
        f"{path}:{line}", "", f"byte 0x{body[bad]:02x} is not UTF-8, and the file is not in any one other encoding",
        "UTF-8 text, or one encoding such as Latin-1 throughout")])


def read_rows(path: Path) -> Iterable[tuple[int, dict[str, str] | BadRow]]:
    """(first line of the record, the row as a dict or why it cannot be one)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MalitermError(f"cannot read {path}", [Problem(str(path), "", f"cannot be read: {exc.strerror}",
                                                            "a readable ACLED CSV file")]) from None
    from maliterm.interchange.csv_export import uncell  # (csv_export imports this module)

    with io.StringIO(decode(raw, path), newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            header = []
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise MalitermError(f"{path} is not an ACLED export", [Problem(
                f"{path}:1", "", f"the header lacks {', '.join(missing)}", "ACLED's columns: " + ", ".join(COLUMNS))])
        start = reader.line_num + 1
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    if len(cells) != len(header):
                        yield start, BadRow("", f"has {len(cells)} fields", f"{len(header)}, one per header column")
                    else:
                        # Only a cell starting with `'` can need uncell: most rows have none.
                        yield start, dict(zip(header, map(uncell, cells) if "'" in "".join(cells) else cells))
                start = reader.line_num + 1
        except csv.Error as exc:
            raise MalitermError(f"cannot read {path}", [Problem(f"{path}:{start}", "", f"is not valid CSV: {exc}",
                                                                "comma-separated values")]) from None


def plan_import(store: Store, path: Path, progress: Callable[[int, int], None] | None = None) -> Plan:
    """Read and check the whole file; nothing is written. `progress(done, total)` after each row.

    With the cyclic GC off, as a load is (`bulk_load`): the rows make millions of dicts that form no
    cycles, and the collector rescanning them as they pile up made a 100k-row plan 20x a 10k one."""
    with bulk_load():
        rows = list(read_rows(path))
        importer = Importer(store, path)
        for i, (line, row) in enumerate(rows, 1):
            importer.plan.rows += 1
            if isinstance(row, BadRow):
                importer.plan.skipped.append(Problem(f"{path}:{line}", row.column, row.what, row.expected))
            else:
                importer.row(row, line)
            if progress:
                progress(i, len(rows))
    return importer.plan


def apply(store: Store, plan: Plan) -> None:
    """Write every planned record as one edit: one validation, one save, one undo step, one log entry."""
    # The plan's records were made for this write alone: handed over, not copied. The GC stays off
    # while the writer checks, saves and indexes them (see `plan_import`).
    with bulk_load():
        store.write_many(((table, rec["id"], rec) for table, rec in plan.records), summary=plan.summary(),
                         handover=True)


def event_date_column(date: str) -> tuple[str, str]:
    """Our date -> ACLED's (event_date, time_precision); the inverse of `parse_date`."""
    d = dates.parse(date)
    precision = {"day": "2" if d.approx else "1", "month": "3", "year": "3"}[d.precision]
    return d.start.earliest(), precision
