"""after sign-off: each assessment's review date, tracked improvement-plan actions and
their progress notes

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 00:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_date", sa.Date(), nullable=True))
    op.create_table(
        "tracked_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("officer", sa.Text(), nullable=False),
        sa.Column("due", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_tracked_actions_assessment_id_assessments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracked_actions")),
    )
    with op.batch_alter_table("tracked_actions", schema=None) as batch_op:
        batch_op.create_index("ix_tracked_actions_assessment", ["assessment_id", "position"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_tracked_actions_status"), ["status"],
                              unique=False)
    op.create_table(
        "action_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["tracked_actions.id"],
                                name=op.f("fk_action_notes_action_id_tracked_actions")),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"],
                                name=op.f("fk_action_notes_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_notes")),
    )
    with op.batch_alter_table("action_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_notes_action_id"), ["action_id"],
                              unique=False)


def downgrade():
    op.drop_table("action_notes")
    op.drop_table("tracked_actions")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("review_date")
