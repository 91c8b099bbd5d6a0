"""What a new node contains: plugins, types, attribute types, assets, the node and a first world.

Pure data. `odyssey.db.seed` writes it, idempotently. Ids that clients or plugins may hard-code
follow the reference; where the reference documents only part of an id, the rest is ours.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Final

from odyssey.core import ids
from odyssey.core.seed import seed_object_types

U = uuid.UUID

# The 2D asset that shows an object's content (image, text, video) in the web client.
OBJECT_CONTENT_ASSET_2D_ID: Final = uuid.UUID("7be0964f-df73-4880-91f5-22eef996beef")

# --- user types and the system user --------------------------------------------------------------

USER_TYPES: Final[list[dict[str, Any]]] = [
    {
        "user_type_id": ids.DEITY_USER_TYPE_ID,
        "user_type_name": "Deity",
        "description": "The node itself; owns the node object",
        "options": {"is_guest": False},
    },
    {
        "user_type_id": ids.USER_TYPE_ID,
        "user_type_name": "User",
        "description": "A person signed in with a wallet",
        "options": {"is_guest": False},
    },
    {
        "user_type_id": ids.GUEST_USER_TYPE_ID,
        "user_type_name": "Temporary User",
        "description": "A guest visitor",
        "options": {"is_guest": True},
    },
]

DEITY_USER: Final[dict[str, Any]] = {
    "user_id": ids.DEITY_USER_ID,
    "user_type_id": ids.DEITY_USER_TYPE_ID,
    "profile": {"name": "Odyssey node"},
    "options": {"is_guest": False},
    "is_guest": False,
}

# --- plugins -------------------------------------------------------------------------------------


def _plugin(plugin_id: U, name: str, description: str, **meta: Any) -> dict[str, Any]:
    return {
        "plugin_id": plugin_id,
        "meta": {"name": name, "description": description, **meta},
        "options": None,
    }


PLUGINS: Final[list[dict[str, Any]]] = [
    _plugin(ids.CORE_PLUGIN_ID, "Core", "Built-in attributes of every node"),
    _plugin(ids.KUSAMA_PLUGIN_ID, "Kusama", "Wallets and sign-in challenges"),
    _plugin(ids.IMAGE_PLUGIN_ID, "Image", "An image shown on an object", scopeName="plugin_image"),
    _plugin(ids.TEXT_PLUGIN_ID, "Text", "Text shown on an object", scopeName="plugin_text"),
    _plugin(ids.VIDEO_PLUGIN_ID, "Video", "A video shown on an object", scopeName="plugin_video"),
    _plugin(ids.HIGH_FIVE_PLUGIN_ID, "High five", "High fives between users"),
    _plugin(ids.EVENT_CALENDAR_PLUGIN_ID, "Event Calendar", "Events in a world"),
    _plugin(ids.SDK_PLUGIN_ID, "SDK", "Bots and scripts"),
    _plugin(ids.CANVAS_PLUGIN_ID, "Canvas creator", "Collaborative canvases"),
]

# --- attribute types -----------------------------------------------------------------------------

ADMIN_ONLY: Final = {"permissions": {"read": "admin", "write": "admin"}}
READ_ANY_WRITE_ADMIN: Final = {"permissions": {"read": "any", "write": "admin"}}

NAME_TEXT_TEMPLATE: Final = {
    "width": 1024,
    "height": 64,
    "text": "%TEXT%",
    "align": "center",
    "color": [220, 220, 200, 255],
    "background": [0, 0, 0, 0],
}


def _attr(plugin_id: U, name: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"plugin_id": plugin_id, "attribute_name": name, "description": "", "options": options}


_CORE = ids.CORE_PLUGIN_ID
ATTRIBUTE_TYPES: Final[list[dict[str, Any]]] = [
    *(
        _attr(_CORE, name)
        for name in (
            "magic_links",
            "events",
            "timeline_last_seen",
            "world_meta",
            "world_settings",
            "last_known_position",
            "skybox_list",
            "high_five",
            "staking",
            "emoji",
            "emojis",
            "website_link",
            "tracker_ai_usage",
            "description",
            # Referenced by the reference's code but never seeded there, so its FK refused them.
            "teleport",
            "dock_face",
        )
    ),
    _attr(_CORE, "node_settings", ADMIN_ONLY),
    _attr(_CORE, "world_template", ADMIN_ONLY),
    _attr(_CORE, "jwt_key", ADMIN_ONLY),
    _attr(
        _CORE,
        "name",
        {
            "render_auto": {
                "slot_name": "name",
                "slot_type": "texture",
                "value_field": "name",
                "content_type": "text",
                "text_render_template": NAME_TEXT_TEMPLATE,
            }
        },
    ),
    _attr(
        _CORE,
        "active_skybox",
        {
            "render_auto": {
                "slot_name": "skybox_custom",
                "slot_type": "texture",
                "content_type": "image",
            },
            "posbus_auto": {"scope": ["world"]},
        },
    ),
    _attr(_CORE, "VoiceChatAction", {"posbus_auto": {"scope": ["object"]}}),
    _attr(_CORE, "VoiceChatUser", {"posbus_auto": {"scope": ["object"]}}),
    _attr(_CORE, "screenshare", {"posbus_auto": {"scope": ["object"]}}),
    _attr(
        _CORE,
        "skybox_ai",
        {
            "permissions": {"read": "admin+user_owner", "write": "admin+user_owner"},
            "posbus_auto": {"scope": ["user"]},
        },
    ),
    _attr(
        _CORE,
        "spatial_audio",
        {
            "posbus_auto": {"scope": ["world"]},
            "render_auto": {"slot_name": "spatial", "slot_type": "audio", "content_type": "audio"},
        },
    ),
    _attr(_CORE, "soundtrack", {"posbus_auto": {"scope": ["object"]}}),
    _attr(_CORE, "shaders", {"posbus_auto": {"scope": ["world"]}}),
    _attr(
        _CORE,
        "object_effect",
        {
            "render_auto": {"slot_type": "string", "content_type": "string"},
            "cloneable": {"use_default": {"value": "transparent"}},
        },
    ),
    _attr(
        _CORE,
        "object_color",
        {"render_auto": {"slot_type": "string", "content_type": "string"}, "cloneable": {}},
    ),
    _attr(
        _CORE,
        "user_customisable_data",
        {
            "render_auto": {
                "slot_name": "object_texture",
                "slot_type": "texture",
                "value_field": "image_hash",
                "content_type": "image",
            }
        },
    ),
    _attr(
        _CORE, "world_avatar", {"render_auto": {"slot_type": "texture", "content_type": "image"}}
    ),
    _attr(_CORE, "vote", {"posbus_auto": {"scope": ["user", "object"]}}),
    _attr(_CORE, "comments", {"posbus_auto": {"scope": ["user", "object"]}}),
    _attr(_CORE, "open_ai", ADMIN_ONLY),
    _attr(_CORE, "leonardo", ADMIN_ONLY),
    _attr(_CORE, "blockadelabs", ADMIN_ONLY),
    _attr(_CORE, "hosting_allow_list", ADMIN_ONLY),
    _attr(_CORE, "node_private_key", ADMIN_ONLY),
    _attr(_CORE, "node_public_key", READ_ANY_WRITE_ADMIN),
    _attr(_CORE, "frontend_plugins", READ_ANY_WRITE_ADMIN),
    _attr(
        _CORE,
        "texture",
        {
            "cloneable": {},
            "render_auto": {
                "slot_name": "object_texture",
                "slot_type": "texture",
                "content_type": "image",
            },
        },
    ),
    _attr(
        ids.IMAGE_PLUGIN_ID,
        "state",
        {
            "cloneable": {},
            "render_auto": {
                "slot_name": "object_image",
                "slot_type": "texture",
                "content_type": "image",
            },
        },
    ),
    _attr(
        ids.TEXT_PLUGIN_ID,
        "state",
        {
            "render_auto": {
                "slot_name": "description",
                "slot_type": "texture",
                "value_field": "value",
                "content_type": "text",
            }
        },
    ),
    _attr(
        ids.VIDEO_PLUGIN_ID,
        "state",
        {
            "render_auto": {
                "slot_name": "object_texture",
                "slot_type": "texture",
                "value_field": "value",
                "content_type": "video",
            }
        },
    ),
    _attr(ids.HIGH_FIVE_PLUGIN_ID, "count"),
    _attr(ids.KUSAMA_PLUGIN_ID, "challenge_store", ADMIN_ONLY),
    _attr(
        ids.KUSAMA_PLUGIN_ID,
        "wallet",
        {"permissions": {"read": "admin+user_owner", "write": "admin"}},
    ),
    _attr(ids.SDK_PLUGIN_ID, "bot", {}),
    _attr(ids.SDK_PLUGIN_ID, "bot_world", {"posbus_auto": {"scope": ["world"]}}),
    _attr(ids.CANVAS_PLUGIN_ID, "canvas", ADMIN_ONLY),
    _attr(
        ids.CANVAS_PLUGIN_ID,
        "canvas_contribution",
        {
            "permissions": {"read": "any", "write": "admin"},
            "render_auto": {
                "slot_name": "object_texture",
                "slot_type": "texture",
                "value_field": "image_hash",
                "content_type": "image",
            },
        },
    ),
]

# --- 2D assets -----------------------------------------------------------------------------------

ASSETS_2D: Final[list[dict[str, Any]]] = [
    {
        "asset_2d_id": ids.CLAIMABLE_ASSET_2D_ID,
        "meta": {"name": "claimable", "pluginId": str(ids.CORE_PLUGIN_ID)},
        "options": {},
    },
    {
        "asset_2d_id": OBJECT_CONTENT_ASSET_2D_ID,
        "meta": {"name": "object_content", "pluginId": str(ids.CORE_PLUGIN_ID)},
        "options": {},
    },
    {
        "asset_2d_id": ids.CANVAS_UI_ASSET_2D_ID,
        "meta": {"name": "Canvas object UI", "pluginId": str(ids.CANVAS_PLUGIN_ID)},
        "options": {},
    },
    {
        "asset_2d_id": ids.CANVAS_CHILD_ASSET_2D_ID,
        "meta": {"name": "Canvas child objects", "pluginId": str(ids.CANVAS_PLUGIN_ID)},
        "options": {},
    },
]

# --- object types --------------------------------------------------------------------------------


def object_type_rows(cube_asset_id: U, orb_asset_id: U) -> list[dict[str, Any]]:
    """The seeded object types (defined once, in `odyssey.core.seed`) as table rows."""
    return [
        {
            "object_type_id": object_type.id,
            "object_type_name": object_type.name,
            "category_name": object_type.category,
            "description": object_type.description,
            "options": object_type.options,
            "asset_2d_id": object_type.asset_2d_id,
            "asset_3d_id": object_type.asset_3d_id,
        }
        for object_type in seed_object_types(cube_asset_id=cube_asset_id, orb_asset_id=orb_asset_id)
    ]


# --- the first world -----------------------------------------------------------------------------

DEFAULT_WORLD_NAME: Final = "Odyssey"
DEFAULT_WORLD_DESCRIPTION: Final = (
    "The first world of this node. Fly around with WASD, look with the mouse, and meet people."
)
DEFAULT_SPAWN_POINT: Final = {
    "position": {"x": 0.0, "y": 3.0, "z": -18.0},
    "rotation": {"x": 0.0, "y": 0.0, "z": 0.0},
}

QUARTER_TURN: Final = 1.5707964  # radians, as the web client sends rotations


@dataclass(frozen=True, slots=True)
class SeedObject:
    shape: str  # model name in the asset manifest
    name: str
    position: tuple[float, float, float]
    scale: float
    colour: str
    rotation: tuple[float, float, float] = (0.0, 0.0, 0.0)


DEFAULT_WORLD_OBJECTS: Final[list[SeedObject]] = [
    SeedObject("Cube", "Welcome cube", (0.0, 1.5, 0.0), 3.0, "#f5a623"),
    SeedObject("Sphere", "Blue planet", (-8.0, 4.0, 6.0), 4.0, "#4a90e2"),
    SeedObject("Torus", "Gateway", (8.0, 3.0, 6.0), 5.0, "#bd10e0"),
    SeedObject("Cone", "Beacon", (-6.0, 1.5, -6.0), 3.0, "#50e3c2"),
    SeedObject("Cylinder", "Pillar", (6.0, 2.5, -6.0), 2.0, "#b8e986"),
    SeedObject("Icosahedron", "Crystal", (0.0, 7.0, 14.0), 3.0, "#9013fe"),
    # The disc model stands upright facing +Z; a quarter turn about X lays it flat.
    SeedObject("Disc", "Platform", (0.0, 0.0, 0.0), 30.0, "#2c2f48", (QUARTER_TURN, 0.0, 0.0)),
]


def world_template(skybox_hash: str | None) -> dict[str, Any]:
    """The node's `world_template` attribute: what a newly created world starts with."""
    attributes: list[dict[str, Any]] = [
        {
            "plugin_id": str(ids.CORE_PLUGIN_ID),
            "attribute_name": "world_meta",
            "value": {"lod": [6400, 40000, 160000]},
        }
    ]
    if skybox_hash:
        attributes.append(
            {
                "plugin_id": str(ids.CORE_PLUGIN_ID),
                "attribute_name": "active_skybox",
                "value": {"render_hash": skybox_hash},
            }
        )
    return {
        "object_type_id": str(ids.WORLD_TYPE_ID),
        "options": {"spawn_point": DEFAULT_SPAWN_POINT},
        "objects": [],
        "random_objects": [],
        "object_attributes": attributes,
    }
