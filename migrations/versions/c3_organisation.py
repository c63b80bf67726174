"""The organisation as settings, the campaign's issuing parent and on-time rule, record fields

Revision ID: c3_organisation
Revises: c2_submission_scope
Create Date: 2026-12-01 21:40:00

Adds the one-row organisation_setting table (province, managing department, its parent, form
prefixes), campaign.issuing_parent and campaign.on_time_rule, and what an inspection record
must state: meeting time and place, the unit's representatives, the secretary, the copies.
Existing campaigns keep their issuing body; their on-time rule becomes "on or before", which
is how they were judged until now.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "c3_organisation"
down_revision = 'c2_submission_scope'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade():
    op.create_table(
        "organisation_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=300), nullable=False),
        sa.Column("parent", sa.String(length=300), nullable=False),
        sa.Column("form_prefix", sa.String(length=40), nullable=False),
        sa.Column("record_symbol", sa.String(length=40), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"],
                                name=op.f("fk_organisation_setting_updated_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_setting")),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issuing_parent", sa.String(length=300), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("on_time_rule", sa.String(length=20),
                                      server_default="on_or_before", nullable=False))
        batch_op.create_check_constraint(op.f("ck_campaign_on_time_rule_valid"),
                                         "on_time_rule IN ('on_or_before', 'before')")
    with op.batch_alter_table("visit_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("meeting_place", sa.String(length=300), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("unit_representatives", JSON, nullable=True))
        batch_op.add_column(sa.Column("secretary", sa.String(length=200), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("copies", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("visit_report", schema=None) as batch_op:
        for column in ("copies", "secretary", "unit_representatives", "meeting_place", "meeting_at"):
            batch_op.drop_column(column)
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_campaign_on_time_rule_valid"), type_="check")
        batch_op.drop_column("on_time_rule")
        batch_op.drop_column("issuing_parent")
    op.drop_table("organisation_setting")
