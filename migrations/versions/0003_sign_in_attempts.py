"""failed sign-in attempts, counted across workers for the sign-in rate limit

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempts'))
    )
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_attempts_email_at', ['email_hash', 'at'], unique=False)
        batch_op.create_index('ix_sign_in_attempts_address_at', ['address_hash', 'at'], unique=False)
        batch_op.create_index('ix_sign_in_attempts_at', ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_attempts_at')
        batch_op.drop_index('ix_sign_in_attempts_address_at')
        batch_op.drop_index('ix_sign_in_attempts_email_at')

    op.drop_table('sign_in_attempts')
