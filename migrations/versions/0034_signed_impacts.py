"""insight at 10,000 assessments: each signed revision's negative and unknown impacts in a
table of their own, and each tracked action's due date as a date

Reading which impacts a signed record found needs the template (which tables, rows and
values count), and a migration never imports the form code. So the impacts of the records
signed before this migration are not written here: `impact_backfills` lists those records,
and ehria.signed_impacts.backfill (run after the migrations by gunicorn's master and by
`flask backfill-impacts`, and by insight itself while the list is not empty) writes them
and empties it. From now on sign-off writes them with the record.

`due_on` needs no template: it is `due` read as an ISO date where it is one, the rule of
ehria.tracked_actions.parse_due, copied here so this file never changes with the app.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-02 02:40:00.000000

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def _due_on(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def upgrade():
    op.create_table(
        "signed_impacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("impact", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_signed_impacts_assessment_id_assessments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_impacts")),
        sa.UniqueConstraint("assessment_id", "revision", "table_name", "row_key",
                            name=op.f("uq_signed_impacts_assessment_id")),
    )
    op.create_table(
        "impact_backfills",
        sa.Column("signed_record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["signed_record_id"], ["signed_records.id"],
            name=op.f("fk_impact_backfills_signed_record_id_signed_records")),
        sa.PrimaryKeyConstraint("signed_record_id", name=op.f("pk_impact_backfills")),
    )
    op.execute("INSERT INTO impact_backfills (signed_record_id) SELECT id FROM signed_records")

    with op.batch_alter_table("tracked_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
    actions = sa.table("tracked_actions", sa.column("id", sa.Integer()),
                       sa.column("due", sa.String()), sa.column("due_on", sa.Date()))
    connection = op.get_bind()
    dated = [{"action_id": id_, "due_on": due_on}
             for id_, due in connection.execute(sa.select(actions.c.id, actions.c.due))
             if (due_on := _due_on(due or "")) is not None]
    if dated:
        connection.execute(actions.update().where(actions.c.id == sa.bindparam("action_id"))
                           .values(due_on=sa.bindparam("due_on")), dated)


def downgrade():
    with op.batch_alter_table("tracked_actions", schema=None) as batch_op:
        batch_op.drop_column("due_on")
    op.drop_table("impact_backfills")
    op.drop_table("signed_impacts")
