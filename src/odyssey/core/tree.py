"""The object tree: node → worlds → objects, held in memory as an index (data-model §2).

:class:`ObjectTree` is a plain in-memory index built from rows (types and objects). It validates
and *plans* changes (``plan_child``, ``plan_clone``) without touching anything, and applies them
(``add``, ``replace``, ``remove_subtree``) once the caller has stored them. It also computes the
"actual" transforms of auto-placed objects (§2.7).

Nodes and types are frozen dataclasses: change one with ``dataclasses.replace`` and hand the new
value to :meth:`ObjectTree.replace` / :meth:`ObjectTree.set_type`. Option dicts inside them must
not be mutated in place.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from uuid import UUID

from odyssey.core import options as opts
from odyssey.core.errors import (
    AlreadyExists,
    ChildLimitReached,
    ChildTypeNotAllowed,
    InvalidOperation,
    InvalidTree,
    NotFound,
)
from odyssey.core.geometry import IDENTITY, ONE, ZERO, Transform, Vec3
from odyssey.core.ids import new_id as _new_id
from odyssey.core.placement import parse_child_placement, place_children

WORLDS_CATEGORY = "Worlds"


@dataclass(frozen=True, slots=True)
class ObjectType:
    """A class of objects with default options (table ``object_type``)."""

    id: UUID
    name: str
    category: str
    description: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    asset_2d_id: UUID | None = None
    asset_3d_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class ObjectNode:
    """One row of table ``object``. ``transform`` None means "placed by the parent".

    ``name`` mirrors the object's ``name`` attribute (the reference shows the id when unset).
    """

    id: UUID
    parent_id: UUID
    type_id: UUID
    owner_id: UUID
    asset_2d_id: UUID | None = None
    asset_3d_id: UUID | None = None
    options: dict[str, Any] | None = None
    transform: Transform | None = None
    name: str = ""

    @property
    def is_root(self) -> bool:
        return self.parent_id == self.id


@dataclass(frozen=True, slots=True)
class _Placed:
    transform: Transform
    angle: float


class ObjectTree:
    """In-memory index of the whole object tree.

    Built from all object types and all objects; raises :class:`InvalidTree` unless the objects
    form exactly one tree under exactly one root (the node: the object that is its own parent).
    """

    def __init__(self, types: Iterable[ObjectType], objects: Iterable[ObjectNode]) -> None:
        self._types: dict[UUID, ObjectType] = {t.id: t for t in types}
        self._objects: dict[UUID, ObjectNode] = {}
        # Children in insertion order; a dict works as an ordered set with O(1) removal.
        self._children: dict[UUID, dict[UUID, None]] = {}
        self._world: dict[UUID, UUID | None] = {}
        root: UUID | None = None
        for obj in objects:
            if obj.id in self._objects:
                raise InvalidTree(f"object {obj.id} appears twice")
            self._objects[obj.id] = obj
            self._children.setdefault(obj.id, {})
            if obj.is_root:
                if root is not None:
                    raise InvalidTree(f"two roots: {root} and {obj.id}")
                root = obj.id
        if root is None:
            raise InvalidTree("no root object (an object that is its own parent)")
        self._root = root
        for obj in self._objects.values():
            if obj.is_root:
                continue
            if obj.parent_id not in self._objects:
                raise InvalidTree(f"object {obj.id} has an unknown parent {obj.parent_id}")
            self._children[obj.parent_id][obj.id] = None
        # Walk down from the root: fills the world index and proves there is no cycle.
        self._world[root] = None
        queue = deque([root])
        while queue:
            current = queue.popleft()
            for child in self._children[current]:
                self._world[child] = child if current == root else self._world[current]
                queue.append(child)
        if len(self._world) != len(self._objects):
            stray = next(i for i in self._objects if i not in self._world)
            raise InvalidTree(f"object {stray} is not connected to the root (cycle)")

    # --- types ----------------------------------------------------------------------------------

    @property
    def types(self) -> Mapping[UUID, ObjectType]:
        return MappingProxyType(self._types)

    def get_type(self, type_id: UUID) -> ObjectType:
        try:
            return self._types[type_id]
        except KeyError:
            raise NotFound(
                f"object type not found: {type_id}", kind="object_type", id=type_id
            ) from None

    def set_type(self, object_type: ObjectType) -> None:
        """Add an object type or replace it (e.g. new default options)."""
        self._types[object_type.id] = object_type

    # --- lookup ---------------------------------------------------------------------------------

    @property
    def node(self) -> ObjectNode:
        """The root: the node object."""
        return self._objects[self._root]

    def get(self, object_id: UUID) -> ObjectNode | None:
        """The object, or ``None`` (``tree[object_id]`` raises :class:`NotFound` instead)."""
        return self._objects.get(object_id)

    def __getitem__(self, object_id: UUID) -> ObjectNode:
        try:
            return self._objects[object_id]
        except KeyError:
            raise NotFound(f"object not found: {object_id}", id=object_id) from None

    def __contains__(self, object_id: object) -> bool:
        return object_id in self._objects

    def __len__(self) -> int:
        return len(self._objects)

    def __iter__(self) -> Iterator[ObjectNode]:
        return iter(list(self._objects.values()))

    def children(self, object_id: UUID) -> list[ObjectNode]:
        """Direct children, in insertion order (the node is not its own child)."""
        return [self._objects[c] for c in self._child_ids(object_id)]

    def child_ids(self, object_id: UUID) -> list[UUID]:
        return list(self._child_ids(object_id))

    def child_count(self, object_id: UUID) -> int:
        return len(self._child_ids(object_id))

    def _child_ids(self, object_id: UUID) -> dict[UUID, None]:
        try:
            return self._children[object_id]
        except KeyError:
            raise NotFound(f"object not found: {object_id}", id=object_id) from None

    def ancestors(self, object_id: UUID) -> list[ObjectNode]:
        """The object, its parent, ... up to and including the node."""
        current = self[object_id]
        chain = [current]
        while not current.is_root:
            current = self._objects[current.parent_id]
            chain.append(current)
        return chain

    def world_of(self, object_id: UUID) -> UUID | None:
        """Id of the world the object belongs to: itself for a world, ``None`` for the node."""
        try:
            return self._world[object_id]
        except KeyError:
            raise NotFound(f"object not found: {object_id}", id=object_id) from None

    def worlds(self) -> list[ObjectNode]:
        """The worlds: the node's children."""
        return self.children(self._root)

    def is_world(self, object_id: UUID) -> bool:
        return self.world_of(object_id) == object_id

    def subtree_ids(self, object_id: UUID) -> list[UUID]:
        """The object and all its descendants, breadth first (the object first)."""
        self._child_ids(object_id)  # NotFound
        result = [object_id]
        index = 0
        while index < len(result):
            result.extend(self._children[result[index]])
            index += 1
        return result

    # --- options --------------------------------------------------------------------------------

    def effective_options(self, object_id: UUID) -> dict[str, Any]:
        """The object's options deep-merged over its type's (a new dict on every call)."""
        obj = self[object_id]
        object_type = self._types.get(obj.type_id)
        return opts.effective_object_options(
            object_type.options if object_type is not None else None, obj.options
        )

    # --- changes --------------------------------------------------------------------------------

    def plan_child(
        self,
        parent_id: UUID,
        type_id: UUID,
        *,
        owner_id: UUID | None = None,
        name: str | None = None,
        object_id: UUID | None = None,
        transform: Transform | None = None,
        asset_2d_id: UUID | None = None,
        asset_3d_id: UUID | None = None,
        options: dict[str, Any] | None = None,
    ) -> ObjectNode:
        """Validate a new child of ``parent_id`` and return it, without adding it.

        Raises :class:`NotFound` (``kind`` ``"parent"`` or ``"object_type"``),
        :class:`AlreadyExists` (``object_id`` taken), :class:`ChildTypeNotAllowed` (the type is not
        in the parent's effective ``allowed_children``) or :class:`ChildLimitReached` (the parent
        already has ``child_limit`` children; the reference lets one more in, see
        ``docs/compatibility.md``). Defaults: a new UUIDv7, the parent's owner, the id as name.
        """
        parent = self._objects.get(parent_id)
        if parent is None:
            raise NotFound(f"parent not found: {parent_id}", kind="parent", id=parent_id)
        self.get_type(type_id)
        if object_id is not None and object_id in self._objects:
            raise AlreadyExists(f"object already exists: {object_id}")
        parent_options = self.effective_options(parent_id)
        check_child_type(parent_id, parent_options, type_id)
        check_child_limit(parent_id, parent_options, self.child_count(parent_id))
        return new_child(
            parent,
            type_id,
            owner_id=owner_id,
            name=name,
            object_id=object_id,
            transform=transform,
            asset_2d_id=asset_2d_id,
            asset_3d_id=asset_3d_id,
            options=options,
        )

    def plan_clone(
        self, object_id: UUID, *, new_id: UUID | None = None, position: Vec3 | None = None
    ) -> ObjectNode:
        """A copy of the object (not of its children) under the same parent, not yet added.

        Same type, assets, options, owner, parent and name. With ``position`` the copy stands
        there with the original's actual rotation and scale; without, it copies the original's
        stored transform (``None`` stays ``None``: auto-placed). Refuses the node
        (:class:`InvalidOperation`) and respects the parent's ``child_limit``
        (:class:`ChildLimitReached`; the reference does not check it on clone).
        """
        original = self[object_id]
        if original.is_root:
            raise InvalidOperation("the node cannot be cloned")
        if new_id is not None and new_id in self._objects:
            raise AlreadyExists(f"object already exists: {new_id}")
        check_child_limit(
            original.parent_id,
            self.effective_options(original.parent_id),
            self.child_count(original.parent_id),
        )
        return clone_of(
            original,
            new_id=new_id,
            position=position,
            actual=self.actual_transform(object_id) if position is not None else None,
        )

    def add(self, node: ObjectNode) -> None:
        """Insert a new (already validated and stored) object under an existing parent."""
        if node.is_root:
            raise InvalidOperation("a second root cannot be added")
        if node.id in self._objects:
            raise AlreadyExists(f"object already exists: {node.id}")
        if node.parent_id not in self._objects:
            raise NotFound(f"parent not found: {node.parent_id}", kind="parent", id=node.parent_id)
        self._objects[node.id] = node
        self._children[node.id] = {}
        self._children[node.parent_id][node.id] = None
        self._world[node.id] = (
            node.id if node.parent_id == self._root else self._world[node.parent_id]
        )

    def replace(self, node: ObjectNode) -> None:
        """Swap in a changed version of an existing object (same id, same parent)."""
        current = self[node.id]
        if current.parent_id != node.parent_id:
            raise InvalidOperation("an object cannot change its parent")
        self._objects[node.id] = node

    def check_removable(self, object_id: UUID) -> None:
        """Raise :class:`InvalidOperation` for the node (the only thing the tree refuses)."""
        if self[object_id].is_root:
            raise InvalidOperation("the node cannot be removed")

    def remove_subtree(self, object_id: UUID) -> list[UUID]:
        """Remove the object and its descendants; returns their ids, deepest first.

        Refuses the node (:class:`InvalidOperation`). Whether worlds may be removed is the
        caller's policy (the reference's API refuses objects whose type category is "Worlds").
        """
        self.check_removable(object_id)
        removed = self.subtree_ids(object_id)
        removed.reverse()  # reversed breadth-first order: deepest level first, parents last
        parent_id = self._objects[object_id].parent_id
        del self._children[parent_id][object_id]
        for gone in removed:
            del self._objects[gone]
            del self._children[gone]
            del self._world[gone]
        return removed

    # --- transforms -----------------------------------------------------------------------------

    def actual_transform(self, object_id: UUID) -> Transform:
        """Where the object actually is.

        Its stored transform if it has one; else the position computed by its parent's
        ``child_placement`` (rotation 0, scale 1); else (no entry applies) the parent's position
        with rotation 0 and scale 1.
        """
        return self._state_of(object_id).transform

    def actual_transforms(self, world_id: UUID) -> dict[UUID, Transform]:
        """Actual transforms of a world and everything in it (or of any subtree), in one pass.

        Each parent's options and placements are computed once: O(n log n) overall (the log from
        sorting each group of siblings).
        """
        start = self[world_id]
        if start.is_root:
            start_state = self._root_state(start)
        else:
            parent_state = self._state_of(start.parent_id)
            start_state = self._child_state(start.parent_id, parent_state, start)
        result: dict[UUID, Transform] = {world_id: start_state.transform}
        queue: deque[tuple[UUID, _Placed]] = deque([(world_id, start_state)])
        while queue:
            parent_id, parent_state = queue.popleft()
            for child_id, child_state in self._children_states(parent_id, parent_state).items():
                result[child_id] = child_state.transform
                queue.append((child_id, child_state))
        return result

    def _state_of(self, object_id: UUID) -> _Placed:
        chain = self.ancestors(object_id)
        chain.reverse()  # the node first
        state = self._root_state(chain[0])
        for parent, child in itertools.pairwise(chain):
            state = self._child_state(parent.id, state, child)
        return state

    @staticmethod
    def _root_state(root: ObjectNode) -> _Placed:
        return _Placed(root.transform if root.transform is not None else IDENTITY, 0.0)

    def _child_state(self, parent_id: UUID, parent_state: _Placed, child: ObjectNode) -> _Placed:
        if child.transform is not None:
            # The reference never sets θ for explicitly placed objects: it stays 0.
            return _Placed(child.transform, 0.0)
        return self._children_states(parent_id, parent_state, only=child.id)[child.id]

    def _children_states(
        self, parent_id: UUID, parent_state: _Placed, only: UUID | None = None
    ) -> dict[UUID, _Placed]:
        child_ids = self._children[parent_id]
        if not child_ids:
            return {}
        parent_pos = parent_state.transform.position
        auto = [
            (c, self._objects[c].type_id) for c in child_ids if self._objects[c].transform is None
        ]
        placed: dict[UUID, tuple[Vec3, float]] = {}
        if auto:
            rules = parse_child_placement(self.effective_options(parent_id).get("child_placement"))
            if rules:
                placed = place_children(auto, parent_pos, parent_state.angle, rules)
        unplaced = _Placed(Transform(position=parent_pos, rotation=ZERO, scale=ONE), 0.0)
        states: dict[UUID, _Placed] = {}
        targets: Iterable[UUID] = (only,) if only is not None else child_ids
        for c in targets:
            node = self._objects[c]
            if node.transform is not None:
                states[c] = _Placed(node.transform, 0.0)
            elif c in placed:
                position, angle = placed[c]
                states[c] = _Placed(Transform(position=position, rotation=ZERO, scale=ONE), angle)
            else:
                states[c] = unplaced
        return states


