"""further phrases to redact from the published PDF, added by authors and DEG chairs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 17:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "redaction_phrases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("phrase", sa.Text(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"],
                                name=op.f("fk_redaction_phrases_added_by_id_users")),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_redaction_phrases_assessment_id_assessments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redaction_phrases")),
    )
    with op.batch_alter_table("redaction_phrases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redaction_phrases_assessment_id"),
                              ["assessment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("redaction_phrases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redaction_phrases_assessment_id"))
    op.drop_table("redaction_phrases")
