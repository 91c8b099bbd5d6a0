"""Authorization: indirect admins of objects, and attribute read/write permissions.

Admins (data-model §1.3, api-v4 §3.1): the indirect admins of an object are the owners of the
object and of every ancestor up to the node, plus the users holding role ``admin`` (a
``user_object`` row) on any of them, plus, transitively, the members (``user_membership``) of any
user or group collected so far. Node admins therefore administer everything.

Attribute permissions (data-model §1.5, api-v4 §3.2): effective attribute options may hold
``permissions: {read: "<roles>", write: "<roles>"}`` with roles joined by ``+``. The default is
read ``any``, write ``admin+user_owner``. An operation is allowed when the caller holds one of the
listed roles; ``any`` always passes.

Deliberate differences from the reference (see ``docs/compatibility.md``):

* ``user`` is granted to every signed-in caller, guests included (a guest holds a valid token
  for a real user row). The reference never grants it, which made ``write: user`` (what the
  ``publicize`` route sets) lock out everyone.
* A ``permissions`` map missing the ``read`` (or ``write``) key uses the default for that key;
  the reference allowed nobody. A value that is not a string (or a ``permissions`` value that is
  not a map) allows nobody.
* Secret attributes (:data:`SECRET_NODE_ATTRIBUTES`) can never be read or written through the
  API, whatever their options say and whoever asks, node admins included. The reference let any
  signed-in user read the JWT secret.
* The ``private`` object option is enforced on worlds (:func:`may_enter_world`); the reference
  stored it and never looked at it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from odyssey.core import options as opts
from odyssey.core.ids import CORE_PLUGIN_ID, KUSAMA_PLUGIN_ID
from odyssey.core.tree import ObjectTree

# --- roles --------------------------------------------------------------------------------------

ANY = "any"
USER = "user"
USER_OWNER = "user_owner"
ADMIN = "admin"
TARGET_USER = "target_user"
ROLES: frozenset[str] = frozenset({ANY, USER, USER_OWNER, ADMIN, TARGET_USER})

DEFAULT_READ: frozenset[str] = frozenset({ANY})
DEFAULT_WRITE: frozenset[str] = frozenset({ADMIN, USER_OWNER})

#: The ``user_object.value.role`` that makes a user an admin of an object (the only one used).
ADMIN_ROLE_VALUE = "admin"

Operation = Literal["read", "write"]


def parse_roles(text: str) -> frozenset[str]:
    """``"admin+user_owner"`` → ``{"admin", "user_owner"}``. Blank parts are dropped.

    Unknown role names are kept; no caller ever holds them.
    """
    return frozenset(part.strip() for part in text.split("+") if part.strip())


def format_roles(roles: Collection[str]) -> str:
    """The inverse of :func:`parse_roles` (sorted, for stable output)."""
    return "+".join(sorted(roles))


# --- admins -------------------------------------------------------------------------------------


def admins_of(
    tree: ObjectTree,
    object_id: UUID,
    roles: Mapping[UUID, Mapping[UUID, str]],
    memberships: Mapping[UUID, Collection[UUID]],
) -> set[UUID]:
    """All indirect admins of an object.

    ``roles`` maps object id → user id → role (``user_object.value.role``); ``memberships`` maps
    a group (a user) → its members. Raises :class:`~odyssey.core.errors.NotFound` for an unknown
    object.
    """
    found: set[UUID] = set()
    for ancestor in tree.ancestors(object_id):
        found.add(ancestor.owner_id)
        for user_id, role in roles.get(ancestor.id, {}).items():
            if role == ADMIN_ROLE_VALUE:
                found.add(user_id)
    return with_group_members(found, memberships)


def with_group_members(
    users: set[UUID], memberships: Mapping[UUID, Collection[UUID]]
) -> set[UUID]:
    """``users`` (changed in place) with, transitively, the members of every group among them."""
    pending = list(users)
    while pending:
        group = pending.pop()
        for member in memberships.get(group, ()):
            if member not in users:
                users.add(member)
                pending.append(member)
    return users


def is_admin(
    tree: ObjectTree,
    user_id: UUID | None,
    object_id: UUID,
    roles: Mapping[UUID, Mapping[UUID, str]],
    memberships: Mapping[UUID, Collection[UUID]],
) -> bool:
    """Whether ``user_id`` is an indirect admin of the object (``None``, anonymous, never is)."""
    if user_id is None:
        return False
    return user_id in admins_of(tree, object_id, roles, memberships)


def is_node_admin(
    tree: ObjectTree,
    user_id: UUID | None,
    roles: Mapping[UUID, Mapping[UUID, str]],
    memberships: Mapping[UUID, Collection[UUID]],
) -> bool:
    """Whether ``user_id`` administers the node (its owner, or an indirect admin of it)."""
    return is_admin(tree, user_id, tree.node.id, roles, memberships)


# --- private worlds -----------------------------------------------------------------------------


def is_private_world(tree: ObjectTree, world_id: UUID) -> bool:
    """Whether the world's effective options say ``private: true`` (an unknown id is not)."""
    return world_id in tree and opts.is_private(tree.effective_options(world_id))


