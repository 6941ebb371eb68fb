"""Events as CSV in ACLED's column layout, so an ACLED import comes back as ACLED had it.

Columns the data model keeps (see `acled`) come back equal; the rest (inter codes,
interaction, civilian_targeting, iso, region, geo_precision, source_scale, timestamp)
have nowhere to live in our records and are left empty. event_date is the first day a
date can mean, time_precision 1 (day), 2 (approximate day) or 3 (anything coarser: ACLED
has nothing coarser than a month). Events that did not come from ACLED export too: their
slug stands in for event_id_cnty, their type for event_type, and actors go to actor1
unless their role says they were on the receiving end. What these columns cannot say (a
year, a range, a title of our own) goes in `tags` as maliterm-date and maliterm-title, so
`import acled` gives back the same events (see `acled`'s module doc). Roles other than
ACLED's two sides, and a place's levels below admin3, do not survive the trip.
"""

from __future__ import annotations

import csv
import re
from typing import TYPE_CHECKING, TextIO

from maliterm import model as m
from maliterm.interchange.acled import (
    CLASSIFICATION, COLUMNS, OUR_TAGS, OUTLET_LOC, acled_date, default_title, event_date_column, event_id_of,
)
from maliterm.lists import join_list
from maliterm.untrusted import clean

if TYPE_CHECKING:
    from maliterm.store import Store

RECEIVING = ("target", "victim", "responder")  # roles that put an actor of a non-ACLED event on side 2


def _column(cites: list[dict]) -> str | None:
    """The ACLED column a citation's locator names (`MLI1234 actor2` -> `actor2`)."""
    for c in cites:
        parts = c.get("loc", "").split()
        if len(parts) == 2 and parts[1] in COLUMNS:
            return parts[1]
    return None


def _actor_columns(store: Store, ev: dict) -> dict[str, str]:
    cols: dict[str, list[str]] = {c: [] for c in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")}
    for a in ev.get("actors", ()):
        col = _column(a.get("cite", ()))
        if col not in cols:
            side = "2" if a["role"] in RECEIVING else "1"
            col = f"actor{side}" if not cols[f"actor{side}"] else f"assoc_actor_{side}"
        cols[col].append(store.name(a["actor"]))
    return {c: join_list(names) for c, names in cols.items()}


def _place_columns(store: Store, ev: dict) -> dict[str, str]:
    places = m.event_places(ev)  # the first is the event's main place; CSV has room for one
    place = store.get(places[0]) if places else None
    if not place:
        return {}
    out = {"location": place["name"]}
    if place.get("coords"):
        out["latitude"], out["longitude"] = repr(place["coords"]["lat"]), repr(place["coords"]["lon"])
    chain, seen = [], {place["id"]}
    up = place.get("within")
    while up and up not in seen and up != place.get("country") and store.get(up):
        seen.add(up)
        chain.append(store.get(up)["name"])
        up = store.get(up).get("within")
    country = place.get("country") or up
    if country and store.get(country):
        out["country"] = store.get(country)["name"]
    for col, name in zip(("admin1", "admin2", "admin3"), reversed(chain)):
        out[col] = name
    return out


def event_row(store: Store, eid: str) -> dict[str, str]:
    ev = store.event(eid)
    row = dict.fromkeys(COLUMNS, "")
    row["event_id_cnty"] = event_id_of(eid)
    row["event_date"], row["time_precision"] = event_date_column(ev["date"])
    row["year"] = row["event_date"][:4]
    row["event_type"] = ev.get("type", "other")  # ours (optional: "other", as in STIX), unless ACLED classified it
    for f in ev.get("facts", ()):
        parts = f["claims"][0]["text"].split(" / ")
        if f["about"] == CLASSIFICATION and len(parts) == 3:
            row["disorder_type"], row["event_type"], row["sub_event_type"] = parts
    row.update(_actor_columns(store, ev))
    row.update(_place_columns(store, ev))
    outlets = [c for c in ev["cite"] if c.get("loc", "").endswith(" " + OUTLET_LOC)]
    row["source"] = join_list(store.name(c["source"]) for c in (outlets or ev["cite"]))
    row["notes"] = ev.get("summary", "")
    killed = [c["count"] for c in ev.get("casualties", ()) if c["kind"] == "killed"]
    row["fatalities"] = str(sum(killed)) if killed else ""
    row["tags"] = _our_tags(ev, row)
    return row


def _our_tags(ev: dict, row: dict[str, str]) -> str:
    """The maliterm-date and maliterm-title tags for what the other columns cannot say (title last)."""
    tags = []
    if acled_date(row["event_date"], row["time_precision"]) != ev["date"]:
        tags.append(f"{OUR_TAGS}date={ev['date']}")
    if ev["title"] != default_title(row["sub_event_type"] or row["event_type"], row["location"]):
        tags.append(f"{OUR_TAGS}title={ev['title']}")
    return "; ".join(tags)


# A cell a spreadsheet would run as a formula (OWASP's list: = + - @ tab CR). A plain number
# such as a longitude -1.96 is no formula and stays a number.
_FORMULA = re.compile(r"[=+\-@\t\r]")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def cell(value: str) -> str:
    """A cell as data, never code: controls shown as escapes (`untrusted.clean`; the file may be
    printed to a terminal), and a formula starter prefixed with `'` as OWASP recommends."""
    text = clean(value)
    if _FORMULA.match(text) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def uncell(text: str) -> str:
    """A cell as `cell` wrote it, read back: without the `'` put before a formula starter."""
    return text[1:] if text[:1] == "'" and _FORMULA.match(text, 1) else text


def write_csv(store: Store, event_ids: list[str], fh: TextIO) -> None:
    writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for eid in event_ids:
        writer.writerow({col: cell(v) for col, v in event_row(store, eid).items()})
