"""The seed media in ``src/odyssey/assets``: valid GLB models, images, manifest, determinism.

The GLB files are checked by hand (header, chunks, accessors, geometry) and, when pygltflib is
installed, loaded with it too. Regenerating everything into a temporary folder must give the
same GLB bytes and the same image pixels (PNG bytes also depend on Pillow's zlib, so images are
compared pixel for pixel; their committed bytes must still match their hashes).
"""

from __future__ import annotations

import importlib.util
import json
import math
import struct
import sys
import uuid
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from odyssey.assets import (
    ASSETS_DIR,
    MANIFEST_PATH,
    Manifest,
    ModelEntry,
    load_manifest,
    media_hash,
    media_uuid,
)

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "tools" / "make_seed_assets.py"

EXPECTED_MODELS = {
    "models/cube.glb",
    "models/sphere.glb",
    "models/cylinder.glb",
    "models/cone.glb",
    "models/capsule.glb",
    "models/torus.glb",
    "models/disc.glb",
    "models/quad.glb",
    "models/octa.glb",
    "models/icosa.glb",
    "models/dodeca.glb",
    "models/bucky.glb",
    "models/orb.glb",
}
FLAT_MODELS = {"models/disc.glb", "models/quad.glb"}
TOL = 1e-4

MANIFEST = load_manifest()

FLOAT, UNSIGNED_SHORT = 5126, 5123
COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}
FORMATS = {FLOAT: "f", UNSIGNED_SHORT: "H"}
SIZES = {FLOAT: 4, UNSIGNED_SHORT: 2}

Vec = tuple[float, float, float]


# --------------------------------------------------------------------------- helpers


class Glb:
    """A GLB file split by hand into its JSON document and BIN chunk."""

    def __init__(self, data: bytes) -> None:
        assert len(data) >= 12 + 8 + 8
        magic, version, length = struct.unpack_from("<4sII", data, 0)
        assert magic == b"glTF"
        assert version == 2
        assert length == len(data)
        assert length % 4 == 0
        json_len, json_type = struct.unpack_from("<I4s", data, 12)
        assert json_type == b"JSON"
        assert json_len % 4 == 0
        text = data[20 : 20 + json_len]
        assert b"\x00" not in text, "the JSON chunk is padded with spaces"
        self.gltf: dict[str, Any] = json.loads(text.decode("utf-8"))
        offset = 20 + json_len
        bin_len, bin_type = struct.unpack_from("<I4s", data, offset)
        assert bin_type == b"BIN\x00"
        assert bin_len % 4 == 0
        assert offset + 8 + bin_len == len(data), "exactly two chunks, nothing after BIN"
        self.bin = data[offset + 8 : offset + 8 + bin_len]
        used = self.gltf["buffers"][0]["byteLength"]
        assert used <= bin_len < used + 4
        assert self.bin[used:] == b"\x00" * (bin_len - used), "the BIN chunk is padded with zeros"

    def read(self, index: int) -> list[tuple[float, ...]]:
        """Accessor ``index`` as a list of tuples (one per element), bounds-checked."""
        acc = self.gltf["accessors"][index]
        view = self.gltf["bufferViews"][acc["bufferView"]]
        n = COMPONENTS[acc["type"]]
        size = SIZES[acc["componentType"]]
        start = view.get("byteOffset", 0) + acc.get("byteOffset", 0)
        assert start % size == 0, "accessor not aligned to its component size"
        stride = view.get("byteStride", n * size)
        assert stride == n * size, "tightly packed attributes expected"
        end = start + acc["count"] * n * size
        assert end <= view.get("byteOffset", 0) + view["byteLength"]
        assert view.get("byteOffset", 0) + view["byteLength"] <= len(self.bin)
        fmt = f"<{acc['count'] * n}{FORMATS[acc['componentType']]}"
        flat = struct.unpack_from(fmt, self.bin, start)
        return [tuple(flat[i : i + n]) for i in range(0, len(flat), n)]


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


class Model:
    def __init__(self, entry: ModelEntry, manifest: Manifest = MANIFEST) -> None:
        self.entry = entry
        self.data = manifest.path(entry).read_bytes()
        self.glb = Glb(self.data)
        prim = self.glb.gltf["meshes"][0]["primitives"][0]
        attrs = prim["attributes"]
        self.prim = prim
        self.positions: list[Vec] = [(p[0], p[1], p[2]) for p in self.glb.read(attrs["POSITION"])]
        self.normals: list[Vec] = [(n[0], n[1], n[2]) for n in self.glb.read(attrs["NORMAL"])]
        self.uvs = self.glb.read(attrs["TEXCOORD_0"])
        flat = [int(i[0]) for i in self.glb.read(prim["indices"])]
        self.triangles = [tuple(flat[i : i + 3]) for i in range(0, len(flat), 3)]
        self.index_count = len(flat)