def members_of(
    object_id: UUID,
    roles: Mapping[UUID, Mapping[UUID, str]],
    memberships: Mapping[UUID, Collection[UUID]],
) -> set[UUID]:
    """The users holding any role (a ``user_object`` row) directly on the object, and,
    transitively, the members of every group among them."""
    found = set(roles.get(object_id, {}))
    return with_group_members(found, memberships)


def may_enter_world(
    tree: ObjectTree,
    user_id: UUID | None,
    world_id: UUID,
    roles: Mapping[UUID, Mapping[UUID, str]],
    memberships: Mapping[UUID, Collection[UUID]],
) -> bool:
    """Whether the user may enter the world (posbus ``teleport_request``, invitations).

    Every world is open unless its effective options hold ``private: true``. A private world
    admits its indirect admins (:func:`admins_of`: its owner, admins of it or of the node, group
    members of those) and its members (:func:`members_of`: any role on the world itself), and
    nobody else: not guests, not other signed-in users. ``roles`` must cover the world and its
    ancestors, ``memberships`` the groups above the user.
    """
    if not is_private_world(tree, world_id):
        return True
    if user_id is None:
        return False
    if user_id in members_of(world_id, roles, memberships):
        return True
    return is_admin(tree, user_id, world_id, roles, memberships)


# --- callers and scopes -------------------------------------------------------------------------


