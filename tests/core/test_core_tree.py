"""The object tree: structure, planning children and clones, removal, actual transforms."""

from __future__ import annotations

import dataclasses
import math
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odyssey.core import ids
from odyssey.core.errors import (
    AlreadyExists,
    ChildLimitReached,
    ChildTypeNotAllowed,
    InvalidOperation,
    InvalidTree,
    NotFound,
)
from odyssey.core.geometry import Transform, Vec3
from odyssey.core.placement import circular, sector
from odyssey.core.tree import ObjectNode, ObjectTree, ObjectType, is_world_type
from tests.core.core_sample import (
    ALICE,
    BOB,
    CAROL,
    LEAF_TYPE_ID,
    LIMITED_TYPE_ID,
    RING_TYPE_ID,
    Sample,
    build_types,
    uid,
)

ROOT = uid(1)


def root_node() -> ObjectNode:
    return ObjectNode(ROOT, ROOT, ids.NODE_TYPE_ID, ids.DEITY_USER_ID)


# --- building -----------------------------------------------------------------------------------


def test_tree_needs_exactly_one_root() -> None:
    with pytest.raises(InvalidTree):
        ObjectTree(build_types(), [])
    with pytest.raises(InvalidTree):
        ObjectTree(build_types(), [root_node(), ObjectNode(uid(2), uid(2), ids.NODE_TYPE_ID, BOB)])


def test_tree_refuses_unknown_parents_cycles_and_duplicates() -> None:
    with pytest.raises(InvalidTree, match="unknown parent"):
        ObjectTree(build_types(), [root_node(), ObjectNode(uid(2), uid(99), LEAF_TYPE_ID, BOB)])
    cycle = [
        root_node(),
        ObjectNode(uid(2), uid(3), LEAF_TYPE_ID, BOB),
        ObjectNode(uid(3), uid(2), LEAF_TYPE_ID, BOB),
    ]
    with pytest.raises(InvalidTree, match="not connected"):
        ObjectTree(build_types(), cycle)
    with pytest.raises(InvalidTree, match="twice"):
        ObjectTree(build_types(), [root_node(), root_node()])


def test_lookup(sample: Sample) -> None:
    tree = sample.tree
    assert tree.node.id == sample.node
    assert tree.node.is_root
    assert tree.get(sample.anchor) is not None
    assert tree.get(uid(999)) is None
    assert tree[sample.anchor].name == "anchor"
    with pytest.raises(NotFound):
        tree[uid(999)]
    assert sample.world1 in tree
    assert len(tree) == 12
    assert {o.id for o in tree} == set(sample.tree.subtree_ids(sample.node))


def test_children_and_worlds(sample: Sample) -> None:
    tree = sample.tree
    assert [w.id for w in tree.worlds()] == [sample.world1, sample.world2]
    assert [c.id for c in tree.children(sample.node)] == [sample.world1, sample.world2]
    assert tree.child_ids(sample.anchor) == [sample.ring1, sample.ring2, sample.fixed]
    assert tree.child_count(sample.ring1) == 2
    assert tree.children(sample.leaf1) == []
    with pytest.raises(NotFound):
        tree.children(uid(999))


def test_ancestors_go_from_self_up_to_the_node(sample: Sample) -> None:
    chain = [o.id for o in sample.tree.ancestors(sample.leaf1)]
    assert chain == [sample.leaf1, sample.ring1, sample.anchor, sample.world1, sample.node]
    assert [o.id for o in sample.tree.ancestors(sample.node)] == [sample.node]


def test_world_of(sample: Sample) -> None:
    tree = sample.tree
    assert tree.world_of(sample.node) is None
    assert tree.world_of(sample.world1) == sample.world1
    assert tree.world_of(sample.leaf1) == sample.world1
    assert tree.world_of(sample.leaf3) == sample.world2
    assert tree.is_world(sample.world2)
    assert not tree.is_world(sample.limited)
    with pytest.raises(NotFound):
        tree.world_of(uid(999))


