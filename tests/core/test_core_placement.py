"""Placement algorithms (data-model §2.7): hand-computed positions, edge cases, robustness."""

from __future__ import annotations

import math
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odyssey.core import ids
from odyssey.core.geometry import Vec3
from odyssey.core.placement import (
    ALGORITHMS,
    PlacementRule,
    circular,
    helix,
    hex_cell,
    hexaspiral,
    parse_child_placement,
    place_children,
    placement_order,
    round_tenth,
    sector,
    spiral,
)

ORIGIN = Vec3(0, 0, 0)
P = Vec3(10, 5, 20)
PI = math.pi


def close(a: Vec3, b: Vec3) -> bool:
    return all(
        math.isclose(u, v, abs_tol=1e-9)
        for u, v in zip((a.x, a.y, a.z), (b.x, b.y, b.z), strict=True)
    )


# --- rounding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.25, 0.3), (-0.25, -0.3), (0.04, 0.0), (1.96, 2.0), (-316.227, -316.2), (12.0, 12.0)],
)
def test_round_tenth_is_half_away_from_zero(value: float, expected: float) -> None:
    assert round_tenth(value) == expected  # Python's round(2.5) would give 2: not the reference


# --- circular -----------------------------------------------------------------------------------


def test_circular_four_children_around_a_parent() -> None:
    spots = [circular(i, 4, P, 0.0, {}) for i in range(4)]
    assert [pos for pos, _ in spots] == [
        Vec3(10, 15, -80),  # a = -π/2
        Vec3(110, 15, 20),  # a = 0
        Vec3(10, 15, 120),  # a = π/2
        Vec3(-90, 15, 20),  # a = π
    ]
    angles = [angle for _, angle in spots]
    assert angles == pytest.approx([-PI / 2, 0.0, PI / 2, PI])


def test_circular_single_child_and_options() -> None:
    pos, angle = circular(0, 1, ORIGIN, 0.0, {})
    assert pos == Vec3(0, 10, -100)
    assert angle == pytest.approx(-PI / 2)
    pos, angle = circular(0, 1, ORIGIN, 0.0, {"angle": 90, "R": 55, "Vshift": 0})
    assert pos == Vec3(55, 0, 0)
    assert angle == 0.0
    # The parent's angle turns the whole circle.
    pos, _ = circular(0, 1, ORIGIN, PI / 2, {})
    assert pos == Vec3(100, 10, 0)


def test_circular_rounds_x_and_z_only() -> None:
    pos, _ = circular(1, 3, Vec3(0, 0.123, 0), 0.0, {"Vshift": 0.001})
    # a = -π/2 + 2π/3 = π/6: (86.60.., 50.0)
    assert pos == Vec3(86.6, 0.124, 50.0)


# --- sector -------------------------------------------------------------------------------------


def test_sector_spreads_over_plus_minus_angle() -> None:
    spots = [sector(i, 3, ORIGIN, 0.0, {"angle": 90}) for i in range(3)]
    assert [pos for pos, _ in spots] == [Vec3(0, 10, -100), Vec3(100, 10, 0), Vec3(0, 10, 100)]


def test_sector_single_child_sits_at_the_parent_angle() -> None:
    assert sector(0, 1, ORIGIN, 0.0, {"angle": 90})[0] == Vec3(100, 10, 0)
    pos, angle = sector(0, 1, P, PI / 2, {"R": 10})
    assert pos == Vec3(10, 15, 30)
    assert angle == pytest.approx(PI / 2)


# --- spiral -------------------------------------------------------------------------------------


def test_spiral_first_child_sits_on_the_parent_axis() -> None:
    pos, angle = spiral(0, 5, P, 1.0, {})
    assert pos == Vec3(10, 15, 20)
    assert angle == 0.0  # atan2(0, 0)


def test_spiral_second_child_by_hand() -> None:
    # s = √10 = 3.1623, r = 316.23, a = π/2 + s: x = -r·sin(s) = 6.54, z = r·cos(s) = -316.16
    assert spiral(1, 5, ORIGIN, 0.0, {})[0] == Vec3(6.5, 10, -316.2)


def test_spiral_negative_square_root_is_clamped() -> None:
    pos, angle = spiral(0, 1, ORIGIN, 0.0, {"angle": -5})
    assert pos == Vec3(0, 10, 0)
    assert math.isfinite(angle)


# --- helix --------------------------------------------------------------------------------------


def test_helix_by_hand() -> None:
    # angle 90, i 1: k = 0.25, r = 102.5, a = π/2 + π/2 = π, y = 10 + 500·0.25
    pos, angle = helix(1, 2, ORIGIN, 0.0, {"angle": 90})
    assert pos == Vec3(-102.5, 135, 0)
    assert angle == pytest.approx(PI)


