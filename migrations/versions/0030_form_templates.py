"""the form builder: template versions (draft, live, retired) and their audit trail

The shipped templates (ehria/definitions/*.yaml) become stored versions the first time the
service lists or needs them (ehria.template_versions.seed_shipped_versions), not here, so
the migration does not depend on the application's form code.

Revision ID: 0030
Revises: 0021
Create Date: 2026-12-01 23:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("based_on", sa.String(length=64), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_form_templates_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_templates")),
        sa.UniqueConstraint("version", name=op.f("uq_form_templates_version")),
    )
    with op.batch_alter_table("form_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_templates_status"), ["status"], unique=False)
    op.create_table(
        "template_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_template_events_actor_id_users")),
        sa.ForeignKeyConstraint(["template_id"], ["form_templates.id"],
                                name=op.f("fk_template_events_template_id_form_templates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_events")),
    )
    with op.batch_alter_table("template_events", schema=None) as batch_op:
        batch_op.create_index("ix_template_events_template", ["template_id", "id"],
                              unique=False)


def downgrade():
    op.drop_table("template_events")
    op.drop_table("form_templates")
