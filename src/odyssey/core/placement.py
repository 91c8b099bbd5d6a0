"""Automatic placement of children (data-model §2.7).

A parent's effective ``child_placement`` option maps a child type id (or the nil id, meaning "any
other type") to ``{"algo": name, "options": {...}}``. Children without an explicit transform are
grouped by the entry that applies to them, each group is sorted by the 14-bit clock sequence of
the ids, and child ``i`` of ``n`` gets a position from the algorithm plus an angle θ (the direction
from the parent to the child in the x/z plane) that its own children use as their parent angle.

Every algorithm has the signature ``(i, n, parent_pos, parent_angle, options) -> (pos, angle)``.
Option angles are in degrees, θ is in radians. X and Z are rounded to 0.1 (half away from zero,
like Go's ``math.Round``); Y is not rounded. The reference computes in float64 and stores float32;
we keep float64 throughout.

Robustness (not in the reference): option values that are not finite numbers (or bools, for the
hexaspiral flags) fall back to the default; a negative value under the spiral square root counts
as 0; a coordinate that would come out non-finite (absurd option values) falls back to the
parent's coordinate. So, for finite parent positions, no algorithm returns NaN or infinity.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from uuid import UUID

from odyssey.core.geometry import Vec3
from odyssey.core.ids import NIL_ID, clock_sequence, try_parse_id

PlacementFn = Callable[[int, int, Vec3, float, Mapping[str, Any]], tuple[Vec3, float]]

DEFAULT_ALGORITHM = "circular"


# --- helpers ------------------------------------------------------------------------------------


def _num(options: Mapping[str, Any], key: str, default: float) -> float:
    raw = options.get(key)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return default
    try:
        value = float(raw)
    except OverflowError:
        return default
    return value if math.isfinite(value) else default


def _flag(options: Mapping[str, Any], key: str, default: bool) -> bool:
    raw = options.get(key)
    return raw if isinstance(raw, bool) else default


def round_tenth(value: float) -> float:
    """Round to 0.1 the way the reference does: ``round_half_away_from_zero(v * 10) / 10``."""
    scaled = value * 10.0
    frac, whole = math.modf(scaled)
    if abs(frac) >= 0.5:
        whole += math.copysign(1.0, scaled)
    return whole / 10.0


def _check(i: int, n: int) -> None:
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if i < 0:
        raise ValueError(f"i must not be negative, got {i}")


def _rounded(value: float, fallback: float) -> float:
    """``value`` rounded to 0.1; when that is not finite (``value`` was, or ``value * 10``
    overflowed), the parent's coordinate ``fallback``, rounded too when it can be."""
    for candidate in (value, fallback):
        rounded = round_tenth(candidate)
        if math.isfinite(rounded):
            return rounded
    return fallback


def _finish(parent: Vec3, x: float, y: float, z: float) -> tuple[Vec3, float]:
    """Round x/z, replace non-finite coordinates by the parent's, compute θ."""
    x = _rounded(x, parent.x)
    z = _rounded(z, parent.z)
    if not math.isfinite(y):
        y = parent.y
    angle = math.atan2(z - parent.z, x - parent.x)
    if not math.isfinite(angle):  # only when the parent itself is not finite
        angle = 0.0
    return Vec3(x, y, z), angle


def _on_circle(parent: Vec3, radius: float, angle: float, vshift: float) -> tuple[Vec3, float]:
    if not math.isfinite(angle):
        # Options so large that the angle overflowed (cos/sin of inf raise): no direction is
        # left to place along, so the child sits above its parent.
        return _finish(parent, parent.x, parent.y + vshift, parent.z)
    return _finish(
        parent,
        parent.x + radius * math.cos(angle),
        parent.y + vshift,
        parent.z + radius * math.sin(angle),
    )


# --- the algorithms -----------------------------------------------------------------------------


def circular(
    i: int, n: int, parent_pos: Vec3, parent_angle: float, options: Mapping[str, Any]
) -> tuple[Vec3, float]:
    """``n`` children evenly on a circle of radius ``R`` (default 100), ``Vshift`` (10) above.

    a = -π/2 + angle·π/180 + θp + i·2π/n (``angle`` default 0).
    """
    _check(i, n)
    angle = _num(options, "angle", 0.0)
    radius = _num(options, "R", 100.0)
    vshift = _num(options, "Vshift", 10.0)
    a = -0.5 * math.pi + angle / 180.0 * math.pi + parent_angle + i * (2.0 * math.pi / n)
    return _on_circle(parent_pos, radius, a, vshift)


