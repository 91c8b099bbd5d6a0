"""The controller's pure helpers: render slots, nearest users, round robin, audiences."""

from __future__ import annotations

import random
import uuid

import pytest

from odyssey.controller.aoi import cell_of, group_by_cell, nearest_to_cells, round_robin
from odyssey.controller.audience import AttributeLocation, audience
from odyssey.controller.objects import asset_format
from odyssey.controller.slots import ObjectSlots, slot_value
from odyssey.core.attributes import PosbusAuto, RenderAuto
from odyssey.posbus import ObjectData, encode
from odyssey.posbus.model import AssetFormat

OBJ = uuid.UUID("33333333-3333-4333-8333-333333333333")


def render(slot_type: str, content: str | None = None, field: str = "value") -> RenderAuto:
    return RenderAuto(
        slot_type=slot_type, slot_name="slot", value_field=field, content_type=content
    )


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        (render("texture", "image", "render_hash"), {"render_hash": "abc"}, "abc"),
        (render("texture", "image", "render_hash"), {"render_hash": ""}, None),
        (render("texture", "text"), {"value": "Hello"}, None),  # text is not an image hash
        (render("texture", "text"), {"value": "Hello", "auto_render_hash": "f00"}, "f00"),
        (render("string"), {"value": "#ff0000"}, "#ff0000"),
        (render("string"), {"value": 3}, None),
        (render("number"), {"value": 3}, 3),
        (render("number"), {"value": 2.5}, 2.5),
        (render("number"), {"value": True}, None),
        (render("number"), {"value": 1 << 70}, float(1 << 70)),
        (render("audio"), {"track": "t", "volume": 0.5}, {"track": "t", "volume": 0.5}),
        (render("object_texture"), {"value": "x"}, None),  # unknown slot types are ignored
        (render("string"), None, None),
    ],
)
def test_slot_values(rule: RenderAuto, value: dict[str, object] | None, expected: object) -> None:
    assert slot_value(rule, value) == expected


def test_number_slots_decode_in_odyssey_clients() -> None:
    """The codec writes Python ints as Go `int` and floats as `float64`, never `int32`."""
    slots = ObjectSlots(OBJ)
    message = slots.set(render("number"), {"value": 7})
    assert message == ObjectData(OBJ, {"number": {"slot": 7}})
    frame = encode(message)
    assert b"int32" not in frame and b"\x03int" in frame


def test_slot_changes_send_only_the_changed_slot_and_removals_send_nil() -> None:
    slots = ObjectSlots(OBJ)
    color = RenderAuto("string", "object_color", "value", "string")
    effect = RenderAuto("string", "object_effect", "value", "string")
    assert slots.set(color, {"value": "#fff"}) == ObjectData(
        OBJ, {"string": {"object_color": "#fff"}}
    )
    assert slots.set(color, {"value": "#fff"}) is None  # nothing visible changed
    slots.set(effect, {"value": "glow"})
    assert slots.full_message() == ObjectData(
        OBJ, {"string": {"object_color": "#fff", "object_effect": "glow"}}
    )
    assert slots.set(color, None) == ObjectData(OBJ, {"string": {"object_color": None}})
    assert slots.set(color, None) is None
    assert slots.full_message() == ObjectData(OBJ, {"string": {"object_effect": "glow"}})


def test_asset_format_reads_the_meta_type() -> None:
    assert asset_format({"type": 2}) == 2
    assert asset_format({}) == AssetFormat.GLTF
    assert asset_format({"type": "basic"}) == AssetFormat.GLTF


def test_users_are_grouped_by_cell() -> None:
    points = [(0.5, 0.0, 0.5), (15.9, 3.0, 1.0), (16.0, 0.0, 0.0), (-0.1, 0.0, 0.0)]
    assert cell_of(points[2], 16.0) == (1, 0, 0) and cell_of(points[3], 16.0) == (-1, 0, 0)
    assert group_by_cell(points, 16.0) == {(0, 0, 0): [0, 1], (1, 0, 0): [2], (-1, 0, 0): [3]}


