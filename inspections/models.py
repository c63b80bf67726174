"""ORM models (SQLAlchemy 2 style).

The relations follow ../shared/DESIGN.md: an annual or mid-year Campaign uses one immutable
Template version and one TargetSet; Teams of the campaign Visit Units; each inspector's
Submission of a visit keeps every revision; the lead's Resolutions, findings and sign-off
belong to the Visit; every change lands in AuditEvent.
"""
from __future__ import annotations

import secrets
import uuid as uuid_module
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Optional

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator
from werkzeug.security import check_password_hash, generate_password_hash

from .core import lifecycle
from .extensions import db

if TYPE_CHECKING:  # db.Model is built at run time; to a type checker it is the declarative base
    from .extensions import Base as Model
else:
    Model = db.Model

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: Optional[datetime]) -> Optional[datetime]:
    """A naive datetime read as UTC (how every stored time is meant); others unchanged."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return as_utc(value)

    def process_result_value(self, value, dialect):
        return as_utc(value)


ROLES = ("admin", "coordinator", "lead", "inspector", "unit")
#: The unit role (đại diện đơn vị được kiểm tra) is bound to one Unit through User.unit_id.
#: Every kind a stored unit may have. "district" (UBND cấp huyện) is kept only so that units of
#: campaigns before the 2025 reform stay readable; new units take one of NEW_UNIT_KINDS.
UNIT_KINDS = ("department", "district", "commune")
#: Kinds offered for new units since local government has two tiers (2025): department-level
#: (sở, ban, ngành) and commune-level (xã, phường, đặc khu).
NEW_UNIT_KINDS = ("department", "commune")
ON_TIME_RULES = ("on_or_before", "before")
PERIODS = ("mid_year", "annual")
VISIT_STATES = lifecycle.STATES  # planned, in_progress, merging, final
SUBMISSION_STATES = ("draft", "submitted")
REVIEW_STATES = ("received", "has_issues", "approved")
TEAM_ROLES = ("lead", "deputy", "member", "secretary")
#: A recommendation's remedy status as stored: chưa khắc phục, đã báo cáo (a remedy report
#: awaits review), đã khắc phục. "Overdue" (quá hạn) is derived: the deadline has passed and the
#: status is not remedied (see inspections.remedies.services.display_status).
REMEDY_STATUSES = ("open", "reported", "remedied")
REMEDY_REPORT_STATES = ("submitted", "accepted", "returned")


def _enum_check(column: str, values: tuple[str, ...]) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=f"{column}_valid")


class Agency(Model):
    """An agency a team member comes from (Home Affairs, Justice, Women's Union, ...)."""

    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(80), default="")
    archived_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="agency")


class Unit(Model):
    """An inspected agency or locality (đơn vị được kiểm tra)."""

    __tablename__ = "unit"
    __table_args__ = (_enum_check("kind", UNIT_KINDS),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    archived_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Optional["Unit"]] = relationship(remote_side=[id])