@pytest.fixture(scope="module", params=MANIFEST.models, ids=lambda e: e.file)
def model(request: pytest.FixtureRequest) -> Model:
    entry: ModelEntry = request.param
    return Model(entry)


# --------------------------------------------------------------------------- manifest


def test_media_hash_is_first_128_bits_of_sha256() -> None:
    assert media_hash(b"") == "e3b0c44298fc1c149afbf4c8996fb924"
    assert media_hash(b"abc") == "ba7816bf8f01cfea414140de5dae2223"
    assert media_uuid(b"abc") == uuid.UUID("ba7816bf-8f01-cfea-4141-40de5dae2223")
    assert str(media_uuid(b"abc")) == "ba7816bf-8f01-cfea-4141-40de5dae2223"


def test_manifest_lists_every_seed_model_once() -> None:
    files = [m.file for m in MANIFEST.models]
    assert sorted(files) == sorted(EXPECTED_MODELS)
    assert len({m.name for m in MANIFEST.models}) == len(files)
    assert len({m.id for m in MANIFEST.models}) == len(files)
    for m in MANIFEST.models:
        if m.file == "models/orb.glb":
            assert (m.category, m.type) == ("explorer", 1)
        else:
            assert (m.category, m.type) == ("basic", 2)
    assert {i.name for i in MANIFEST.images} == {"skybox-default", "world-avatar-default"}


def test_manifest_file_is_plain_json_with_string_ids() -> None:
    raw = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert list(raw) == ["models", "images"]
    for m in raw["models"]:
        assert list(m) == ["name", "file", "category", "type", "id"]
        assert m["id"] == str(uuid.UUID(m["id"]))  # canonical 8-4-4-4-12 lowercase
    for i in raw["images"]:
        assert list(i) == ["name", "file", "hash"]
        assert len(i["hash"]) == 32 and i["hash"] == i["hash"].lower()


def test_every_asset_file_is_in_the_manifest() -> None:
    listed = {m.file for m in MANIFEST.models} | {i.file for i in MANIFEST.images}
    on_disk = {
        p.relative_to(ASSETS_DIR).as_posix()
        for sub in ("models", "images")
        for p in (ASSETS_DIR / sub).iterdir()
    }
    assert on_disk == listed


# --------------------------------------------------------------------------- models


def test_model_id_is_media_hash_of_its_bytes(model: Model) -> None:
    assert model.entry.id == uuid.UUID(hex=media_hash(model.data))
    assert model.entry.id == media_uuid(model.data)
    assert 500 < len(model.data) < 64 * 1024


def test_gltf_document_structure(model: Model) -> None:
    g = model.glb.gltf
    assert g["asset"] == {"version": "2.0", "generator": "odyssey seed"}
    assert g["scene"] == 0
    assert len(g["scenes"]) == 1 and g["scenes"][0]["nodes"] == [0]
    assert len(g["nodes"]) == 1 and g["nodes"][0]["mesh"] == 0
    assert not {"matrix", "translation", "rotation", "scale"} & set(g["nodes"][0])
    assert len(g["meshes"]) == 1 and len(g["meshes"][0]["primitives"]) == 1
    assert model.prim.get("mode", 4) == 4
    assert set(model.prim["attributes"]) == {"POSITION", "NORMAL", "TEXCOORD_0"}
    assert len(g["buffers"]) == 1 and "uri" not in g["buffers"][0]
    assert g["buffers"][0]["byteLength"] <= len(model.glb.bin) < g["buffers"][0]["byteLength"] + 4
    for view in g["bufferViews"]:
        assert view["buffer"] == 0
        assert view.get("byteOffset", 0) % 4 == 0
        assert view.get("byteOffset", 0) + view["byteLength"] <= g["buffers"][0]["byteLength"]


