"""initial schema: object tree, users, assets, plugins, attributes, activities

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "asset_2d",
        sa.Column("asset_2d_id", sa.Uuid(), nullable=False),
        sa.Column(
            "meta",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("asset_2d_id", name=op.f("pk_asset_2d")),
    )
    op.create_table(
        "asset_3d",
        sa.Column("asset_3d_id", sa.Uuid(), nullable=False),
        sa.Column(
            "meta",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("asset_3d_id", name=op.f("pk_asset_3d")),
    )
    op.create_table(
        "plugin",
        sa.Column("plugin_id", sa.Uuid(), nullable=False),
        sa.Column(
            "meta",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("plugin_id", name=op.f("pk_plugin")),
    )
    op.create_table(
        "user_type",
        sa.Column("user_type_id", sa.Uuid(), nullable=False),
        sa.Column("user_type_name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("user_type_id", name=op.f("pk_user_type")),
    )
    op.create_table(
        "attribute_type",
        sa.Column("plugin_id", sa.Uuid(), nullable=False),
        sa.Column("attribute_name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["plugin_id"],
            ["plugin.plugin_id"],
            name=op.f("fk_attribute_type_plugin_id_plugin"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plugin_id", "attribute_name", name=op.f("pk_attribute_type")),
    )
    op.create_table(
        "object_type",
        sa.Column("object_type_id", sa.Uuid(), nullable=False),
        sa.Column("asset_2d_id", sa.Uuid(), nullable=True),
        sa.Column("asset_3d_id", sa.Uuid(), nullable=True),
        sa.Column("object_type_name", sa.String(length=255), nullable=False),
        sa.Column("category_name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["asset_2d_id"],
            ["asset_2d.asset_2d_id"],
            name=op.f("fk_object_type_asset_2d_id_asset_2d"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["asset_3d_id"],
            ["asset_3d.asset_3d_id"],
            name=op.f("fk_object_type_asset_3d_id_asset_3d"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("object_type_id", name=op.f("pk_object_type")),
        sa.UniqueConstraint("object_type_name", name=op.f("uq_object_type_object_type_name")),
    )
    op.create_table(
        "user",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("user_type_id", sa.Uuid(), nullable=False),
        sa.Column(
            "profile",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("is_guest", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_type_id"],
            ["user_type.user_type_id"],
            name=op.f("fk_user_user_type_id_user_type"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user")),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_is_guest"), ["is_guest"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_user_type_id"), ["user_type_id"], unique=False)

    op.create_table(
        "asset_3d_user",
        sa.Column("asset_3d_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "meta",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["asset_3d_id"],
            ["asset_3d.asset_3d_id"],
            name=op.f("fk_asset_3d_user_asset_3d_id_asset_3d"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.user_id"],
            name=op.f("fk_asset_3d_user_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("asset_3d_id", "user_id", name=op.f("pk_asset_3d_user")),
    )
    with op.batch_alter_table("asset_3d_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_3d_user_user_id"), ["user_id"], unique=False)

    op.create_table(
        "node_attribute",
        sa.Column("plugin_id", sa.Uuid(), nullable=False),
        sa.Column("attribute_name", sa.String(length=255), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["plugin_id", "attribute_name"],
            ["attribute_type.plugin_id", "attribute_type.attribute_name"],
            name="fk_node_attribute_attribute_type",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plugin_id", "attribute_name", name=op.f("pk_node_attribute")),
    )
    op.create_table(
        "object",
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("object_type_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=False),
        sa.Column("asset_2d_id", sa.Uuid(), nullable=True),
        sa.Column("asset_3d_id", sa.Uuid(), nullable=True),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "transform",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["asset_2d_id"],
            ["asset_2d.asset_2d_id"],
            name=op.f("fk_object_asset_2d_id_asset_2d"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["asset_3d_id"],
            ["asset_3d.asset_3d_id"],
            name=op.f("fk_object_asset_3d_id_asset_3d"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["object_type_id"],
            ["object_type.object_type_id"],
            name=op.f("fk_object_object_type_id_object_type"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user.user_id"],
            name=op.f("fk_object_owner_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["object.object_id"],
            name=op.f("fk_object_parent_id_object"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("object_id", name=op.f("pk_object")),
    )
    with op.batch_alter_table("object", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_object_asset_2d_id"), ["asset_2d_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_object_asset_3d_id"), ["asset_3d_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_object_object_type_id"), ["object_type_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_object_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_object_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "user_attribute",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("plugin_id", sa.Uuid(), nullable=False),
        sa.Column("attribute_name", sa.String(length=255), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["plugin_id", "attribute_name"],
            ["attribute_type.plugin_id", "attribute_type.attribute_name"],
            name="fk_user_attribute_attribute_type",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.user_id"],
            name=op.f("fk_user_attribute_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "plugin_id", "attribute_name", name=op.f("pk_user_attribute")
        ),
    )
    with op.batch_alter_table("user_attribute", schema=None) as batch_op:
        batch_op.create_index(
            "ix_user_attribute_attr", ["plugin_id", "attribute_name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_user_attribute_user_id"), ["user_id"], unique=False)

    op.create_table(
        "user_membership",
        sa.Column("member_of", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["member_of"],
            ["user.user_id"],
            name=op.f("fk_user_membership_member_of_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.user_id"],
            name=op.f("fk_user_membership_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_of", "user_id", name=op.f("pk_user_membership")),
    )
    with op.batch_alter_table("user_membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_membership_user_id"), ["user_id"], unique=False)

    op.create_table(
        "user_user_attribute",
        sa.Column("plugin_id", sa.Uuid(), nullable=False),
        sa.Column("attribute_name", sa.String(length=255), nullable=False),
        sa.Column("source_user_id", sa.Uuid(), nullable=False),
        sa.Column("target_user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["plugin_id", "attribute_name"],
            ["attribute_type.plugin_id", "attribute_type.attribute_name"],
            name="fk_user_user_attribute_attribute_type",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_user_id"],
            ["user.user_id"],
            name=op.f("fk_user_user_attribute_source_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_user_id"],
            ["user.user_id"],
            name=op.f("fk_user_user_attribute_target_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "plugin_id",
            "attribute_name",
            "source_user_id",
            "target_user_id",
            name=op.f("pk_user_user_attribute"),
        ),
    )
    with op.batch_alter_table("user_user_attribute", schema=None) as batch_op:
        batch_op.create_index(
            "ix_user_user_attribute_attr", ["plugin_id", "attribute_name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_user_user_attribute_source_user_id"), ["source_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_user_user_attribute_target_user_id"), ["target_user_id"], unique=False
        )

    op.create_table(
        "activity",
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=255), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["object.object_id"],
            name=op.f("fk_activity_object_id_object"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.user_id"],
            name=op.f("fk_activity_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_activity")),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_object_id"), ["object_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_user_id"), ["user_id"], unique=False)

    op.create_table(
        "object_attribute",
        sa.Column("plugin_id", sa.Uuid(), nullable=False),
        sa.Column("attribute_name", sa.String(length=255), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["object.object_id"],
            name=op.f("fk_object_attribute_object_id_object"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plugin_id", "attribute_name"],
            ["attribute_type.plugin_id", "attribute_type.attribute_name"],
            name="fk_object_attribute_attribute_type",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "plugin_id", "attribute_name", "object_id", name=op.f("pk_object_attribute")
        ),
    )
    with op.batch_alter_table("object_attribute", schema=None) as batch_op:
        batch_op.create_index(
            "ix_object_attribute_attr", ["plugin_id", "attribute_name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_object_attribute_object_id"), ["object_id"], unique=False
        )

    op.create_table(
        "object_user_attribute",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("plugin_id", sa.Uuid(), nullable=False),
        sa.Column("attribute_name", sa.String(length=255), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["object.object_id"],
            name=op.f("fk_object_user_attribute_object_id_object"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plugin_id", "attribute_name"],
            ["attribute_type.plugin_id", "attribute_type.attribute_name"],
            name="fk_object_user_attribute_attribute_type",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.user_id"],
            name=op.f("fk_object_user_attribute_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id",
            "object_id",
            "plugin_id",
            "attribute_name",
            name=op.f("pk_object_user_attribute"),
        ),
    )
    with op.batch_alter_table("object_user_attribute", schema=None) as batch_op:
        batch_op.create_index(
            "ix_object_user_attribute_attr", ["plugin_id", "attribute_name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_object_user_attribute_object_id"), ["object_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_object_user_attribute_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "user_object",
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["object.object_id"],
            name=op.f("fk_user_object_object_id_object"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.user_id"],
            name=op.f("fk_user_object_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("object_id", "user_id", name=op.f("pk_user_object")),
    )
    with op.batch_alter_table("user_object", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_object_user_id"), ["user_id"], unique=False)

    op.create_table(
        "object_activity",
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activity.activity_id"],
            name=op.f("fk_object_activity_activity_id_activity"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["object.object_id"],
            name=op.f("fk_object_activity_object_id_object"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("object_id", "activity_id", name=op.f("pk_object_activity")),
    )
    with op.batch_alter_table("object_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_object_activity_activity_id"), ["activity_id"], unique=False
        )

    op.create_table(
        "user_activity",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activity.activity_id"],
            name=op.f("fk_user_activity_activity_id_activity"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.user_id"],
            name=op.f("fk_user_activity_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "activity_id", name=op.f("pk_user_activity")),
    )
    with op.batch_alter_table("user_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_activity_activity_id"), ["activity_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("user_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_activity_activity_id"))

    op.drop_table("user_activity")
    with op.batch_alter_table("object_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_object_activity_activity_id"))

    op.drop_table("object_activity")
    with op.batch_alter_table("user_object", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_object_user_id"))

    op.drop_table("user_object")
    with op.batch_alter_table("object_user_attribute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_object_user_attribute_user_id"))
        batch_op.drop_index(batch_op.f("ix_object_user_attribute_object_id"))
        batch_op.drop_index("ix_object_user_attribute_attr")

    op.drop_table("object_user_attribute")
    with op.batch_alter_table("object_attribute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_object_attribute_object_id"))
        batch_op.drop_index("ix_object_attribute_attr")

    op.drop_table("object_attribute")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_user_id"))
        batch_op.drop_index(batch_op.f("ix_activity_object_id"))
        batch_op.drop_index(batch_op.f("ix_activity_created_at"))

    op.drop_table("activity")
    with op.batch_alter_table("user_user_attribute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_user_attribute_target_user_id"))
        batch_op.drop_index(batch_op.f("ix_user_user_attribute_source_user_id"))
        batch_op.drop_index("ix_user_user_attribute_attr")

    op.drop_table("user_user_attribute")
    with op.batch_alter_table("user_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_membership_user_id"))

    op.drop_table("user_membership")
    with op.batch_alter_table("user_attribute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_attribute_user_id"))
        batch_op.drop_index("ix_user_attribute_attr")

    op.drop_table("user_attribute")
    with op.batch_alter_table("object", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_object_parent_id"))
        batch_op.drop_index(batch_op.f("ix_object_owner_id"))
        batch_op.drop_index(batch_op.f("ix_object_object_type_id"))
        batch_op.drop_index(batch_op.f("ix_object_asset_3d_id"))
        batch_op.drop_index(batch_op.f("ix_object_asset_2d_id"))

    op.drop_table("object")
    op.drop_table("node_attribute")
    with op.batch_alter_table("asset_3d_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_3d_user_user_id"))

    op.drop_table("asset_3d_user")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_user_type_id"))
        batch_op.drop_index(batch_op.f("ix_user_is_guest"))

    op.drop_table("user")
    op.drop_table("object_type")
    op.drop_table("attribute_type")
    op.drop_table("user_type")
    op.drop_table("plugin")
    op.drop_table("asset_3d")
    op.drop_table("asset_2d")