class AttributeScope(StrEnum):
    """Where an attribute value lives."""

    NODE = "node"
    OBJECT = "object"
    USER = "user"
    OBJECT_USER = "object_user"
    USER_USER = "user_user"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: ``user_id`` None is an anonymous caller (no token)."""

    user_id: UUID | None = None
    is_guest: bool = False

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    @classmethod
    def anonymous(cls) -> Caller:
        return cls(None, False)


def can_see_wallets(caller: Caller, user_id: UUID, *, caller_is_node_admin: bool) -> bool:
    """Whether ``caller`` may see the wallet addresses of user ``user_id``.

    A wallet address ties a visitor's presence here to their funds and history on a public
    chain: only the user and the node's admins (who manage the hosting allow-list by wallet) see
    it. Any other caller, guests included, gets the profile without it.
    """
    return caller_is_node_admin or (caller.user_id is not None and caller.user_id == user_id)


_ADMIN_SCOPES = frozenset({AttributeScope.NODE, AttributeScope.OBJECT, AttributeScope.OBJECT_USER})


def attribute_roles(
    scope: AttributeScope,
    caller: Caller,
    *,
    is_admin: bool,
    attribute_user_id: UUID | None = None,
    source_user_id: UUID | None = None,
    target_user_id: UUID | None = None,
) -> frozenset[str]:
    """The roles the caller holds on one attribute.

    * ``any``: always;
    * ``user``: any signed-in caller, guests included;
    * ``admin``: node, object and object-user scopes, when ``is_admin`` (admin of the node, of
      the object, of the object respectively);
    * ``user_owner``: user scope when the caller is ``attribute_user_id``; object-user scope
      when the caller is the attribute's user (``attribute_user_id``); user-user scope when the
      caller is ``source_user_id``;
    * ``target_user``: user-user scope when the caller is ``target_user_id``.

    An anonymous caller holds ``any`` only.
    """
    held = {ANY}
    me = caller.user_id
    if me is None:
        return frozenset(held)
    held.add(USER)
    if is_admin and scope in _ADMIN_SCOPES:
        held.add(ADMIN)
    if scope in (AttributeScope.USER, AttributeScope.OBJECT_USER):
        if attribute_user_id is not None and me == attribute_user_id:
            held.add(USER_OWNER)
    elif scope is AttributeScope.USER_USER:
        if source_user_id is not None and me == source_user_id:
            held.add(USER_OWNER)
        if target_user_id is not None and me == target_user_id:
            held.add(TARGET_USER)
    return frozenset(held)


# --- secrets ------------------------------------------------------------------------------------

#: Attributes that hold secrets or internal state: never readable nor writable through any API
#: route, by anyone (node admins included), whatever their options say. The server itself reads
#: and writes them directly. (``hosting_allow_list`` is not here: it is not secret, and its seeded
#: options already restrict it to node admins, who also manage it through its own routes.)
SECRET_NODE_ATTRIBUTES: frozenset[tuple[UUID, str]] = frozenset(
    {
        (CORE_PLUGIN_ID, "jwt_key"),
        (CORE_PLUGIN_ID, "node_private_key"),
        (CORE_PLUGIN_ID, "node_settings"),
        (CORE_PLUGIN_ID, "open_ai"),
        (CORE_PLUGIN_ID, "leonardo"),
        (CORE_PLUGIN_ID, "blockadelabs"),
        (KUSAMA_PLUGIN_ID, "challenge_store"),
    }
)


def is_secret(plugin_id: UUID, attribute_name: str) -> bool:
    """Whether the attribute type is secret (in any scope: an attribute type is global)."""
    return (plugin_id, attribute_name) in SECRET_NODE_ATTRIBUTES


# --- checks -------------------------------------------------------------------------------------


def allowed_roles(options: Mapping[str, Any] | None, operation: Operation) -> frozenset[str]:
    """The roles allowed to ``read`` or ``write``, from effective attribute options."""
    default = DEFAULT_READ if operation == "read" else DEFAULT_WRITE
    if options is None:
        return default
    permissions = options.get("permissions")
    if permissions is None:
        return default
    if not isinstance(permissions, Mapping):
        return frozenset()
    value = permissions.get(operation)
    if value is None:
        return default
    if not isinstance(value, str):
        return frozenset()
    return parse_roles(value)


def _check(
    operation: Operation,
    scope: AttributeScope,
    options: Mapping[str, Any] | None,
    caller: Caller,
    plugin_id: UUID,
    attribute_name: str,
    is_admin: bool,
    attribute_user_id: UUID | None,
    source_user_id: UUID | None,
    target_user_id: UUID | None,
) -> bool:
    if is_secret(plugin_id, attribute_name):
        return False
    allowed = allowed_roles(options, operation)
    if ANY in allowed:
        return True
    held = attribute_roles(
        scope,
        caller,
        is_admin=is_admin,
        attribute_user_id=attribute_user_id,
        source_user_id=source_user_id,
        target_user_id=target_user_id,
    )
    return not held.isdisjoint(allowed)


def can_read(
    scope: AttributeScope,
    options: Mapping[str, Any] | None,
    caller: Caller,
    *,
    plugin_id: UUID,
    attribute_name: str,
    is_admin: bool = False,
    attribute_user_id: UUID | None = None,
    source_user_id: UUID | None = None,
    target_user_id: UUID | None = None,
) -> bool:
    """Whether the caller may read the attribute.

    ``options`` are the attribute's effective options (instance over type; the type's alone when
    there is no instance yet). ``plugin_id``/``attribute_name`` are required so that secrets are
    never missed. ``is_admin`` is whether the caller administers the node (node scope) or the
    object (object and object-user scopes); it is ignored in the user scopes.
    """
    return _check(
        "read",
        scope,
        options,
        caller,
        plugin_id,
        attribute_name,
        is_admin,
        attribute_user_id,
        source_user_id,
        target_user_id,
    )


def can_write(
    scope: AttributeScope,
    options: Mapping[str, Any] | None,
    caller: Caller,
    *,
    plugin_id: UUID,
    attribute_name: str,
    is_admin: bool = False,
    attribute_user_id: UUID | None = None,
    source_user_id: UUID | None = None,
    target_user_id: UUID | None = None,
) -> bool:
    """Whether the caller may write (set, change or delete) the attribute. See :func:`can_read`."""
    return _check(
        "write",
        scope,
        options,
        caller,
        plugin_id,
        attribute_name,
        is_admin,
        attribute_user_id,
        source_user_id,
        target_user_id,
    )


def can_read_all(
    type_options: Mapping[str, Any] | None,
    caller: Caller,
    *,
    plugin_id: UUID,
    attribute_name: str,
) -> bool:
    """The "read all" check of the aggregate routes (attributes-with-children, all-users, entries).

    Uses the attribute *type*'s options only: allowed when its read roles contain ``any``, or
    ``user`` and the caller is signed in. Never for secrets.
    """
    if is_secret(plugin_id, attribute_name):
        return False
    allowed = allowed_roles(type_options, "read")
    return ANY in allowed or (USER in allowed and caller.signed_in)


__all__ = [
    "ADMIN",
    "ADMIN_ROLE_VALUE",
    "ANY",
    "DEFAULT_READ",
    "DEFAULT_WRITE",
    "ROLES",
    "SECRET_NODE_ATTRIBUTES",
    "TARGET_USER",
    "USER",
    "USER_OWNER",
    "AttributeScope",
    "Caller",
    "Operation",
    "admins_of",
    "allowed_roles",
    "attribute_roles",
    "can_read",
    "can_read_all",
    "can_see_wallets",
    "can_write",
    "format_roles",
    "is_admin",
    "is_node_admin",
    "is_private_world",
    "is_secret",
    "may_enter_world",
    "members_of",
    "parse_roles",
]
