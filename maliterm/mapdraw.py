"""A map in Braille cells: country outlines and points, for the terminal (CLI and TUI alike).

Projection: equirectangular (plate carrée), the same number of degrees per dot across and down.
Each character cell holds a Braille pattern of 2 x 4 dots (U+2800 block); a terminal cell is about
twice as tall as it is wide, so its dots are about square and the map keeps its shape near the
equator (farther north or south, east-west distances read larger than they are, as on any plate
carrée map). Dot (0, 0) is the top-left corner of the canvas; x grows east, y grows south.

Outlines are Natural Earth's 1:110m countries shipped in `data/countries.json` (public domain; see
tools/natural_earth.py). Pure Python: no Textual; rich only for the styled lines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rich.text import Span, Text

COUNTRIES = Path(__file__).parent / "data" / "countries.json"
DOTS_X, DOTS_Y = 2, 4  # dots per cell
# Bit of each dot (x, y) in a Braille cell, after U+2800.
_BIT = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
MIN_DEG_PER_DOT = 0.0005  # about 50 m: closer than any place's coordinates are worth
MAX_DEG_PER_DOT = 2.0  # the whole world in 180 columns
# Point glyphs by event count: (at least this many, glyph, style). Readable without colour.
SHADES = ((100, "◉", "bold red"), (10, "●", "red"), (2, "•", "yellow"), (1, "·", "yellow"), (0, "∘", "dim"))
CURSOR = "+"
_CHARS = tuple(chr(0x2800 + bits) for bits in range(256))  # the Braille pattern of each set of dots


@dataclass(frozen=True)
class View:
    """What the map shows: its centre and its scale (degrees per Braille dot, across and down)."""

    lon: float
    lat: float
    scale: float

    def to_dot(self, lon: float, lat: float, cols: int, rows: int) -> tuple[float, float]:
        """Dot coordinates (fractional) of a longitude and latitude on a canvas of cols x rows cells."""
        return (cols * DOTS_X / 2 + (lon - self.lon) / self.scale, rows * DOTS_Y / 2 - (lat - self.lat) / self.scale)

    def to_cell(self, lon: float, lat: float, cols: int, rows: int) -> tuple[int, int] | None:
        """The (column, row) of the cell a point falls in, None when outside the canvas."""
        x, y = self.to_dot(lon, lat, cols, rows)
        col, row = int(x // DOTS_X), int(y // DOTS_Y)
        return (col, row) if 0 <= col < cols and 0 <= row < rows and x >= 0 and y >= 0 else None

    def box(self, cols: int, rows: int) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        half_w, half_h = cols * DOTS_X / 2 * self.scale, rows * DOTS_Y / 2 * self.scale
        return self.lon - half_w, self.lat - half_h, self.lon + half_w, self.lat + half_h

    def cell_centre(self, col: int, row: int, cols: int, rows: int) -> tuple[float, float]:
        """(lon, lat) of the middle of a cell."""
        x, y = (col + 0.5) * DOTS_X, (row + 0.5) * DOTS_Y
        return self.lon + (x - cols * DOTS_X / 2) * self.scale, self.lat - (y - rows * DOTS_Y / 2) * self.scale

    def panned(self, cols_across: float, rows_down: float) -> "View":
        lat = self.lat - rows_down * DOTS_Y * self.scale
        return View(self.lon + cols_across * DOTS_X * self.scale, max(-90.0, min(90.0, lat)), self.scale)

    def zoomed(self, factor: float) -> "View":
        """`factor` > 1 zooms in."""
        return View(self.lon, self.lat, max(MIN_DEG_PER_DOT, min(MAX_DEG_PER_DOT, self.scale / factor)))

    @classmethod
    def fit(cls, points: list[tuple[float, float]], cols: int, rows: int) -> "View":
        """The view that shows every (lon, lat) with a cell of margin; the whole world without points.
        A single point (or a few close together) is shown with a few degrees around it."""
        if not points:
            return cls(0.0, 0.0, max(360 / (cols * DOTS_X), 180 / (rows * DOTS_Y)))
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        w, e, s, n = min(lons), max(lons), min(lats), max(lats)
        span_x, span_y = max(e - w, 4.0), max(n - s, 4.0)  # at least 4 degrees: the country around it
        usable_x, usable_y = max(cols - 2, 1) * DOTS_X, max(rows - 2, 1) * DOTS_Y
        scale = max(span_x / usable_x, span_y / usable_y, MIN_DEG_PER_DOT)
        return cls((w + e) / 2, (s + n) / 2, min(scale, MAX_DEG_PER_DOT))


@lru_cache(maxsize=1)
def outlines() -> tuple[tuple[tuple[float, float, float, float], tuple[float, ...]], ...]:
    """Every country ring as ((west, south, east, north), flat lon/lat coordinates), read once."""
    data = json.loads(COUNTRIES.read_bytes())
    rings = []
    for country in data["countries"]:
        for flat in country["rings"]:
            coords = tuple(v / 100 for v in flat)
            lons, lats = coords[0::2], coords[1::2]
            rings.append(((min(lons), min(lats), max(lons), max(lats)), coords))
    return tuple(rings)


def _clip(x0: float, y0: float, x1: float, y1: float, w: float, h: float) -> tuple[float, float, float, float] | None:
    """The part of a segment inside [0, w) x [0, h) (Liang-Barsky), None when none is."""
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0), (dx, w - 1e-9 - x0), (-dy, y0), (dy, h - 1e-9 - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            if t > t1:
                return None
            t0 = max(t0, t)
        else:
            if t < t0:
                return None
            t1 = min(t1, t)
    return x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy


@lru_cache(maxsize=8)
def outline_cells(view: View, cols: int, rows: int) -> tuple[int, ...]:
    """The Braille bits of every cell (row by row) for the country outlines in view. Kept for the
    last few views: a new filter redraws the points only."""
    bits = [0] * (cols * rows)
    w, h = cols * DOTS_X, rows * DOTS_Y
    west, south, east, north = view.box(cols, rows)
    cx, cy, s = cols * DOTS_X / 2, rows * DOTS_Y / 2, view.scale
    for (rw, rs, re, rn), coords in outlines():
        if re < west or rw > east or rn < south or rs > north:
            continue
        xs = [cx + (lon - view.lon) / s for lon in coords[0::2]]
        ys = [cy - (lat - view.lat) / s for lat in coords[1::2]]
        for i in range(len(xs) - 1):
            seg = _clip(xs[i], ys[i], xs[i + 1], ys[i + 1], w, h)
            if seg is None:
                continue
            x0, y0, x1, y1 = seg
            n = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
            for k in range(n + 1):
                x, y = int(x0 + (x1 - x0) * k / n), int(y0 + (y1 - y0) * k / n)
                bits[(y >> 2) * cols + (x >> 1)] |= _BIT[x & 1][y & 3]
    return tuple(bits)


def shade(count: int) -> tuple[str, str]:
    """(glyph, style) of a point with this many events."""
    return next((g, st) for least, g, st in SHADES if count >= least)


@dataclass(frozen=True)
class Point:
    id: str
    lon: float
    lat: float
    count: int  # events there under the filter


def point_cells(view: View, cols: int, rows: int, points: list[Point]) -> dict[tuple[int, int], list[Point]]:
    """The points in view by the cell they fall in (several may share one); each cell's list by id."""
    cells: dict[tuple[int, int], list[Point]] = {}
    for p in sorted(points, key=lambda p: p.id):
        at = view.to_cell(p.lon, p.lat, cols, rows)
        if at is not None:
            cells.setdefault(at, []).append(p)
    return cells


