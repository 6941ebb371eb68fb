"""Import the CSV that ACLED exports: events, actors, places and sources, idempotently.

An ACLED row becomes an event `acled-<event_id_cnty>` (so a re-import finds it and
changes nothing), its actors (matched by folded name or alias against what the
database holds), its place chain country > admin1 > admin2 > admin3 > location (the
location with ACLED's coordinates), and citations. Nothing is written until the whole
file has been read and checked: bad rows are listed with their line and skipped.

Sources: one `dataset` record for ACLED itself, cited with the event id as locator,
plus one record per news outlet named in the `source` column (split on `;`). Per
outlet rather than per file so an analyst can grade an outlet once (A-F) and see every
event that rests on it; per outlet rather than per `source` string because
"Le Monde; Xinhua" is two outlets, not a third one.

Locators say which ACLED column a citation stands on (`MLI1234 actor2`), which is
also what lets `export csv` put each actor back in its column.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from maliterm import dates
from maliterm.errors import MalitermError, Problem
from maliterm.folding import fold
from maliterm.interchange.slugs import unique_slug

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
# ACLED's inter codes (actor types) -> our actor kinds.
INTER_KINDS = {"1": "armed_force", "2": "armed_group", "3": "armed_group", "4": "armed_group"}

CLASSIFICATION = "ACLED classification"  # the fact that keeps disorder / event / sub-event type
DATASET_TITLE = "ACLED: Armed Conflict Location & Event Data"
OUTLET_LOC = "source"  # locator suffix of an outlet's citation
SIDES = (("actor1", "assoc_actor_1", 1), ("actor2", "assoc_actor_2", 2))
NEARBY_DEGREES = 0.5  # a same-named place farther than this from ACLED's point is another place


def event_slug(event_id: str) -> str:
    return "acled-" + event_id.lower()


def event_id_of(slug: str) -> str:
    """Back from our slug to ACLED's id (ACLED ids are upper-case letters and digits)."""
    return slug[len("acled-"):].upper() if slug.startswith("acled-") else slug


def split_list(text: str) -> list[str]:
    """ACLED separates several names or outlets in one cell with `;`."""
    return [part.strip() for part in text.split(";") if part.strip()]


class BadRow(ValueError):
    def __init__(self, what: str, expected: str) -> None:
        super().__init__(what)
        self.what, self.expected = what, expected


def parse_date(text: str, precision: str) -> str:
    """ACLED's date and time_precision -> our date: 1 that day, 2 about that day, 3 that month.

    ACLED codes 2 when only the week or a span of days is known, 3 when only the month is.
    """
    if precision not in ("1", "2", "3"):
        raise BadRow(f"time_precision is {precision!r}", "1, 2 or 3")
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            day = datetime.strptime(text.strip(), fmt).date()
            break
        except ValueError:
            continue
    else:
        raise BadRow(f"event_date {text!r} is not a date", "YYYY-MM-DD or DD Month YYYY, e.g. 2015-11-20")
    return {"1": day.isoformat(), "2": day.isoformat() + "~", "3": day.isoformat()[:7]}[precision]


def parse_coords(lat: str, lon: str) -> dict | None:
    if not lat.strip() and not lon.strip():
        return None
    try:
        point = {"lat": float(lat), "lon": float(lon)}
    except ValueError:
        raise BadRow(f"latitude/longitude {lat!r}, {lon!r} are not numbers", "decimal degrees, e.g. 12.6392") from None
    if not (math.isfinite(point["lat"]) and math.isfinite(point["lon"])
            and -90 <= point["lat"] <= 90 and -180 <= point["lon"] <= 180):
        raise BadRow(f"latitude/longitude {lat}, {lon} are out of range", "lat -90..90, lon -180..180")
    return point


