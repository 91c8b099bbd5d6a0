"""The relational schema: one object tree, users, assets, plugins, attributes, activities.

Follows the reference data model (table and column names), with portable types so the same
schema runs on SQLite and PostgreSQL: UUIDs are `Uuid` (native `uuid` on PostgreSQL, CHAR(32) on
SQLite), JSON is `JSONB` on PostgreSQL and `JSON` text on SQLite, timestamps are timezone-aware.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JsonType = JSON().with_variant(JSONB(), "postgresql")

# Stable constraint names, so migrations can address them on both engines.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def cascade_fk(target: str) -> ForeignKey:
    """A foreign key that follows its target on update and delete, as in the reference."""
    return ForeignKey(target, ondelete="CASCADE", onupdate="CASCADE")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dict[str, Any]: JsonType,
        uuid.UUID: Uuid(),
        dt.datetime: DateTime(timezone=True),
    }


class Timestamps:
    created_at: Mapped[dt.datetime] = mapped_column(
        default=utcnow, server_default=func.current_timestamp()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.current_timestamp()
    )


# --- users -------------------------------------------------------------------------------------


class UserType(Timestamps, Base):
    __tablename__ = "user_type"
    user_type_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_type_name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[dict[str, Any] | None]


class User(Timestamps, Base):
    """An account, or a group that other users are members of (`user_membership`)."""

    __tablename__ = "user"
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_type_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("user_type.user_type_id"), index=True
    )
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[dict[str, Any] | None]
    # Denormalised from options.is_guest so guest clean-up and filters are one indexed query.
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Last sign-in, token refresh, posbus connect or disconnect, and a heartbeat while connected
    # (kept for guests; the guest sweep deletes those not seen for the retention). NULL only for
    # rows written outside the node, which the sweep leaves alone.
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_user_is_guest_last_seen_at", "is_guest", "last_seen_at"),)


class UserMembership(Timestamps, Base):
    """`user_id` is a member of the group `member_of`."""

    __tablename__ = "user_membership"
    member_of: Mapped[uuid.UUID] = mapped_column(cascade_fk("user.user_id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("user.user_id"), primary_key=True, index=True
    )
    value: Mapped[dict[str, Any] | None]


# --- assets ------------------------------------------------------------------------------------


class Asset2d(Timestamps, Base):
    __tablename__ = "asset_2d"
    asset_2d_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[dict[str, Any] | None] = mapped_column(default=dict)


class Asset3d(Timestamps, Base):
    __tablename__ = "asset_3d"
    asset_3d_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[dict[str, Any] | None] = mapped_column(default=dict)


class Asset3dUser(Timestamps, Base):
    """A user's library entry for a 3D asset: their name for it and whether others see it."""

    __tablename__ = "asset_3d_user"
    asset_3d_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("asset_3d.asset_3d_id"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("user.user_id"), primary_key=True, index=True
    )
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_private: Mapped[bool] = mapped_column(Boolean, default=True)


# --- object tree -------------------------------------------------------------------------------


class ObjectType(Timestamps, Base):
    __tablename__ = "object_type"
    object_type_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    asset_2d_id: Mapped[uuid.UUID | None] = mapped_column(cascade_fk("asset_2d.asset_2d_id"))
    asset_3d_id: Mapped[uuid.UUID | None] = mapped_column(cascade_fk("asset_3d.asset_3d_id"))
    object_type_name: Mapped[str] = mapped_column(String(255), unique=True)
    category_name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Object(Timestamps, Base):
    """Every node, world and in-world object: one self-referencing tree.

    The node is the one row whose parent is itself; worlds are its other children.
    """

    __tablename__ = "object"
    object_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    object_type_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("object_type.object_type_id"), index=True
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("user.user_id"), index=True)
    parent_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("object.object_id"), index=True)
    asset_2d_id: Mapped[uuid.UUID | None] = mapped_column(
        cascade_fk("asset_2d.asset_2d_id"), index=True
    )
    asset_3d_id: Mapped[uuid.UUID | None] = mapped_column(
        cascade_fk("asset_3d.asset_3d_id"), index=True
    )
    options: Mapped[dict[str, Any] | None]
    transform: Mapped[dict[str, Any] | None]
    # The world the object is in (itself for a world, NULL for the node), written once when the
    # object is made (objects never change parent). It lets quotas count a world's objects and
    # writes find an object's world without walking the tree. No foreign key: the world is an
    # ancestor, so the parent chain's cascade already removes the row with its world.
    world_id: Mapped[uuid.UUID | None]

    __table_args__ = (Index("ix_object_world_owner", "world_id", "owner_id"),)


