"""Convert Natural Earth's 1:110m country outlines (TopoJSON) into maliterm/data/countries.json, once.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/natural_earth.py package/countries-110m.json maliterm/data/countries.json

Source: Natural Earth 4.1.0 Admin 0 countries, 1:110m (public domain, naturalearthdata.com), as
redistributed in TopoJSON by the npm package world-atlas 2.0.2 (ISC licence, Michael Bostock). This
script is ours; the outlines it writes are Natural Earth's and stay in the public domain.

TopoJSON stores each border once as an "arc": quantized integer points, each after the first as a
delta from the one before, and a polygon's ring as a list of arc indexes (a negative index ~i is arc
i reversed). We decode the arcs, join each ring's arcs, and write every ring as a flat list of
integers in hundredths of a degree [lon, lat, lon, lat, ...] (1:110m is coarser than that). Rings of
fewer than 4 points after rounding are dropped. Output is sorted by name so the bytes are stable.
"""

from __future__ import annotations

import json
import sys


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])  # consecutive arcs share their joining point
    return points


def compact(points: list[tuple[float, float]]) -> list[int]:
    flat: list[int] = []
    last = None
    for lon, lat in points:
        p = (round(lon * 100), round(lat * 100))
        if p != last:
            flat += p
            last = p
    return flat


def convert(topo: dict) -> dict:
    arcs = decode_arcs(topo)
    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        rings = [r for poly in polygons for r in (compact(ring(arcs, idx)) for idx in poly) if len(r) >= 8]
        countries.append({"name": g["properties"]["name"], "iso_n3": g.get("id", ""), "rings": rings})
    countries.sort(key=lambda c: (c["name"], c["iso_n3"]))
    return {
        "source": "Natural Earth 4.1.0 Admin 0 countries 1:110m (public domain), via npm world-atlas 2.0.2 "
                  "(ISC); converted by tools/natural_earth.py",
        "units": "rings are flat [lon, lat, ...] in hundredths of a degree; iso_n3 is ISO 3166-1 numeric",
        "countries": countries,
    }


if __name__ == "__main__":
    src, dst = sys.argv[1:3]
    with open(src, encoding="utf-8") as f:
        data = convert(json.load(f))
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(data, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
