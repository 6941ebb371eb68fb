"""A STIX 2.1 bundle of the database, built as plain dicts (no stix2 at run time).

- armed groups -> `threat-actor`; every other actor -> `identity` (people individual,
  the rest organization, `other` unknown). We do not guess `threat_actor_types`.
- places with coordinates -> `location` (STIX needs coordinates, a region or a country
  code, and we hold no codes; places without coordinates are left out).
- events -> `report` (the event date as `published`, its actors and place as refs).
- relations -> `relationship` (`splinter_of` -> `splinter-of`; `claimed` points at the
  event's report).
- citations -> `external_references` (source title, locator as description).

Ids are UUIDv5 of `table/slug` under a fixed namespace, so the same record gets the
same id in every export and a consumer can update rather than duplicate.

For one actor (`--actor`) the bundle holds that actor, its relations, its events (those it
took part in and those it claimed), and what those refer to: the actors at the other end of
its relations and in its events, and its events' places.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from maliterm import dates
from maliterm import model as m

if TYPE_CHECKING:
    from maliterm.store import Store

NAMESPACE = uuid.UUID("6f0a3c4e-52b1-5d39-9a51-3f4b8e2d7c10")  # fixed forever: ids depend on it
IDENTITY_CLASS = {"person": "individual", "other": "unknown"}


def stix_id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, key)}"


def timestamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _refs(store: Store, cites: list[dict]) -> list[dict]:
    out = []
    for c in cites:
        ref = {"source_name": store.name(c["source"])}
        if c.get("loc"):
            ref["description"] = c["loc"]
        url = store.tables["sources"].get(c["source"], {}).get("url")
        if url:
            ref["url"] = url
        out.append(ref)
    return out


def scope(store: Store, actor: str) -> tuple[set[str], list[str], list[dict]]:
    """The actor ids, event ids (timeline order) and relations a bundle about `actor` holds."""
    rels = store.relations_of(actor)
    events = store.events_by_actor.get(actor, [])  # claimed events too, in timeline order
    actors = {actor} | {r["to"] if r["from"] == actor else r["from"] for r in rels
                        if r["type"] not in m.EVENT_RELATION_TYPES}
    actors |= {a for eid in events for a, _ in store.event_actors(eid)}
    return actors, events, rels


def bundle(store: Store, now: datetime | None = None, actor: str | None = None) -> dict:
    """The bundle as plain dicts: every record, or only what a bundle about `actor` needs."""
    stamp = timestamp(now or datetime.now(UTC))
    if actor is None:
        actors, events = set(store.tables["actors"]), store.events_in_order()
        places = set(store.tables["places"])
        relations = list(store.tables["relations"].values())
    else:
        actors, events, relations = scope(store, actor)
        places = {p for eid in events for p in m.event_places(store.event(eid))}
    ids: dict[str, str] = {}
    objects: list[dict] = []

    def sdo(kind: str, table: str, rec: dict, **props: object) -> None:
        ids[rec["id"]] = stix_id(kind, f"{table}/{rec['id']}")
        obj: dict[str, Any] = {"type": kind, "spec_version": "2.1", "id": ids[rec["id"]], "created": stamp, "modified": stamp}
        obj.update({k: v for k, v in props.items() if v not in (None, "", [])})
        if rec.get("cite"):
            obj["external_references"] = _refs(store, rec["cite"])
        objects.append(obj)

    for a in (a for a in store.tables["actors"].values() if a["id"] in actors):
        common = {"name": a["name"], "description": a.get("summary"), "aliases": m.alias_names(a)}
        if a["kind"] == "armed_group":
            first = {"first_seen": dates.earliest(a["active"]) + "T00:00:00Z"} if a.get("active") else {}
            sdo("threat-actor", "actors", a, **common, **first)
        else:
            common.pop("aliases")  # identity has no aliases property
            sdo("identity", "actors", a, **common, identity_class=IDENTITY_CLASS.get(a["kind"], "organization"))
    for p in store.tables["places"].values():
        if p.get("coords") and p["id"] in places:
            sdo("location", "places", p, name=p["name"], description=p.get("summary"),
                latitude=p["coords"]["lat"], longitude=p["coords"]["lon"])
    for eid in events:
        ev = store.event(eid)
        refs = [ids[a] for a, _ in store.event_actors(eid) if a in ids]
        refs.extend(ids[p] for p in m.event_places(ev) if p in ids)
        if not refs:
            continue  # a report must refer to something; an event with no actor or located place has nothing
        sdo("report", "events", ev, name=ev["title"], description=ev.get("summary"),
            published=dates.earliest(ev["date"]) + "T00:00:00Z", report_types=[ev.get("type", "other")],
            object_refs=list(dict.fromkeys(refs)))
    for r in relations:
        if r["from"] in ids and r["to"] in ids:
            sdo("relationship", "relations", r, relationship_type=r["type"].replace("_", "-"),
                source_ref=ids[r["from"]], target_ref=ids[r["to"]], description=r.get("summary"),
                start_time=dates.earliest(r["start"]) + "T00:00:00Z" if r.get("start") else None,
                stop_time=dates.latest(r["end"]) + "T23:59:59Z" if r.get("end") else None)
    key = store.title if actor is None else f"{store.title}/actors/{actor}"  # another bundle, another id
    return {"type": "bundle", "id": stix_id("bundle", key), "objects": objects}