# --- planning from the rows a change needs ----------------------------------------------------
# ObjectTree plans with the whole tree in memory; the database layer plans a single change with
# these, from the few rows it read (the parent, its type, its number of children).


def check_child_type(parent_id: UUID, parent_options: Mapping[str, Any], type_id: UUID) -> None:
    """:class:`ChildTypeNotAllowed` unless ``type_id`` is in the parent's ``allowed_children``."""
    if type_id not in opts.allowed_children(parent_options):
        raise ChildTypeNotAllowed(f"object type {type_id} is not allowed as a child of {parent_id}")


def check_child_limit(parent_id: UUID, parent_options: Mapping[str, Any], child_count: int) -> None:
    """:class:`ChildLimitReached` when the parent already has ``child_limit`` children.

    ``child_count`` need only be exact up to the limit (a count that stops there will do).
    """
    limit = opts.child_limit(parent_options)
    if limit is not None and child_count >= limit:
        raise ChildLimitReached(f"object {parent_id} already has {limit} children")


def new_child(
    parent: ObjectNode,
    type_id: UUID,
    *,
    owner_id: UUID | None = None,
    name: str | None = None,
    object_id: UUID | None = None,
    transform: Transform | None = None,
    asset_2d_id: UUID | None = None,
    asset_3d_id: UUID | None = None,
    options: dict[str, Any] | None = None,
) -> ObjectNode:
    """The new child once it was checked: a new UUIDv7, the parent's owner and the id as name
    unless given."""
    new = object_id if object_id is not None else _new_id()
    return ObjectNode(
        id=new,
        parent_id=parent.id,
        type_id=type_id,
        owner_id=owner_id if owner_id is not None else parent.owner_id,
        asset_2d_id=asset_2d_id,
        asset_3d_id=asset_3d_id,
        options=opts.clone_json(options) if options is not None else None,
        transform=transform,
        name=name if name else str(new),
    )


