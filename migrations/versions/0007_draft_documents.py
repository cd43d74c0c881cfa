"""rendered draft PDFs, kept until the draft (or anything printed on it) changes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "draft_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_draft_documents_assessment_id_assessments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_documents")),
        sa.UniqueConstraint("assessment_id", "kind", name="uq_draft_documents_assessment_kind"),
    )


def downgrade():
    op.drop_table("draft_documents")
