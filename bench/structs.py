"""Issue 16's stretch measurement: the events of a file decoded into frozen msgspec Structs, against
orjson into dicts (time, peak and steady RSS, each in its own process). Not used by maliterm.

    python bench/structs.py FILE            # prints one line per way
"""

from __future__ import annotations

import subprocess
import sys

CHILD = r'''
import gc, resource, sys, time
from typing import Union
gc.disable()
raw = open(sys.argv[1], "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if sys.argv[2] == "orjson":
    import orjson
    data = orjson.loads(raw)
else:
    import msgspec

    class Cite(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
        source: str
        loc: str = ""

    class Claim(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
        text: str
        cite: tuple[Cite, ...] = ()
        value: Union[int, float, str, None] = None
        unit: str = ""
        by: str = ""
        credibility: int = 0

    class Fact(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
        about: str
        claims: tuple[Claim, ...]
        date: str = ""
        contested: bool = False

    class Actor(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
        actor: str
        role: str
        cite: tuple[Cite, ...] = ()

    class Casualty(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
        kind: str
        count: int
        cite: tuple[Cite, ...] = ()
        qualifier: str = ""
        who: str = ""
        counted_by: str = ""
        tally: str = ""

    class Event(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
        id: str
        date: str
        title: str
        cite: tuple[Cite, ...]
        summary: str = ""
        type: str = ""
        place: str = ""
        places: tuple[str, ...] = ()
        actors: tuple[Actor, ...] = ()
        casualties: tuple[Casualty, ...] = ()
        facts: tuple[Fact, ...] = ()

    class File(msgspec.Struct, gc=False):
        events: dict[str, Event]
        meta: msgspec.Raw = msgspec.Raw(b"{}")
        sources: msgspec.Raw = msgspec.Raw(b"{}")
        actors: msgspec.Raw = msgspec.Raw(b"{}")
        places: msgspec.Raw = msgspec.Raw(b"{}")
        relations: msgspec.Raw = msgspec.Raw(b"{}")
        quotes: msgspec.Raw = msgspec.Raw(b"{}")
        changes: msgspec.Raw = msgspec.Raw(b"{}")

    data = msgspec.json.decode(raw, type=File)
took = time.perf_counter() - t
del raw
steady = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:"))
print(took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, steady)
'''


def main() -> None:
    path = sys.argv[1]
    size = __import__("os").path.getsize(path) / 1e6
    for way in ("orjson", "msgspec"):
        out = subprocess.run([sys.executable, "-c", CHILD, path, way], capture_output=True, text=True, check=True)
        took, peak, steady = out.stdout.split()
        print(f"{way:8} {float(took):6.2f} s  peak {int(peak) / 1e3:6.0f} MB ({int(peak) / 1e3 / size:.1f}x)  "
              f"steady {int(steady) / 1e3:6.0f} MB ({int(steady) / 1e3 / size:.1f}x)  of a {size:.0f} MB file")


if __name__ == "__main__":
    main()
