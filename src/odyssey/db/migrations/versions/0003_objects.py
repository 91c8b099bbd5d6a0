"""objects: each object's world (for quotas and short writes), creation-rate windows

Revision ID: 0003_objects
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_objects"
down_revision = "0002"
branch_labels = None
depends_on = None

# Every object below the node gets the id of the world above it (a world its own id); the node
# keeps NULL. Standard SQL that SQLite and PostgreSQL both run.
_BACKFILL_WORLD_IDS = """
WITH RECURSIVE placed(object_id, world_id) AS (
    SELECT child.object_id, child.object_id
    FROM "object" AS child JOIN "object" AS node ON node.object_id = child.parent_id
    WHERE node.object_id = node.parent_id AND child.object_id <> child.parent_id
    UNION ALL
    SELECT child.object_id, placed.world_id
    FROM "object" AS child JOIN placed ON child.parent_id = placed.object_id
    WHERE child.object_id <> child.parent_id
)
UPDATE "object" SET world_id = (
    SELECT placed.world_id FROM placed WHERE placed.object_id = "object".object_id
)
"""


def upgrade() -> None:
    # A plain ADD COLUMN (no foreign key): SQLite need not rebuild the table.
    op.add_column("object", sa.Column("world_id", sa.Uuid(), nullable=True))
    op.execute(_BACKFILL_WORLD_IDS)
    op.create_index("ix_object_world_owner", "object", ["world_id", "owner_id"], unique=False)
    op.create_table(
        "object_creation_window",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.user_id"],
            name=op.f("fk_object_creation_window_user_id_user"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "window_start", name=op.f("pk_object_creation_window")),
    )


def downgrade() -> None:
    op.drop_table("object_creation_window")
    op.drop_index("ix_object_world_owner", table_name="object")
    with op.batch_alter_table("object") as batch_op:
        batch_op.drop_column("world_id")