def sector(
    i: int, n: int, parent_pos: Vec3, parent_angle: float, options: Mapping[str, Any]
) -> tuple[Vec3, float]:
    """Children spread over the arc θp ± ``angle`` degrees (default 0), radius ``R`` (100).

    With one child it sits at θp.
    """
    _check(i, n)
    angle = _num(options, "angle", 0.0)
    radius = _num(options, "R", 100.0)
    vshift = _num(options, "Vshift", 10.0)
    if n > 1:
        step = 2.0 * angle / 180.0 * math.pi / (n - 1)
        start = parent_angle - angle / 180.0 * math.pi
    else:
        step = 0.0
        start = parent_angle
    return _on_circle(parent_pos, radius, start + i * step, vshift)


def spiral(
    i: int, n: int, parent_pos: Vec3, parent_angle: float, options: Mapping[str, Any]
) -> tuple[Vec3, float]:
    """A Fermat-like spiral: s = √(spiralScale·(i + angle)), r = R·s, a = π/2 + θp + s.

    Defaults: ``angle`` 0, ``spiralScale`` 10, ``R`` 100, ``Vshift`` 10. ``n`` is not used.
    """
    _check(i, n)
    angle = _num(options, "angle", 0.0)
    scale = _num(options, "spiralScale", 10.0)
    radius = _num(options, "R", 100.0)
    vshift = _num(options, "Vshift", 10.0)
    s = math.sqrt(max(0.0, scale * (i + angle)))
    return _on_circle(parent_pos, radius * s, 0.5 * math.pi + parent_angle + s, vshift)


def helix(
    i: int, n: int, parent_pos: Vec3, parent_angle: float, options: Mapping[str, Any]
) -> tuple[Vec3, float]:
    """A rising helix: k = angle/360·i, r = R + spiralScale·k, a = π/2 + θp + i·angle·π/180,
    y = Py + Vshift + helixVshift·k.

    Defaults: ``angle`` 0, ``spiralScale`` 10, ``R`` 100, ``Vshift`` 10, ``helixVshift`` 500.
    ``n`` is not used.
    """
    _check(i, n)
    angle = _num(options, "angle", 0.0)
    scale = _num(options, "spiralScale", 10.0)
    radius = _num(options, "R", 100.0)
    vshift = _num(options, "Vshift", 10.0)
    helix_vshift = _num(options, "helixVshift", 500.0)
    k = angle / 360.0 * i
    r = radius + scale * k
    a = 0.5 * math.pi + parent_angle + i * angle / 180.0 * math.pi
    return _finish(
        parent_pos,
        parent_pos.x + r * math.cos(a),
        parent_pos.y + vshift + helix_vshift * k,
        parent_pos.z + r * math.sin(a),
    )


# Order in which consecutive items of a hexagonal layer visit its six sides when scattering.
_HEX_SIDE_ORDER = (0, 3, 5, 2, 4, 1)


def hex_cell(i: int, draw_center: bool = True, scatter: bool = True) -> tuple[float, float]:
    """Lattice coordinates (in cell units) of the ``i``-th cell of a hexagonal spiral."""
    j = i if draw_center else i + 1
    if j == 0:
        return 0.0, 0.0
    layer = round(math.sqrt(j / 3.0))  # j/3 is never a half-integer square, so ties cannot occur
    first = 3 * layer * (layer - 1) + 1
    if scatter:
        last = 3 * layer * (layer + 1) + 1
        per_side = (last - first) // 6
        num = j - first
        j = _HEX_SIDE_ORDER[num % 6] * per_side + num // 6 + first
    side = (j - first) // layer
    idx = (j - first) % layer
    x = layer * math.cos((side - 1) * math.pi / 3) + (idx + 1) * math.cos((side + 1) * math.pi / 3)
    y = -layer * math.sin((side - 1) * math.pi / 3) - (idx + 1) * math.sin((side + 1) * math.pi / 3)
    return x, y


def _trunc(value: float) -> int:
    return int(value) if math.isfinite(value) else 0