def test_subtree_ids_are_breadth_first(sample: Sample) -> None:
    assert sample.tree.subtree_ids(sample.anchor) == [
        sample.anchor,
        sample.ring1,
        sample.ring2,
        sample.fixed,
        sample.leaf1,
        sample.leaf2,
    ]
    assert sample.tree.subtree_ids(sample.leaf2) == [sample.leaf2]


def test_effective_options_merge_object_over_type(sample: Sample) -> None:
    tree = sample.tree
    assert tree.effective_options(sample.limited)["child_limit"] == 2
    tree.replace(dataclasses.replace(tree[sample.limited], options={"child_limit": 5, "x": 1}))
    options = tree.effective_options(sample.limited)
    assert options["child_limit"] == 5
    assert options["x"] == 1
    assert options["allowed_children"] == [str(LEAF_TYPE_ID)]
    options["allowed_children"].append("mutated")  # a fresh dict every time
    assert tree.effective_options(sample.limited)["allowed_children"] == [str(LEAF_TYPE_ID)]


def test_type_changes_are_seen(sample: Sample) -> None:
    tree = sample.tree
    tree.set_type(ObjectType(LEAF_TYPE_ID, "leaf", "Test", options={"visible": 0}))
    assert tree.effective_options(sample.leaf1) == {"visible": 0}
    assert tree.get_type(LEAF_TYPE_ID).options == {"visible": 0}
    with pytest.raises(NotFound) as missing:
        tree.get_type(uid(999))
    assert missing.value.kind == "object_type"
    assert is_world_type(tree.types[ids.WORLD_TYPE_ID])
    assert not is_world_type(tree.types[LEAF_TYPE_ID])


# --- plan_child ---------------------------------------------------------------------------------


def test_plan_child_fills_defaults_without_changing_the_tree(sample: Sample) -> None:
    tree = sample.tree
    planned = tree.plan_child(sample.world1, ids.CUSTOM_TYPE_ID)
    assert planned.id.version == 7
    assert planned.parent_id == sample.world1
    assert planned.owner_id == ALICE  # the parent's owner
    assert planned.name == str(planned.id)
    assert planned.transform is None
    assert planned.id not in tree
    assert len(tree) == 12


def test_plan_child_keeps_what_it_is_given(sample: Sample) -> None:
    transform = Transform.at(Vec3(1, 2, 3))
    options = {"minimap": False}
    planned = sample.tree.plan_child(
        sample.world1,
        ids.CUSTOM_TYPE_ID,
        owner_id=CAROL,
        name="chair",
        object_id=uid(777),
        transform=transform,
        asset_2d_id=uid(20),
        asset_3d_id=uid(30),
        options=options,
    )
    assert planned == ObjectNode(
        uid(777),
        sample.world1,
        ids.CUSTOM_TYPE_ID,
        CAROL,
        uid(20),
        uid(30),
        options,
        transform,
        "chair",
    )
    assert planned.options is not options


def test_plan_child_refuses_unknown_parent_type_and_taken_id(sample: Sample) -> None:
    with pytest.raises(NotFound) as parent:
        sample.tree.plan_child(uid(999), ids.CUSTOM_TYPE_ID)
    assert parent.value.kind == "parent"
    with pytest.raises(NotFound) as object_type:
        sample.tree.plan_child(sample.world1, uid(998))
    assert object_type.value.kind == "object_type"
    with pytest.raises(AlreadyExists):
        sample.tree.plan_child(sample.world1, ids.CUSTOM_TYPE_ID, object_id=sample.leaf1)


def test_child_type_must_be_allowed(sample: Sample) -> None:
    tree = sample.tree
    with pytest.raises(ChildTypeNotAllowed):
        tree.plan_child(sample.world1, ids.WORLD_TYPE_ID)  # not in World's allowed_children
    with pytest.raises(ChildTypeNotAllowed):
        tree.plan_child(sample.leaf1, LEAF_TYPE_ID)  # leaves allow nothing
    with pytest.raises(ChildTypeNotAllowed):
        tree.plan_child(sample.node, ids.CUSTOM_TYPE_ID)  # the node takes worlds only
    assert tree.plan_child(sample.node, ids.WORLD_TYPE_ID).parent_id == sample.node
    # An object can widen its own allowed_children.
    widened = dataclasses.replace(
        tree[sample.leaf1], options={"allowed_children": [str(LEAF_TYPE_ID)]}
    )
    tree.replace(widened)
    assert tree.plan_child(sample.leaf1, LEAF_TYPE_ID).parent_id == sample.leaf1


