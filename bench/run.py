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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PYTHON = sys.executable
GROUPS = ("firstpaint", "load", "search", "fulltext", "filter", "map", "panes", "overview", "reader", "save", "memory",
          "import", "open", "scale-memory", "idle", "cli")
SHIPPED = ROOT / "db.json"


@dataclass
class Row:
    target: str
    figure: float | None  # seconds, or a ratio's numerator in its own unit; None: not measured
    reference: float | None  # the same unit, or None for an absolute limit
    ref_name: str
    limit: float  # a ratio when `reference` is set, else seconds
    unit: str = "s"
    fix: str = ""  # what would close the gap, said in the closing note when the target is missed

    @property
    def ratio(self) -> float | None:
        return self.figure / self.reference if self.reference and self.figure is not None else None

    @property
    def ok(self) -> bool:
        if self.figure is None:
            return False
        return (self.ratio if self.reference else self.figure) <= self.limit  # type: ignore[operator]


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1] if len(xs) >= 20 else max(xs)


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "MB":
        return f"{v:.0f} MB"
    if unit == "n":
        return f"{v:,.0f}"
    if unit == "%":
        return f"{v:.2f}%"
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

    from maliterm.spellings import fold

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
    # Background work started by the load (the search and full-text indexes) is not what these figures
    # measure. It starts after the panes' first refresh, so waiting once could return before it began
    # (then a full-text build at 100k ran during the overview's figures: 0.8-1 s outliers). Wait until no
    # worker has run for a few frames in a row.
    quiet = 0
    while quiet < 3:
        await pilot.pause(0.05)
        busy = any(not w.is_finished for w in app.workers)
        await app.workers.wait_for_complete()
        quiet = 0 if busy else quiet + 1
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
    """The reader opening a 10 MB text in the middle, beside a dossier shown in the same app.

    Both are timed to their first frame with content (a new screen's first is a whole-screen paint,
    no widget marked dirty): for the reader, the first that shows the text (an empty reader painted
    before its text is laid out is not what a person waits for).
    Beside the wall clock: the CPU time of the UI thread to that frame, which a machine shared
    with other work barely moves (the wall clock there mostly measures the waits for a core).
    """
    from maliterm.ui.app import make_app
    from maliterm.ui.messages import Target
    from maliterm.ui.widgets.paragraph_view import ParagraphView

    path = reader_file()
    app = make_app(path, read_only=True)
    async with app.run_test(size=(160, 50)) as pilot:
        frames = await loaded(app, pilot)
        shown: list[tuple[float, float]] = []  # (wall, UI-thread CPU) of each frame with content
        hooked = app._display

        def display(screen, renderable) -> None:
            n, whole = len(frames), not screen._dirty_widgets  # none dirty: the whole screen is painted
            hooked(screen, renderable)
            if len(frames) > n and (frames[-1][1] or whole):
                views = screen.query(ParagraphView)
                if not views or views.first().virtual_size.height:
                    shown.append((frames[-1][0], time.thread_time()))

        app._display = display

        async def painted(action: Callable[[], object]) -> tuple[float, float, float]:
            """(wall to the first frame with content, to the last, UI-thread CPU to the first)."""
            shown.clear()
            wall, cpu = time.perf_counter(), time.thread_time()
            _, last = await first_painted(pilot, frames, action)
            first = shown[0] if shown else (time.perf_counter(), time.thread_time())
            return first[0] - wall, last, first[1] - cpu

        store, screen = app.store, app.screen
        sid = next(iter(store.tables["sources"]))
        paras = store.get(sid)["paragraphs"]
        actor = max(store.tables["actors"], key=lambda a: (len(store.events_by_actor.get(a, [])), a))
        reader, dossier = [], []
        for i in range(runs):
            dossier.append(await painted(lambda: screen.show(Target("actors", actor))))
            at = len(paras) * (i + 1) // (runs + 1)
            reader.append(await painted(lambda: screen.read(Target("sources", sid, at))))
            app.pop_screen()
            await pilot.pause()
        size = sum(map(len, paras)) / 1e6
        rows.append(Row(f"reader opens a {size:.0f} MB text ({len(paras)} paragraphs), first frame",
                        median([r[0] for r in reader]), median([d[0] for d in dossier]),
                        f"a dossier's first frame; whole layout and margins by "
                        f"{fmt(median([r[1] for r in reader]), 's')}", 1.0))
        rows.append(Row("reader first frame, UI-thread CPU", median([r[2] for r in reader]),
                        median([d[2] for d in dossier]), "a dossier's first frame, UI-thread CPU", 1.0))