def test_material_is_white_pbr(model: Model) -> None:
    materials = model.glb.gltf["materials"]
    assert len(materials) == 1 and model.prim["material"] == 0
    mat = materials[0]
    pbr = mat["pbrMetallicRoughness"]
    assert pbr["baseColorFactor"] == [1.0, 1.0, 1.0, 1.0]
    assert 0.0 <= pbr["metallicFactor"] <= 1.0 and 0.0 <= pbr["roughnessFactor"] <= 1.0
    emissive = mat.get("emissiveFactor", [0.0, 0.0, 0.0])
    if model.entry.file == "models/orb.glb":
        assert min(emissive) > 0.0
    else:
        assert emissive == [0.0, 0.0, 0.0]
    assert mat.get("doubleSided", False) == (model.entry.file in FLAT_MODELS)


def test_accessors_match_the_data(model: Model) -> None:
    g = model.glb.gltf
    attrs = model.prim["attributes"]
    count = len(model.positions)
    for name, kind in (("POSITION", "VEC3"), ("NORMAL", "VEC3"), ("TEXCOORD_0", "VEC2")):
        acc = g["accessors"][attrs[name]]
        assert (acc["componentType"], acc["type"], acc["count"]) == (FLOAT, kind, count)
        assert g["bufferViews"][acc["bufferView"]]["target"] == 34962
    pos = g["accessors"][attrs["POSITION"]]
    # min / max are exactly the float32 extremes of the data.
    assert pos["min"] == [min(p[k] for p in model.positions) for k in range(3)]
    assert pos["max"] == [max(p[k] for p in model.positions) for k in range(3)]
    idx = g["accessors"][model.prim["indices"]]
    assert (idx["componentType"], idx["type"]) == (UNSIGNED_SHORT, "SCALAR")
    assert g["bufferViews"][idx["bufferView"]]["target"] == 34963
    assert idx["count"] == model.index_count and idx["count"] % 3 == 0
    assert 0 < count <= 65535
    assert all(0 <= i < count for t in model.triangles for i in t)
    assert {i for t in model.triangles for i in t} == set(range(count)), "unused vertices"


def test_values_are_finite_normals_unit_uvs_in_range(model: Model) -> None:
    for p in model.positions:
        assert all(math.isfinite(c) for c in p)
    for n in model.normals:
        assert abs(math.sqrt(_dot(n, n)) - 1.0) < TOL
    for u, v in model.uvs:
        assert -TOL <= u <= 1.0 + TOL and -TOL <= v <= 1.0 + TOL


def test_fits_the_unit_box(model: Model) -> None:
    lo = [min(p[k] for p in model.positions) for k in range(3)]
    hi = [max(p[k] for p in model.positions) for k in range(3)]
    assert all(x >= -0.5 - TOL for x in lo) and all(x <= 0.5 + TOL for x in hi)
    extents = sorted(h - lo_ for lo_, h in zip(lo, hi, strict=True))
    assert 1.0 - 0.01 <= extents[2] <= 1.0 + TOL, "unit size: the largest extent is 1"
    if model.entry.file in FLAT_MODELS:
        assert extents[0] < TOL and extents[1] > 0.9
    else:
        assert extents[0] > 0.25, "degenerate (flat) bounding box"
    centre = [(a + b) / 2.0 for a, b in zip(lo, hi, strict=True)]
    assert all(abs(c) < TOL for c in centre), "centred at the origin"


def test_triangles_counter_clockwise_and_not_degenerate(model: Model) -> None:
    for a, b, c in model.triangles:
        pa, pb, pc = model.positions[a], model.positions[b], model.positions[c]
        face = _cross(_sub(pb, pa), _sub(pc, pa))
        assert math.sqrt(_dot(face, face)) > 1e-7, "degenerate triangle"
        for v in (a, b, c):
            # CCW seen from the side the vertex normals point to.
            assert _dot(face, model.normals[v]) > 0.0


def test_surface_is_closed_and_normals_point_outward(model: Model) -> None:
    if model.entry.file in FLAT_MODELS:
        assert all(n == (0.0, 0.0, 1.0) for n in model.normals), "flat shapes face +Z"
        return
    # Weld vertices by position: seams, poles and flat-shaded faces duplicate them.
    key = [tuple(round(c, 5) for c in p) for p in model.positions]
    edges = Counter(
        (key[a], key[b]) for t in model.triangles for a, b in zip(t, t[1:] + t[:1], strict=True)
    )
    for (a, b), n in edges.items():
        assert n == 1, "an edge used twice in the same direction: inconsistent winding"
        assert edges.get((b, a)) == 1, "an open edge: the surface has a hole"
    # A closed surface with outward CCW triangles encloses a positive volume.
    volume = (
        sum(
            _dot(model.positions[a], _cross(model.positions[b], model.positions[c]))
            for a, b, c in model.triangles
        )
        / 6.0
    )
    assert 0.05 < volume <= 1.0 + TOL


