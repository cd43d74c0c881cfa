"""the lead author of each assessment (issue 16: handing the lead to a co-author)

Revision ID: 0020
Revises: 0009
Create Date: 2026-12-01 23:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_assessments_lead_id_users"), "users",
                                    ["lead_id"], ["id"])
    # Until now whoever started an assessment led it.
    op.execute("UPDATE assessments SET lead_id = created_by_id")


def downgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_assessments_lead_id_users"), type_="foreignkey")
        batch_op.drop_column("lead_id")