def test_child_limit(sample: Sample) -> None:
    tree = sample.tree
    second = tree.plan_child(sample.limited, LEAF_TYPE_ID)  # 1 child so far, limit 2
    tree.add(second)
    with pytest.raises(ChildLimitReached):
        tree.plan_child(sample.limited, LEAF_TYPE_ID)
    tree.remove_subtree(second.id)
    assert tree.plan_child(sample.limited, LEAF_TYPE_ID).parent_id == sample.limited


def test_child_limit_zero_allows_nothing(sample: Sample) -> None:
    tree = sample.tree
    tree.replace(dataclasses.replace(tree[sample.world1], options={"child_limit": 0}))
    with pytest.raises(ChildLimitReached):
        tree.plan_child(sample.world1, ids.CUSTOM_TYPE_ID)


# --- add / replace ------------------------------------------------------------------------------


def test_add(sample: Sample) -> None:
    tree = sample.tree
    planned = tree.plan_child(sample.ring2, LEAF_TYPE_ID)
    tree.add(planned)
    assert tree[planned.id] == planned
    assert tree.child_ids(sample.ring2) == [planned.id]
    assert tree.world_of(planned.id) == sample.world1
    with pytest.raises(AlreadyExists):
        tree.add(planned)
    with pytest.raises(NotFound):
        tree.add(ObjectNode(uid(900), uid(901), LEAF_TYPE_ID, BOB))
    with pytest.raises(InvalidOperation):
        tree.add(ObjectNode(uid(902), uid(902), ids.NODE_TYPE_ID, BOB))
    world = tree.plan_child(sample.node, ids.WORLD_TYPE_ID, owner_id=CAROL)
    tree.add(world)
    assert tree.world_of(world.id) == world.id
    assert world.id in [w.id for w in tree.worlds()]


def test_replace_cannot_move_an_object(sample: Sample) -> None:
    tree = sample.tree
    with pytest.raises(InvalidOperation):
        tree.replace(dataclasses.replace(tree[sample.leaf1], parent_id=sample.ring2))
    with pytest.raises(NotFound):
        tree.replace(ObjectNode(uid(999), sample.node, LEAF_TYPE_ID, BOB))


def test_nodes_are_immutable(sample: Sample) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.tree[sample.leaf1].name = "x"  # type: ignore[misc]


# --- remove_subtree -----------------------------------------------------------------------------


def test_remove_subtree_refuses_the_node(sample: Sample) -> None:
    with pytest.raises(InvalidOperation):
        sample.tree.remove_subtree(sample.node)
    with pytest.raises(NotFound):
        sample.tree.remove_subtree(uid(999))
    assert len(sample.tree) == 12


def test_remove_subtree_removes_deepest_first(sample: Sample) -> None:
    tree = sample.tree
    removed = tree.remove_subtree(sample.anchor)
    assert removed == [
        sample.leaf2,
        sample.leaf1,
        sample.fixed,
        sample.ring2,
        sample.ring1,
        sample.anchor,
    ]
    for gone in removed:
        assert gone not in tree
        assert tree.get(gone) is None
    assert tree.child_ids(sample.world1) == [sample.loose]
    assert len(tree) == 6


def test_a_world_can_be_removed_by_the_tree(sample: Sample) -> None:
    removed = sample.tree.remove_subtree(sample.world2)
    assert removed == [sample.leaf3, sample.limited, sample.world2]
    assert [w.id for w in sample.tree.worlds()] == [sample.world1]


# --- plan_clone ---------------------------------------------------------------------------------


