"""A small, hand-built object tree shared by the domain-core tests (imported by the tests)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from odyssey.core import ids
from odyssey.core.geometry import Transform, Vec3
from odyssey.core.seed import seed_object_types
from odyssey.core.tree import ObjectNode, ObjectTree, ObjectType


def uid(n: int) -> UUID:
    """A readable fixed id for tests."""
    return UUID(int=0x1000_0000_0000_0000_0000_0000_0000_0000 + n)


# Test-only object types.
RING_TYPE_ID = uid(9001)  # places its children on a sector around itself
LEAF_TYPE_ID = uid(9002)  # no options at all
LIMITED_TYPE_ID = uid(9003)  # allows leaves, at most 2 children

ALICE = uid(1)  # owns world 1
BOB = uid(2)  # owns world 2
CAROL = uid(3)
DAVE = uid(4)


def build_types() -> list[ObjectType]:
    types = seed_object_types()
    world = next(t for t in types if t.id == ids.WORLD_TYPE_ID)
    anchor = next(t for t in types if t.id == ids.ANCHOR_TYPE_ID)
    extra = [str(RING_TYPE_ID), str(LEAF_TYPE_ID), str(LIMITED_TYPE_ID), str(ids.ANCHOR_TYPE_ID)]
    world_options = dict(world.options)
    world_options["allowed_children"] = [*world.options["allowed_children"], *extra]
    anchor_options = dict(anchor.options)
    anchor_options["allowed_children"] = [str(RING_TYPE_ID), str(LEAF_TYPE_ID)]
    others = [t for t in types if t.id not in (ids.WORLD_TYPE_ID, ids.ANCHOR_TYPE_ID)]
    return [
        *others,
        ObjectType(ids.WORLD_TYPE_ID, world.name, world.category, world.description, world_options),
        ObjectType(ids.ANCHOR_TYPE_ID, anchor.name, anchor.category, "", anchor_options),
        ObjectType(
            RING_TYPE_ID,
            "ring",
            "Test",
            options={
                "allowed_children": [str(LEAF_TYPE_ID)],
                "child_placement": {
                    str(ids.NIL_ID): {"algo": "sector", "options": {"angle": 45, "R": 20}}
                },
            },
        ),
        ObjectType(LEAF_TYPE_ID, "leaf", "Test"),
        ObjectType(
            LIMITED_TYPE_ID,
            "limited",
            "Test",
            options={"allowed_children": [str(LEAF_TYPE_ID)], "child_limit": 2},
        ),
    ]


@dataclass
class Sample:
    """Ids of the sample tree.

    node (deity)
    ├── world1 (alice)
    │   ├── anchor  explicit at (100, 0, 50), places children circular R=55
    │   │   ├── ring1  auto  (places its children on a sector)
    │   │   │   ├── leaf1 auto
    │   │   │   └── leaf2 auto
    │   │   ├── ring2  auto
    │   │   └── fixed  explicit at (1, 2, 3)
    │   └── loose   leaf, auto but the world has no child_placement
    └── world2 (bob)
        └── limited (child_limit 2)
            └── leaf3
    """

    tree: ObjectTree
    node: UUID
    world1: UUID
    world2: UUID
    anchor: UUID
    ring1: UUID
    ring2: UUID
    fixed: UUID
    leaf1: UUID
    leaf2: UUID
    loose: UUID
    limited: UUID
    leaf3: UUID


def make_sample() -> Sample:
    node, world1, world2 = uid(100), uid(101), uid(102)
    anchor, ring1, ring2, fixed = uid(200), uid(201), uid(202), uid(203)
    leaf1, leaf2, loose, limited, leaf3 = uid(300), uid(301), uid(302), uid(400), uid(401)
    deity = ids.DEITY_USER_ID
    objects = [
        ObjectNode(node, node, ids.NODE_TYPE_ID, deity, name="node"),
        ObjectNode(world1, node, ids.WORLD_TYPE_ID, ALICE, name="world1"),
        ObjectNode(world2, node, ids.WORLD_TYPE_ID, BOB, name="world2"),
        ObjectNode(
            anchor,
            world1,
            ids.ANCHOR_TYPE_ID,
            ALICE,
            transform=Transform(Vec3(100, 0, 50), Vec3(0, 1, 0), Vec3(2, 2, 2)),
            name="anchor",
        ),
        ObjectNode(ring1, anchor, RING_TYPE_ID, ALICE, name="ring1"),
        ObjectNode(ring2, anchor, RING_TYPE_ID, ALICE, name="ring2"),
        ObjectNode(
            fixed, anchor, LEAF_TYPE_ID, ALICE, transform=Transform.at(Vec3(1, 2, 3)), name="fixed"
        ),
        ObjectNode(leaf1, ring1, LEAF_TYPE_ID, ALICE, name="leaf1"),
        ObjectNode(leaf2, ring1, LEAF_TYPE_ID, ALICE, name="leaf2"),
        ObjectNode(loose, world1, LEAF_TYPE_ID, ALICE, name="loose"),
        ObjectNode(limited, world2, LIMITED_TYPE_ID, BOB, name="limited"),
        ObjectNode(leaf3, limited, LEAF_TYPE_ID, BOB, name="leaf3"),
    ]
    tree = ObjectTree(build_types(), objects)
    return Sample(
        tree, node, world1, world2, anchor, ring1, ring2, fixed, leaf1, leaf2, loose, limited, leaf3
    )