def test_nearest_to_cells_match_brute_force() -> None:
    rng = random.Random(5)
    size = 16.0
    points = [(rng.uniform(-80, 80), rng.uniform(0, 10), rng.uniform(-80, 80)) for _ in range(400)]
    cells = list(group_by_cell(points, size))
    count = 25
    result = nearest_to_cells(points, cells, size, count)
    assert len(result) == len(cells)
    for cell, found in zip(cells, result, strict=True):
        assert len(found) == count == len(set(found))
        centre = tuple((c + 0.5) * size for c in cell)

        def distance(j: int, centre: tuple[float, ...] = centre) -> float:
            return sum((a - b) ** 2 for a, b in zip(points[j], centre, strict=True))

        worst_inside = max(distance(j) for j in found)
        best_outside = min(distance(j) for j in range(len(points)) if j not in found)
        assert worst_inside <= best_outside + 1e-6


def test_nearest_to_cells_in_small_worlds() -> None:
    assert nearest_to_cells([], [], 16.0, 5) == []
    assert nearest_to_cells([(0, 0, 0)] * 3, [(0, 0, 0)], 16.0, 5) == [[0, 1, 2]]


def test_round_robin_reaches_everyone_and_resumes() -> None:
    wanted = {1, 2, 5, 7, 8}
    taken, cursor = round_robin(10, 0, 2, wanted.__contains__)
    assert taken == [1, 2] and cursor == 3
    taken, cursor = round_robin(10, cursor, 2, wanted.__contains__)
    assert taken == [5, 7] and cursor == 8
    taken, cursor = round_robin(10, cursor, 2, wanted.__contains__)
    assert taken == [8, 1] and cursor == 2
    assert round_robin(10, 4, 3, lambda _: False) == ([], 4)
    assert round_robin(0, 0, 3, lambda _: True) == ([], 0)


WORLD = uuid.UUID("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa")
NODE = uuid.UUID("00000000-0000-0000-0000-00000000000a")
ALICE = uuid.UUID("11111111-1111-4111-8111-111111111111")
BOB = uuid.UUID("22222222-2222-4222-8222-222222222222")


def hear(location: AttributeLocation, *scopes: str) -> tuple[object, ...] | None:
    found = audience(
        location,
        PosbusAuto(frozenset(scopes)),
        node_id=NODE,
        world_of_object=lambda o: WORLD if o in (WORLD, OBJ) else None,
        world_of_user=lambda u: WORLD if u == ALICE else None,
    )
    if found is None:
        return None
    return (found.target_id, found.everyone, set(found.worlds), set(found.users))


def test_audiences_of_each_scope() -> None:
    on_object = AttributeLocation("object", object_id=OBJ)
    assert hear(on_object, "world") == (OBJ, False, {WORLD}, set())
    assert hear(on_object, "object") == (OBJ, False, set(), set())  # only worlds hold users
    on_world = AttributeLocation("object", object_id=WORLD)
    assert hear(on_world, "object") == (WORLD, False, {WORLD}, set())
    object_user = AttributeLocation("object_user", object_id=WORLD, user_id=ALICE)
    assert hear(object_user, "user") == (WORLD, False, set(), {ALICE})
    elsewhere = AttributeLocation("object_user", object_id=WORLD, user_id=BOB)
    assert hear(elsewhere, "user") == (WORLD, False, set(), set())  # Bob is not in that world
    on_user = AttributeLocation("user", user_id=ALICE)
    assert hear(on_user, "user", "world") == (ALICE, False, {WORLD}, {ALICE})
    user_user = AttributeLocation("user_user", source_user_id=ALICE, target_user_id=BOB)
    assert hear(user_user, "user") == (BOB, False, set(), {ALICE})
    assert hear(AttributeLocation("node"), "node") == (NODE, True, set(), set())
    assert hear(AttributeLocation("object"), "world") is None