def test_clone_copies_type_assets_options_owner_parent(sample: Sample) -> None:
    tree = sample.tree
    original = dataclasses.replace(
        tree[sample.fixed],
        asset_2d_id=uid(20),
        asset_3d_id=uid(30),
        options={"subs": {"a": [1]}},
        transform=Transform(Vec3(1, 2, 3), Vec3(0, 45, 0), Vec3(2, 3, 4)),
    )
    tree.replace(original)
    clone = tree.plan_clone(sample.fixed, position=Vec3(7, 8, 9))
    assert clone.id != original.id and clone.id not in tree
    assert (clone.parent_id, clone.type_id, clone.owner_id) == (
        original.parent_id,
        original.type_id,
        original.owner_id,
    )
    assert (clone.asset_2d_id, clone.asset_3d_id, clone.name) == (uid(20), uid(30), "fixed")
    assert clone.options == original.options and clone.options is not original.options
    assert clone.transform == Transform(Vec3(7, 8, 9), Vec3(0, 45, 0), Vec3(2, 3, 4))


def test_clone_of_an_auto_placed_object(sample: Sample) -> None:
    tree = sample.tree
    at = tree.plan_clone(sample.ring1, new_id=uid(555), position=Vec3(1, 1, 1))
    assert at.id == uid(555)
    assert at.transform == Transform.at(Vec3(1, 1, 1))  # actual rotation 0, scale 1
    assert tree.plan_clone(sample.ring1).transform is None  # no position: placed by the parent


def test_clone_refusals(sample: Sample) -> None:
    tree = sample.tree
    with pytest.raises(InvalidOperation):
        tree.plan_clone(sample.node)
    with pytest.raises(AlreadyExists):
        tree.plan_clone(sample.leaf1, new_id=sample.leaf2)
    tree.add(tree.plan_child(sample.limited, LEAF_TYPE_ID))
    with pytest.raises(ChildLimitReached):
        tree.plan_clone(sample.leaf3)


# --- actual transforms --------------------------------------------------------------------------


def test_explicit_transforms_are_kept(sample: Sample) -> None:
    tree = sample.tree
    assert tree.actual_transform(sample.anchor) == tree[sample.anchor].transform
    assert tree.actual_transform(sample.fixed) == Transform.at(Vec3(1, 2, 3))
    assert tree.actual_transform(sample.node) == Transform()


def test_auto_placed_children_of_the_anchor(sample: Sample) -> None:
    tree = sample.tree
    anchor = Vec3(100, 0, 50)
    # circular R 55 (seeded anchor type), n = 2 (fixed has its own transform), θ anchor = 0
    assert tree.actual_transform(sample.ring1) == Transform.at(Vec3(100, 10, -5))
    assert tree.actual_transform(sample.ring2) == Transform.at(Vec3(100, 10, 105))
    assert (
        tree.actual_transform(sample.ring1).position
        == circular(0, 2, anchor, 0.0, {"R": 55, "angle": 0})[0]
    )


def test_nested_placement_uses_the_parent_angle(sample: Sample) -> None:
    tree = sample.tree
    # ring1 sits at a = -π/2 from the anchor, so its θ is -π/2; its sector (±45°, R 20) is
    # centred on that direction: a = -3π/4 and -π/4 around (100, 10, -5).
    assert tree.actual_transform(sample.leaf1) == Transform.at(Vec3(85.9, 20, -19.1))
    assert tree.actual_transform(sample.leaf2) == Transform.at(Vec3(114.1, 20, -19.1))
    theta = -math.pi / 2
    expected = sector(0, 2, Vec3(100, 10, -5), theta, {"angle": 45, "R": 20})[0]
    assert tree.actual_transform(sample.leaf1).position == expected


def test_objects_without_a_rule_stand_on_their_parent(sample: Sample) -> None:
    # The world has no child_placement: "loose" stands at the world's position.
    assert sample.tree.actual_transform(sample.loose) == Transform()
    assert sample.tree.actual_transform(sample.leaf3) == Transform()


def test_actual_transforms_of_a_world_match_one_by_one(sample: Sample) -> None:
    tree = sample.tree
    batch = tree.actual_transforms(sample.world1)
    assert set(batch) == set(tree.subtree_ids(sample.world1))
    for object_id, transform in batch.items():
        assert transform == tree.actual_transform(object_id)
    assert set(tree.actual_transforms(sample.node)) == {o.id for o in tree}
    assert tree.actual_transforms(sample.ring1) == {
        k: v for k, v in batch.items() if k in tree.subtree_ids(sample.ring1)
    }