class User(UserMixin, Model):
    __tablename__ = "user_account"
    __table_args__ = (_enum_check("role", ROLES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agency.id"), index=True)
    # The unit a `unit` account represents (None for every other role).
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the id every session and remember cookie carries (see core/sessions.py): a new
    # value ends every session of the user at once, on every device.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: new_session_token())
    last_login_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    last_sync_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agency: Mapped[Optional[Agency]] = relationship(back_populates="users")
    unit: Mapped[Optional[Unit]] = relationship(foreign_keys=[unit_id])

    @property
    def is_active(self) -> bool:  # Flask-Login: archived users cannot log in
        return self.may_log_in

    @property
    def may_log_in(self) -> bool:
        """An active account; a unit's representative also needs a unit that is not archived."""
        if not self.is_active_account:
            return False
        if self.role == "unit":
            return self.unit is not None and self.unit.archived_at is None
        return True

    def set_password(self, password: str) -> None:
        """A new password also ends every session: whoever knew the old one is logged out."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)
        self.end_sessions()

    def end_sessions(self) -> None:
        """End every session and remember cookie of this user (they hold the old token)."""
        self.session_token = new_session_token()

    def get_id(self) -> str:
        """Flask-Login stores this at log-in: a fresh id per log-in (see core/sessions.py)."""
        from .core.sessions import session_id

        return session_id(self)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class TargetSet(Model):
    """A versioned set of national targets (e.g. 2021-2030 strategy)."""

    __tablename__ = "target_set"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300), default="")
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Template(Model):
    """One immutable version of a checklist template; the definition is the checklist core's dict."""

    __tablename__ = "checklist_template"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300), default="")
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Campaign(Model):
    """A reporting period's inspections (đợt kiểm tra): year, mid-year or annual, deadline."""

    __tablename__ = "campaign"
    __table_args__ = (_enum_check("period", PERIODS), _enum_check("on_time_rule", ON_TIME_RULES))
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[Optional[date]] = mapped_column(Date)
    end_date: Mapped[Optional[date]] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id"), index=True)
    target_set_id: Mapped[int] = mapped_column(ForeignKey("target_set.id"), index=True)
    # The issuing body of this campaign's forms; empty: the organisation's settings
    # (inspections.organisation). issuing_body is the managing department, issuing_parent the
    # body above it ("UBND TỈNH ..."), the two lines of Decree 30/2020.
    issuing_body: Mapped[str] = mapped_column(String(300), default="")
    issuing_parent: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # "trước 10/6": on or before the day (default) or strictly before it; G3/G4 and I10 follow it.
    on_time_rule: Mapped[str] = mapped_column(String(20), default="on_or_before",
                                              server_default="on_or_before")
    archived_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    template: Mapped[Template] = relationship()
    target_set: Mapped[TargetSet] = relationship()
    teams: Mapped[list["Team"]] = relationship(back_populates="campaign", order_by="Team.id")


class Team(Model):
    """An inter-agency inspection team (đoàn kiểm tra liên ngành) of one campaign."""

    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    decision_number: Mapped[str] = mapped_column(String(80), default="")
    decision_date: Mapped[Optional[date]] = mapped_column(Date)
    lead_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"), index=True)
    archived_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="teams")
    lead: Mapped[Optional[User]] = relationship(foreign_keys=[lead_id])
    members: Mapped[list["TeamMember"]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMember.id"
    )
    visits: Mapped[list["Visit"]] = relationship(back_populates="team", order_by="Visit.id")


