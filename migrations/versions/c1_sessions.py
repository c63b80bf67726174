"""sessions that end on the server; log-in limits counted in the database

A per-user session token (part of every session and remember cookie, rotated to end them all)
and the table of wrong passwords the log-in limits count; the per-account counter and lock
columns they replace are dropped.

Revision ID: c1_sessions
Revises: 82def45f56e1
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "c1_sessions"
down_revision = '82def45f56e1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    user_account = sa.table("user_account", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(user_account.c.id)).all():
        connection.execute(user_account.update().where(user_account.c.id == user_id)
                           .values(session_token=secrets.token_hex(16)))
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")

    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failure_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failure_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failure_at"), ["at"], unique=False)


def downgrade():
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failure_at"))
        batch_op.drop_index(batch_op.f("ix_login_failure_address"))
        batch_op.drop_index(batch_op.f("ix_login_failure_account"))
    op.drop_table("login_failure")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_column("session_token")
