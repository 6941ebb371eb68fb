"""The performance benchmark of issue 6: every target beside its reference, in one run.

    python bench/run.py            # all targets; generates bench/data/ files if absent
    python bench/run.py --runs 7   # more repetitions (median of at least 5 either way)

Each target is measured with its reference in the same run, so machine noise mostly
cancels in the ratio. Prints a table (figure, reference, ratio, limit, pass/fail) with
the date and the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PYTHON = sys.executable
GROUPS = ("firstpaint", "load", "search", "fulltext", "filter", "map", "panes", "overview", "reader", "save", "memory",
          "cli")
SHIPPED = ROOT / "db.json"


@dataclass
class Row:
    target: str
    figure: float  # seconds, or a ratio's numerator in its own unit
    reference: float | None  # the same unit, or None for an absolute limit
    ref_name: str
    limit: float  # a ratio when `reference` is set, else seconds
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        return self.figure / self.reference if self.reference else None

    @property
    def ok(self) -> bool:
        return (self.ratio if self.reference else self.figure) <= self.limit


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1] if len(xs) >= 20 else max(xs)


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "MB":
        return f"{v:.0f} MB"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"


# ---- subprocess timings ------------------------------------------------------------------

def since_launch(args: list[str]) -> float:
    """Seconds from launching `python args` until it prints its own clock."""
    start = time.time()
    out = subprocess.run([PYTHON, *args], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={**os.environ, "MALITERM_DB": str(SHIPPED)})
    return float(out.stdout.strip().splitlines()[-1]) - start


def paired(runs: int, a: list[str], b: list[str]) -> tuple[float, float]:
    """Medians of two commands run alternately, so drift in the machine's load hits both."""
    xs, ys = [], []
    for _ in range(runs):
        xs.append(since_launch(a))
        ys.append(since_launch(b))
    return median(xs), median(ys)


