"""Admins (indirect, through ancestors and groups) and attribute permissions in all scopes."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Any
from uuid import UUID

import pytest

from odyssey.core import ids
from odyssey.core.errors import NotFound
from odyssey.core.permissions import (
    ADMIN,
    ANY,
    SECRET_NODE_ATTRIBUTES,
    TARGET_USER,
    USER,
    USER_OWNER,
    AttributeScope,
    Caller,
    admins_of,
    allowed_roles,
    attribute_roles,
    can_read,
    can_read_all,
    can_write,
    format_roles,
    is_admin,
    is_node_admin,
    is_private_world,
    is_secret,
    may_enter_world,
    members_of,
    parse_roles,
)
from tests.core.core_sample import ALICE, BOB, CAROL, DAVE, Sample, uid

NO_ROLES: Mapping[UUID, Mapping[UUID, str]] = {}
NO_GROUPS: Mapping[UUID, Collection[UUID]] = {}
ERIN, FRANK, GROUP, SUBGROUP, NODE_ADMIN = uid(5), uid(6), uid(50), uid(51), uid(7)


def test_parse_roles() -> None:
    assert parse_roles("admin+user_owner") == {"admin", "user_owner"}
    assert parse_roles("any") == {"any"}
    assert parse_roles("") == frozenset()
    assert parse_roles(" admin + + user ") == {"admin", "user"}
    assert format_roles({"user_owner", "admin"}) == "admin+user_owner"


# --- admins -------------------------------------------------------------------------------------


def test_owners_of_the_object_and_its_ancestors_are_admins(sample: Sample) -> None:
    admins = admins_of(sample.tree, sample.leaf1, NO_ROLES, NO_GROUPS)
    assert admins == {ALICE, ids.DEITY_USER_ID}  # world owner (and all owners below), node owner
    assert is_admin(sample.tree, ALICE, sample.leaf1, NO_ROLES, NO_GROUPS)
    assert not is_admin(sample.tree, BOB, sample.leaf1, NO_ROLES, NO_GROUPS)
    assert is_admin(sample.tree, BOB, sample.leaf3, NO_ROLES, NO_GROUPS)


def test_owner_of_a_single_object_administers_only_that_branch(sample: Sample) -> None:
    tree = sample.tree
    planned = tree.plan_child(sample.ring2, tree[sample.leaf1].type_id, owner_id=CAROL)
    tree.add(planned)
    assert is_admin(tree, CAROL, planned.id, NO_ROLES, NO_GROUPS)
    assert not is_admin(tree, CAROL, sample.ring2, NO_ROLES, NO_GROUPS)


def test_role_admin_on_an_ancestor(sample: Sample) -> None:
    roles = {sample.anchor: {CAROL: "admin", DAVE: "member"}}
    assert is_admin(sample.tree, CAROL, sample.leaf2, roles, NO_GROUPS)
    assert is_admin(sample.tree, CAROL, sample.anchor, roles, NO_GROUPS)
    assert not is_admin(sample.tree, CAROL, sample.world1, roles, NO_GROUPS)  # not upwards
    assert not is_admin(sample.tree, CAROL, sample.loose, roles, NO_GROUPS)  # not sideways
    assert not is_admin(sample.tree, DAVE, sample.leaf2, roles, NO_GROUPS)  # only "admin" counts


def test_admin_through_two_levels_of_groups(sample: Sample) -> None:
    roles = {sample.world1: {GROUP: "admin"}}
    memberships = {GROUP: {SUBGROUP, CAROL}, SUBGROUP: {ERIN}, ERIN: set[UUID]()}
    admins = admins_of(sample.tree, sample.leaf1, roles, memberships)
    assert {GROUP, SUBGROUP, CAROL, ERIN} <= admins
    assert is_admin(sample.tree, ERIN, sample.leaf1, roles, memberships)
    assert not is_admin(sample.tree, FRANK, sample.leaf1, roles, memberships)
    assert not is_admin(sample.tree, ERIN, sample.leaf3, roles, memberships)  # other world


def test_members_of_an_owner_are_admins_too(sample: Sample) -> None:
    memberships = {ALICE: {FRANK}}
    assert is_admin(sample.tree, FRANK, sample.leaf1, NO_ROLES, memberships)


def test_group_cycles_terminate(sample: Sample) -> None:
    roles = {sample.world1: {GROUP: "admin"}}
    memberships = {GROUP: {SUBGROUP}, SUBGROUP: {GROUP, ERIN}}
    assert ERIN in admins_of(sample.tree, sample.world1, roles, memberships)


def test_node_admins_administer_every_world_and_object(sample: Sample) -> None:
    roles = {sample.node: {NODE_ADMIN: "admin"}}
    assert is_node_admin(sample.tree, NODE_ADMIN, roles, NO_GROUPS)
    assert is_node_admin(sample.tree, ids.DEITY_USER_ID, NO_ROLES, NO_GROUPS)  # the node owner
    for obj in sample.tree:
        assert is_admin(sample.tree, NODE_ADMIN, obj.id, roles, NO_GROUPS)
    assert not is_node_admin(sample.tree, ALICE, roles, NO_GROUPS)  # world owner only


def test_non_admins_and_anonymous_are_refused(sample: Sample) -> None:
    for obj in sample.tree:
        assert not is_admin(sample.tree, DAVE, obj.id, NO_ROLES, NO_GROUPS)
        assert not is_admin(sample.tree, None, obj.id, NO_ROLES, NO_GROUPS)
    with pytest.raises(NotFound):
        admins_of(sample.tree, uid(999), NO_ROLES, NO_GROUPS)


# --- attribute roles: every scope x every kind of caller ---------------------------------------

GUEST_ID = uid(60)
ANON = Caller.anonymous()
GUEST = Caller(GUEST_ID, is_guest=True)
ADMIN_CALLER = Caller(ALICE)  # administers the node/object in question
OWNER = Caller(BOB)  # the attribute's user; the source in user-user
TARGET = Caller(CAROL)  # the target in user-user
STRANGER = Caller(DAVE)

CALLERS = {
    "anonymous": ANON,
    "guest": GUEST,
    "admin": ADMIN_CALLER,
    "owner": OWNER,
    "target": TARGET,
    "stranger": STRANGER,
}
CONTEXT: dict[str, Any] = {
    "attribute_user_id": BOB,
    "source_user_id": BOB,
    "target_user_id": CAROL,
}

S = AttributeScope
A, U, OWN, T = ANY, USER, USER_OWNER, TARGET_USER
EXPECTED_ROLES: dict[AttributeScope, dict[str, set[str]]] = {
    S.NODE: {
        "anonymous": {A},
        "guest": {A, U},
        "admin": {A, U, ADMIN},
        "owner": {A, U},
        "target": {A, U},
        "stranger": {A, U},
    },
    S.OBJECT: {
        "anonymous": {A},
        "guest": {A, U},
        "admin": {A, U, ADMIN},
        "owner": {A, U},
        "target": {A, U},
        "stranger": {A, U},
    },
    S.USER: {
        "anonymous": {A},
        "guest": {A, U},
        "admin": {A, U},  # no admin role on user attributes
        "owner": {A, U, OWN},
        "target": {A, U},
        "stranger": {A, U},
    },
    S.OBJECT_USER: {
        "anonymous": {A},
        "guest": {A, U},
        "admin": {A, U, ADMIN},
        "owner": {A, U, OWN},
        "target": {A, U},
        "stranger": {A, U},
    },
    S.USER_USER: {
        "anonymous": {A},
        "guest": {A, U},
        "admin": {A, U},
        "owner": {A, U, OWN},
        "target": {A, U, T},
        "stranger": {A, U},
    },
}
ROLE_STRINGS = [
    "any",
    "user",
    "admin",
    "user_owner",
    "target_user",
    "admin+user_owner",
    "admin+target_user",
]
CASES = [
    (scope, caller, roles)
    for scope in AttributeScope
    for caller in CALLERS
    for roles in ROLE_STRINGS
]


def held(scope: AttributeScope, caller_name: str) -> frozenset[str]:
    caller = CALLERS[caller_name]
    return attribute_roles(scope, caller, is_admin=caller is ADMIN_CALLER, **CONTEXT)


@pytest.mark.parametrize("scope", list(AttributeScope))
@pytest.mark.parametrize("caller_name", list(CALLERS))
def test_attribute_roles_table(scope: AttributeScope, caller_name: str) -> None:
    assert held(scope, caller_name) == EXPECTED_ROLES[scope][caller_name]


@pytest.mark.parametrize(("scope", "caller_name", "roles"), CASES)
def test_permission_table(scope: AttributeScope, caller_name: str, roles: str) -> None:
    caller = CALLERS[caller_name]
    allowed = parse_roles(roles)
    expected = ANY in allowed or bool(allowed & EXPECTED_ROLES[scope][caller_name])
    options = {"permissions": {"read": roles, "write": roles}}
    kwargs: dict[str, Any] = {
        "plugin_id": ids.CORE_PLUGIN_ID,
        "attribute_name": "some_attribute",
        "is_admin": caller is ADMIN_CALLER,
        **CONTEXT,
    }
    assert can_read(scope, options, caller, **kwargs) is expected
    assert can_write(scope, options, caller, **kwargs) is expected


def test_a_guest_is_a_signed_in_user_and_can_own_attributes() -> None:
    assert attribute_roles(S.USER, GUEST, is_admin=False, attribute_user_id=GUEST_ID) == {A, U, OWN}
    # Anonymous callers never get more than "any", whatever the flags say.
    assert attribute_roles(S.NODE, ANON, is_admin=True, attribute_user_id=None) == {A}


def test_default_permissions_read_any_write_admin_or_owner() -> None:
    assert allowed_roles(None, "read") == {ANY}
    assert allowed_roles({}, "write") == {ADMIN, USER_OWNER}
    key: dict[str, Any] = {"plugin_id": ids.CORE_PLUGIN_ID, "attribute_name": "name"}
    assert can_read(S.OBJECT, None, ANON, **key)
    assert not can_write(S.OBJECT, None, STRANGER, **key)
    assert can_write(S.OBJECT, None, ADMIN_CALLER, is_admin=True, **key)
    assert can_write(S.USER, {}, OWNER, attribute_user_id=BOB, **key)
    assert not can_write(S.USER, {}, ADMIN_CALLER, is_admin=True, attribute_user_id=BOB, **key)


def test_publicized_attributes_are_writable_by_any_signed_in_user() -> None:
    publicized = {"permissions": {"read": "any", "write": "user"}}
    key: dict[str, Any] = {"plugin_id": ids.CORE_PLUGIN_ID, "attribute_name": "vote"}
    assert can_write(S.OBJECT, publicized, GUEST, **key)
    assert can_write(S.OBJECT, publicized, STRANGER, **key)
    assert not can_write(S.OBJECT, publicized, ANON, **key)


@pytest.mark.parametrize(
    ("permissions", "read", "write"),
    [
        ({"read": "admin"}, {ADMIN}, {ADMIN, USER_OWNER}),  # a missing key takes its default
        ({"read": None, "write": "user"}, {ANY}, {USER}),
        ({"read": "", "write": ""}, set(), set()),  # explicit empty: nobody
        ({"read": 5, "write": ["admin"]}, set(), set()),  # junk: nobody
        ("admin", set(), set()),
        (None, {ANY}, {ADMIN, USER_OWNER}),
    ],
)
def test_permission_option_edge_cases(permissions: Any, read: set[str], write: set[str]) -> None:
    options = {"permissions": permissions}
    assert allowed_roles(options, "read") == read
    assert allowed_roles(options, "write") == write


def test_empty_permissions_lock_out_even_admins() -> None:
    options = {"permissions": {"read": "", "write": ""}}
    key: dict[str, Any] = {"plugin_id": ids.CORE_PLUGIN_ID, "attribute_name": "x"}
    assert not can_read(S.NODE, options, ADMIN_CALLER, is_admin=True, **key)
    assert not can_write(S.NODE, options, ADMIN_CALLER, is_admin=True, **key)


# --- secrets ------------------------------------------------------------------------------------


def test_the_secret_set() -> None:
    core, kusama = ids.CORE_PLUGIN_ID, ids.KUSAMA_PLUGIN_ID
    expected = {
        (core, "jwt_key"),
        (core, "node_private_key"),
        (core, "node_settings"),
        (core, "open_ai"),
        (core, "leonardo"),
        (core, "blockadelabs"),
        (kusama, "challenge_store"),
    }
    assert expected == SECRET_NODE_ATTRIBUTES
    assert not is_secret(core, "hosting_allow_list")
    assert not is_secret(core, "node_public_key")
    assert not is_secret(kusama, "jwt_key")  # same name, other plugin


@pytest.mark.parametrize(("plugin_id", "name"), sorted(SECRET_NODE_ATTRIBUTES))
@pytest.mark.parametrize("scope", list(AttributeScope))
def test_secrets_are_never_readable_or_writable(
    plugin_id: UUID, name: str, scope: AttributeScope
) -> None:
    wide_open = {"permissions": {"read": "any", "write": "any"}}
    for options in (None, {}, wide_open):
        for caller in CALLERS.values():
            for admin in (False, True):
                kwargs: dict[str, Any] = {
                    "plugin_id": plugin_id,
                    "attribute_name": name,
                    "is_admin": admin,
                    **CONTEXT,
                }
                assert not can_read(scope, options, caller, **kwargs)
                assert not can_write(scope, options, caller, **kwargs)
        assert not can_read_all(options, ADMIN_CALLER, plugin_id=plugin_id, attribute_name=name)


def test_hosting_allow_list_is_for_node_admins_only() -> None:
    seeded = {"permissions": {"read": "admin", "write": "admin"}}
    key: dict[str, Any] = {"plugin_id": ids.CORE_PLUGIN_ID, "attribute_name": "hosting_allow_list"}
    assert can_read(S.NODE, seeded, ADMIN_CALLER, is_admin=True, **key)
    assert can_write(S.NODE, seeded, ADMIN_CALLER, is_admin=True, **key)
    assert not can_read(S.NODE, seeded, STRANGER, **key)
    assert not can_read(S.NODE, seeded, GUEST, **key)


# --- read all -----------------------------------------------------------------------------------


def test_read_all_uses_the_type_read_roles() -> None:
    key: dict[str, Any] = {"plugin_id": ids.CORE_PLUGIN_ID, "attribute_name": "vote"}
    assert can_read_all(None, ANON, **key)
    assert can_read_all({"permissions": {"read": "any"}}, ANON, **key)
    assert can_read_all({"permissions": {"read": "user"}}, GUEST, **key)
    assert not can_read_all({"permissions": {"read": "user"}}, ANON, **key)
    assert not can_read_all({"permissions": {"read": "admin"}}, ADMIN_CALLER, **key)
    assert not can_read_all({"permissions": {"read": "admin+user_owner"}}, OWNER, **key)


# --- private worlds -----------------------------------------------------------------------------


def _make_private(sample: Sample, world: UUID, value: Any = True) -> None:
    node = sample.tree[world]
    sample.tree.replace(dataclasses.replace(node, options={"private": value}))


def test_a_public_world_admits_everyone(sample: Sample) -> None:
    assert not is_private_world(sample.tree, sample.world1)
    for who in (ALICE, BOB, CAROL, None):
        assert may_enter_world(sample.tree, who, sample.world1, NO_ROLES, NO_GROUPS)


def test_a_private_world_admits_its_admins_and_members_only(sample: Sample) -> None:
    _make_private(sample, sample.world1)
    assert is_private_world(sample.tree, sample.world1)
    assert not is_private_world(sample.tree, sample.world2)  # the option is per world
    roles = {
        sample.world1: {CAROL: "member", GROUP: "guide"},
        sample.node: {NODE_ADMIN: ADMIN},
        sample.world2: {DAVE: "member"},  # a member elsewhere only
    }
    groups = {GROUP: {SUBGROUP}, SUBGROUP: {ERIN}}
    assert members_of(sample.world1, roles, groups) == {CAROL, GROUP, SUBGROUP, ERIN}

    def enters(who: UUID | None) -> bool:
        return may_enter_world(sample.tree, who, sample.world1, roles, groups)

    assert enters(ALICE)  # the owner
    assert enters(ids.DEITY_USER_ID)  # the node's owner
    assert enters(NODE_ADMIN)  # an admin of the node
    assert enters(CAROL)  # any role on the world makes a member
    assert enters(ERIN)  # through two groups
    assert not enters(BOB)  # owns another world
    assert not enters(DAVE)
    assert not enters(FRANK)
    assert not enters(None)


def test_private_is_read_from_the_effective_options(sample: Sample) -> None:
    _make_private(sample, sample.world1, False)
    assert may_enter_world(sample.tree, BOB, sample.world1, NO_ROLES, NO_GROUPS)
    _make_private(sample, sample.world1, "yes")  # not a bool: the option is not set
    assert not is_private_world(sample.tree, sample.world1)
    assert not is_private_world(sample.tree, uid(9999))  # unknown world