def clone_of(
    original: ObjectNode,
    *,
    new_id: UUID | None = None,
    position: Vec3 | None = None,
    actual: Transform | None = None,
) -> ObjectNode:
    """The copy :meth:`ObjectTree.plan_clone` describes, once checked. With ``position``,
    ``actual`` must be the original's actual transform (its rotation and scale are kept)."""
    transform: Transform | None
    if position is None:
        transform = original.transform
    else:
        if actual is None:
            raise ValueError("a clone at a position needs the original's actual transform")
        transform = Transform(position=position, rotation=actual.rotation, scale=actual.scale)
    return ObjectNode(
        id=new_id if new_id is not None else _new_id(),
        parent_id=original.parent_id,
        type_id=original.type_id,
        owner_id=original.owner_id,
        asset_2d_id=original.asset_2d_id,
        asset_3d_id=original.asset_3d_id,
        options=opts.clone_json(original.options) if original.options is not None else None,
        transform=transform,
        name=original.name,
    )


def is_world_type(object_type: ObjectType) -> bool:
    """Whether the type's category is "Worlds" (the reference refuses to delete those)."""
    return object_type.category == WORLDS_CATEGORY


__all__ = [
    "WORLDS_CATEGORY",
    "ObjectNode",
    "ObjectTree",
    "ObjectType",
    "Transform",
    "Vec3",
    "check_child_limit",
    "check_child_type",
    "clone_of",
    "is_world_type",
    "new_child",
]
