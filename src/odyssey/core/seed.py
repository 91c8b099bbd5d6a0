"""Seed object types (data-model §1.4), as pure data.

The final state after the reference's seed and its later migrations (the canvas types and the
World type's extra allowed child come from migration 696, Remote World from 700). The database
layer may insert these as they are; tests use them to build realistic trees.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from odyssey.core import ids
from odyssey.core.tree import ObjectType


def _visible(level: int, **extra: Any) -> dict[str, Any]:
    return {
        "subs": None,
        "minimap": True,
        "private": False,
        "visible": level,
        "editable": True,
    } | extra


def seed_object_types(
    *, cube_asset_id: UUID | None = None, orb_asset_id: UUID | None = None
) -> list[ObjectType]:
    """Fresh copies of the seeded object types (callers may mutate them).

    The canvas types point at 3D assets; their ids depend on the shipped model files (they are
    content hashes), so the caller passes them. Two deliberate differences from the reference
    (docs/compatibility.md): a World may hold `anchor` objects, and an anchor may hold custom
    objects, which its circular placement then arranges.
    """
    return [
        ObjectType(
            id=ids.NODE_TYPE_ID,
            name="Node",
            category="Nodes",
            description="Root of it all",
            options=_visible(1, subs={"asset2d_plugins": [str(ids.MIRO_PLUGIN_ID)]})
            | {"allowed_children": [str(ids.WORLD_TYPE_ID)]},
        ),
        ObjectType(
            id=ids.WORLD_TYPE_ID,
            name="World",
            category="Worlds",
            description="World Type",
            options=_visible(3)
            | {
                "allowed_children": [
                    str(ids.CUSTOM_CLAIMABLE_TYPE_ID),
                    str(ids.CUSTOM_TYPE_ID),
                    str(ids.CANVAS_TYPE_ID),
                    str(ids.ANCHOR_TYPE_ID),
                ]
            },
        ),
        ObjectType(
            id=ids.CUSTOM_CLAIMABLE_TYPE_ID,
            name="Custom claimable objects",
            category="Custom claimable",
            description="Custom placed objects which can be claimed",
            options={"visible": 3},
            asset_2d_id=ids.CLAIMABLE_ASSET_2D_ID,
        ),
        ObjectType(
            id=ids.CUSTOM_TYPE_ID,
            name="Custom objects",
            category="Custom",
            description="Custom placed objects",
            options=_visible(3),
        ),
        ObjectType(
            id=ids.GENERIC_TYPE_ID,
            name="Generic Space",
            category="Generic Spaces",
            options=_visible(3),
        ),
        ObjectType(
            id=ids.MORGUE_TYPE_ID,
            name="morgue",
            category="Morgues",
            description="morgue",
            options=_visible(0),
        ),
        ObjectType(
            id=ids.ANCHOR_TYPE_ID,
            name="anchor",
            category="Anchors",
            options=_visible(3)
            | {
                "allowed_children": [str(ids.CUSTOM_TYPE_ID)],
                "child_placement": {
                    str(ids.NIL_ID): {"algo": "circular", "options": {"R": 55, "angle": 0}}
                },
            },
        ),
        ObjectType(
            id=ids.SERVICE_TYPE_ID,
            name="Service Space",
            category="Service Spaces",
            options=_visible(0),
        ),
        ObjectType(
            id=ids.CANVAS_TYPE_ID,
            name="canvas",
            category="Canvas",
            description="Canvas object type",
            options={
                "allowed_children": [str(ids.CANVAS_CHILD_TYPE_ID)],
                "child_limit": 42,
                "child_placement": {
                    str(ids.NIL_ID): {
                        "algo": "helix",
                        "options": {"angle": 7.2, "helixVshift": 15, "spiralScale": 50},
                    }
                },
            },
            asset_2d_id=ids.CANVAS_UI_ASSET_2D_ID,
            asset_3d_id=orb_asset_id,
        ),
        ObjectType(
            id=ids.CANVAS_CHILD_TYPE_ID,
            name="canvas_child",
            category="Canvas child",
            description="Canvas child type",
            options={},
            asset_2d_id=ids.CANVAS_CHILD_ASSET_2D_ID,
            asset_3d_id=cube_asset_id,
        ),
        ObjectType(
            id=ids.REMOTE_WORLD_TYPE_ID,
            name="Remote World",
            category="Worlds",
            description="Type for remotely hosted worlds",
            options={},
        ),
    ]


__all__ = ["seed_object_types"]