PDF_PAGES = 100


def bench_pdf(rows: list[Row], runs: int) -> None:
    """`source add report.pdf` reading a generated 100-page PDF into paragraphs (pypdf, the `pdf` extra)."""
    try:
        import pypdf  # noqa: F401
    except ImportError:
        print("(pypdf not installed: the PDF figure is left out; pip install -e '.[pdf]')")
        return
    sys.path.insert(0, str(ROOT / "tests" / "unit"))
    from minimal_pdf import content, pdf

    from maliterm import pdftext

    rng = random.Random(13)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(3000)]
    pages = []
    for n in range(1, PDF_PAGES + 1):
        paras = [[" ".join(rng.choice(words) for _ in range(12)) for _ in range(rng.randint(2, 7))] for _ in range(6)]
        paras = [lines[:-1] + [lines[-1] + "."] for lines in paras]
        pages.append(content(paras, "A generated report", n))
    path = generate.DATA_DIR / f"report-{PDF_PAGES}p.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf(pages))
    took = median(timed(lambda: pdftext.read(path), runs))
    paras, _ = pdftext.read(path)
    rows.append(Row(f"PDF read into paragraphs, {PDF_PAGES} pages (pypdf layout mode)", took, None,
                    f"{len(paras)} paragraphs, {path.stat().st_size // 1000} kB; {took / PDF_PAGES * 1000:.0f} ms a page",
                    10.0))


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

        cpu: dict[str, list[float]] = {}

        async def painted(action: Callable[[], object], kind: str) -> float:
            """Seconds from `action` to the frame painted; the CPU this process used meanwhile (the
            worker, the event loop and the paint) goes to `cpu[kind]`: on a shared, loaded machine
            the wall time is mostly waiting for a core, the CPU time is what the work costs."""
            frames.clear()
            t, c = time.perf_counter(), time.process_time()
            action()
            await counted()
            await pilot.pause()
            content = [f for f, c in frames if c]
            end = content[-1] if content else time.perf_counter()
            cpu.setdefault(kind, []).append(time.process_time() - c)  # to the idle pause's end: an upper bound
            return end - t

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
                lat = await painted(lambda f=f: screen.set_filter(f), name)
                worst[name] = max(worst.get(name, 0.0), lat)
        n = len(store.tables["events"])
        for name, figure in worst.items():  # each kind of filter its own row: the slowest is not hidden by the rest
            note = f"worst of {runs}, filter changed -> frame painted (CPU median {fmt(median(cpu[name]), 's')})"
            if name == cases[0][0]:
                note += f"; first open (reads every event once) {fmt(first, 's')}"
            rows.append(Row(f"overview redrawn after a filter change ({name}), {n // 1000}k events", figure, None,
                            note, 0.100))
        toggles = []
        for _ in range(runs):
            toggles.append(await painted(screen.action_toggle_by, "toggle"))
            screen.set_filter(replace(screen.filter, start=str(1900 + len(toggles))))
            await counted()
        rows.append(Row("overview: month/year switched", max(toggles), None,
                        f"worst of {runs} (CPU median {fmt(median(cpu['toggle']), 's')})", 0.100))


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


# ---- issue 16: a real dataset arrives ---------------------------------------------------------

LOADS_GC_OFF = ("import gc, sys, time, orjson; gc.disable(); orjson.loads(open(sys.argv[1], 'rb').read()); "
                "print(time.time())")
# csv reading plus orjson writing of the same rows: the floor of any import (issue 16).
CSV_TO_JSON = """
import csv, sys, time, orjson
with open(sys.argv[1], encoding="utf-8", newline="") as fh:
    rows = list(csv.DictReader(fh))
with open(sys.argv[2], "wb") as out:
    out.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
print(time.time())
"""
# Peak and steady RSS of a process holding the file as the TUI does (records, indexes, search index).
SCALE_RSS_SCRIPT = """
import gc, resource, sys, time
from maliterm.store import Store
store = Store.open(sys.argv[1], read_only=True)
store.snapshot.prepare()  # the indexes built on first use, which the TUI builds after its first frame
store.search("x")
gc.collect()
time.sleep(0.5)
steady = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmRSS:"))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, steady)
"""


