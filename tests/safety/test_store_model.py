"""A store driven through random edits, deletes, undos, redos, changes on disk by another program,
reloads, merges of a colleague's copy and saves that fail half-way, checked after every step
against a plain dict model: nothing acknowledged is lost, nothing unacknowledged appears, and the
indexes agree with a scan.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from maliterm import model as m
from maliterm import storage
from maliterm.errors import FileChanged, MalitermError
from maliterm.indexes import Snapshot
from maliterm.interchange.merge import merge
from maliterm.store import Store

SMALL = Path(__file__).parents[1] / "data" / "small.json"
INDEXES = ("table_of", "event_order", "event_keys", "event_ends", "event_pos", "max_span_years", "events_by_actor",
           "events_by_place", "relations_by_actor", "relations_by_event", "quotes_by_speaker", "by_name")
# Built on first use (the attribute a snapshot keeps once built): the invariant compares one only once some rule
# has read it, so that edits run both with it kept up to date and with it left to be built from the records.
LAZY = {"events_by_actor": "_event_lists", "events_by_place": "_event_lists", "by_name": "by_name",
        "places_within": "places_within", "contested_events": "contested_events"}
NAMES = ("Front Nord", "Katiba Sud", "Al-Murabitoun", "Écluse Group")


def records(tables) -> dict:
    """Every table but the change log, as plain dicts."""
    return {t: dict(tables.get(t, {})) for t in m.TABLES if t != "changes"}


def on_disk(path: Path) -> dict:
    return records(json.loads(path.read_bytes()))


class StoreModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="maliterm-model-"))
        self.path = Path(shutil.copy(SMALL, self.dir / "db.json"))
        self.store = Store.open(self.path)
        self.model = on_disk(self.path)  # what the store acknowledged: the truth it must keep
        self.undo: list[dict] = []  # model states before each acknowledged edit of this session
        self.redo: list[dict] = []
        self.disk_changed = False  # another program wrote the file: the store must refuse to save over it
        self.crash_next = False
        self.next_id = 0
        self.fork = json.loads(self.path.read_bytes())  # where a colleague's copy last split from ours

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- how a write is judged ------------------------------------------------------------

    def write(self, action, expected: dict | None, new_edit: bool = True):
        """Run one write; if the store acknowledges it, the model becomes `expected`."""
        real = storage.write_atomic
        if self.crash_next:  # a save that fails inside the disk write, after validation
            def crash(path, *args, **kwargs):
                if Path(path) == self.path:
                    raise RuntimeError("crash in the middle of a save")
                return real(path, *args, **kwargs)
            storage.write_atomic = crash
        try:
            result = action()
        except FileChanged:
            assert self.disk_changed  # refused only because someone else wrote the file
            return None
        except RuntimeError as exc:
            assert self.crash_next and "crash" in str(exc)
            return None
        except MalitermError:
            return None  # refused (invalid, referenced): nothing may have changed, the invariants check
        finally:
            storage.write_atomic = real
            self.crash_next = False
        if expected is not None:
            assert not self.disk_changed, "saved over a file another program changed"
            self.acknowledged(expected, new_edit)
        return result

    def acknowledged(self, tables: dict, new_edit: bool = True) -> None:
        if new_edit:
            self.undo.append(self.model)
            self.redo.clear()
        self.model = tables

    def pick(self, data, table: str) -> str:
        return data.draw(st.sampled_from(sorted(self.model[table])))

    # ---- rules --------------------------------------------------------------------------

    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def add_or_rename_actor(self, data, name):
        if data.draw(st.booleans()) or not self.model["actors"]:
            self.next_id += 1
            rec = {"id": f"model-{self.next_id}", "name": name, "kind": "armed_group", "cite": [{"source": "src-a"}]}
        else:
            rec = {**copy.deepcopy(self.model["actors"][self.pick(data, "actors")]), "name": name}
        expected = copy.deepcopy(self.model)
        expected["actors"][rec["id"]] = rec
        self.write(lambda: self.store.put("actors", rec), expected if rec != self.model["actors"].get(rec["id"]) else None)

    @rule(data=st.data(), title=st.sampled_from(("Ambush", "Attack near Gao", "Raid")),
          date=st.sampled_from(("2013", "2014-05", "2015-11-20", "2012/2016")))
    @precondition(lambda self: self.model["events"])
    def edit_event(self, data, title, date):
        eid = self.pick(data, "events")
        rec = {**copy.deepcopy(self.model["events"][eid]), "title": title, "date": date}
        expected = copy.deepcopy(self.model)
        expected["events"][eid] = rec
        self.write(lambda: self.store.put("events", rec), expected if rec != self.model["events"][eid] else None)

    @rule(data=st.data(), table=st.sampled_from(("actors", "events", "places", "relations")))
    def delete(self, data, table):
        if not self.model[table]:
            return
        rid = self.pick(data, table)
        plan = self.store.snapshot.plan_delete(table, rid)  # what it will do, from the state before
        expected = copy.deepcopy(self.model)
        for c in plan.changes:
            if c.after is None:
                expected[c.table].pop(c.id, None)
            else:
                expected[c.table][c.id] = c.after
        self.write(lambda: self.store.delete(table, rid, cascade=True), expected)

    @rule()
    def undo_edit(self):
        before = self.model
        if self.write(self.store.undo, self.undo[-1] if self.undo else None, new_edit=False) is not None:
            self.redo.append(before)
            self.undo.pop()

    @rule()
    def redo_edit(self):
        before = self.model
        if self.write(self.store.redo, self.redo[-1] if self.redo else None, new_edit=False) is not None:
            self.undo.append(before)
            self.redo.pop()

    @rule(data=st.data())
    @precondition(lambda self: self.model["actors"])
    def external_change(self, data):
        """Another program rewrites the file: the store must not overwrite it, and a reload takes it."""
        raw = json.loads(self.path.read_bytes())
        aid = data.draw(st.sampled_from(sorted(raw["actors"])))
        raw["actors"][aid]["summary"] = f"Changed elsewhere {self.next_id}"
        self.next_id += 1
        self.path.write_bytes(storage.dumps(raw))
        self.disk_changed = True

    @rule()
    def reload(self):
        self.store.reload()
        self.model, self.undo, self.redo = on_disk(self.path), [], []  # the file is the truth again
        self.disk_changed = False

    @rule()
    def colleague_copies_the_file(self):
        self.fork = json.loads(self.path.read_bytes())

    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def merge_colleagues_copy(self, data, name):
        """A colleague worked on a copy taken at `fork`: a new group, and a summary on one we both have.

        Merged as `maliterm merge --base` does; whatever we did since the fork must stay, and theirs come in."""
        theirs = copy.deepcopy(self.fork)
        self.next_id += 1
        new = {"id": f"theirs-{self.next_id}", "name": name, "kind": "armed_group", "cite": [{"source": "src-a"}]}
        theirs["actors"][new["id"]] = new
        expected = copy.deepcopy(self.model)
        expected["actors"][new["id"]] = new
        # A field only they changed: an actor we both still have and whose summary we left alone.
        shared = sorted(a for a, rec in self.model["actors"].items()
                        if a in self.fork["actors"] and rec.get("summary") == self.fork["actors"][a].get("summary"))
        if shared:
            aid = data.draw(st.sampled_from(shared))
            theirs["actors"][aid]["summary"] = f"Their note {self.next_id}"
            expected["actors"][aid] = {**expected["actors"][aid], "summary": f"Their note {self.next_id}"}
        ours = {t: dict(v) for t, v in self.store.tables.items()}
        merged, report = merge(self.fork, ours, theirs)
        assert not report.unresolved
        self.write(lambda: self.store.write_many(
            ((t, rid, merged.get(t, {}).get(rid)) for t in set(ours) | set(merged)
             for rid in ours.get(t, {}) | merged.get(t, {})), summary="merge of colleague.json"), expected)

    @rule()
    def crash_during_next_save(self):
        self.crash_next = True

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def memory_is_what_was_acknowledged(self):
        assert records(self.store.tables) == self.model

    @invariant()
    def disk_is_what_was_acknowledged(self):
        if not self.disk_changed:
            assert on_disk(self.path) == self.model

    @rule(name=st.sampled_from(sorted(LAZY)))
    def read_an_index_built_on_first_use(self, name):
        getattr(self.store.snapshot, name)
        assert LAZY[name] in vars(self.store.snapshot)  # built now: later edits must keep it up to date

    @invariant()
    def indexes_agree_with_a_full_build_and_a_scan(self):
        snap = self.store.snapshot
        fresh = Snapshot(snap.tables)
        for name in (*INDEXES, "places_within", "contested_events"):
            if name in LAZY and LAZY[name] not in vars(snap):
                continue  # not built: it will be, from these records, when read (compared then)
            ours, theirs = getattr(snap, name), getattr(fresh, name)
            if isinstance(ours, dict):
                ours, theirs = {k: v for k, v in ours.items() if v}, {k: v for k, v in theirs.items() if v}
            assert ours == theirs, name
        events = snap.tables["events"]
        assert sorted(snap.event_order) == sorted(events)
        by_place: dict[str, set[str]] = {}
        for eid, ev in events.items():
            if ev.get("place"):
                by_place.setdefault(ev["place"], set()).add(eid)
        if "_event_lists" in vars(snap):
            assert {k: set(v) for k, v in snap.events_by_place.items() if v} == by_place
        assert {rid: t for t in m.TABLES[1:] for rid in snap.tables[t]} == snap.table_of


StoreModel.TestCase.settings = settings(max_examples=25, stateful_step_count=12, deadline=None,
                                        suppress_health_check=[HealthCheck.function_scoped_fixture])
test_store_model = StoreModel.TestCase
