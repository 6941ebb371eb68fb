"""Child process for the benchmark: run one app headless and print when its screen is painted.

`python bench/firstpaint.py minimal` runs a minimal Textual app (header, 10-node tree,
footer); `python bench/firstpaint.py maliterm DB [--loaded]` runs the `maliterm` command
itself on DB. Both are timed the same way: `App._display` is the one place Textual hands
a composed frame to the terminal; headless mode skips the writing, so the hook renders
the frame to terminal bytes itself (what a real terminal write costs), prints
`time.time()` and ends the process. The parent subtracts its own clock at launch.

Without `--loaded` the first frame of a screen with a footer counts (for maliterm, the
loading screen); with it, the first frame after the data is in and the panes are filled.

With `--stay` the process prints the time and keeps running (every later frame still rendered
to terminal bytes): the idle-CPU figure reads its CPU time from /proc while nothing happens.
"""

from __future__ import annotations

import os
import sys
import time

from textual.app import App


STAY = "--stay" in sys.argv


def hook(ready) -> None:
    """Print the time of the first frame for which `ready(app, screen)` holds, then exit (or, with
    `--stay`, go on rendering every frame)."""
    original = App._display
    told = False

    def display(self, screen, renderable) -> None:
        nonlocal told
        original(self, screen, renderable)
        if renderable is None or (not told and not ready(self, screen)):
            return
        if hasattr(renderable, "render_segments"):
            renderable.render_segments(self.console)
        if told:
            return
        sys.stdout.write(f"{time.time()}\n")
        sys.stdout.flush()
        if not STAY:
            os._exit(0)
        told = True

    App._display = display


def has_footer(app, screen) -> bool:
    from textual.widgets import Footer

    return bool(screen.query(Footer))


def minimal() -> None:
    from textual.app import ComposeResult
    from textual.widgets import Footer, Header, Tree

    class Minimal(App):
        def compose(self) -> ComposeResult:
            yield Header()
            tree: Tree[None] = Tree("root")
            for i in range(10):
                tree.root.add_leaf(f"node {i}")
            tree.root.expand()
            yield tree
            yield Footer()

    hook(has_footer)
    Minimal().run(headless=True)


def maliterm(db: str, loaded: bool) -> None:
    def ready(app, screen) -> bool:
        if not has_footer(app, screen):
            return False
        return not loaded or (getattr(app, "store", None) is not None and screen.query_one("#panes").display)

    hook(ready)
    run = App.run
    App.run = lambda self, **kw: run(self, **{**kw, "headless": True})
    from maliterm.cli import main

    main(["--db", db, "--read-only"])


if __name__ == "__main__":
    if sys.argv[1] == "minimal":
        minimal()
    else:
        maliterm(sys.argv[2], "--loaded" in sys.argv)
    sys.exit("the app ended before painting a screen")
