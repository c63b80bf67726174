"""The inspected unit takes part: the unit role, its own report, invitations

Revision ID: c6_unit
Revises: c5_jobs
Create Date: 2026-12-02 01:10:00

Adds the `unit` role (a user bound to one unit through user_account.unit_id), the unit's own
report of a visit with every revision (self_report, self_report_revision), its due date and
lock on the visit, evidence files of that report (attachment.self_report_id) and the one-time
invitation links (unit_invite). Downgrading turns unit representatives into archived
inspectors (the old role check has no room for them) and drops their reports.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "c6_unit"
down_revision = "c5_jobs"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
OLD_ROLES = "role IN ('admin', 'coordinator', 'lead', 'inspector')"
NEW_ROLES = "role IN ('admin', 'coordinator', 'lead', 'inspector', 'unit')"


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_user_account_unit_id"), ["unit_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_user_account_unit_id_unit"), "unit", ["unit_id"], ["id"])
        batch_op.drop_constraint(batch_op.f("ck_user_account_role_valid"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_user_account_role_valid"), NEW_ROLES)
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("self_report_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("self_report_locked_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "self_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("notes", JSON, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('draft', 'submitted')", name=op.f("ck_self_report_state_valid")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"],
                                name=op.f("fk_self_report_updated_by_id_user_account")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_self_report_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_report")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_self_report_visit_id")),
    )
    op.create_table(
        "self_report_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("self_report_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("notes", JSON, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["saved_by_id"], ["user_account.id"],
                                name=op.f("fk_self_report_revision_saved_by_id_user_account")),
        sa.ForeignKeyConstraint(["self_report_id"], ["self_report.id"],
                                name=op.f("fk_self_report_revision_self_report_id_self_report")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_report_revision")),
        sa.UniqueConstraint("self_report_id", "revision", name=op.f("uq_self_report_revision_self_report_id_revision")),
    )
    with op.batch_alter_table("self_report_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_self_report_revision_self_report_id"), ["self_report_id"],
                              unique=False)
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("self_report_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_attachment_self_report_id"), ["self_report_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_attachment_self_report_id_self_report"), "self_report",
                                    ["self_report_id"], ["id"])

    op.create_table(
        "unit_invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_unit_invite_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_unit_invite_unit_id_unit")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_unit_invite_user_id_user_account")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_unit_invite_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_invite")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_unit_invite_token_hash")),
    )
    with op.batch_alter_table("unit_invite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_invite_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_invite_visit_id"), ["visit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("unit_invite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_invite_visit_id"))
        batch_op.drop_index(batch_op.f("ix_unit_invite_unit_id"))
    op.drop_table("unit_invite")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_attachment_self_report_id_self_report"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_attachment_self_report_id"))
        batch_op.drop_column("self_report_id")
    with op.batch_alter_table("self_report_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_report_revision_self_report_id"))
    op.drop_table("self_report_revision")
    op.drop_table("self_report")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("self_report_locked_at")
        batch_op.drop_column("self_report_due")
    op.execute("UPDATE user_account SET role = 'inspector', is_active_account = false WHERE role = 'unit'")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_user_account_role_valid"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_user_account_role_valid"), OLD_ROLES)
        batch_op.drop_constraint(batch_op.f("fk_user_account_unit_id_unit"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_user_account_unit_id"))
        batch_op.drop_column("unit_id")