LOADS_SCRIPT = ("import sys, time, orjson; orjson.loads(open(sys.argv[1], 'rb').read()); print(time.time())")
RSS_SCRIPT = """
import resource, sys
from maliterm.store import Store
store = Store.open(sys.argv[1], read_only=True)
store.search("x")  # the search index is part of a fully loaded app
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


# ---- in-process timings ------------------------------------------------------------------

def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def keystrokes(store, rng: random.Random) -> list[str]:
    """Queries as a person types them: names, aliases and titles from the data, some with a typo."""
    names = [a["name"] for a in list(store.tables["actors"].values())[:2000]]
    names += [a for r in list(store.tables["actors"].values())[:2000] for a in r.get("aliases", ())]
    names += [e["title"] for e in list(store.tables["events"].values())[:2000]]
    names += [p["name"] for p in store.tables["places"].values()]
    out = []
    for _ in range(40):
        word = rng.choice(names)[:14]
        if rng.random() < 0.4 and len(word) > 5:  # a typo: one letter swapped for another
            i = rng.randrange(1, len(word) - 1)
            word = word[:i] + rng.choice("aeiouyk") + word[i + 1:]
        out += [word[:k] for k in range(1, len(word) + 1)]
    return out


def bench_search(store, rows: list[Row], runs: int) -> None:
    from rapidfuzz import fuzz, process

    from maliterm.folding import fold

    t = time.perf_counter()
    store.search("warm-up")
    build = time.perf_counter() - t
    queries = keystrokes(store, random.Random(6))
    lat = []
    for q in queries:
        t = time.perf_counter()
        store.search(q, limit=20)
        lat.append(time.perf_counter() - t)
    # The references of the issue: a plain WRatio over every name and title, and a plain substring scan.
    keys = [fold(r["name"]) for r in store.tables["actors"].values()]
    keys += [fold(r["title"]) for r in store.tables["events"].values()]
    keys += [fold(r["name"]) for r in store.tables["places"].values()]
    wratio = median(timed(lambda: process.extract("belmokhtr", keys, scorer=fuzz.WRatio, limit=20), runs))
    # An absolute limit; the WRatio scan is shown for scale.
    rows.append(Row(f"search as you type, median of {len(lat)} keystrokes", median(lat), None,
                    f"WRatio over all names: {fmt(wratio, 's')}", 0.030))
    rows.append(Row("search as you type, p95", p95(lat), None, f"index built once in {fmt(build, 's')}", 0.060))


REPORT_PARAGRAPHS = 5000  # a 500-page report, ten paragraphs a page


def bench_fulltext(store, rows: list[Row], runs: int) -> None:
    """Search over every text (issue 13): one query as `maliterm search` and `/` run it, beside the name search.

    The generated file has summaries, facts, claims and quotations in every table; a 500-page report
    is put on one source in memory (the generator is left alone: a changed generator regenerates
    every file). Its index is built in a private cache folder, so the build is timed from nothing.
    """
    from maliterm import fulltext

    rng = random.Random(13)
    sid = min(store.tables["sources"])
    vocab = list(generate.WORDS) + [generate.Gen(10).word(3).lower() for _ in range(3000)]
    snap, digest = store.saved_state()
    report = {**snap.tables["sources"][sid], "paragraphs": [
        " ".join(rng.choice(vocab) for _ in range(60)) + "." for _ in range(REPORT_PARAGRAPHS)]}
    tables = {**snap.tables, "sources": {**snap.tables["sources"], sid: report}}
    os.environ["MALITERM_CACHE"], saved = str(Path(tempfile.mkdtemp()) / "validated.json"), os.environ.get("MALITERM_CACHE")
    try:
        t = time.perf_counter()
        ft = fulltext.FullText.open(store.path, tables, digest)
        build = time.perf_counter() - t
        # The store's searches use this index (the report on top of its records) as the one of its snapshot.
        ft.seen = snap.tables
        fulltext._open[store] = ft
        # Queries: each common word of the generated prose (in a third of all texts), its plural,
        # pairs of them, rarer words of the report, names, and a word in nothing.
        queries = list(generate.WORDS) + [w + "s" for w in generate.WORDS[:8]]
        queries += [f"{rng.choice(generate.WORDS)} {rng.choice(generate.WORDS)}" for _ in range(8)]
        queries += rng.sample(vocab[len(generate.WORDS):], 8) + list(generate.FIRST[:4]) + ["zzyzx"]
        alone = [median(timed(lambda: ft.query(q, 20), runs)) for q in queries]
        merged = [median(timed(lambda: fulltext.search(store, q, 20), runs)) for q in queries]
        names = [median(timed(lambda: store.search(q, 20), runs)) for q in queries]
    finally:
        os.environ.pop("MALITERM_CACHE")
        if saved is not None:
            os.environ["MALITERM_CACHE"] = saved
    rows.append(Row(f"full-text search, median of {len(queries)} queries (names + every text)", median(merged), None,
                    f"name search alone: {fmt(median(names), 's')}", 0.050))
    rows.append(Row("full-text query alone (FTS5), median; worst", median(alone), None,
                    f"worst {fmt(max(alone), 's')}; index of {ft.conn.execute('SELECT count(*) FROM doc').fetchone()[0]:,} "
                    f"texts built in {fmt(build, 's')}", 0.050))


def bench_filters(store, rows: list[Row], runs: int) -> None:
    from maliterm.timeline import EventFilter, filter_events

    top = max(store.events_by_actor, key=lambda a: len(store.events_by_actor[a]))
    mid = sorted(store.events_by_actor, key=lambda a: len(store.events_by_actor[a]))[len(store.events_by_actor) // 2]
    cases = [EventFilter(actor=top), EventFilter(actor=mid), EventFilter(start="2010-01", end="2010-12"),
             EventFilter(start="2003", end="2005-06-30"), EventFilter(actor=top, start="2012", end="2014")]
    lat = [x for f in cases for x in timed(lambda f=f: filter_events(store, f), runs)]
    rows.append(Row("timeline filter by actor or date range", max(lat), None,
                    f"worst of {len(cases)} filters x {runs}", 0.020))


def bench_map(store, rows: list[Row], runs: int) -> None:
    """The map (issue 14) at 160x48: from a new filter to the drawn lines (events filtered, places
    counted, points and outlines drawn), the view kept as a person left it; and its first draw."""
    from maliterm import mapdraw
    from maliterm.mapplaces import map_places
    from maliterm.timeline import EventFilter, filter_events

    cols, rows_ = 160, 48
    top = max(store.events_by_actor, key=lambda a: len(store.events_by_actor[a]))

    def redraw(f: EventFilter, view: mapdraw.View) -> None:
        found = map_places(store, filter_events(store, f))
        mapdraw.draw(view, cols, rows_, found.points, cursor=True)

    everything = map_places(store, store.events_in_order())
    view = mapdraw.View.fit([(p.lon, p.lat) for p in everything.points], cols, rows_)

    def first() -> None:  # opening the map: the outlines rasterised for a new view
        mapdraw.outline_cells.cache_clear()
        redraw(EventFilter(), view)

    opened = median(timed(first, runs))
    from maliterm.mapplaces import _positions

    t = time.perf_counter()
    _positions(store)  # once per file (and after an edit of events): the first filtered map pays it
    built = time.perf_counter() - t
    cases = [EventFilter(), EventFilter(actor=top), EventFilter(start="2010-01", end="2010-12"),
             EventFilter(start="2003", end="2005-06-30"), EventFilter(actor=top, start="2012", end="2014")]
    lat = [x for f in cases for x in timed(lambda f=f: redraw(f, view), runs)]
    rows.append(Row(f"map redrawn after a filter change ({cols}x{rows_})", max(lat), None,
                    f"worst of {len(cases)} filters x {runs}, {len(everything.points)} places", 0.100))
    rows.append(Row(f"map opened: outlines and points ({cols}x{rows_})", opened, None,
                    "all events, view fitted to them", 0.100))
    rows.append(Row("map: event-to-place index, built once per file", built, None,
                    "in the map's worker, on its first filtered draw", 1.0))


def record_frames(app) -> list[tuple[float, bool]]:
    """When `app` hands each frame to the terminal (as `firstpaint.py` hooks it), and whether
    the frame repaints content or only scroll bars.

    Headless mode skips the terminal write, so each frame is rendered to terminal bytes here,
    which is what a real write would cost. Textual moves scroll bar thumbs one frame after a
    layout change (every change of the tree is one), so that frame is told apart.
    """
    from textual.scrollbar import ScrollBar

    frames: list[tuple[float, bool]] = []
    original = app._display

    def display(screen, renderable) -> None:
        content = any(not isinstance(w, ScrollBar) for w in screen._dirty_widgets)
        original(screen, renderable)
        if renderable is not None and hasattr(renderable, "render_segments"):
            renderable.render_segments(app.console)
            frames.append((time.perf_counter(), content))

    app._display = display
    return frames


async def until_painted(pilot, frames: list[tuple[float, bool]], action: Callable[[], object],
                        settled: list[float] | None = None) -> float:
    """Seconds from calling `action` to the last frame that repaints content before the app is idle.

    `pilot.pause()` returns only after a quiet spell of at least 20 ms (Textual's idle test);
    a person sees the change when its frame is painted, so the quiet spell is not counted.
    With no frame painted, the whole pause counts. `settled` gets the time to the last frame
    of all (scroll bars included).
    """
    frames.clear()
    t = time.perf_counter()
    action()
    await pilot.pause()
    end = time.perf_counter()
    content = [f for f, c in frames if c]
    if settled is not None:
        settled.append((frames[-1][0] if frames else end) - t)
    return (content[-1] if content else end) - t


async def loaded(app, pilot) -> list[tuple[float, bool]]:
    """Wait for the store and the work its load started; then record frames (see `record_frames`)."""
    while app.store is None:
        await pilot.pause(0.05)
    # Background work started by the load (the search index) is not what these figures measure.
    await app.workers.wait_for_complete()
    await pilot.pause()
    return record_frames(app)


async def bench_panes(path: Path, rows: list[Row], runs: int) -> None:
    from maliterm.ui.app import make_app
    from maliterm.ui.messages import Target
    from maliterm.ui.panes.relations import RelationsPane

    app = make_app(path, read_only=True)
    async with app.run_test(size=(160, 50)) as pilot:
        frames = await loaded(app, pilot)
        store, screen = app.store, app.screen
        by_size = sorted(store.events_by_actor, key=lambda a: len(store.events_by_actor[a]))
        big = min((a for a in by_size if len(store.events_by_actor[a]) >= 5000), default=by_size[-1])
        others = by_size[-10:-2]

        def select(actor: str) -> Callable[[], None]:
            return lambda: screen.show(Target("actors", actor))

        idle = []
        for _ in range(runs):
            t = time.perf_counter()
            await pilot.pause()
            idle.append(time.perf_counter() - t)
        lat, settled = [], []
        for i in range(runs):
            await until_painted(pilot, frames, select(others[i % len(others)]))
            lat.append(await until_painted(pilot, frames, select(big), settled))
        n = len(store.events_by_actor[big])
        rows.append(Row(f"select an actor with {n} events: all three panes", median(lat), None,
                        f"until painted; scroll bars by {fmt(median(settled), 's')}; "
                        f"an idle pause alone: {fmt(median(idle), 's')}", 0.050))

        relations = app.screen.query_one(RelationsPane)
        opens = [await until_painted(pilot, frames, lambda: relations.set_as_of(None)) for _ in range(runs)]
        lineage = relations.lineage
        n_act, n_rel = len(store.tables["actors"]), len(store.tables["relations"])
        rows.append(Row(f"lineage tree opens ({n_act} actors, {n_rel} relations)", median(opens), None,
                        f"{len(lineage.members())} groups, {len(lineage.roots())} roots", 0.100))
        # Expand the groups with the most children, one at a time, each freshly shown (its page
        # opened if the roots are paged), then the pages of roots themselves: the cursor on the
        # node and the expand key's action, as a person does it.
        tree = relations.tree
        widest = sorted(lineage.members(), key=lambda a: -len(lineage.children(a)))[:runs]
        expands = []
        for actor in widest:
            relations.set_as_of(None)
            relations.reveal(actor)
            await pilot.pause()
            expands.append(await until_painted(pilot, frames, tree.action_expand))
        relations.set_as_of(None)
        await pilot.pause()
        pages = [n for n in tree.root.children[0].children if n.data and n.data.page][:runs]
        for node in pages:
            tree.move_cursor(node)
            await pilot.pause()
            expands.append(await until_painted(pilot, frames, tree.action_expand))
        widest_page = max((len(n.children) for n in pages), default=0)
        rows.append(Row("lineage: expand a node (worst)", max(expands), None,
                        f"up to {len(lineage.children(widest[0]))} children; {len(pages)} pages of up to "
                        f"{widest_page} roots", 0.050))


def reader_file(megabytes: int = 10) -> Path:
    """The shipped database with its source holding a generated text of `megabytes` MB (fixed seed)."""
    import json

    from maliterm.storage import dumps

    path = generate.DATA_DIR / f"reader-{megabytes}mb.json"
    if path.exists():
        return path
    rng = random.Random(13)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyzéà") for _ in range(rng.randint(1, 11))) for _ in range(8000)]
    paras, size = [], 0
    while size < megabytes * 1_000_000:
        sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 30))).capitalize() + "."
                     for _ in range(rng.randint(1, 12))]
        paras.append(" ".join(sentences))
        size += len(paras[-1])
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    source = next(iter(data["sources"].values()))
    source["paragraphs"], source["text_format"] = paras, "text"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dumps(data))
    return path


async def first_painted(pilot, frames: list[tuple[float, bool]], action: Callable[[], object]) -> tuple[float, float]:
    """Seconds from `action` to the first frame that repaints content, and to the last before idle."""
    frames.clear()
    t = time.perf_counter()
    action()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    content = [f for f, c in frames if c] or [time.perf_counter()]
    return content[0] - t, content[-1] - t


async def bench_reader(rows: list[Row], runs: int) -> None:
    """The reader opening a 10 MB text in the middle, beside a dossier shown in the same app."""
    from maliterm.ui.app import make_app
    from maliterm.ui.messages import Target

    path = reader_file()
    app = make_app(path, read_only=True)
    async with app.run_test(size=(160, 50)) as pilot:
        frames = await loaded(app, pilot)
        store, screen = app.store, app.screen
        sid = next(iter(store.tables["sources"]))
        paras = store.get(sid)["paragraphs"]
        actor = max(store.tables["actors"], key=lambda a: (len(store.events_by_actor.get(a, [])), a))
        reader, reader_all, dossier = [], [], []
        for i in range(runs):
            dossier.append((await first_painted(pilot, frames, lambda: screen.show(Target("actors", actor))))[0])
            at = len(paras) * (i + 1) // (runs + 1)
            first, last = await first_painted(pilot, frames, lambda: screen.read(Target("sources", sid, at)))
            reader.append(first)
            reader_all.append(last)
            app.pop_screen()
            await pilot.pause()
        size = sum(map(len, paras)) / 1e6
        rows.append(Row(f"reader opens a {size:.0f} MB text ({len(paras)} paragraphs), first frame", median(reader),
                        median(dossier), f"a dossier shown; whole layout and margins by {fmt(median(reader_all), 's')}",
                        1.0))


async def bench_overview(path: Path, rows: list[Row], runs: int) -> None:
    """The overview screen: from a change of its filter to the last frame painted with the new counts
    (the count runs in a worker; the frame after it is what a person sees)."""
    from dataclasses import replace

    from maliterm.timeline import EventFilter
    from maliterm.ui.app import make_app
    from maliterm.ui.screens.overview import OverviewScreen

    app = make_app(path, read_only=True)
    async with app.run_test(size=(160, 50)) as pilot:
        frames = await loaded(app, pilot)
        store = app.store

        async def counted() -> None:
            while any(w.group == "overview" and not w.is_finished for w in app.workers):
                await asyncio.sleep(0.001)

        async def painted(action: Callable[[], object]) -> float:
            frames.clear()
            t = time.perf_counter()
            action()
            await counted()
            await pilot.pause()
            content = [f for f, c in frames if c]
            return (content[-1] if content else time.perf_counter()) - t

        t = time.perf_counter()
        app.screen.action_overview()
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        while screen.shown is None:  # the first count reads every event once
            await pilot.pause(0.01)
        first = time.perf_counter() - t
        by_size = sorted(store.events_by_actor, key=lambda a: (-len(store.events_by_actor[a]), a))
        regions = sorted(p for p, rec in store.tables["places"].items() if rec.get("kind") == "region")
        # Distinct filters each run (the screen keeps the last few overviews; a repeat would be free).
        cases = [("all events", lambda i: EventFilter(end=str(2030 + i))),
                 ("an actor", lambda i: EventFilter(actor=by_size[i])),
                 ("a decade", lambda i: EventFilter(start=str(2000 + i), end=str(2009 + i))),
                 ("a region", lambda i: EventFilter(place=regions[i % len(regions)])),
                 ("contested only", lambda i: EventFilter(contested=True, end=str(2040 + i)))]
        worst: dict[str, float] = {}
        for i in range(runs):
            for name, make in cases:
                f = make(i)
                lat = await painted(lambda f=f: screen.set_filter(f))
                worst[name] = max(worst.get(name, 0.0), lat)
        slowest = max(worst, key=worst.get)
        n = len(store.tables["events"])
        rows.append(Row(f"overview redrawn after a filter change, {n // 1000}k events", worst[slowest], None,
                        f"worst of {len(cases)} filters x {runs} ({slowest}); "
                        + ", ".join(f"{k} {fmt(v, 's')}" for k, v in worst.items() if k != slowest)
                        + f"; first open (reads every event once) {fmt(first, 's')}", 0.100))
        toggles = []
        for _ in range(runs):
            toggles.append(await painted(screen.action_toggle_by))
            screen.set_filter(replace(screen.filter, start=str(1900 + len(toggles))))
            await counted()
        rows.append(Row("overview: month/year switched", max(toggles), None, f"worst of {runs}", 0.100))


def bench_save(path: Path, rows: list[Row], runs: int) -> None:
    import orjson

    from maliterm.storage import DUMP_OPTIONS
    from maliterm.store import Store

    work = Path(tempfile.mkdtemp(prefix="maliterm-bench-", dir=HERE / "data"))
    try:
        db = Path(shutil.copy(path, work / "db.json"))
        store = Store.open(db)
        try:
            eid = store.events_in_order()[len(store.events_in_order()) // 2]
            saves = []
            refs = []
            for i in range(runs):
                data = store.tables  # what the save writes (a dict of read-only dicts)

                def reference() -> None:
                    payload = orjson.dumps(data, option=DUMP_OPTIONS)
                    with open(work / "ref.json", "wb") as fh:
                        fh.write(payload)
                        fh.flush()
                        os.fsync(fh.fileno())

                refs += timed(reference, 1)
                record = {**store.event(eid), "summary": f"Edited in benchmark run {i}."}
                saves += timed(lambda: store.put("events", record), 1)
        finally:
            close = getattr(store, "close", None)
            if close:
                close()
        rows.append(Row("one edit saved (Store.put)", median(saves), median(refs), "orjson.dumps+write+fsync", 1.5))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def import_time() -> tuple[float, list[tuple[int, str]]]:
    """Total self time of imports for `maliterm --help`, and the heaviest modules."""
    out = subprocess.run([PYTHON, "-X", "importtime", "-m", "maliterm", "--help"], capture_output=True,
                         text=True, cwd=ROOT, check=True).stderr
    mods = []
    for line in out.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            self_us, cumulative, name = (p.strip() for p in line[len("import time:"):].split("|"))
            mods.append((int(cumulative), name))
    top_level = [m for m in mods if not m[1].startswith(" ")]
    return sum(c for c, _ in top_level) / 1e6, sorted(top_level, reverse=True)[:6]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (f"{cpu}, {os.cpu_count()} cores{load}; Python {platform.python_version()}, "
            f"textual {version('textual')}, orjson {version('orjson')}, rapidfuzz {version('rapidfuzz')}; "
            f"{platform.system()} {platform.release()}")


def table(rows: list[Row]) -> str:
    head = ("| target | figure | reference | ratio | limit | |", "|---|---|---|---|---|---|")
    lines = list(head)
    for r in rows:
        ref = f"{fmt(r.reference, r.unit)} ({r.ref_name})" if r.reference else r.ref_name
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
        limit = f"{r.limit}x" if r.reference else fmt(r.limit, r.unit)
        lines.append(f"| {r.target} | {fmt(r.figure, r.unit)} | {ref} | {ratio} | {limit} | "
                     f"{'pass' if r.ok else 'FAIL'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="maliterm performance benchmark (issue 6)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions per figure (at least 5)")
    parser.add_argument("--events", type=int, default=100_000, help="size of the big file")
    parser.add_argument("--only", action="append", choices=GROUPS,
                        help="measure only this group (repeatable), for quick checks while optimising")
    args = parser.parse_args()
    want = set(args.only or GROUPS)
    runs = max(args.runs, 5)
    for n in (1000, 10_000, args.events):
        generate.ensure(n)
    big = generate.path_for(args.events)
    size_mb = big.stat().st_size / 1e6
    print(f"maliterm benchmark, {datetime.datetime.now().isoformat(timespec='minutes')}")
    print(machine())
    print(f"big file: {big.name}, {size_mb:.0f} MB; median of {runs} runs each\n", flush=True)

    rows: list[Row] = []
    fp = str(HERE / "firstpaint.py")
    if "firstpaint" in want:
        minimal, shipped = paired(runs, [fp, "minimal"], [fp, "maliterm", str(SHIPPED), "--loaded"])
        rows.append(Row("first screen, shipped db.json (panes filled)", shipped, minimal, "minimal Textual app", 1.3))
        minimal, first = paired(runs, [fp, "minimal"], [fp, "maliterm", str(big)])
        rows.append(Row(f"first screen, {args.events // 1000}k events (loading screen)", first, minimal,
                        "minimal Textual app", 1.5))
    if "load" in want:
        # Reopening: the contents passed their check before (maliterm remembers digests of valid files).
        from maliterm.store import Store

        Store.open(big, read_only=True)  # checks it once, as a first session would
        loads, usable = paired(runs, ["-c", LOADS_SCRIPT, str(big)], [fp, "maliterm", str(big), "--loaded"])
        rows.append(Row(f"fully loaded and usable, {args.events // 1000}k (from launch, reopened)", usable, loads,
                        "launch + orjson.loads", 1.5))
        # First open: an unwritable cache path means nothing is remembered, so every record is checked.
        os.environ["MALITERM_CACHE"], saved = "/dev/null/maliterm-bench-cache.json", os.environ.get("MALITERM_CACHE")
        try:
            loads, usable = paired(runs, ["-c", LOADS_SCRIPT, str(big)], [fp, "maliterm", str(big), "--loaded"])
        finally:
            os.environ.pop("MALITERM_CACHE")
            if saved is not None:
                os.environ["MALITERM_CACHE"] = saved
        rows.append(Row(f"fully loaded and usable, {args.events // 1000}k (from launch, first open)", usable, loads,
                        "launch + orjson.loads", 1.5))
    print(table(rows), flush=True)

    if want & {"search", "fulltext", "filter", "map"}:
        from maliterm.store import Store

        store = Store.open(big, read_only=True)
        if "search" in want:
            bench_search(store, rows, runs)
        if "fulltext" in want:
            bench_fulltext(store, rows, runs)
        if "filter" in want:
            bench_filters(store, rows, runs)
        if "map" in want:
            bench_map(store, rows, runs)
        del store
    if "panes" in want:
        asyncio.run(bench_panes(big, rows, runs))
    if "reader" in want:
        asyncio.run(bench_reader(rows, runs))
    if "overview" in want:
        asyncio.run(bench_overview(big, rows, runs))
    if "save" in want:
        bench_save(big, rows, runs)
    if "memory" in want:
        rss = [int(subprocess.run([PYTHON, "-c", RSS_SCRIPT, str(big)], capture_output=True, text=True, check=True,
                                  cwd=ROOT).stdout.split()[-1]) / 1e6 for _ in range(runs)]
        rows.append(Row(f"peak RSS, {args.events // 1000}k loaded (search index too)", median(rss), size_mb,
                        "file size", 4.0, unit="MB"))
    if "cli" in want:
        import cli_bench

        rows += [Row(f.target, f.figure, f.reference, f.ref_name, f.limit, f.unit) for f in cli_bench.measure(big, runs)]
    print()
    print(table(rows))
    if want == set(GROUPS):
        total, heavy = import_time()
        print(f"\n`maliterm --help` imports: {total * 1000:.0f} ms in all; heaviest: "
              + ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in heavy))
    failed = [r.target for r in rows if not r.ok]
    print(f"\n{len(rows) - len(failed)} of {len(rows)} targets met" + (f"; not met: {'; '.join(failed)}" if failed else ""))


if __name__ == "__main__":
    main()