def draw(view: View, cols: int, rows: int, points: list[Point], highlight: frozenset[str] = frozenset(),
         cursor: bool = False, outlines: bool = True) -> list[Text]:
    """The map as `rows` lines of `cols` cells: outlines in Braille, each cell holding points drawn
    with the shade of their summed events, highlighted ones in reverse; the centre marked with `+`
    when `cursor`; without `outlines`, the points alone."""
    bits = outline_cells(view, cols, rows) if outlines else (0,) * (cols * rows)
    by_row: dict[int, dict[int, tuple[str, str]]] = {}
    for (col, row), here in point_cells(view, cols, rows, points).items():
        glyph, style = shade(sum(p.count for p in here))
        if any(p.id in highlight for p in here):
            style += " reverse"
        by_row.setdefault(row, {})[col] = (glyph, style)
    centre = (cols // 2, rows // 2)
    if cursor and centre[0] not in by_row.get(centre[1], {}):
        by_row.setdefault(centre[1], {})[centre[0]] = (CURSOR, "bold")
    lines = []
    for row in range(rows):
        chars = list(map(_CHARS.__getitem__, bits[row * cols:(row + 1) * cols]))
        marks = by_row.get(row)
        if not marks:
            lines.append(Text("".join(chars), style="dim"))
            continue
        spans = [Span(0, cols, "dim")]
        for col, (glyph, style) in sorted(marks.items()):
            chars[col] = glyph
            spans.append(Span(col, col + 1, style))
        lines.append(Text("".join(chars), spans=spans))
    return lines


def nearest(view: View, cols: int, rows: int, points: list[Point]) -> Point | None:
    """The point nearest the centre of the view (in dots; ties by id), among those in view."""
    cx, cy = cols * DOTS_X / 2, rows * DOTS_Y / 2
    best = None
    for p in points:
        if view.to_cell(p.lon, p.lat, cols, rows) is None:
            continue
        x, y = view.to_dot(p.lon, p.lat, cols, rows)
        key = ((x - cx) ** 2 + (y - cy) ** 2, p.id)
        if best is None or key < best[0]:
            best = (key, p)
    return best[1] if best else None


def legend() -> str:
    return "  ".join(f"{g} {least}+" if least >= 2 else f"{g} {least}" for least, g, _ in SHADES if least)
