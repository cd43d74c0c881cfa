"""comment threads: a chair's comment starts one, authors reply, the chair resolves it

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 00:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_threads_assessment_id_assessments")),
        sa.ForeignKeyConstraint(["started_by_id"], ["users.id"],
                                name=op.f("fk_threads_started_by_id_users")),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"],
                                name=op.f("fk_threads_resolved_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
    )
    op.create_index(op.f("ix_threads_assessment_id"), "threads", ["assessment_id"])
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_comments_thread_id_threads"), "threads",
                                    ["thread_id"], ["id"])
        batch_op.create_index(op.f("ix_comments_thread_id"), ["thread_id"])
    # Each comment made so far starts a thread of its own (same id), resolved once the
    # assessment has been signed off since.
    op.execute("""
        INSERT INTO threads (id, assessment_id, path, revision, started_by_id, created_at,
                             resolved_at)
        SELECT c.id, c.assessment_id, c.path, c.revision, c.author_id, c.at,
               CASE WHEN a.status IN ('signed_off', 'published') THEN c.at END
        FROM comments c JOIN assessments a ON a.id = c.assessment_id
    """)
    op.execute("UPDATE comments SET thread_id = id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('threads', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM threads), 0) + 1, false)")


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_comments_thread_id"))
        batch_op.drop_constraint(op.f("fk_comments_thread_id_threads"), type_="foreignkey")
        batch_op.drop_column("thread_id")
    op.drop_index(op.f("ix_threads_assessment_id"), table_name="threads")
    op.drop_table("threads")
