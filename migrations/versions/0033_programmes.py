"""programmes: assessments grouped by a name (a budget round, a service redesign), so
their cumulative impact is seen in one place

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02 01:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_assessments_programme"), ["programme"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_programme"))
        batch_op.drop_column("programme")
