"""reminders sent: one row per (assessment, kind), so none is sent twice

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 00:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sent_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_sent_reminders_assessment_id_assessments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_reminders")),
        sa.UniqueConstraint("assessment_id", "kind",
                            name=op.f("uq_sent_reminders_assessment_id")),
    )


def downgrade():
    op.drop_table("sent_reminders")
