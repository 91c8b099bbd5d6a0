"""The /api/v4 routers, in the order they must be mounted (static path segments before the
parameters that would shadow them: `/objects/newsfeed` before `/objects/{objectID}`,
`/users/me/attributes` before `/users/{userID}/attributes`, and so on).

The other HTTP transports live here too, mounted by `create_app` before these: `media` (the media
manager's routes), `oidc` (the OpenID Connect provider and its login pages) and `auth` (the
/api/v4/auth sign-in routes)."""

from __future__ import annotations

from fastapi import APIRouter

from odyssey.api.routes import (
    activities,
    assets,
    attributes,
    config,
    members,
    node,
    objects,
    plugins,
    users,
    worlds,
)

ROUTERS: list[APIRouter] = [
    config.router,
    activities.router,
    attributes.router,
    users.router,
    worlds.router,
    objects.router,
    members.router,
    assets.router,
    plugins.router,
    node.router,
]

__all__ = ["ROUTERS"]