def test_actual_transforms_compute_each_parent_once(
    sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = sample.tree
    hub = tree.plan_child(sample.world1, ids.ANCHOR_TYPE_ID, transform=Transform())
    tree.add(hub)
    for _ in range(1500):
        tree.add(tree.plan_child(hub.id, LEAF_TYPE_ID))
    calls: list[UUID] = []
    original = ObjectTree.effective_options

    def counting(self: ObjectTree, object_id: UUID) -> dict[str, object]:
        calls.append(object_id)
        return original(self, object_id)

    monkeypatch.setattr(ObjectTree, "effective_options", counting)
    batch = tree.actual_transforms(sample.world1)
    assert len(batch) == len(tree.subtree_ids(sample.world1))
    assert hub.id in calls
    assert len(calls) == len(set(calls))  # at most once per parent: linear, not quadratic
    positions = {
        (t.position.x, t.position.z) for k, t in batch.items() if tree[k].parent_id == hub.id
    }
    assert len(positions) > 1000  # spread on the circle, not stacked


def test_changing_a_transform_moves_auto_placed_children(sample: Sample) -> None:
    tree = sample.tree
    moved = dataclasses.replace(tree[sample.anchor], transform=Transform.at(Vec3(0, 0, 0)))
    tree.replace(moved)
    assert tree.actual_transform(sample.ring1) == Transform.at(Vec3(0, 10, -55))
    ring = dataclasses.replace(tree[sample.ring1], transform=Transform.at(Vec3(5, 5, 5)))
    tree.replace(ring)
    # ring1 now has an explicit transform: θ = 0, and ring2 is alone in the circle (n = 1)
    assert tree.actual_transform(sample.ring2) == Transform.at(Vec3(0, 10, -55))
    assert (
        tree.actual_transform(sample.leaf1).position
        == sector(0, 2, Vec3(5, 5, 5), 0.0, {"angle": 45, "R": 20})[0]
    )


# --- property tests -----------------------------------------------------------------------------


@st.composite
def random_trees(draw: st.DrawFn) -> ObjectTree:
    """Random trees: object k's parent is some earlier object; some rings place children."""
    size = draw(st.integers(1, 40))
    objects = [root_node()]
    for k in range(1, size):
        parent = objects[draw(st.integers(0, k - 1))].id
        type_id = draw(st.sampled_from([RING_TYPE_ID, LEAF_TYPE_ID, LIMITED_TYPE_ID]))
        explicit = draw(st.booleans())
        transform = Transform.at(Vec3(k, 0, -k)) if explicit else None
        objects.append(ObjectNode(uid(1000 + k), parent, type_id, BOB, transform=transform))
    return ObjectTree(build_types(), objects)


@settings(max_examples=60)
@given(random_trees(), st.data())
def test_subtree_and_removal_properties(tree: ObjectTree, data: st.DataObject) -> None:
    all_ids = {o.id for o in tree}
    target = data.draw(st.sampled_from(sorted(all_ids)))
    subtree = tree.subtree_ids(target)
    assert subtree[0] == target
    assert len(subtree) == len(set(subtree))
    assert set(subtree) <= all_ids
    for object_id in subtree:
        assert target in [a.id for a in tree.ancestors(object_id)]
    transforms = tree.actual_transforms(tree.node.id)
    assert set(transforms) == all_ids
    assert all(t.position.is_finite() for t in transforms.values())
    if target == tree.node.id:
        with pytest.raises(InvalidOperation):
            tree.remove_subtree(target)
        return
    parent_of = {o.id: o.parent_id for o in tree}
    removed = tree.remove_subtree(target)
    assert set(removed) == set(subtree)
    position = {object_id: index for index, object_id in enumerate(removed)}
    for object_id in removed:  # every object comes after all of its descendants
        if object_id != target:
            assert position[parent_of[object_id]] > position[object_id]
    assert {o.id for o in tree} == all_ids - set(subtree)
    for remaining in tree:
        assert remaining.parent_id in tree