def hexaspiral(
    i: int, n: int, parent_pos: Vec3, parent_angle: float, options: Mapping[str, Any]
) -> tuple[Vec3, float]:
    """Cells of a hexagonal lattice, spiralling out from the parent, ``Robject`` (50) apart.

    Options: ``Robject`` (default 50; the reference's code reads the key ``Rspace``, which we
    accept too), ``Vshift`` (10), ``DrawCenter`` (true: the first child takes the centre cell),
    ``Scatter`` (true: consecutive children go to different sides of a layer),
    ``RandDisplacement`` (0: a random shift of up to that many units, seeded from
    (i, n, Robject, Vshift) so it is stable). ``angle`` and the parent angle are not used.

    The Scatter default quirk: the reference reads Scatter's default from the DrawCenter default
    constant. Both constants are ``true``, so the quirk changes nothing; we simply default Scatter
    to ``true`` on its own (it does *not* follow a DrawCenter given in the options).

    The random shift uses Python's generator, so its values differ from the reference's
    (Go ``math/rand``); only the seed formula is the same.
    """
    _check(i, n)
    spacing = _num(options, "Robject", _num(options, "Rspace", 50.0))
    vshift = _num(options, "Vshift", 10.0)
    draw_center = _flag(options, "DrawCenter", True)
    scatter = _flag(options, "Scatter", True)
    displacement = _num(options, "RandDisplacement", 0.0)
    x, y = hex_cell(i, draw_center, scatter)
    if displacement > 0.0 and spacing != 0.0:
        seed = i + i * n + n * n * _trunc(spacing * 100000) + _trunc(vshift * 100)
        rng = random.Random(seed)
        theta = rng.random() * 2.0 * math.pi
        shift = math.sqrt(rng.random()) * displacement / spacing
        x += shift * math.cos(theta)
        y += shift * math.sin(theta)
    return _finish(
        parent_pos,
        parent_pos.x + x * spacing,
        parent_pos.y + vshift,
        parent_pos.z + y * spacing,
    )


ALGORITHMS: Mapping[str, PlacementFn] = MappingProxyType(
    {
        "circular": circular,
        "sector": sector,
        "spiral": spiral,
        "helix": helix,
        "hexaspiral": hexaspiral,
    }
)


# --- rules and groups ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlacementRule:
    """One entry of ``child_placement``: the algorithm and its options."""

    algo: str
    options: Mapping[str, Any]

    @property
    def fn(self) -> PlacementFn:
        return ALGORITHMS[self.algo]

    def place(self, i: int, n: int, parent_pos: Vec3, parent_angle: float) -> tuple[Vec3, float]:
        return ALGORITHMS[self.algo](i, n, parent_pos, parent_angle, self.options)


def parse_child_placement(raw: Any) -> dict[UUID, PlacementRule]:
    """Read an effective ``child_placement`` option.

    Keys that are not ids and entries that are not maps are skipped. A missing or null ``algo``
    means circular. An entry with an unknown algorithm is dropped, as if absent, so its children
    fall back to the nil-id entry (the reference would crash on it).
    """
    rules: dict[UUID, PlacementRule] = {}
    if not isinstance(raw, Mapping):
        return rules
    for key, entry in raw.items():
        type_id = try_parse_id(key)
        if type_id is None or not isinstance(entry, Mapping):
            continue
        algo = entry.get("algo")
        if algo is None:
            algo = DEFAULT_ALGORITHM
        if not isinstance(algo, str) or algo not in ALGORITHMS:
            continue
        options = entry.get("options")
        rules[type_id] = PlacementRule(algo, options if isinstance(options, Mapping) else {})
    return rules


def rule_key_for(rules: Mapping[UUID, PlacementRule], type_id: UUID) -> UUID | None:
    """Which entry places a child of ``type_id``: its own type's, else the nil id's, else none."""
    if type_id in rules:
        return type_id
    if NIL_ID in rules:
        return NIL_ID
    return None


def placement_order(ids: Iterable[UUID]) -> list[UUID]:
    """Sort ids by their 14-bit clock sequence (the reference's order), ties by the whole id.

    The tie-break is ours: the reference's sort is not stable, so equal clock sequences come out
    in an arbitrary order there.
    """
    return sorted(ids, key=lambda u: (clock_sequence(u), u.int))


def place_children(
    children: Iterable[tuple[UUID, UUID]],
    parent_pos: Vec3,
    parent_angle: float,
    rules: Mapping[UUID, PlacementRule],
) -> dict[UUID, tuple[Vec3, float]]:
    """Place the auto-placed children of one parent.

    ``children`` are ``(child_id, child_type_id)`` pairs of the children that have *no* explicit
    transform. Returns ``child_id -> (position, angle)`` for those an entry applies to; children
    with no applicable entry are absent from the result.
    """
    groups: dict[UUID, list[UUID]] = {}
    for child_id, type_id in children:
        key = rule_key_for(rules, type_id)
        if key is not None:
            groups.setdefault(key, []).append(child_id)
    placed: dict[UUID, tuple[Vec3, float]] = {}
    for key, members in groups.items():
        rule = rules[key]
        ordered = placement_order(members)
        n = len(ordered)
        for i, child_id in enumerate(ordered):
            placed[child_id] = rule.place(i, n, parent_pos, parent_angle)
    return placed


__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "PlacementFn",
    "PlacementRule",
    "circular",
    "helix",
    "hex_cell",
    "hexaspiral",
    "parse_child_placement",
    "place_children",
    "placement_order",
    "round_tenth",
    "rule_key_for",
    "sector",
    "spiral",
]
