"""Charts as inline SVG strings (no JavaScript, no network): a stacked timeline and a map of
points on country outlines (Natural Earth 110m, shipped in akhbar/resources)."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from html import escape

from akhbar.resources import resource_path

# Colour per event type (Tableau 10, then 10 more); more types than colours cycle through it.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac", "#1f3a93", "#a0522d", "#2ca02c", "#d62728", "#17becf", "#bcbd22", "#8c564b", "#e377c2",
           "#7f7f7f", "#393b79")
DEFAULT_VIEW = (25.0, 10.0, 65.0, 42.0)   # lon0, lat0, lon1, lat1: the Middle East when nothing is located


def colours(types: list[str]) -> dict[str, str]:
    return {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(types)}


@lru_cache(maxsize=1)
def countries() -> tuple[tuple[str, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    """(name, rings of (lon, lat)) per country, decoded from the TopoJSON (quantised, delta-encoded arcs)."""
    topo = json.loads(resource_path("world_countries_110m.json").read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indices):
        pts: list[tuple[float, float]] = []
        for i in indices:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(a[1:] if pts else a)
        return tuple(pts)

    out = []
    for g in topo["objects"]["countries"]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g.get("arcs", []) if g["type"] == "MultiPolygon" else []
        rings = tuple(ring(r) for poly in polys for r in poly)
        out.append(((g.get("properties") or {}).get("name", ""), rings))
    return tuple(out)


def view_of(points: list[tuple[float, float]], weights: list[float] | None = None, pad: float = 2.5,
            radius: float = 20.0) -> tuple[float, float, float, float]:
    """A lon/lat box (at least 12 x 8 degrees) around the places within `radius` degrees of the
    place with most incidents, or DEFAULT_VIEW; places farther away (a capital abroad, a country
    centroid) are left out of the view and counted under the map."""
    if not points:
        return DEFAULT_VIEW
    weights = weights or [1.0] * len(points)
    ax, ay = max(zip(points, weights), key=lambda pw: pw[1])[0]
    near = [(x, y) for x, y in points if abs(x - ax) <= radius and abs(y - ay) <= radius]
    lon0, lon1 = min(x for x, _ in near) - pad, max(x for x, _ in near) + pad
    lat0, lat1 = min(y for _, y in near) - pad, max(y for _, y in near) + pad
    if lon1 - lon0 < 12:
        c = (lon0 + lon1) / 2
        lon0, lon1 = c - 6, c + 6
    if lat1 - lat0 < 8:
        c = (lat0 + lat1) / 2
        lat0, lat1 = c - 4, c + 4
    if lat1 - lat0 > 0.7 * (lon1 - lon0):          # keep the map wider than tall
        c, half = (lon0 + lon1) / 2, (lat1 - lat0) / 1.4
        lon0, lon1 = c - half, c + half
    return max(lon0, -180), max(lat0, -85), min(lon1, 180), min(lat1, 85)


def map_svg(points: list[dict], colour: dict[str, str], width: int = 760) -> str:
    """Points {lon, lat, size, type, label} (one per place; size = incidents there) on country outlines,
    equirectangular, cropped to where the incidents are."""
    lon0, lat0, lon1, lat1 = view_of([(p["lon"], p["lat"]) for p in points], [p["size"] for p in points])
    k = width / (lon1 - lon0)
    height = int((lat1 - lat0) * k)

    def xy(lon, lat):
        return f"{(lon - lon0) * k:.1f},{(lat1 - lat) * k:.1f}"

    paths = []
    for name, rings in countries():
        if not any(lon0 - 20 < x < lon1 + 20 and lat0 - 20 < y < lat1 + 20 for r in rings for x, y in r[::4] or r):
            continue
        d = " ".join("M" + " L".join(xy(x, y) for x, y in r) + "Z" for r in rings if len(r) > 2)
        paths.append(f'<path d="{d}"><title>{escape(name)}</title></path>')
    dots = []
    inside = [p for p in points if lon0 <= p["lon"] <= lon1 and lat0 <= p["lat"] <= lat1]
    for p in sorted(inside, key=lambda p: -p["size"]):
        r = min(3 + 2 * (p["size"] ** 0.5), 28)
        x, y = xy(p["lon"], p["lat"]).split(",")
        dots.append(f'<circle cx="{x}" cy="{y}" r="{r:.1f}" fill="{colour.get(p["type"], "#666")}" '
                    f'fill-opacity="0.7" stroke="#222" stroke-width="0.6"><title>{escape(p["label"])}</title></circle>')
    outside = sum(p["size"] for p in points) - sum(p["size"] for p in inside)
    note = (f'<text x="6" y="{height - 6}" font-size="11" fill="#444">{outside} incidents at '
            f'{len(points) - len(inside)} places outside this view</text>') if outside else ""
    return (f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="map of incidents"><rect width="{width}" height="{height}" fill="#dfeaf3"/>'
            f'<g fill="#f4f1ea" stroke="#9a9a9a" stroke-width="0.6">{"".join(paths)}</g>{"".join(dots)}{note}</svg>')


def bin_of(days: list[dt.date]) -> str:
    span = (max(days) - min(days)).days if days else 0
    return "day" if span <= 120 else "week" if span <= 800 else "month"


def bucket(d: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return d - dt.timedelta(days=d.weekday())
    if unit == "month":
        return d.replace(day=1)
    return d


def timeline_svg(rows: list[tuple[dt.date, str]], colour: dict[str, str], width: int = 760, height: int = 220
                 ) -> tuple[str, str]:
    """(SVG, unit): stacked bars of incidents per day (week or month for long spans) by type."""
    if not rows:
        return "", "day"
    unit = bin_of([d for d, _ in rows])
    counts: dict[dt.date, dict[str, int]] = {}
    for d, t in rows:
        b = counts.setdefault(bucket(d, unit), {})
        b[t] = b.get(t, 0) + 1
    first, last = min(counts), max(counts)
    slots = []
    cur = first
    while cur <= last:
        slots.append(cur)
        cur = bucket(cur + dt.timedelta(days=32 if unit == "month" else 7 if unit == "week" else 1), unit)
    left, bottom, top = 36, 28, 8
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max(sum(c.values()) for c in counts.values())
    bw = plot_w / len(slots)
    bars = []
    for i, s in enumerate(slots):
        y = height - bottom
        for t, n in sorted(counts.get(s, {}).items()):
            h = plot_h * n / peak
            y -= h
            bars.append(f'<rect x="{left + i * bw:.1f}" y="{y:.1f}" width="{max(bw - 1, 1):.1f}" height="{h:.1f}" '
                        f'fill="{colour.get(t, "#666")}"><title>{s.isoformat()} {escape(t)}: {n}</title></rect>')
    step = max(1, len(slots) // 8)
    ticks = "".join(f'<text x="{left + i * bw + bw / 2:.1f}" y="{height - 10}" text-anchor="middle">'
                    f'{s.isoformat()[: 7 if unit == "month" else 10]}</text>' for i, s in enumerate(slots) if i % step == 0)
    axis = (f'<text x="{left - 4}" y="{top + 10}" text-anchor="end">{peak}</text>'
            f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>'
            f'<line x1="{left}" y1="{height - bottom}" x2="{width - 8}" y2="{height - bottom}" stroke="#444"/>')
    svg = (f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-label="incidents per {unit}" font-size="10" font-family="sans-serif">'
           f'{"".join(bars)}{axis}{ticks}</svg>')
    return svg, unit


def legend(colour: dict[str, str]) -> str:
    return "".join(f'<span class="key"><i style="background:{c}"></i>{escape(t)}</span>' for t, c in colour.items())


def standalone_svg(svg: str, colour: dict[str, str], width: int = 760) -> str:
    """`svg` (one of the charts above) as a standalone SVG document for an <img>: the SVG namespace
    (an image needs it; it is a name, never fetched), a white background and the legend on top; the
    tooltips (<title>) are dropped: an image shows none, and they were most of the bytes."""
    if not svg:
        return ""
    svg = re.sub(r"<title>[^<]*</title>", "", svg)
    per_row = max(1, width // 150)
    rows = (len(colour) + per_row - 1) // per_row
    top = 6 + 16 * rows
    keys = "".join(f'<rect x="{6 + (i % per_row) * 150}" y="{6 + (i // per_row) * 16}" width="10" height="10" '
                   f'fill="{c}"/><text x="{20 + (i % per_row) * 150}" y="{15 + (i // per_row) * 16}">{escape(t)}</text>'
                   for i, (t, c) in enumerate(colour.items()))
    inner_h = int(svg.split('height="', 1)[1].split('"', 1)[0])
    height = top + inner_h + 4
    inner = svg.replace("<svg ", f'<svg x="0" y="{top}" ', 1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" font-family="sans-serif" font-size="11"><rect width="{width}" height="{height}" '
            f'fill="#fff"/>{keys}{inner}</svg>')