def test_helix_with_the_seeded_canvas_options() -> None:
    canvas = {"angle": 7.2, "helixVshift": 15, "spiralScale": 50}
    # i 0: k = 0, r = 100, a = π/2
    assert helix(0, 42, ORIGIN, 0.0, canvas)[0] == Vec3(0, 10, 100)
    # i 50: a full turn: k = 1, r = 150, a = π/2 + 2π, y = 10 + 15
    assert helix(50, 51, ORIGIN, 0.0, canvas)[0] == Vec3(0, 25, 150)


# --- hexaspiral ---------------------------------------------------------------------------------


def test_hexaspiral_centre_and_first_ring() -> None:
    assert hexaspiral(0, 7, ORIGIN, 0.0, {}) == (Vec3(0, 10, 0), 0.0)
    assert hexaspiral(1, 7, ORIGIN, 0.0, {})[0] == Vec3(50, 10, 0)
    # With scatter the 2nd item of a ring goes to side 3 (order 0,3,5,2,4,1): the opposite cell.
    assert hexaspiral(2, 7, ORIGIN, 0.0, {})[0] == Vec3(-50, 10, 0)
    # Without scatter it goes to the next side.
    assert hexaspiral(2, 7, ORIGIN, 0.0, {"Scatter": False})[0] == Vec3(25, 10, -43.3)
    # First cell of the second ring: (1.5, 0.866) cells.
    assert hexaspiral(7, 8, ORIGIN, 0.0, {})[0] == Vec3(75, 10, 43.3)


def test_hexaspiral_without_centre_starts_on_the_first_ring() -> None:
    assert hexaspiral(0, 3, ORIGIN, 0.0, {"DrawCenter": False})[0] == Vec3(50, 10, 0)


def test_hexaspiral_scatter_default_does_not_follow_draw_center() -> None:
    # DrawCenter false moves i 1 to cell 2, which is scattered (our documented choice).
    no_centre = hexaspiral(1, 3, ORIGIN, 0.0, {"DrawCenter": False})
    explicit = hexaspiral(1, 3, ORIGIN, 0.0, {"DrawCenter": False, "Scatter": True})
    assert no_centre == explicit
    assert no_centre[0] == Vec3(-50, 10, 0)


def test_hexaspiral_spacing_option_names() -> None:
    assert hexaspiral(1, 2, ORIGIN, 0.0, {"Robject": 10})[0] == Vec3(10, 10, 0)
    assert hexaspiral(1, 2, ORIGIN, 0.0, {"Rspace": 20})[0] == Vec3(20, 10, 0)  # the Go code's key
    assert hexaspiral(1, 2, ORIGIN, 0.0, {"Robject": 10, "Rspace": 20})[0] == Vec3(10, 10, 0)


@pytest.mark.parametrize("scatter", [True, False])
def test_hex_cells_fill_each_ring_exactly_once(scatter: bool) -> None:
    seen: set[tuple[float, float]] = set()
    for layer in range(1, 5):
        first, last = 3 * layer * (layer - 1) + 1, 3 * layer * (layer + 1) + 1
        ring = {
            (round(x, 6), round(y, 6))
            for x, y in (hex_cell(j, True, scatter) for j in range(first, last))
        }
        assert len(ring) == 6 * layer
        for x, y in ring:  # every cell of ring L is L cells from the centre (hex distance)
            q = y / (math.sqrt(3) / 2)
            r = x - q / 2
            assert round(max(abs(q), abs(r), abs(q + r))) == layer
        assert not ring & seen
        seen |= ring


def test_hexaspiral_random_displacement_is_stable_and_bounded() -> None:
    options = {"RandDisplacement": 10}
    first = hexaspiral(3, 9, ORIGIN, 0.0, options)
    assert first == hexaspiral(3, 9, ORIGIN, 0.0, options)
    plain = hexaspiral(3, 9, ORIGIN, 0.0, {})[0]
    distance = math.hypot(first[0].x - plain.x, first[0].z - plain.z)
    assert 0.0 < distance <= 10 + 0.15


def test_hexaspiral_ignores_the_parent_angle() -> None:
    assert hexaspiral(4, 9, P, 0.0, {}) == hexaspiral(4, 9, P, 2.0, {})


# --- all algorithms -----------------------------------------------------------------------------


def test_registry() -> None:
    assert set(ALGORITHMS) == {"circular", "sector", "spiral", "helix", "hexaspiral"}
    assert ALGORITHMS["helix"] is helix


@pytest.mark.parametrize("name", sorted(ALGORITHMS))
def test_bad_index_or_count_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        ALGORITHMS[name](0, 0, ORIGIN, 0.0, {})
    with pytest.raises(ValueError):
        ALGORITHMS[name](-1, 3, ORIGIN, 0.0, {})


@pytest.mark.parametrize("name", sorted(ALGORITHMS))
def test_non_numeric_options_fall_back_to_defaults(name: str) -> None:
    junk = {
        key: value
        for key, value in zip(
            ["angle", "R", "Vshift", "spiralScale", "helixVshift", "Robject", "RandDisplacement"],
            ["x", None, True, [1], {"a": 1}, float("nan"), float("inf")],
            strict=True,
        )
    }
    junk |= {"DrawCenter": "yes", "Scatter": 1}
    assert ALGORITHMS[name](2, 5, P, 0.3, junk) == ALGORITHMS[name](2, 5, P, 0.3, {})