class TeamMember(Model):
    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("team_id", "user_id"), _enum_check("team_role", TEAM_ROLES))
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    team_role: Mapped[str] = mapped_column(String(20), default="member")

    team: Mapped[Team] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class Visit(Model):
    """A team's inspection of one unit; `version` guards against lost updates (409)."""

    __tablename__ = "visit"
    __table_args__ = (UniqueConstraint("team_id", "unit_id"), _enum_check("status", VISIT_STATES))
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    planned_date: Mapped[Optional[date]] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    record_number: Mapped[str] = mapped_column(String(80), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    finalized_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    finalized_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    # The unit's own report: due this day (None: five days before planned_date), closed early
    # when the lead or a coordinator locks it.
    self_report_due: Mapped[Optional[date]] = mapped_column(Date)
    self_report_locked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    archived_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    team: Mapped[Team] = relationship(back_populates="visits")
    unit: Mapped[Unit] = relationship()
    finalized_by: Mapped[Optional[User]] = relationship(foreign_keys=[finalized_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def campaign(self) -> Campaign:
        return self.team.campaign


class Submission(Model):
    """One inspector's checklist for one visit, identified by the client's uuid.

    `revision` is the client's counter; every stored revision is kept in SubmissionRevision.
    A uuid is unique per inspector, not across the server: a submission is (inspector, uuid), so
    a uuid someone else used (by chance or on purpose: default uuids are computable) never
    stops its owner from storing their checklist under it.
    """

    __tablename__ = "submission"
    __table_args__ = (
        _enum_check("state", SUBMISSION_STATES),
        _enum_check("review_state", REVIEW_STATES),
        UniqueConstraint("inspector_id", "uuid"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36))
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(20), default="submitted")
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    notes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    client_saved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    review_state: Mapped[str] = mapped_column(String(20), default="received")

    visit: Mapped[Visit] = relationship()
    inspector: Mapped[User] = relationship()
    revisions: Mapped[list["SubmissionRevision"]] = relationship(
        back_populates="submission", order_by="SubmissionRevision.revision"
    )


class SubmissionRevision(Model):
    """An immutable copy of every revision a submission ever had."""

    __tablename__ = "submission_revision"
    __table_args__ = (UniqueConstraint("submission_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    notes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    client_saved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, default=False)

    submission: Mapped[Submission] = relationship(back_populates="revisions")


class Attachment(Model):
    """An evidence file (minh chứng), stored under UPLOAD_DIR by uuid; idempotent by uuid+sha256."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    visit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("visit.id"), index=True)
    submission_id: Mapped[Optional[int]] = mapped_column(ForeignKey("submission.id"), index=True)
    self_report_id: Mapped[Optional[int]] = mapped_column(ForeignKey("self_report.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(40), default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100))
    # Evidence of a remedy report (the unit's, after the visit): visit_id stays empty so the
    # file never joins the visit's checklist evidence; who may read it follows the report.
    remedy_report_id: Mapped[Optional[int]] = mapped_column(ForeignKey("remedy_report.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    uploaded_by: Mapped[User] = relationship()


SELF_REPORT_STATES = ("draft", "submitted")


class SelfReport(Model):
    """The inspected unit's own report for one visit (báo cáo của đơn vị), before the team comes.

    Same idempotency as a Submission: `revision` grows with every change; every stored revision
    is kept in SelfReportRevision.
    """

    __tablename__ = "self_report"
    __table_args__ = (_enum_check("state", SELF_REPORT_STATES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), unique=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    notes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    submitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    visit: Mapped[Visit] = relationship()
    updated_by: Mapped[Optional[User]] = relationship()
    revisions: Mapped[list["SelfReportRevision"]] = relationship(
        back_populates="self_report", order_by="SelfReportRevision.revision"
    )


class SelfReportRevision(Model):
    """An immutable copy of every revision of a unit's report."""

    __tablename__ = "self_report_revision"
    __table_args__ = (UniqueConstraint("self_report_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    self_report_id: Mapped[int] = mapped_column(ForeignKey("self_report.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType)
    notes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    saved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    self_report: Mapped[SelfReport] = relationship(back_populates="revisions")


class UnitInvite(Model):
    """A one-time link that lets a unit's representative set a password (and so get an account).

    Only a digest of the token is stored; the account is created when the link is used.
    """

    __tablename__ = "unit_invite"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    visit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("visit.id"), index=True)
    username: Mapped[str] = mapped_column(String(80))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))

    unit: Mapped[Unit] = relationship()
    visit: Mapped[Optional[Visit]] = relationship()


class ReviewComment(Model):
    """A lead's send-back note on one item of one submission revision."""

    __tablename__ = "review_comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    item_code: Mapped[str] = mapped_column(String(40), default="")
    comment: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    addressed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())

    author: Mapped[User] = relationship()


class Resolution(Model):
    """The lead's final value for one item of one visit, with where it came from."""

    __tablename__ = "resolution"
    __table_args__ = (UniqueConstraint("visit_id", "item_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    source: Mapped[str] = mapped_column(String(20))  # agreed | picked | entered
    source_submission_id: Mapped[Optional[int]] = mapped_column(ForeignKey("submission.id"))
    source_revision: Mapped[Optional[int]] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    resolved_by: Mapped[Optional[User]] = relationship()


class VisitReport(Model):
    """The narrative part of the inspection record (biên bản kiểm tra)."""

    __tablename__ = "visit_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), unique=True)
    achievements: Mapped[str] = mapped_column(Text, default="")
    conclusion: Mapped[str] = mapped_column(Text, default="")
    # What a biên bản must state besides the findings: when and where the meeting with the unit
    # took place, who represented the unit ([{"name", "position"}]), the team's secretary and
    # how many copies are made.
    meeting_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())
    meeting_place: Mapped[str] = mapped_column(String(300), default="", server_default="")
    unit_representatives: Mapped[Optional[list[dict[str, str]]]] = mapped_column(JSONType, default=list)
    secretary: Mapped[str] = mapped_column(String(200), default="", server_default="")
    copies: Mapped[Optional[int]] = mapped_column(Integer)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Shortcoming(Model):
    """A shortcoming (tồn tại, hạn chế) found at a visit, with its cause."""

    __tablename__ = "shortcoming"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    section: Mapped[str] = mapped_column(String(10), default="")
    text: Mapped[str] = mapped_column(Text)
    cause_kind: Mapped[str] = mapped_column(String(20), default="")  # internal | external
    cause: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Recommendation(Model):
    """A team recommendation (kiến nghị): who must act and by when (thời hạn khắc phục).

    `remedy_status` follows the remedy flow (inspections/remedies): the unit's remedy report
    makes it "reported"; the lead or a coordinator accepting it makes it "remedied", returning
    it makes it "open" again. Nobody edits it directly.
    """

    __tablename__ = "recommendation"
    __table_args__ = (_enum_check("remedy_status", REMEDY_STATUSES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    section: Mapped[str] = mapped_column(String(10), default="")
    text: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(300), default="")
    remedy_deadline: Mapped[Optional[date]] = mapped_column(Date)
    remedy_status: Mapped[str] = mapped_column(String(20), default="open")  # REMEDY_STATUSES
    position: Mapped[int] = mapped_column(Integer, default=0)

    visit: Mapped[Visit] = relationship()
    remedy_reports: Mapped[list["RemedyReport"]] = relationship(
        back_populates="recommendation", order_by="RemedyReport.id")


class RemedyReport(Model):
    """The inspected unit's report on what it did about one recommendation (báo cáo khắc phục).

    Submitted by the unit's representative; the lead of the visit's team or a coordinator
    accepts it (the recommendation is remedied) or returns it with a comment (open again, the
    unit may send another). `late`: sent after the remedy deadline.
    """

    __tablename__ = "remedy_report"
    __table_args__ = (_enum_check("state", REMEDY_REPORT_STATES),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    done_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="submitted")
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"), index=True)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime())

    recommendation: Mapped[Recommendation] = relationship(back_populates="remedy_reports")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[Optional[User]] = relationship(foreign_keys=[reviewer_id])
    evidence: Mapped[list[Attachment]] = relationship(order_by="Attachment.id")


class OrganisationSetting(Model):
    """The organisation running the inspections, as an admin set it (one row, id 1).

    Read it through inspections.organisation, which falls back to the environment defaults
    for a field left empty.
    """

    __tablename__ = "organisation_setting"
    id: Mapped[int] = mapped_column(primary_key=True)
    province: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(300), default="")
    parent: Mapped[str] = mapped_column(String(300), default="")
    form_prefix: Mapped[str] = mapped_column(String(40), default="")
    record_symbol: Mapped[str] = mapped_column(String(40), default="")
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEvent(Model):
    """Who did what, when, with the state before and after."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[Optional[int]] = mapped_column(Integer)
    visit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("visit.id"), index=True)
    before: Mapped[Optional[Any]] = mapped_column(JSONType, nullable=True)
    after: Mapped[Optional[Any]] = mapped_column(JSONType, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[Optional[User]] = relationship()


class LoginFailure(Model):
    """One wrong password (or one being checked): the log-in limits count these rows.

    Kept in the database so every worker process counts the same attempts. `account` is a
    digest of the typed username, so made-up names are limited exactly like real ones.
    """

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    account: Mapped[str] = mapped_column(String(64), index=True)


def new_session_token() -> str:
    return secrets.token_hex(16)


def new_uuid() -> str:
    return str(uuid_module.uuid4())


EXPORT_JOB_STATES = ("queued", "running", "done", "failed")


class ExportJob(Model):
    """A long export (a workbook or report of many visits) built outside the request.

    The table is the queue: any process claims a queued job, or a running one whose lease has
    lapsed (its worker died), with one UPDATE, so a killed worker's job is picked up again.
    ``active_key`` holds the job's identity while it is queued or running and is cleared when
    it ends: the unique constraint makes a second click join the first job instead of starting
    another.
    """

    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    requested_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"), index=True)
    active_key: Mapped[Optional[str]] = mapped_column(String(200), unique=True, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)
    lease_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime(), nullable=True)
    filename: Mapped[str] = mapped_column(String(300), default="")
    storage_key: Mapped[str] = mapped_column(String(80), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime(), nullable=True)
    expires_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime(), nullable=True)
