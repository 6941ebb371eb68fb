"""The CLI on an unchanged file (issue 16): `show`, `search`, `timeline --place` and `lineage GROUP`
at 100k events, each a whole process, against `maliterm --version` in the same run, with its peak RSS,
answered from a warm derived index (`maliterm.derived`); the one-off first run (the file loaded,
answered, then the index built) is shown beside.

    python bench/cli_bench.py [--events 100000] [--runs 5]   # alone
    python bench/run.py --only cli                          # in the whole benchmark

Each process runs with a private cache folder (MALITERM_CACHE), so the first run builds from
nothing. Output goes to /dev/null: its width is that of a pipe (80 columns), as in a script.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# `python -m maliterm`, reporting its own peak RSS (VmHWM) at exit into the file named by argv[1]. Not
# the parent's wait4: ru_maxrss keeps the peak of the process image before exec, so a child of a
# benchmark holding a loaded 100k file would report that file's memory as its own.
LAUNCH = """
import atexit, runpy, sys
out = sys.argv.pop(1)
def peak():
    hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    open(out, "w").write(hwm.split()[1])
atexit.register(peak)
sys.argv[0] = "maliterm"
runpy.run_module("maliterm", run_name="__main__", alter_sys=True)
"""
MALITERM = [sys.executable, "-c", LAUNCH]
RATIO_LIMIT = 3.0  # of `maliterm --version`, the floor any command pays (Python, click, rich)
RSS_LIMIT_MB = 200.0


@dataclass
class Figure:
    """One line of the table, in the fields of `bench/run.py`'s `Row`."""

    target: str
    figure: float
    reference: float | None
    ref_name: str
    limit: float
    unit: str = "s"


def cap_memory() -> None:
    """At most 4 GB of address space per child: a runaway command fails alone, not the machine."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one whole process, from launch to exit."""
    with tempfile.NamedTemporaryFile("r", suffix=".hwm") as hwm:
        start = time.perf_counter()
        code = subprocess.run([*MALITERM, hwm.name, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              cwd=ROOT, env=env, preexec_fn=cap_memory).returncode
        wall = time.perf_counter() - start
        if code not in (0, 1):  # 1: a search that finds nothing is still an answer
            raise RuntimeError(f"maliterm {' '.join(args)} exited {code}")
        return wall, int(hwm.read()) / 1024  # kB


def commands(db: Path) -> dict[str, list[str]]:
    """A person's questions of the file: an event, a word of a place name, the busiest region's
    timeline, the lineage of the busiest family (all chosen from the data)."""
    data = orjson.loads(db.read_bytes())
    event = min(data["events"])
    within = Counter(p.get("within") for p in data["places"].values() if p.get("within"))
    region = max(sorted(within), key=within.__getitem__)
    # The busiest family, all time: at 100k every group is in one family, whose tree draws each
    # group's subtree once (some 13,500 lines at 80 columns; millions before it did).
    lineage = [r for r in data["relations"].values() if r["type"] in ("splinter_of", "merged_into")]
    busiest = Counter(r["from"] for r in lineage)
    family = max(sorted(busiest), key=busiest.__getitem__)
    word = data["places"][region]["name"].split()[-1]
    return {"show": ["show", event], "search": ["search", word], "timeline --place": ["timeline", "--place", region],
            "lineage GROUP": ["lineage", family]}


def measure(db: Path, runs: int = 5) -> list[Figure]:
    runs = max(runs, 5)
    label = f"{db.stat().st_size / 1e6:.0f} MB file"
    env = {**os.environ, "MALITERM_CACHE": str(Path(tempfile.mkdtemp(prefix="maliterm-cli-bench-")) / "validated.json")}
    questions = commands(db)
    first, first_rss = run_once(["--db", str(db), *questions["show"]], env)  # loads, answers, builds the index
    out = [Figure(f"CLI first run on a new file, {label} (load, answer, build the index; once)", first, None,
                  f"peak {first_rss:.0f} MB", float("inf"))]
    for name, args in questions.items():
        times, refs, peaks = [], [], []
        for _ in range(runs):  # alternately, so drift in the machine's load hits both
            refs.append(run_once(["--version"], env)[0])
            wall, peak = run_once(["--db", str(db), *args], env)
            times.append(wall)
            peaks.append(peak)
        out.append(Figure(f"CLI `{name}`, unchanged {label}, warm index", statistics.median(times),
                          statistics.median(refs), "`maliterm --version`", RATIO_LIMIT))
        out.append(Figure(f"CLI `{name}` peak RSS", max(peaks), None, "absolute", RSS_LIMIT_MB, unit="MB"))
    return out


def main() -> None:
    sys.path.insert(0, str(HERE))
    import generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for f in measure(generate.ensure(args.events), args.runs):
        ratio = f" = {f.figure / f.reference:.2f}x (limit {f.limit}x)" if f.reference else f" (limit {f.limit} {f.unit})"
        ref = f" vs {f.reference:.3f} s {f.ref_name}" if f.reference else f"; {f.ref_name}"
        print(f"{f.target}: {f.figure:.3f} {f.unit}{ref}{ratio}")


if __name__ == "__main__":
    main()
