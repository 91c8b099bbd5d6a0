"""Attribute option keys (posbus_auto, render_auto, cloneable) and the seeded object types."""

from __future__ import annotations

import pytest

from odyssey.core import ids
from odyssey.core.attributes import (
    PosbusAuto,
    RenderAuto,
    clone_value,
    effective_attribute_options,
    is_cloneable,
    posbus_auto,
    render_auto,
)
from odyssey.core.errors import ChildLimitReached, ChildTypeNotAllowed
from odyssey.core.geometry import Vec3
from odyssey.core.placement import helix
from odyssey.core.seed import seed_object_types
from odyssey.core.tree import ObjectNode, ObjectTree
from tests.core.core_sample import ALICE, BOB, uid


def test_attribute_options_merge_deeply_in_every_scope() -> None:
    type_options = {
        "permissions": {"read": "any", "write": "admin"},
        "posbus_auto": {"scope": ["object"]},
    }
    instance = {"permissions": {"read": "admin"}}
    assert effective_attribute_options(type_options, instance) == {
        "permissions": {"read": "admin", "write": "admin"},
        "posbus_auto": {"scope": ["object"]},
    }
    assert effective_attribute_options(None, None) == {}


def test_posbus_auto() -> None:
    voice = {"posbus_auto": {"scope": ["object"], "topic": "voice-chat-user", "send_to": 1}}
    assert posbus_auto(voice) == PosbusAuto(frozenset({"object"}), "voice-chat-user", 1)
    assert posbus_auto({"posbus_auto": {"scope": ["user", "object"]}}) == PosbusAuto(
        frozenset({"user", "object"})
    )
    assert posbus_auto({"posbus_auto": {"scope": "world"}}) == PosbusAuto(frozenset({"world"}))
    assert posbus_auto({"posbus_auto": {"scope": []}}) is None
    assert posbus_auto({"posbus_auto": None}) is None
    assert posbus_auto(None) is None


def test_render_auto_defaults() -> None:
    skybox = {
        "render_auto": {
            "slot_name": "skybox_custom",
            "slot_type": "texture",
            "content_type": "image",
        }
    }
    assert render_auto(skybox, "active_skybox") == RenderAuto(
        "texture", "skybox_custom", "render_hash", "image"
    )
    color = {"render_auto": {"slot_type": "string", "content_type": "string"}}
    assert render_auto(color, "object_color") == RenderAuto(
        "string", "object_color", "value", "string"
    )
    template = {"frame": "1024x64"}
    name = {
        "render_auto": {
            "slot_type": "texture",
            "slot_name": "name",
            "value_field": "name",
            "content_type": "text",
            "text_render_template": template,
        }
    }
    parsed = render_auto(name, "name")
    assert parsed is not None
    assert (parsed.value_field, parsed.text_render_template) == ("name", template)
    assert parsed.known_slot_type
    odd = render_auto({"render_auto": {"slot_type": "object_texture"}}, "state")
    assert odd is not None and not odd.known_slot_type
    assert render_auto({"render_type": "texture"}, "description") is None  # legacy key ignored
    assert render_auto({"render_auto": {}}, "x") is None


def test_cloneable() -> None:
    effect = {"cloneable": {"use_default": {"value": "transparent"}}}
    assert is_cloneable(effect)
    assert clone_value(effect, {"value": "glow"}) == {"value": "transparent"}
    assert is_cloneable({"cloneable": {}})
    current = {"value": "#ff0000", "nested": [1]}
    copied = clone_value({"cloneable": {}}, current)
    assert copied == current and copied is not current and copied["nested"] is not current["nested"]
    assert not is_cloneable({})
    assert not is_cloneable({"cloneable": None})
    assert not is_cloneable(None)


# --- seed ---------------------------------------------------------------------------------------


def test_seeded_types() -> None:
    cube, orb = uid(101), uid(102)
    types = {t.id: t for t in seed_object_types(cube_asset_id=cube, orb_asset_id=orb)}
    assert len(types) == 11
    assert len({t.name for t in types.values()}) == 11
    assert types[ids.NODE_TYPE_ID].options["allowed_children"] == [str(ids.WORLD_TYPE_ID)]
    assert types[ids.WORLD_TYPE_ID].options["allowed_children"] == [
        str(ids.CUSTOM_CLAIMABLE_TYPE_ID),
        str(ids.CUSTOM_TYPE_ID),
        str(ids.CANVAS_TYPE_ID),
        str(ids.ANCHOR_TYPE_ID),
    ]
    assert types[ids.ANCHOR_TYPE_ID].options["allowed_children"] == [str(ids.CUSTOM_TYPE_ID)]
    assert types[ids.WORLD_TYPE_ID].category == "Worlds"
    assert types[ids.CANVAS_TYPE_ID].options["child_limit"] == 42
    assert types[ids.CUSTOM_CLAIMABLE_TYPE_ID].asset_2d_id == ids.CLAIMABLE_ASSET_2D_ID
    assert types[ids.CANVAS_CHILD_TYPE_ID].asset_3d_id == cube
    assert types[ids.CANVAS_TYPE_ID].asset_3d_id == orb
    fresh = seed_object_types()
    fresh[0].options["mutated"] = True
    assert "mutated" not in seed_object_types()[0].options


def test_a_seeded_node_world_and_canvas() -> None:
    node, world, canvas = uid(1), uid(2), uid(3)
    tree = ObjectTree(
        seed_object_types(),
        [
            ObjectNode(node, node, ids.NODE_TYPE_ID, ids.DEITY_USER_ID),
            ObjectNode(world, node, ids.WORLD_TYPE_ID, ALICE),
        ],
    )
    with pytest.raises(ChildTypeNotAllowed):
        tree.plan_child(world, ids.CANVAS_CHILD_TYPE_ID)
    tree.add(tree.plan_child(world, ids.CANVAS_TYPE_ID, object_id=canvas))
    children = []
    for _ in range(42):
        child = tree.plan_child(canvas, ids.CANVAS_CHILD_TYPE_ID, owner_id=BOB)
        tree.add(child)
        children.append(child.id)
    with pytest.raises(ChildLimitReached):
        tree.plan_child(canvas, ids.CANVAS_CHILD_TYPE_ID)
    # The canvas stands at the world's origin (no placement in worlds) and its children climb a
    # helix around it, in clock-sequence order.
    transforms = tree.actual_transforms(world)
    assert transforms[canvas].position == Vec3(0, 0, 0)
    options = {"angle": 7.2, "helixVshift": 15, "spiralScale": 50}
    heights = sorted(transforms[c].position.y for c in children)
    expected = [helix(i, 42, Vec3(), 0.0, options)[0].y for i in range(42)]
    assert heights == pytest.approx(sorted(expected))
