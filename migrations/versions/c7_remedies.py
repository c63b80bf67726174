"""Remedies after the visit: the unit's remedy reports, reviewed by the lead or a coordinator

Revision ID: c7_remedies
Revises: c6_unit
Create Date: 2026-12-02 01:10:00

Adds remedy_report (what the unit did about one recommendation, when, its state submitted /
accepted / returned, the reviewer and their comment) and attachment.remedy_report_id (the
report's evidence files). A recommendation's remedy_status follows the flow from now on:
open (chưa khắc phục), reported (đã báo cáo), remedied (đã khắc phục); the status the lead used
to set by hand migrates open -> open, done -> remedied. Downgrading maps remedied -> done and
reported -> open (the reports themselves go with their table).
"""
import sqlalchemy as sa
from alembic import op

revision = "c7_remedies"
down_revision = "c6_unit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "remedy_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('submitted', 'accepted', 'returned')",
                           name=op.f("ck_remedy_report_state_valid")),
        sa.ForeignKeyConstraint(["recommendation_id"], ["recommendation.id"],
                                name=op.f("fk_remedy_report_recommendation_id_recommendation")),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_remedy_report_author_id_user_account")),
        sa.ForeignKeyConstraint(["reviewer_id"], ["user_account.id"],
                                name=op.f("fk_remedy_report_reviewer_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remedy_report")),
    )
    with op.batch_alter_table("remedy_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remedy_report_recommendation_id"), ["recommendation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_remedy_report_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_remedy_report_reviewer_id"), ["reviewer_id"], unique=False)
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("remedy_report_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_attachment_remedy_report_id"), ["remedy_report_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_attachment_remedy_report_id_remedy_report"),
                                    "remedy_report", ["remedy_report_id"], ["id"])
    op.execute("UPDATE recommendation SET remedy_status = 'remedied' WHERE remedy_status = 'done'")
    op.execute("UPDATE recommendation SET remedy_status = 'open' "
               "WHERE remedy_status IS NULL OR remedy_status NOT IN ('open', 'remedied')")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_recommendation_remedy_status_valid"),
                                         "remedy_status IN ('open', 'reported', 'remedied')")


def downgrade():
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_recommendation_remedy_status_valid"), type_="check")
    op.execute("UPDATE recommendation SET remedy_status = 'done' WHERE remedy_status = 'remedied'")
    op.execute("UPDATE recommendation SET remedy_status = 'open' WHERE remedy_status = 'reported'")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_attachment_remedy_report_id_remedy_report"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_attachment_remedy_report_id"))
        batch_op.drop_column("remedy_report_id")
    with op.batch_alter_table("remedy_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remedy_report_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_remedy_report_author_id"))
        batch_op.drop_index(batch_op.f("ix_remedy_report_recommendation_id"))
    op.drop_table("remedy_report")