def run_measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak RSS bytes, stdout) of `python args`, its rusage read by wait4."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([PYTHON, *args], cwd=ROOT, stdout=out, stderr=err, text=True,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)  # reaped here, so Popen must not wait for it again
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(args)} failed:\n{err.read()[-2000:]}")
        return wall, usage.ru_maxrss * 1024, out.read()


def acled_import_key() -> str:
    """The imported database depends on the generator and on the importer's code."""
    import hashlib

    code = (ROOT / "maliterm" / "interchange" / "acled.py").read_bytes()
    return hashlib.sha256(code + generate.acled_path_for(1).name.encode()).hexdigest()[:8]


def import_acled(csv_path: Path, db: Path) -> tuple[float, int]:
    """Import `csv_path` into a new empty database `db` with the CLI: (seconds, peak RSS bytes)."""
    for p in (db, db.with_name(db.name + ".bak")):
        p.unlink(missing_ok=True)
    subprocess.run([PYTHON, "-m", "maliterm", "init", str(db)], cwd=ROOT, check=True, capture_output=True)
    wall, rss, _ = run_measured(["-m", "maliterm", "--db", str(db), "import", "acled", str(csv_path), "--apply"])
    return wall, rss


def acled_db(rows: int) -> Path:
    """The ACLED-layout CSV of `rows` rows imported into an empty database (made once per code version)."""
    db = generate.DATA_DIR / f"acled-{rows}-{acled_import_key()}.db.json"
    if not db.exists():
        import_acled(generate.ensure_acled(rows), db)
    return db


def bench_import(rows: list[Row], runs: int, n: int) -> Path:
    """Issue 16's import targets: time against csv reading + orjson writing, size against the CSV,
    one change-log entry. The import runs once (a minute at 100k); the reference `runs` times."""
    import orjson

    csv_path = generate.ensure_acled(n)
    db = generate.DATA_DIR / f"acled-{n}-{acled_import_key()}.db.json"
    took, peak = import_acled(csv_path, db)
    out = generate.DATA_DIR / "csv-reference.json"
    refs = [run_measured(["-c", CSV_TO_JSON, str(csv_path), str(out)])[0] for _ in range(runs)]
    out.unlink(missing_ok=True)
    csv_mb, db_mb = csv_path.stat().st_size / 1e6, db.stat().st_size / 1e6
    logged = len(orjson.loads(db.read_bytes())["changes"])
    rows.append(Row(f"import {n // 1000}k ACLED rows (peak RSS {peak / 1e6:.0f} MB)", took, median(refs),
                    "csv reading + orjson writing", 10.0,
                    fix="the plan's per-row Python (a dict per record and citation) and the writer's check of every "
                        "new record are the two halves left; rows read into columns, checked by column"))
    rows.append(Row(f"database after the import ({n // 1000}k ACLED rows)", db_mb, csv_mb, "the CSV's size", 2.0,
                    unit="MB", fix="the indented layout costs more than the data: the classification as one field "
                                   "instead of a fact with a claim (0.54x of the CSV alone), or imported tables "
                                   "kept compact"))
    rows.append(Row("change-log entries one import adds", logged, None, "absolute", 1, unit="n"))
    return db


@contextmanager
def first_open() -> Iterator[None]:
    """Children started meanwhile remember no valid file (an unwritable cache path): every record is checked."""
    os.environ["MALITERM_CACHE"], saved = "/dev/null/maliterm-bench-cache.json", os.environ.get("MALITERM_CACHE")
    try:
        yield
    finally:
        os.environ.pop("MALITERM_CACHE")
        if saved is not None:
            os.environ["MALITERM_CACHE"] = saved