def parse_count(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise BadRow(f"fatalities is {text!r}", "a whole number, 0 or more")
    return int(text)


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
    skipped: list[Problem] = field(default_factory=list)  # one per bad row

    def lines(self, applied: bool) -> list[str]:
        verb = "added" if applied else "would add"
        out = [f"{self.path}: {self.rows} rows"]
        for table in ("events", "actors", "places", "sources"):
            out.append(f"  {table:<8} {verb} {self.added[table]}, matched existing {self.matched[table]}")
        out.append(f"  rows skipped {len(self.skipped)}")
        if not applied and self.records:
            out.append("Dry run: nothing written. Add --apply to write.")
        return out


class Importer:
    """Turns rows into records, reusing what the store (and earlier rows) already hold."""

    def __init__(self, store, path: Path) -> None:
        self.store = store
        self.plan = Plan(path)
        self.taken = set(store.table_of)
        self.new: dict[str, dict] = {}  # slug -> record added by this import
        self.actor_by_name: dict[str, str] = {}  # folded name -> actor slug
        self.place_by_key: dict[tuple, str] = {}
        self.source_by_title: dict[str, str] = {}
        self.seen_events: dict[str, int] = {}  # event_id_cnty -> line

    # ---- lookups that create on miss ----------------------------------------------

    def _add(self, table: str, record: dict) -> str:
        self.taken.add(record["id"])
        self.new[record["id"]] = record
        self.plan.records.append((table, record))
        self.plan.added[table] += 1
        return record["id"]

    def _existing(self, table: str, name: str, accept: Callable[[dict], bool] = lambda r: True) -> str | None:
        for rid in self.store.by_name.get(fold(name), ()):
            if self.store.table_of.get(rid) == table and accept(self.store.get(rid)):
                self.plan.matched[table] += 1
                return rid
        return None

    def source(self, title: str, make: Callable[[str], dict]) -> str:
        key = fold(title)
        if key not in self.source_by_title:
            found = self._existing("sources", title)
            self.source_by_title[key] = found or self._add("sources", make(unique_slug(title, self.taken, "src-")))
        return self.source_by_title[key]

    def dataset(self) -> str:
        return self.source(DATASET_TITLE, lambda slug: {
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

    def actor(self, name: str, inter: str, cite: dict) -> str:
        key = fold(name)
        if key not in self.actor_by_name:
            found = self._existing("actors", name)
            self.actor_by_name[key] = found or self._add("actors", {
                "id": unique_slug(name, self.taken), "name": name,
                "kind": INTER_KINDS.get(inter.strip(), "other"), "cite": [cite],
            })
        return self.actor_by_name[key]

    def place(self, name: str, kind: str, within: str | None, country: str | None,
              coords: dict | None, cite: dict) -> str:
        key = (within, fold(name))
        if key not in self.place_by_key:
            def same(rec: dict) -> bool:
                return _near(rec["coords"], coords) if coords and rec.get("coords") else True

            found = self._existing("places", name, same)
            if found is None:
                rec = {"id": unique_slug(name, self.taken), "name": name, "kind": kind, "cite": [cite]}
                if within:
                    rec["within"] = within
                if country:
                    rec["country"] = country
                if coords:
                    rec["coords"] = coords
                found = self._add("places", rec)
            self.place_by_key[key] = found
        return self.place_by_key[key]

    # ---- one row ---------------------------------------------------------------------

    def check(self, row: dict[str, str]) -> tuple[str, str, dict | None, int | None]:
        """Everything that can be wrong with a row, found before any record is made."""
        for col in REQUIRED:
            if not row.get(col, "").strip():
                raise BadRow(f"{col} is empty", f"a value in every row's {col}")
        eid = row["event_id_cnty"].strip()
        if not eid.isalnum() or not eid.isascii():
            raise BadRow(f"event_id_cnty {eid!r} is not an ACLED event id", "letters and digits, e.g. MLI1234")
        if eid in self.seen_events:
            raise BadRow(f"event_id_cnty {eid} repeats line {self.seen_events[eid]}", "each event once")
        if row["event_type"].strip() not in EVENT_TYPES:
            raise BadRow(f"event_type is {row['event_type']!r}", "one of " + ", ".join(EVENT_TYPES))
        date = parse_date(row["event_date"], row["time_precision"].strip())
        year = row.get("year", "").strip()
        if year and year != date[:4]:
            raise BadRow(f"year {year} differs from event_date {row['event_date']}", "the event_date's year")
        other = event_slug(eid)
        if other in self.store.table_of and self.store.table_of[other] != "events":
            raise BadRow(f"its id {other} is taken by {self.store.table_of[other]}/{other}", "a free id")
        return eid, date, parse_coords(row.get("latitude", ""), row.get("longitude", "")), \
            parse_count(row.get("fatalities", ""))

    def row(self, row: dict[str, str], line: int) -> None:
        try:
            eid, date, coords, killed = self.check(row)
        except BadRow as bad:
            self.plan.skipped.append(Problem(f"{self.plan.path}:{line}", "", bad.what, bad.expected))
            return
        self.seen_events[eid] = line
        slug = event_slug(eid)
        if slug in self.store.table_of:
            self.plan.matched["events"] += 1
            return
        data = self.dataset()

        def cite(column: str = "") -> dict:
            return {"source": data, "loc": f"{eid} {column}".strip()}

        country = self.place(row["country"].strip(), "country", None, None, None, cite("country"))
        within = country
        for col in ("admin1", "admin2", "admin3"):
            if row.get(col, "").strip():
                within = self.place(row[col].strip(), "region", within, country, None, cite(col))
        place = self.place(row["location"].strip(), "other", within, country, coords, cite("location"))

        etype, sub = row["event_type"].strip(), row["sub_event_type"].strip()
        ours, *roles = EVENT_TYPES[etype]
        actors = []
        for (main, assoc, side), role in zip(SIDES, roles):
            inter = row.get(f"inter{side}", "")
            for column, names in ((main, [row.get(main, "").strip()]), (assoc, split_list(row.get(assoc, "")))):
                for name in filter(None, names):
                    who = self.actor(name, inter, cite(column))
                    actors.append({"actor": who, "role": role, "cite": [cite(column)]})
        outlets = [{"source": self.outlet(o), "loc": f"{eid} {OUTLET_LOC}"} for o in split_list(row.get("source", ""))]
        disorder = row.get("disorder_type", "").strip()
        event = {
            "id": slug, "date": date, "title": f"{sub} in {row['location'].strip()}",
            "type": SUB_EVENT_TYPES.get(sub, ours), "place": place, "cite": [cite(), *outlets],
            "facts": [{"about": CLASSIFICATION, "claims": [{
                "text": " / ".join((disorder, etype, sub)), "value": sub, "cite": [cite("sub_event_type")]}]}],
        }
        if actors:
            event["actors"] = actors
        if row.get("notes", "").strip():
            event["summary"] = row["notes"].strip()
        if killed is not None:
            # ACLED codes the most conservative figure its sources report.
            event["casualties"] = [{"kind": "killed", "count": killed, "qualifier": "at_least",
                                    "counted_by": "ACLED", "cite": [cite("fatalities")]}]
        self._add("events", event)


def read_rows(path: Path) -> Iterable[tuple[int, dict[str, str] | BadRow]]:
    """(first line of the record, the row as a dict or why it cannot be one)."""
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise MalitermError(f"cannot read {path}", [Problem(str(path), "", f"cannot be read: {exc.strerror}",
                                                            "a readable ACLED CSV file")]) from None
    with fh:
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
                        yield start, BadRow(f"has {len(cells)} fields", f"{len(header)}, one per header column")
                    else:
                        yield start, dict(zip(header, cells))
                start = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            raise MalitermError(f"cannot read {path}", [Problem(f"{path}:{start}", "", f"is not valid CSV: {exc}",
                                                                "UTF-8 comma-separated values")]) from None


def plan_import(store, path: Path, progress: Callable[[int, int], None] | None = None) -> Plan:
    """Read and check the whole file; nothing is written. `progress(done, total)` after each row."""
    rows = list(read_rows(path))
    importer = Importer(store, path)
    for i, (line, row) in enumerate(rows, 1):
        importer.plan.rows += 1
        if isinstance(row, BadRow):
            importer.plan.skipped.append(Problem(f"{path}:{line}", "", row.what, row.expected))
        else:
            importer.row(row, line)
        if progress:
            progress(i, len(rows))
    return importer.plan


def apply(store, plan: Plan) -> None:
    """Write every planned record as one edit: one validation, one save, one undo step."""
    store.write_many((table, rec["id"], rec) for table, rec in plan.records)


def event_date_column(date: str) -> tuple[str, str]:
    """Our date -> ACLED's (event_date, time_precision); the inverse of `parse_date`."""
    d = dates.parse(date)
    precision = {"day": "2" if d.approx else "1", "month": "3", "year": "3"}[d.precision]
    return d.start.earliest(), precision
