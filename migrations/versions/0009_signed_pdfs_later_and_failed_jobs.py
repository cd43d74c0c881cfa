"""signed PDFs filled in by the background worker, and the jobs that kept failing

Sign-off now seals the record in the request and the worker renders its PDFs afterwards,
so a signed record's four PDF columns may be filled in once, from empty; everything else
about the row stays as immutable as before, and a PDF once stored never changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 23:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_SEALED = ("id", "assessment_id", "revision", "canonical_json", "sha256", "signed_at")
_FILLED_ONCE = ("full_pdf", "full_pdf_sha256", "published_pdf", "published_pdf_sha256")


def _refused_when(differ: str) -> str:
    """The condition on which an UPDATE of a signed record is refused."""
    sealed = [f"NEW.{c} {differ} OLD.{c}" for c in _SEALED]
    once = [f"(OLD.{c} IS NOT NULL AND NEW.{c} {differ} OLD.{c})" for c in _FILLED_ONCE]
    return " OR ".join(sealed + once)


_SQLITE = """
CREATE TRIGGER signed_records_no_update BEFORE UPDATE ON signed_records
FOR EACH ROW WHEN {condition}
BEGIN SELECT RAISE(ABORT, 'signed_records rows are immutable once written or frozen'); END
"""
_POSTGRES = """
CREATE TRIGGER signed_records_no_update BEFORE UPDATE ON signed_records
FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION ehria_refuse_change()
"""


def _replace_update_trigger(condition_for: dict[str, str]) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER signed_records_no_update ON signed_records")
        op.execute(_POSTGRES.format(condition=condition_for["postgresql"]))
    else:
        op.execute("DROP TRIGGER signed_records_no_update")
        op.execute(_SQLITE.format(condition=condition_for["sqlite"]))


def upgrade():
    _replace_update_trigger({"sqlite": _refused_when("IS NOT"),
                             "postgresql": _refused_when("IS DISTINCT FROM")})
    op.create_table(
        "failed_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=100), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retried_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retried_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["retried_by_id"], ["users.id"],
                                name=op.f("fk_failed_jobs_retried_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_jobs")),
    )
    with op.batch_alter_table("failed_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_failed_jobs_task_subject_id"),
                              ["task", "subject_id"], unique=False)


def downgrade():
    with op.batch_alter_table("failed_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_failed_jobs_task_subject_id"))
    op.drop_table("failed_jobs")
    _replace_update_trigger({"sqlite": "TRUE", "postgresql": "TRUE"})