def bench_open(rows: list[Row], runs: int, files: dict[str, Path]) -> None:
    """TUI usable (panes filled) from launch, against launch + orjson.loads with the GC off (issue 16),
    reopened (contents remembered as valid) and on first open (every record checked)."""
    fp = str(HERE / "firstpaint.py")
    for name, path in files.items():
        # Checked once, as a first session would, in a child: a child forked from a parent holding the
        # file would inherit its peak RSS (Linux keeps ru_maxrss across fork and exec), and the
        # scale-memory group measured after this one read this process's peak as its own.
        run_measured(["-c", "import sys; from maliterm.store import Store; Store.open(sys.argv[1], read_only=True)",
                      str(path)])
        loads, usable = paired(runs, ["-c", LOADS_GC_OFF, str(path)], [fp, "maliterm", str(path), "--loaded"])
        rows.append(Row(f"TUI usable, {name} (reopened)", usable, loads, "launch + orjson.loads, GC off", 1.5,
                        fix="records decoded into msgspec structs or on demand (the parse itself is the floor)"))
        with first_open():
            loads, usable = paired(runs, ["-c", LOADS_GC_OFF, str(path)], [fp, "maliterm", str(path), "--loaded"])
        rows.append(Row(f"TUI usable, {name} (first open)", usable, loads, "launch + orjson.loads, GC off", 1.5,
                        fix="validation off the critical path (panes first, the check in a worker before any "
                            "edit) or validation of typed structs in C (msgspec)"))


