"""submission uuids are unique per inspector, not across the server

A submission is identified by (inspector, uuid). The default uuid of a checklist is
uuid5(visit, inspector), which anyone can compute; with one server-wide unique uuid another
inspector could take it first and block the owner for ever (issue #12 section 2). Existing
rows already satisfy the narrower constraint (a server-wide unique uuid is unique per
inspector), so no row changes: only the constraint is replaced. Entries still waiting in a
phone's outbox keep their uuid and are stored under it as before.

Revision ID: c2_submission_scope
Revises: c1_sessions
Create Date: 2026-12-01 21:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c2_submission_scope"
down_revision = 'c1_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_submission_uuid"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_submission_inspector_id_uuid"), ["inspector_id", "uuid"])


def downgrade():
    shared = op.get_bind().execute(sa.text(
        "SELECT uuid FROM submission GROUP BY uuid HAVING COUNT(*) > 1 LIMIT 5")).scalars().all()
    if shared:
        raise RuntimeError(
            "Cannot go back to server-wide unique submission uuids: several inspectors hold the "
            f"same uuid (for example {', '.join(shared)}).")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_submission_inspector_id_uuid"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_submission_uuid"), ["uuid"])