def test_loads_with_pygltflib(model: Model) -> None:
    pygltflib = pytest.importorskip("pygltflib")
    gltf = pygltflib.GLTF2.load_from_bytes(model.data)
    assert gltf.asset.version == "2.0"
    assert len(gltf.meshes) == 1
    prim = gltf.meshes[0].primitives[0]
    assert prim.attributes.POSITION is not None
    assert prim.attributes.NORMAL is not None
    assert prim.attributes.TEXCOORD_0 is not None
    blob = gltf.binary_blob()
    assert blob is not None and len(blob) == len(model.glb.bin)


def test_known_shapes_have_expected_volumes() -> None:
    def volume(file: str) -> float:
        m = Model(next(e for e in MANIFEST.models if e.file == file))
        return (
            sum(
                _dot(m.positions[a], _cross(m.positions[b], m.positions[c]))
                for a, b, c in m.triangles
            )
            / 6.0
        )

    assert volume("models/cube.glb") == pytest.approx(1.0, abs=1e-6)
    assert volume("models/sphere.glb") == pytest.approx(math.pi / 6.0, rel=0.02)
    assert volume("models/cylinder.glb") == pytest.approx(math.pi / 4.0, rel=0.01)
    assert volume("models/cone.glb") == pytest.approx(math.pi / 12.0, rel=0.01)
    assert volume("models/octa.glb") == pytest.approx(1.0 / 6.0, abs=1e-5)
    assert volume("models/torus.glb") == pytest.approx(2.0 * math.pi**2 * 0.35 * 0.15**2, rel=0.02)


# --------------------------------------------------------------------------- images


def test_images_match_hashes_and_sizes() -> None:
    image_mod = pytest.importorskip("PIL.Image")
    sizes = {"skybox-default": (2048, 1024), "world-avatar-default": (512, 512)}
    for entry in MANIFEST.images:
        data = MANIFEST.path(entry).read_bytes()
        assert entry.hash == media_hash(data)
        with image_mod.open(MANIFEST.path(entry)) as img:
            img.load()
            assert img.format == "PNG"
            assert img.size == sizes[entry.name]
            assert img.mode in ("RGB", "RGBA")
        assert len(data) < 600 * 1024


def test_skybox_is_dark_above_with_a_glow_at_the_horizon() -> None:
    image_mod = pytest.importorskip("PIL.Image")
    with image_mod.open(MANIFEST.path(MANIFEST.image("skybox-default"))) as img:
        rgb = img.convert("RGB")
        w, h = rgb.size

        def mean(y: int) -> float:  # mean brightness of row y
            row: bytes = rgb.crop((0, y, w, y + 1)).convert("L").tobytes()
            return sum(row) / len(row)

        assert mean(2) < 40
        assert mean(h // 2) > mean(h // 4) > mean(2) * 0.8
        assert mean(h - 3) < 30
        # Left and right edges meet at the seam: same background there.
        assert rgb.getpixel((0, h // 2)) == pytest.approx(rgb.getpixel((w - 1, h // 2)), abs=3)


# --------------------------------------------------------------------------- determinism


def _load_generator() -> ModuleType:
    pytest.importorskip("numpy")
    pytest.importorskip("PIL")
    spec = importlib.util.spec_from_file_location("make_seed_assets", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_generator_is_deterministic(tmp_path: Path) -> None:
    image_mod = pytest.importorskip("PIL.Image")
    generator = _load_generator()
    generator.generate(tmp_path)
    fresh = load_manifest(tmp_path / "manifest.json")
    assert fresh.models == MANIFEST.models, "models changed: rerun tools/make_seed_assets.py"
    for entry in MANIFEST.models:
        assert (tmp_path / entry.file).read_bytes() == MANIFEST.path(entry).read_bytes()
    assert [(i.name, i.file) for i in fresh.images] == [(i.name, i.file) for i in MANIFEST.images]
    for image in MANIFEST.images:
        with (
            image_mod.open(tmp_path / image.file) as new,
            image_mod.open(MANIFEST.path(image)) as old,
        ):
            assert new.size == old.size and new.mode == old.mode
            assert new.tobytes() == old.tobytes(), f"{image.file}: pixels differ"