def bench_scale_memory(rows: list[Row], runs: int, files: dict[str, Path]) -> None:
    """Peak and steady RSS of a process holding the file as the TUI does, against the file's size."""
    for name, path in files.items():
        size = path.stat().st_size / 1e6
        got = [run_measured(["-c", SCALE_RSS_SCRIPT, str(path)])[2].split() for _ in range(max(runs // 2, 2))]
        peak, steady = median([int(g[0]) / 1e6 for g in got]), median([int(g[1]) / 1e6 for g in got])
        rows.append(Row(f"peak RSS, {name} (records, indexes, search index)", peak, size, "file size", 4.0,
                        unit="MB", fix="a leaner representation: frozen msgspec structs (3.0x peak measured in "
                                       "issue 16) or columns for the indexed fields"))
        rows.append(Row(f"steady RSS, {name}", steady, size, "file size", 2.5, unit="MB",
                        fix="the same; and the search index's tuples kept as arrays"))
    rows.append(Row("a 1M-event file opens and runs within 8 GB", None, None, "absolute", 8000, unit="MB",
                    fix="generate 1M events (bench/generate.py 1000000) and measure; by the 100k ratios "
                        "it needs a leaner representation first"))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_idle(rows: list[Row], seconds: float) -> None:
    """CPU time of the TUI on db.json with nothing happening, against a minimal Textual app, both
    running at once over the same `seconds` (after a settling pause), CPU time read from /proc."""
    fp = str(HERE / "firstpaint.py")
    env = {**os.environ, "MALITERM_DB": str(SHIPPED)}
    procs = {name: subprocess.Popen([PYTHON, fp, *args, "--stay"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
             for name, args in (("minimal", ["minimal"]), ("maliterm", ["maliterm", str(SHIPPED), "--loaded"]))}
    try:
        for proc in procs.values():
            proc.stdout.readline()  # the first (filled) frame is painted
        time.sleep(3)  # the background work after the load (the search index) is done
        before = {n: cpu_seconds(p.pid) for n, p in procs.items()}
        time.sleep(seconds)
        used = {n: (cpu_seconds(p.pid) - before[n]) / seconds * 100 for n, p in procs.items()}
    finally:
        for proc in procs.values():
            proc.kill()
            proc.wait()
    rows.append(Row(f"idle CPU above a minimal Textual app, db.json ({seconds:.0f} s)",
                    used["maliterm"] - used["minimal"], None,
                    f"maliterm {used['maliterm']:.2f}%, minimal app {used['minimal']:.2f}% of a core", 0.1, unit="%",
                    fix="find what still refreshes when nothing happens (timers, auto_refresh widgets)"))


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
        figure = "not measured" if r.figure is None else fmt(r.figure, r.unit)
        verdict = "pass" if r.ok else ("-" if r.figure is None else "FAIL")
        lines.append(f"| {r.target} | {figure} | {ref} | {ratio} | {limit} | {verdict} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="maliterm performance benchmark (issue 6)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions per figure (at least 5)")
    parser.add_argument("--events", type=int, default=100_000, help="size of the big file")
    parser.add_argument("--only", action="append", choices=GROUPS,
                        help="measure only this group (repeatable), for quick checks while optimising")
    parser.add_argument("--acled-rows", type=int, default=100_000, help="rows of the ACLED-layout CSV (issue 16)")
    parser.add_argument("--quick", action="store_true", help="idle CPU over 10 s instead of 30")
    args = parser.parse_args()
    # A private memory of valid files: the user's is shared by every maliterm (and every checkout
    # with other rules) on the machine, and a "reopened" figure must not depend on them.
    os.environ.setdefault("MALITERM_CACHE", str(generate.DATA_DIR / "validated-cache.json"))
    # The program as installed runs from compiled bytecode; with PYTHONDONTWRITEBYTECODE set (or sources
    # newer than their .pyc) every child would compile maliterm again, 0.2 s of the first frame that no
    # user pays twice and the minimal app, compiled at install, never pays.
    import compileall

    compileall.compile_dir(str(ROOT / "maliterm"), quiet=1)
    want = set(args.only or GROUPS)
    runs = max(args.runs, 5)
    for n in (1000, 10_000, args.events) if want - {"reader"} else ():  # the reader needs only its own file
        generate.ensure(n)
    big = generate.path_for(args.events)
    size_mb = big.stat().st_size / 1e6 if big.exists() else 0.0
    print(f"maliterm benchmark, {datetime.datetime.now().isoformat(timespec='minutes')}")
    print(machine())
    print((f"big file: {big.name}, {size_mb:.0f} MB; " if size_mb else "") + f"median of {runs} runs each\n", flush=True)

    rows: list[Row] = []
    fp = str(HERE / "firstpaint.py")
    if "firstpaint" in want:
        minimal, shipped = paired(runs, [fp, "minimal"], [fp, "maliterm", str(SHIPPED), "--loaded"])
        rows.append(Row("first screen, shipped db.json (panes filled)", shipped, minimal, "minimal Textual app", 1.3,
                        fix="fewer imports before the first frame and the footer laid out once (see the README's "
                            "profile of this figure)"))
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
        with first_open():
            loads, usable = paired(runs, ["-c", LOADS_SCRIPT, str(big)], [fp, "maliterm", str(big), "--loaded"])
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
        bench_pdf(rows, runs)
    if "overview" in want:
        asyncio.run(bench_overview(big, rows, runs))
    if "save" in want:
        bench_save(big, rows, runs)
    if "memory" in want:
        rss = [int(subprocess.run([PYTHON, "-c", RSS_SCRIPT, str(big)], capture_output=True, text=True, check=True,
                                  cwd=ROOT).stdout.split()[-1]) / 1e6 for _ in range(runs)]
        rows.append(Row(f"peak RSS, {args.events // 1000}k loaded (search index too)", median(rss), size_mb,
                        "file size", 4.0, unit="MB", fix="see the issue 16 memory rows"))
    if want & {"import", "open", "scale-memory"}:
        acled = bench_import(rows, runs, args.acled_rows) if "import" in want else acled_db(args.acled_rows)
        files = {f"synthetic {args.events // 1000}k": big, f"ACLED-layout import {args.acled_rows // 1000}k": acled}
        if "open" in want:
            bench_open(rows, runs, files)
        if "scale-memory" in want:
            bench_scale_memory(rows, runs, files)
    if "cli" in want:
        import cli_bench  # noqa: E402 - bench/ is on the path

        rows += [Row(f.target, f.figure, f.reference, f.ref_name, f.limit, f.unit) for f in cli_bench.measure(big, runs)]
    if "idle" in want:
        bench_idle(rows, 10 if args.quick else 30)
    print()
    print(table(rows))
    if want == set(GROUPS):
        total, heavy = import_time()
        print(f"\n`maliterm --help` imports: {total * 1000:.0f} ms in all; heaviest: "
              + ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in heavy))
    print("\n" + closing_note(rows))


def closing_note(rows: list[Row]) -> str:
    """Which targets are met; for each miss its figure and what would close it."""
    missed = [r for r in rows if not r.ok]
    lines = [f"{len(rows) - len(missed)} of {len(rows)} targets met: " + "; ".join(r.target for r in rows if r.ok)]
    for r in missed:
        figure = "not measured" if r.figure is None else fmt(r.figure, r.unit) + (
            f" ({r.ratio:.2f}x against {r.limit}x)" if r.ratio is not None else f" (limit {fmt(r.limit, r.unit)})")
        lines.append(f"- missed: {r.target}: {figure}" + (f"; would close it: {r.fix}" if r.fix else ""))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