@given(
    name=st.sampled_from(sorted(ALGORITHMS)),
    n=st.integers(1, 300),
    data=st.data(),
    parent=st.tuples(*[st.floats(-1e6, 1e6)] * 3),
    parent_angle=st.floats(-10, 10),
    options=st.dictionaries(
        st.sampled_from(
            ["angle", "R", "Vshift", "spiralScale", "helixVshift", "Robject", "RandDisplacement"]
        ),
        st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**30), 10**30),
    )
    | st.just({}),
)
def test_placement_never_returns_nan(
    name: str,
    n: int,
    data: st.DataObject,
    parent: tuple[float, float, float],
    parent_angle: float,
    options: dict[str, Any],
) -> None:
    i = data.draw(st.integers(0, n - 1))
    pos, angle = ALGORITHMS[name](i, n, Vec3(*parent), parent_angle, options)
    assert pos.is_finite()
    assert math.isfinite(angle)
    assert -PI <= angle <= PI
    assert round_tenth(pos.x) == pos.x
    assert round_tenth(pos.z) == pos.z


# --- rules and groups ---------------------------------------------------------------------------


def seq_id(seq: int, salt: int = 0) -> UUID:
    """A UUIDv7 with a chosen clock sequence."""
    return ids.uuid7(1_700_000_000_000 + salt, random_bits=(seq << 48) | salt)


def test_parse_child_placement() -> None:
    custom = str(ids.CUSTOM_TYPE_ID)
    rules = parse_child_placement(
        {
            str(ids.NIL_ID): {"options": {"R": 5}},  # no algo: circular
            custom: {"algo": "spiral", "options": None},
            str(ids.WORLD_TYPE_ID): {"algo": "teleport"},  # unknown: dropped
            "not-an-id": {"algo": "circular"},
            str(ids.ANCHOR_TYPE_ID): "circular",
        }
    )
    assert rules == {
        ids.NIL_ID: PlacementRule("circular", {"R": 5}),
        ids.CUSTOM_TYPE_ID: PlacementRule("spiral", {}),
    }
    assert parse_child_placement(None) == {}
    assert parse_child_placement([1, 2]) == {}


def test_placement_order_is_by_clock_sequence_then_id() -> None:
    a, b, c = seq_id(300), seq_id(5), seq_id(7000)
    tie_low, tie_high = seq_id(42, salt=1), seq_id(42, salt=2)
    assert placement_order([c, tie_high, a, b, tie_low]) == [b, tie_low, tie_high, a, c]


def test_place_children_sorts_groups_by_type() -> None:
    leaf, other = ids.CUSTOM_TYPE_ID, ids.GENERIC_TYPE_ID
    first, second, third = seq_id(1), seq_id(2), seq_id(3)
    special = seq_id(0)
    rules = {
        ids.NIL_ID: PlacementRule("circular", {"R": 10, "Vshift": 0}),
        other: PlacementRule("sector", {"R": 1, "Vshift": 0}),
    }
    placed = place_children(
        [(third, leaf), (special, other), (first, leaf), (second, leaf)], ORIGIN, 0.0, rules
    )
    # The circular group has n = 3 (the "other" child is in its own group), sorted 1, 2, 3.
    for i, child in enumerate([first, second, third]):
        assert placed[child] == circular(i, 3, ORIGIN, 0.0, {"R": 10, "Vshift": 0})
    assert placed[special] == sector(0, 1, ORIGIN, 0.0, {"R": 1, "Vshift": 0})


def test_children_without_an_applicable_rule_are_not_placed() -> None:
    rules = {ids.CUSTOM_TYPE_ID: PlacementRule("circular", {})}
    child = seq_id(1)
    assert place_children([(child, ids.GENERIC_TYPE_ID)], ORIGIN, 0.0, rules) == {}


def test_child_angle_feeds_grandchildren() -> None:
    # A child at a = -π/2 has θ = -π/2; a sector grandchild with n = 1 sits along θ.
    child_pos, theta = circular(0, 1, ORIGIN, 0.0, {"Vshift": 0})
    assert theta == pytest.approx(-PI / 2)
    grand, _ = sector(0, 1, child_pos, theta, {"R": 10, "Vshift": 0})
    assert close(grand, Vec3(0, 0, -110))


def test_spiral_with_overflowing_options_places_above_the_parent() -> None:
    # spiralScale·angle overflows to inf: cos(inf) raised ValueError (found by Hypothesis).
    position, _angle = ALGORITHMS["spiral"](
        0, 1, Vec3(1.0, 2.0, 3.0), 0.0, {"spiralScale": 1e308, "angle": 1e308}
    )
    assert position == Vec3(1.0, 12.0, 3.0)