class ObjectCreationWindow(Base):
    """Objects a user made in one fixed window of the creation rate (shared by every process)."""

    __tablename__ = "object_creation_window"
    user_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("user.user_id"), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class UserObject(Timestamps, Base):
    """A user's role on an object, e.g. `{"role": "admin"}`."""

    __tablename__ = "user_object"
    object_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("object.object_id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("user.user_id"), primary_key=True, index=True
    )
    value: Mapped[dict[str, Any] | None]


# --- plugins and attributes --------------------------------------------------------------------


class Plugin(Timestamps, Base):
    __tablename__ = "plugin"
    plugin_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[dict[str, Any] | None]


class AttributeType(Timestamps, Base):
    __tablename__ = "attribute_type"
    plugin_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("plugin.plugin_id"), primary_key=True)
    attribute_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[dict[str, Any] | None]


def _attribute_type_fk(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["plugin_id", "attribute_name"],
        ["attribute_type.plugin_id", "attribute_type.attribute_name"],
        name=f"fk_{table}_attribute_type",
        ondelete="CASCADE",
        onupdate="CASCADE",
    )


class NodeAttribute(Timestamps, Base):
    __tablename__ = "node_attribute"
    __table_args__ = (_attribute_type_fk("node_attribute"),)
    plugin_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    attribute_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[dict[str, Any] | None]


class ObjectAttribute(Timestamps, Base):
    __tablename__ = "object_attribute"
    __table_args__ = (
        _attribute_type_fk("object_attribute"),
        Index("ix_object_attribute_attr", "plugin_id", "attribute_name"),
    )
    plugin_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    attribute_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    object_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("object.object_id"), primary_key=True, index=True
    )
    value: Mapped[dict[str, Any] | None]
    options: Mapped[dict[str, Any] | None]


class UserAttribute(Timestamps, Base):
    __tablename__ = "user_attribute"
    __table_args__ = (
        _attribute_type_fk("user_attribute"),
        Index("ix_user_attribute_attr", "plugin_id", "attribute_name"),
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("user.user_id"), primary_key=True, index=True
    )
    plugin_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    attribute_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[dict[str, Any] | None]


class ObjectUserAttribute(Timestamps, Base):
    __tablename__ = "object_user_attribute"
    __table_args__ = (
        _attribute_type_fk("object_user_attribute"),
        Index("ix_object_user_attribute_attr", "plugin_id", "attribute_name"),
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("user.user_id"), primary_key=True, index=True
    )
    object_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("object.object_id"), primary_key=True, index=True
    )
    plugin_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    attribute_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[dict[str, Any] | None]
    options: Mapped[dict[str, Any] | None]


class UserUserAttribute(Timestamps, Base):
    __tablename__ = "user_user_attribute"
    __table_args__ = (
        _attribute_type_fk("user_user_attribute"),
        Index("ix_user_user_attribute_attr", "plugin_id", "attribute_name"),
    )
    plugin_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    attribute_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    source_user_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("user.user_id"), primary_key=True, index=True
    )
    target_user_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("user.user_id"), primary_key=True, index=True
    )
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[dict[str, Any] | None]


# --- activities (timeline / newsfeed) ------------------------------------------------------------


class Activity(Base):
    __tablename__ = "activity"
    activity_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("user.user_id"), index=True)
    object_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("object.object_id"), index=True)
    type: Mapped[str] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(
        default=utcnow, server_default=func.current_timestamp(), index=True
    )


class ObjectActivity(Base):
    __tablename__ = "object_activity"
    object_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("object.object_id"), primary_key=True)
    activity_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("activity.activity_id"), primary_key=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(
        default=utcnow, server_default=func.current_timestamp()
    )


class UserActivity(Base):
    __tablename__ = "user_activity"
    user_id: Mapped[uuid.UUID] = mapped_column(cascade_fk("user.user_id"), primary_key=True)
    activity_id: Mapped[uuid.UUID] = mapped_column(
        cascade_fk("activity.activity_id"), primary_key=True, index=True
    )
