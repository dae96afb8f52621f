"""The world map behind the partners page: land outlines from world-atlas (npm), projected for the
static SVG map, and written as a small script for the interactive map's offline background."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from ..core import cache

# Equirectangular projection of the inhabited latitudes: one degree is W / 360 units wide and high.
WIDTH = 960
NORTH, SOUTH = 84.0, -58.0
HEIGHT = round((NORTH - SOUTH) * WIDTH / 360)

LAND_FILE = Path("node_modules") / "world-atlas" / "land-110m.json"
LEAFLET_DIR = Path("node_modules") / "leaflet" / "dist"


class MissingPackage(Exception):
    """An npm package the build needs is not installed."""


def require(root: Path, relative: Path) -> Path:
    path = Path(root) / relative
    if not path.exists():
        package = relative.parts[1]
        raise MissingPackage(f"{package} is missing ({relative} not found): run `npm ci` in {root} "
                             f"(`make site` does it), which installs the versions pinned in package-lock.json")
    return path


def project(lon: float, lat: float) -> tuple[float, float]:
    """(x, y) in the SVG's units."""
    return round((lon + 180) * WIDTH / 360, 1), round((NORTH - lat) * WIDTH / 360, 1)


@functools.lru_cache(maxsize=4)
def _rings(path: Path, mtime: int) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The land polygons' rings as (lon, lat) points, decoded from TopoJSON (quantized, delta-encoded arcs)."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    (kx, ky), (dx, dy) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for px, py in arc:
            x, y = x + px, y + py
            points.append((round(x * kx + dx, 3), round(y * ky + dy, 3)))
        arcs.append(points)

    def ring(indexes: list[int]) -> tuple:
        points: list = []
        for i in indexes:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(arc[1:] if points else arc)
        return tuple(points)

    rings = []
    for geometry in topo["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            rings.extend(ring(r) for r in polygon)
    return tuple(rings)


def _land_file(root: Path) -> tuple[Path, int]:
    """The land file and its time: what the land's drawings are kept by in this process (resolved, so the
    projects that share one node_modules share them)."""
    path = require(root, LAND_FILE).resolve()
    return path, path.stat().st_mtime_ns


def land_rings(root: Path) -> list[list[tuple[float, float]]]:
    """Land rings as (lon, lat), Antarctica left out (south of the map). A ring that crosses the
    antimeridian is unwrapped (longitudes past 180 continue beyond it) instead of jumping across the map."""
    return [list(ring) for ring in _land_rings(*_land_file(root))]


@functools.lru_cache(maxsize=4)
def _land_rings(path: Path, mtime: int) -> tuple[tuple[tuple[float, float], ...], ...]:
    rings = []
    for ring in _rings(path, mtime):
        if max(lat for _lon, lat in ring) < SOUTH:
            continue
        points, shift, previous = [], 0.0, ring[0][0]
        for lon, lat in ring:
            if lon - previous > 180:
                shift -= 360
            elif lon - previous < -180:
                shift += 360
            previous = lon
            points.append((lon + shift, lat))
        rings.append(tuple(points))
    return tuple(rings)


def land_path(root: Path) -> str:
    """The land as one SVG path (d attribute), points rounded to the unit and repeats dropped; an
    unwrapped ring is drawn again one map-width over so that both edges of the map show it."""
    return _land_path(*_land_file(root))


@functools.lru_cache(maxsize=4)
def _land_path(path: Path, mtime: int) -> str:
    # Kept on disk (0.1 s a language process): the land file is the same from one build to the next.
    return cache.current().memo("land-path", (path.read_bytes(),), lambda: _draw_land(path, mtime))


def _draw_land(path: Path, mtime: int) -> str:
    parts = []
    for ring in _land_rings(path, mtime):
        xy = [project(lon, max(min(lat, NORTH), SOUTH)) for lon, lat in ring]
        copies = [0] + ([WIDTH] if min(x for x, _y in xy) < 0 else []) + ([-WIDTH] if max(x for x, _y in xy) > WIDTH else [])
        for offset in copies:
            points = []
            for x, y in xy:
                point = (round(x + offset), round(y))
                if not points or points[-1] != point:
                    points.append(point)
            if len(points) > 2:
                parts.append("M" + "L".join(f"{x} {y}" for x, y in points) + "Z")
    return "".join(parts)


def land_script(root: Path) -> str:
    """window.FPM_LAND = [[[lat, lon], ...], ...]: the land for the interactive map, read by a <script>
    (works from file:// too, unlike fetch)."""
    return _land_script(*_land_file(root))


@functools.lru_cache(maxsize=4)
def _land_script(path: Path, mtime: int) -> str:
    rings = [[[round(lat, 2), round(lon, 2)] for lon, lat in ring] for ring in _land_rings(path, mtime) if len(ring) > 3]
    return "window.FPM_LAND=" + json.dumps(rings, separators=(",", ":")) + ";\n"


def spread(points: list[tuple[float, float]], radius: float = 7.0) -> list[tuple[float, float]]:
    """Points drawn at the same place are set around it on a small circle, so each stays visible."""
    import math

    seen: dict[tuple[float, float], int] = {}
    counts: dict[tuple[float, float], int] = {}
    for p in points:
        counts[p] = counts.get(p, 0) + 1
    out = []
    for p in points:
        n = counts[p]
        i = seen[p] = seen.get(p, -1) + 1
        if n == 1:
            out.append(p)
        else:
            angle = 2 * math.pi * i / n
            out.append((round(p[0] + radius * math.sin(angle), 1), round(p[1] - radius * math.cos(angle), 1)))
    return out
