#!/usr/bin/env python3
"""Generate the seed media every Odyssey node ships with.

Writes, under ``src/odyssey/assets/`` (or ``--out DIR``):

* ``models/*.glb``: small binary glTF 2.0 models of the basic shapes (one mesh, one
  node, one scene; POSITION/NORMAL/TEXCOORD_0 float32, uint16 indices, a white PBR
  metallic-roughness material the client can tint). Every model fits in the 1x1x1 box
  centred at the origin, Y up, front facing +Z, triangles counter-clockwise seen from
  outside, normals outward.
* ``images/skybox-default.png``: a 2:1 equirectangular night sky.
* ``images/world-avatar-default.png``: a 512x512 planet emblem.
* ``manifest.json``: names, files, and media hashes / ids of all of the above.

Everything is computed here from first principles: no file is copied from anywhere. The
output is deterministic: the GLB files and the manifest are the same bytes on every run
(coordinates are rounded to 1e-6 before they are stored, so a last-bit difference in a
platform's ``sin``/``cos`` cannot leak through), and the images are the same pixels (the
images use only exactly-rounded arithmetic and Python's seeded ``random``; their PNG bytes
additionally depend on the zlib that Pillow was built with).

Run from the repository root with the project's virtualenv:

    .venv/bin/python tools/make_seed_assets.py
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from odyssey.assets import media_hash, media_uuid

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "odyssey" / "assets"

GENERATOR = "odyssey seed"
PHI = (1.0 + math.sqrt(5.0)) / 2.0

Vec = tuple[float, float, float]
UV = tuple[float, float]
FloatArray = npt.NDArray[np.float64]


# --------------------------------------------------------------------------- vectors


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def mul(a: Vec, s: float) -> Vec:
    return (a[0] * s, a[1] * s, a[2] * s)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def normalize(a: Vec) -> Vec:
    length = math.sqrt(dot(a, a))
    if length == 0.0:
        raise ValueError("cannot normalize a zero vector")
    return mul(a, 1.0 / length)


def sincos(turns: float) -> tuple[float, float]:
    """sin and cos of ``turns`` full turns, exact at every quarter turn."""
    quarters = turns * 4.0
    if quarters == math.floor(quarters):
        return ((0.0, 1.0), (1.0, 0.0), (0.0, -1.0), (-1.0, 0.0))[int(quarters) % 4]
    a = 2.0 * math.pi * turns
    return math.sin(a), math.cos(a)


def q(x: float) -> float:
    """Round to 1e-6 (and turn -0.0 into 0.0): the stored coordinates are platform-proof."""
    return round(x, 6) + 0.0


def face_basis(n: Vec) -> tuple[Vec, Vec]:
    """(right, up) for a face with outward normal ``n``, so that (right, up, n) is right-handed.

    ``up`` is world +Y projected onto the face, so textures stand upright on side faces; a
    face looking straight up has -Z as its up (as seen from above with +Z towards the
    viewer), one looking straight down has +Z.
    """
    y_axis: Vec = (0.0, 1.0, 0.0)
    if abs(n[1]) > 0.999:
        up: Vec = (0.0, 0.0, -1.0) if n[1] > 0 else (0.0, 0.0, 1.0)
    else:
        up = normalize(sub(y_axis, mul(n, dot(y_axis, n))))
    right = cross(up, n)
    return right, up


# --------------------------------------------------------------------------- meshes


@dataclass
class Mesh:
    positions: list[Vec] = field(default_factory=list)
    normals: list[Vec] = field(default_factory=list)
    uvs: list[UV] = field(default_factory=list)
    indices: list[int] = field(default_factory=list)

    def vertex(self, p: Vec, n: Vec, uv: UV) -> int:
        nn = normalize(n)
        self.positions.append((q(p[0]), q(p[1]), q(p[2])))
        self.normals.append((q(nn[0]), q(nn[1]), q(nn[2])))
        self.uvs.append((q(uv[0]), q(uv[1])))
        return len(self.positions) - 1

    def triangle(self, a: int, b: int, c: int) -> None:
        self.indices.extend((a, b, c))

    def check(self) -> None:
        """Every triangle non-degenerate and counter-clockwise around its vertex normals."""
        if len(self.positions) > 65535:
            raise ValueError("too many vertices for uint16 indices")
        for t in range(0, len(self.indices), 3):
            a, b, c = self.indices[t : t + 3]
            pa, pb, pc = self.positions[a], self.positions[b], self.positions[c]
            face = cross(sub(pb, pa), sub(pc, pa))
            area2 = math.sqrt(dot(face, face))
            if area2 < 1e-9:
                raise ValueError(f"degenerate triangle {t // 3}")
            for v in (a, b, c):
                if dot(face, self.normals[v]) <= 0.0:
                    raise ValueError(f"triangle {t // 3} is clockwise around vertex {v}")


def add_polygon(mesh: Mesh, corners: Sequence[Vec]) -> None:
    """A flat convex polygon (corners counter-clockwise seen from outside), fan-triangulated.

    The face gets its own vertices (flat shading) and a planar texture mapping: the texture
    stands upright on the face (see :func:`face_basis`), fitted to the polygon's extent with
    the aspect kept and centred.
    """
    normal: Vec = (0.0, 0.0, 0.0)
    for i, p in enumerate(corners):  # Newell's method
        normal = add(normal, cross(p, corners[(i + 1) % len(corners)]))
    n = normalize(normal)
    right, up = face_basis(n)
    st = [(dot(p, right), -dot(p, up)) for p in corners]
    s_lo, s_hi = min(s for s, _ in st), max(s for s, _ in st)
    t_lo, t_hi = min(t for _, t in st), max(t for _, t in st)
    scale = 1.0 / max(s_hi - s_lo, t_hi - t_lo)
    s_mid, t_mid = (s_lo + s_hi) / 2.0, (t_lo + t_hi) / 2.0
    ids = [
        mesh.vertex(p, n, (0.5 + (s - s_mid) * scale, 0.5 + (t - t_mid) * scale))
        for p, (s, t) in zip(corners, st, strict=True)
    ]
    for i in range(1, len(ids) - 1):
        mesh.triangle(ids[0], ids[i], ids[i + 1])


@dataclass(frozen=True)
class ProfilePoint:
    """A point of a surface-of-revolution profile: radius, height, normal (radial, up), v."""

    r: float
    y: float
    nr: float
    ny: float
    v: float = 0.0


def around(u: float) -> Vec:
    """Horizontal unit direction at texture coordinate ``u``.

    u = 0.5 faces +Z (the front), u grows towards +X there, so a texture wrapped around a
    surface of revolution reads left-to-right from outside; the seam (u = 0 / 1) is at -Z.
    """
    s, c = sincos(u)
    return (-s, 0.0, -c)


def lathe(mesh: Mesh, profile: Sequence[ProfilePoint], segments: int, planar: bool) -> None:
    """Revolve ``profile`` (walked downwards over the outside of the surface) around +Y.

    Points with r == 0 are poles: they get one vertex per segment (at the segment's middle
    angle) so there are no degenerate triangles and the texture does not pinch. With
    ``planar`` the texture is projected along the (flat) profile's normal instead of wrapped.
    """
    rings: list[list[int]] = []
    for pt in profile:
        ring: list[int] = []
        pole = pt.r == 0.0
        for i in range(segments if pole else segments + 1):
            u = (i + 0.5) / segments if pole else i / segments
            d = around(u)
            p = (pt.r * d[0], pt.y, pt.r * d[2])
            n = (pt.nr * d[0], pt.ny, pt.nr * d[2])
            if planar:
                right, up = face_basis(normalize(n))
                uv = (0.5 + dot(p, right), 0.5 - dot(p, up))
            else:
                uv = (u, pt.v)
            ring.append(mesh.vertex(p, n, uv))
        rings.append(ring)
    for j in range(len(profile) - 1):
        top, bottom = rings[j], rings[j + 1]
        for i in range(segments):
            if profile[j].r == 0.0:
                mesh.triangle(top[i], bottom[i], bottom[i + 1])
            elif profile[j + 1].r == 0.0:
                mesh.triangle(top[i], bottom[i], top[i + 1])
            else:
                mesh.triangle(top[i], bottom[i], bottom[i + 1])
                mesh.triangle(top[i], bottom[i + 1], top[i + 1])


def with_arc_length_v(points: Sequence[ProfilePoint]) -> list[ProfilePoint]:
    """The same profile with v running 0..1 proportionally to the distance along it."""
    dist = [0.0]
    for a, b in itertools.pairwise(points):
        dist.append(dist[-1] + math.hypot(b.r - a.r, b.y - a.y))
    return [
        ProfilePoint(p.r, p.y, p.nr, p.ny, d / dist[-1]) for p, d in zip(points, dist, strict=True)
    ]


# --------------------------------------------------------------------------- shapes


def make_cube() -> Mesh:
    mesh = Mesh()
    for n in (
        (0.0, 0.0, 1.0),
        (1.0, 0.0, 0.0),
        (0.0, 0.0, -1.0),
        (-1.0, 0.0, 0.0),
        (0.0, 1.0, 0.0),
        (0.0, -1.0, 0.0),
    ):
        right, up = face_basis(n)
        c = mul(n, 0.5)
        r, u = mul(right, 0.5), mul(up, 0.5)
        add_polygon(
            mesh, [sub(sub(c, r), u), sub(add(c, r), u), add(add(c, r), u), add(sub(c, r), u)]
        )
    return mesh


def make_sphere(segments: int = 48, rings: int = 24) -> Mesh:
    mesh = Mesh()
    profile = []
    for j in range(rings + 1):
        s, c = sincos(0.5 * j / rings)
        profile.append(ProfilePoint(0.5 * s, 0.5 * c, s, c, j / rings))
    lathe(mesh, profile, segments, planar=False)
    return mesh


def make_cylinder(segments: int = 48) -> Mesh:
    mesh = Mesh()
    lathe(
        mesh,
        [ProfilePoint(0.0, 0.5, 0.0, 1.0), ProfilePoint(0.5, 0.5, 0.0, 1.0)],
        segments,
        planar=True,
    )
    lathe(
        mesh,
        [ProfilePoint(0.5, 0.5, 1.0, 0.0, 0.0), ProfilePoint(0.5, -0.5, 1.0, 0.0, 1.0)],
        segments,
        planar=False,
    )
    lathe(
        mesh,
        [ProfilePoint(0.5, -0.5, 0.0, -1.0), ProfilePoint(0.0, -0.5, 0.0, -1.0)],
        segments,
        planar=True,
    )
    return mesh


def make_cone(segments: int = 48) -> Mesh:
    mesh = Mesh()
    # Side normal of a cone of radius 0.5 and height 1: perpendicular to the slant (0.5, -1).
    nr, ny = normalize((1.0, 0.5, 0.0))[:2]
    lathe(
        mesh,
        [ProfilePoint(0.0, 0.5, nr, ny, 0.0), ProfilePoint(0.5, -0.5, nr, ny, 1.0)],
        segments,
        planar=False,
    )
    lathe(
        mesh,
        [ProfilePoint(0.5, -0.5, 0.0, -1.0), ProfilePoint(0.0, -0.5, 0.0, -1.0)],
        segments,
        planar=True,
    )
    return mesh


def make_capsule(segments: int = 48, cap_rings: int = 12) -> Mesh:
    """A pill: radius 0.25, total height 1 (hemispheres joined by a 0.5 tall cylinder)."""
    radius, half = 0.25, 0.25
    points: list[ProfilePoint] = []
    for j in range(cap_rings + 1):
        s, c = sincos(0.25 * j / cap_rings)
        points.append(ProfilePoint(radius * s, half + radius * c, s, c))
    for j in range(cap_rings + 1):
        s, c = sincos(0.25 + 0.25 * j / cap_rings)
        points.append(ProfilePoint(radius * s, -half + radius * c, s, c))
    lathe(mesh := Mesh(), with_arc_length_v(points), segments, planar=False)
    return mesh


def make_torus(segments: int = 48, tube_segments: int = 24) -> Mesh:
    """A ring lying flat (hole along Y): ring radius 0.35, tube radius 0.15."""
    major, minor = 0.35, 0.15
    profile = []
    for j in range(tube_segments + 1):
        # v = 0 at the top of the tube, 0.25 on the outside, 0.5 below, 0.75 in the hole.
        s, c = sincos(j / tube_segments)
        profile.append(ProfilePoint(major + minor * s, minor * c, s, c, j / tube_segments))
    lathe(mesh := Mesh(), profile, segments, planar=False)
    return mesh


def make_disc(segments: int = 48) -> Mesh:
    """A flat disc of diameter 1 in the XY plane, facing +Z (like the quad)."""
    mesh = Mesh()
    n: Vec = (0.0, 0.0, 1.0)
    centre = mesh.vertex((0.0, 0.0, 0.0), n, (0.5, 0.5))
    ring = []
    for i in range(segments):
        s, c = sincos(i / segments)
        x, y = 0.5 * c, 0.5 * s
        ring.append(mesh.vertex((x, y, 0.0), n, (0.5 + x, 0.5 - y)))
    for i in range(segments):
        mesh.triangle(centre, ring[i], ring[(i + 1) % segments])
    return mesh


def make_quad() -> Mesh:
    """A 1x1 square in the XY plane, facing +Z."""
    mesh = Mesh()
    add_polygon(mesh, [(-0.5, -0.5, 0.0), (0.5, -0.5, 0.0), (0.5, 0.5, 0.0), (-0.5, 0.5, 0.0)])
    return mesh


def _signs(*values: float) -> list[Vec]:
    """All sign combinations of a 3-vector (zeros are not doubled)."""
    out: list[Vec] = []
    for sx in (1.0, -1.0) if values[0] else (1.0,):
        for sy in (1.0, -1.0) if values[1] else (1.0,):
            for sz in (1.0, -1.0) if values[2] else (1.0,):
                out.append((sx * values[0], sy * values[1], sz * values[2]))
    return out


def _cyclic(v: Vec) -> list[Vec]:
    """The three cyclic permutations of the coordinates of ``v``, with all sign combinations."""
    a, b, c = v
    return [*_signs(a, b, c), *_signs(c, a, b), *_signs(b, c, a)]


ICOSA_VERTS = _cyclic((0.0, 1.0, PHI))
DODECA_VERTS = _signs(1.0, 1.0, 1.0) + _cyclic((0.0, PHI, 1.0 / PHI))  # dual of ICOSA_VERTS


def polyhedron(vertices: Sequence[Vec], face_normals: Sequence[Vec]) -> Mesh:
    """A flat-shaded convex polyhedron, centred, scaled so its largest extent is 1.

    Each face is the set of vertices lying furthest along one of ``face_normals``, ordered
    counter-clockwise around it.
    """
    half = max(max(abs(c) for c in v) for v in vertices)
    verts = [mul(v, 0.5 / half) for v in vertices]
    mesh = Mesh()
    used: set[int] = set()
    for fn in face_normals:
        n = normalize(fn)
        far = max(dot(v, n) for v in verts)
        face = [i for i, v in enumerate(verts) if dot(v, n) > far - 1e-9]
        if len(face) < 3:
            raise ValueError(f"face normal {fn} touches only {len(face)} vertices")
        used.update(face)
        centre = mul(
            (
                sum(verts[i][0] for i in face),
                sum(verts[i][1] for i in face),
                sum(verts[i][2] for i in face),
            ),
            1.0 / len(face),
        )
        right, up = face_basis(n)
        face.sort(
            key=lambda i: math.atan2(
                dot(sub(verts[i], centre), up), dot(sub(verts[i], centre), right)
            )
        )
        add_polygon(mesh, [verts[i] for i in face])
    if len(used) != len(verts):
        raise ValueError("some vertices are on no face")
    return mesh


def make_octahedron() -> Mesh:
    return polyhedron(_cyclic((0.0, 0.0, 1.0)), _signs(1.0, 1.0, 1.0))


def make_icosahedron() -> Mesh:
    return polyhedron(ICOSA_VERTS, DODECA_VERTS)


def make_dodecahedron() -> Mesh:
    return polyhedron(DODECA_VERTS, ICOSA_VERTS)


def make_truncated_icosahedron() -> Mesh:
    """The buckyball: every icosahedron edge cut at its thirds (12 pentagons, 20 hexagons)."""
    verts: list[Vec] = []
    for i, a in enumerate(ICOSA_VERTS):
        for b in ICOSA_VERTS[i + 1 :]:
            if abs(math.dist(a, b) - 2.0) < 1e-9:  # an edge of the icosahedron
                verts.append(add(a, mul(sub(b, a), 1.0 / 3.0)))
                verts.append(add(a, mul(sub(b, a), 2.0 / 3.0)))
    if len(verts) != 60:
        raise AssertionError(len(verts))
    return polyhedron(verts, ICOSA_VERTS + DODECA_VERTS)


# --------------------------------------------------------------------------- glTF


@dataclass(frozen=True)
class Material:
    name: str
    roughness: float = 0.5
    metallic: float = 0.0
    emissive: Vec | None = None
    double_sided: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "pbrMetallicRoughness": {
                "baseColorFactor": [1.0, 1.0, 1.0, 1.0],
                "metallicFactor": self.metallic,
                "roughnessFactor": self.roughness,
            },
        }
        if self.emissive is not None:
            out["emissiveFactor"] = list(self.emissive)
        if self.double_sided:
            out["doubleSided"] = True
        return out


ARRAY_BUFFER = 34962
ELEMENT_ARRAY_BUFFER = 34963
FLOAT = 5126
UNSIGNED_SHORT = 5123


def _pad(data: bytes, fill: bytes) -> bytes:
    return data + fill * (-len(data) % 4)


def build_glb(name: str, mesh: Mesh, material: Material) -> bytes:
    """Pack ``mesh`` into a GLB: JSON chunk (key order fixed, space padded) + BIN chunk."""
    mesh.check()
    count = len(mesh.positions)
    flat_pos = [c for p in mesh.positions for c in p]
    pos = struct.pack(f"<{len(flat_pos)}f", *flat_pos)
    nor = struct.pack(f"<{3 * count}f", *(c for n in mesh.normals for c in n))
    tex = struct.pack(f"<{2 * count}f", *(c for uv in mesh.uvs for c in uv))
    idx = struct.pack(f"<{len(mesh.indices)}H", *mesh.indices)
    # min / max must be the stored float32 values exactly.
    stored = struct.unpack(f"<{len(flat_pos)}f", pos)
    pos_min = [min(stored[k::3]) for k in range(3)]
    pos_max = [max(stored[k::3]) for k in range(3)]

    views: list[dict[str, Any]] = []
    blob = b""
    for data, target in (
        (pos, ARRAY_BUFFER),
        (nor, ARRAY_BUFFER),
        (tex, ARRAY_BUFFER),
        (idx, ELEMENT_ARRAY_BUFFER),
    ):
        views.append(
            {"buffer": 0, "byteOffset": len(blob), "byteLength": len(data), "target": target}
        )
        blob += _pad(data, b"\x00")
    accessors: list[dict[str, Any]] = [
        {
            "bufferView": 0,
            "componentType": FLOAT,
            "count": count,
            "type": "VEC3",
            "min": pos_min,
            "max": pos_max,
        },
        {"bufferView": 1, "componentType": FLOAT, "count": count, "type": "VEC3"},
        {"bufferView": 2, "componentType": FLOAT, "count": count, "type": "VEC2"},
        {
            "bufferView": 3,
            "componentType": UNSIGNED_SHORT,
            "count": len(mesh.indices),
            "type": "SCALAR",
        },
    ]
    gltf: dict[str, Any] = {
        "asset": {"version": "2.0", "generator": GENERATOR},
        "scene": 0,
        "scenes": [{"name": name, "nodes": [0]}],
        "nodes": [{"name": name, "mesh": 0}],
        "meshes": [
            {
                "name": name,
                "primitives": [
                    {
                        "attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2},
                        "indices": 3,
                        "material": 0,
                        "mode": 4,
                    }
                ],
            }
        ],
        "materials": [material.to_json()],
        "accessors": accessors,
        "bufferViews": views,
        "buffers": [{"byteLength": len(blob)}],
    }
    text = _pad(json.dumps(gltf, separators=(",", ":")).encode("ascii"), b" ")
    total = 12 + 8 + len(text) + 8 + len(blob)
    return b"".join(
        [
            struct.pack("<4sII", b"glTF", 2, total),
            struct.pack("<I4s", len(text), b"JSON"),
            text,
            struct.pack("<I4s", len(blob), b"BIN\x00"),
            blob,
        ]
    )


@dataclass(frozen=True)
class ModelSpec:
    name: str
    stem: str
    category: str
    type: int
    mesh: Mesh
    material: Material


def model_specs() -> list[ModelSpec]:
    white = Material("White")
    flat = Material("White (double-sided)", double_sided=True)
    glow = Material("Glow", roughness=0.3, emissive=(0.6, 0.6, 0.6))
    return [
        ModelSpec("Cube", "cube", "basic", 2, make_cube(), white),
        ModelSpec("Sphere", "sphere", "basic", 2, make_sphere(), white),
        ModelSpec("Cylinder", "cylinder", "basic", 2, make_cylinder(), white),
        ModelSpec("Cone", "cone", "basic", 2, make_cone(), white),
        ModelSpec("Capsule", "capsule", "basic", 2, make_capsule(), white),
        ModelSpec("Torus", "torus", "basic", 2, make_torus(), white),
        ModelSpec("Disc", "disc", "basic", 2, make_disc(), flat),
        ModelSpec("Quad", "quad", "basic", 2, make_quad(), flat),
        ModelSpec("Octahedron", "octa", "basic", 2, make_octahedron(), white),
        ModelSpec("Icosahedron", "icosa", "basic", 2, make_icosahedron(), white),
        ModelSpec("Dodecahedron", "dodeca", "basic", 2, make_dodecahedron(), white),
        ModelSpec(
            "Buckyball (truncated icosahedron)",
            "bucky",
            "basic",
            2,
            make_truncated_icosahedron(),
            white,
        ),
        ModelSpec("Orb", "orb", "explorer", 1, make_sphere(), glow),
    ]


# --------------------------------------------------------------------------- images

BAYER_8 = np.array(
    [
        [0, 32, 8, 40, 2, 34, 10, 42],
        [48, 16, 56, 24, 50, 18, 58, 26],
        [12, 44, 4, 36, 14, 46, 6, 38],
        [60, 28, 52, 20, 62, 30, 54, 22],
        [3, 35, 11, 43, 1, 33, 9, 41],
        [51, 19, 59, 27, 49, 17, 57, 25],
        [15, 47, 7, 39, 13, 45, 5, 37],
        [63, 31, 55, 23, 61, 29, 53, 21],
    ],
    dtype=np.float64,
)


def to_uint8(img: FloatArray) -> npt.NDArray[np.uint8]:
    """Quantize a float RGB image (0..255) with an 8x8 ordered dither (no banding, no noise)."""
    h, w = img.shape[:2]
    threshold = (BAYER_8 + 0.5) / 64.0
    tiled = np.tile(threshold, (h // 8 + 1, w // 8 + 1))[:h, :w]
    return np.clip(np.floor(img + tiled[:, :, None]), 0, 255).astype(np.uint8)


def smoothstep(e0: float, e1: float, x: float) -> float:
    t = min(1.0, max(0.0, (x - e0) / (e1 - e0)))
    return t * t * (3.0 - 2.0 * t)


SKY_STOPS: list[tuple[float, Vec]] = [  # elevation in degrees -> sRGB
    (90.0, (5.0, 7.0, 24.0)),
    (60.0, (9.0, 12.0, 40.0)),
    (35.0, (19.0, 19.0, 62.0)),
    (15.0, (40.0, 28.0, 88.0)),
    (0.0, (80.0, 46.0, 112.0)),
    (-8.0, (36.0, 25.0, 60.0)),
    (-40.0, (14.0, 12.0, 30.0)),
    (-90.0, (8.0, 7.0, 17.0)),
]
HORIZON_GLOW: Vec = (92.0, 50.0, 36.0)  # added on top: a soft rose-amber glow


def sky_colour(elevation: float) -> Vec:
    """Sky colour at ``elevation`` degrees: gradient stops plus a glow hugging the horizon."""
    width = 8.0 if elevation >= 0.0 else 4.0
    k = elevation / width
    glow = mul(HORIZON_GLOW, 1.0 / (1.0 + k * k))
    for (e_hi, c_hi), (e_lo, c_lo) in itertools.pairwise(SKY_STOPS):
        if e_lo <= elevation <= e_hi:
            t = smoothstep(e_lo, e_hi, elevation)
            return add(add(mul(c_lo, 1.0 - t), mul(c_hi, t)), glow)
    raise ValueError(elevation)


STAR_TINTS: list[Vec] = [
    (170.0, 190.0, 255.0),
    (220.0, 228.0, 255.0),
    (255.0, 250.0, 240.0),
    (255.0, 226.0, 190.0),
    (255.0, 205.0, 170.0),
]


def make_skybox(width: int = 2048, seed: int = 20240601, stars: int = 3200) -> Image.Image:
    height = width // 2
    elevations = [90.0 - 180.0 * (y + 0.5) / height for y in range(height)]
    rows = np.array([sky_colour(e) for e in elevations], dtype=np.float64)
    img = np.repeat(rows[:, None, :], width, axis=1)

    rng = random.Random(seed)
    ys = np.arange(-12, 13, dtype=np.float64)
    for _ in range(stars):
        z = rng.random()  # uniform on the upper hemisphere: z = sin(elevation)
        lon = rng.random()
        mag = rng.random()
        tint = STAR_TINTS[rng.randrange(len(STAR_TINTS))]
        elevation = q(math.degrees(math.asin(z)))
        fade = smoothstep(3.0, 25.0, elevation)
        if fade <= 0.0:
            continue
        mag6 = mag * mag * mag * mag * mag * mag  # few bright stars, many faint ones
        bright = (0.18 + 0.82 * mag6) * fade
        sigma = 0.55 + 0.9 * mag6
        cy = round((90.0 - elevation) / 180.0 * height * 64.0) / 64.0 - 0.5
        cx = round(lon * width * 64.0) / 64.0
        # Equirectangular stretch: a round star is 1/cos(elevation) times wider.
        stretch = min(8.0, 1.0 / max(1e-6, math.sqrt(max(0.0, 1.0 - z * z))))
        reach_y = math.ceil(4.0 * sigma)
        reach_x = math.ceil(4.0 * sigma * stretch)
        y0, x0 = math.floor(cy), math.floor(cx)
        yy = y0 + ys[12 - reach_y : 13 + reach_y]
        xx = x0 + np.arange(-reach_x, reach_x + 1, dtype=np.float64)
        yy = yy[(yy >= 0) & (yy < height)]
        dy = (yy - cy)[:, None] / sigma
        dx = (xx - cx)[None, :] / (sigma * stretch)
        d2 = dx * dx + dy * dy
        core = 1.0 / (1.0 + d2 * d2 * d2)  # a soft disc; ~0 beyond 3 sigma
        halo = 0.12 / (1.0 + 4.0 * d2)
        fall = (core + halo) * bright
        cols = np.mod(xx.astype(np.int64), width)  # wrap around the seam
        rows_i = yy.astype(np.int64)
        patch = img[np.ix_(rows_i, cols)]
        light = fall[:, :, None] * np.array(tint)[None, None, :]
        # Screen blend: bright stars saturate towards their tint without clipping harshly.
        patch = 255.0 - (255.0 - patch) * (255.0 - np.minimum(light, 255.0)) / 255.0
        img[np.ix_(rows_i, cols)] = patch
    return Image.fromarray(to_uint8(img), "RGB")


def _disc_cover(d: FloatArray, radius: float, soft: float) -> FloatArray:
    """Coverage of a disc of ``radius`` at distances ``d``, with an edge ``soft`` pixels wide."""
    return np.clip((radius - d) / soft + 0.5, 0.0, 1.0)


def _over(dst: FloatArray, colour: FloatArray, alpha: FloatArray) -> FloatArray:
    return dst * (1.0 - alpha[:, :, None]) + colour * alpha[:, :, None]


def make_world_avatar(size: int = 512) -> Image.Image:
    """A ringed planet with a small moon on a dark, slightly glowing background."""
    s = float(size)
    c = (np.arange(size, dtype=np.float64) + 0.5) / s - 0.5  # -0.5..0.5, y grows downwards
    x, y = np.meshgrid(c, c)
    px = 1.0 / s  # one pixel, in image units

    # Background: deep violet at the centre fading to night blue at the corners.
    r2 = x * x + y * y
    t = np.clip(r2 / 0.5, 0.0, 1.0)
    inner, outer = np.array([38.0, 24.0, 74.0]), np.array([8.0, 9.0, 26.0])
    img = inner[None, None, :] * (1.0 - t[:, :, None]) + outer[None, None, :] * t[:, :, None]

    # A few fixed stars.
    for sx, sy, b in (
        (-0.36, -0.30, 1.0),
        (0.30, -0.38, 0.7),
        (-0.28, 0.34, 0.6),
        (0.40, 0.22, 0.8),
        (-0.42, 0.05, 0.5),
        (0.12, 0.42, 0.5),
        (0.05, -0.44, 0.6),
        (-0.15, -0.40, 0.4),
    ):
        d2 = ((x - sx) * (x - sx) + (y - sy) * (y - sy)) / ((2.2 * px) * (2.2 * px))
        glow = b / (1.0 + d2 * d2)
        img = _over(img, np.array([235.0, 235.0, 255.0]), np.clip(glow, 0.0, 1.0))

    # Ring geometry: an ellipse tilted by -18 degrees, squashed to 0.3 of its width.
    cos_t, sin_t = q(math.cos(math.radians(-18.0))), q(math.sin(math.radians(-18.0)))
    rx = x * cos_t + y * sin_t
    ry = (-x * sin_t + y * cos_t) / 0.3
    ring_d = np.sqrt(rx * rx + ry * ry)
    ring_px = px / 0.3  # an edge one pixel wide, measured in ring space (roughly)
    ring_a = (
        _disc_cover(ring_d, 0.44, ring_px) * (1.0 - _disc_cover(ring_d, 0.30, ring_px))
        - 0.7 * _disc_cover(ring_d, 0.375, ring_px) * (1.0 - _disc_cover(ring_d, 0.36, ring_px))
    ) * 0.85
    band = np.clip((ring_d - 0.30) / 0.14, 0.0, 1.0)
    ring_rgb = (
        np.array([255.0, 196.0, 150.0])[None, None, :] * (1.0 - band[:, :, None])
        + np.array([214.0, 140.0, 210.0])[None, None, :] * band[:, :, None]
    )
    back = ry < 0.0  # the far half of the ring (above the planet's centre line)

    # Planet: radius 0.25, lit from the upper left.
    pr = 0.25
    planet_d = np.sqrt(r2)
    planet_a = _disc_cover(planet_d, pr, px)
    nz = np.sqrt(np.clip(1.0 - r2 / (pr * pr), 0.0, 1.0))
    nx, ny = x / pr, y / pr
    lx, ly, lz = normalize((-0.55, -0.6, 0.58))
    lambert = np.clip(nx * lx + ny * ly + nz * lz, 0.0, 1.0)
    # Soft latitude bands, tilted like the ring.
    lat = (-x * sin_t + y * cos_t) / pr
    wave = np.abs(np.mod(lat * 2.6 + 0.25, 1.0) - 0.5) * 2.0  # triangle wave 0..1
    band_t = wave * wave * (3.0 - 2.0 * wave)
    deep, bright = np.array([72.0, 46.0, 168.0]), np.array([86.0, 196.0, 226.0])
    base = (
        deep[None, None, :] * (1.0 - band_t[:, :, None])
        + bright[None, None, :] * band_t[:, :, None]
    )
    shade = 0.16 + 0.84 * lambert
    rim = (1.0 - nz) * (1.0 - nz) * (1.0 - nz)  # atmosphere brightening towards the limb
    planet_rgb = (
        base * shade[:, :, None]
        + np.array([150.0, 120.0, 255.0]) * (rim * (0.35 + 0.65 * lambert))[:, :, None]
    )
    # Atmosphere glow just outside the limb.
    outside = np.clip((planet_d - pr) / (0.06), 0.0, 1.0)
    halo = np.where(planet_d > pr, 0.55 / (1.0 + 60.0 * outside * outside) * (1.0 - outside), 0.0)

    img = _over(img, ring_rgb, np.where(back, ring_a, 0.0))
    img = _over(img, np.array([140.0, 110.0, 255.0]), halo)
    img = _over(img, np.clip(planet_rgb, 0.0, 255.0), planet_a)
    # The near half of the ring passes in front; its shadow darkens nothing (keep it simple).
    img = _over(img, ring_rgb, np.where(back, 0.0, ring_a))

    # A small moon at the upper right.
    mx, my, mr = 0.33, -0.27, 0.045
    md2 = (x - mx) * (x - mx) + (y - my) * (y - my)
    moon_a = _disc_cover(np.sqrt(md2), mr, px)
    mnz = np.sqrt(np.clip(1.0 - md2 / (mr * mr), 0.0, 1.0))
    mlit = np.clip(((x - mx) * lx + (y - my) * ly) / mr + mnz * lz, 0.0, 1.0)
    moon_rgb = np.array([235.0, 222.0, 245.0])[None, None, :] * (0.2 + 0.8 * mlit)[:, :, None]
    img = _over(img, moon_rgb, moon_a)
    return Image.fromarray(to_uint8(img), "RGB")


# --------------------------------------------------------------------------- output


def _png_bytes(img: Image.Image) -> bytes:
    from io import BytesIO

    buf = BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def generate(out: Path) -> dict[str, Any]:
    """Write every seed asset and the manifest under ``out``; return the manifest."""
    (out / "models").mkdir(parents=True, exist_ok=True)
    (out / "images").mkdir(parents=True, exist_ok=True)
    models: list[dict[str, Any]] = []
    for spec in model_specs():
        data = build_glb(spec.name, spec.mesh, spec.material)
        rel = f"models/{spec.stem}.glb"
        (out / rel).write_bytes(data)
        models.append(
            {
                "name": spec.name,
                "file": rel,
                "category": spec.category,
                "type": spec.type,
                "id": str(media_uuid(data)),
            }
        )
    images: list[dict[str, Any]] = []
    for name, img in (
        ("skybox-default", make_skybox()),
        ("world-avatar-default", make_world_avatar()),
    ):
        data = _png_bytes(img)
        rel = f"images/{name}.png"
        (out / rel).write_bytes(data)
        images.append({"name": name, "file": rel, "hash": media_hash(data)})
    manifest = {"models": models, "images": images}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    manifest = generate(args.out)
    for entry in manifest["models"] + manifest["images"]:
        size = (args.out / entry["file"]).stat().st_size
        print(f"{entry['file']:36} {size:>8} B  {entry.get('id') or entry.get('hash')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
