"""A realistic demo province of 2026: agencies, inspected units, one annual campaign, two teams.

Loading is idempotent: everything is looked up by its code or username first.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from . import checklist, organisation
from .checklists.services import store_target_set, store_template
from .core import lifecycle
from .core.lifecycle import Event, is_final
from .extensions import db
from .models import (
    Agency,
    Campaign,
    OrganisationSetting,
    Recommendation,
    RemedyReport,
    Shortcoming,
    Team,
    TeamMember,
    Unit,
    User,
    Visit,
    VisitReport,
    utcnow,
)

AGENCIES = [
    ("SNV", "Sở Nội vụ", "Sở Nội vụ"),
    ("SNGV", "Sở Ngoại vụ", "Sở Ngoại vụ"),
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN"),
    ("LDLD", "Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh"),
    ("STP", "Sở Tư pháp", "Sở Tư pháp"),
    ("BTG", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban Tuyên giáo và Dân vận"),
]

# The province of 2026: two tiers of local government, so no district; the localities are a
# commune (xã), a ward (phường) and a special zone (đặc khu), all of the commune level.
# code, name, kind, parent code
UNITS = [
    ("SYT", "Sở Y tế", "department", None),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "department", None),
    ("STC", "Sở Tài chính", "department", None),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "department", None),
    ("SCT", "Sở Công Thương", "department", None),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "department", None),
    ("SXD", "Sở Xây dựng", "department", None),
    ("SKHCN", "Sở Khoa học và Công nghệ", "department", None),
    ("XA-HP", "UBND xã Hòa Phú", "commune", None),
    ("PHUONG-TL", "UBND phường Tân Lập", "commune", None),
    ("DK-AT", "UBND đặc khu An Thịnh", "commune", None),
    ("XA-MS", "UBND xã Minh Sơn", "commune", None),
]

# username, full name, role, agency code
USERS = [
    ("admin", "Quản trị hệ thống", "admin", "SNV"),
    ("coordinator", "Nguyễn Thị Hương", "coordinator", "SNV"),
    ("lead1", "Trần Văn Minh", "lead", "SNV"),
    ("lead2", "Lê Thị Thu Hà", "lead", "SNV"),
    ("inspector1", "Phạm Thị Lan", "inspector", "HLHPN"),
    ("inspector2", "Hoàng Văn Đức", "inspector", "LDLD"),
    ("inspector3", "Vũ Thị Mai", "inspector", "SNGV"),
    ("inspector4", "Đặng Quốc Bảo", "inspector", "STP"),
]

# team name, decision no., lead, members, unit codes
TEAMS = [
    ("Đoàn kiểm tra liên ngành số 1", "125/QĐ-SNV", "lead1", ["inspector1", "inspector2"],
     ["SYT", "SGDDT", "STC", "SVHTTDL", "SCT", "SNNMT"]),
    ("Đoàn kiểm tra liên ngành số 2", "126/QĐ-SNV", "lead2", ["inspector3", "inspector4"],
     ["SXD", "SKHCN", "XA-HP", "PHUONG-TL", "DK-AT", "XA-MS"]),
]

# The unit whose own report is already submitted in the demo, and what it declared.
SUBMITTED_REPORT_UNIT = "SYT"
SUBMITTED_REPORT = {
    "A1": "yes", "A1_date": "{year}-01-20", "A2": "yes", "A2_date": "{year}-02-10",
    "B4_meetings": 4, "C1": {"male": 120, "female": 180}, "C2": {"male": 9, "female": 6},
    "E1_meetings": 6, "E1_talks": 3, "H1": 150000000,
}


def rep_username(unit_code: str) -> str:
    """The demo representative of a unit: rep-<unit code>."""
    return f"rep-{unit_code}"


DEMO_PROVINCE = "Hòa An"  # a made-up province

CAMPAIGN_NAME = "Kiểm tra liên ngành công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm {year}"


def _get_or_create(model, lookup: dict, **values):
    row = db.session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        db.session.add(row)
        db.session.flush()
    return row


def seed_demo(password: str, year: int | None = None) -> list[User]:
    """Load the demo province; returns the demo users. The caller commits."""
    year = year or date.today().year
    agencies = {code: _get_or_create(Agency, {"code": code}, name=name, short_name=short)
                for code, name, short in AGENCIES}
    units: dict[str, Unit] = {}
    for code, name, kind, parent in UNITS:
        units[code] = _get_or_create(Unit, {"code": code}, name=name, kind=kind,
                                     parent_id=units[parent].id if parent else None)
    users: dict[str, User] = {}
    for username, full_name, role, agency in USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, full_name=full_name, role=role, agency_id=agencies[agency].id)
            db.session.add(user)
        user.set_password(password)
        users[username] = user
    db.session.flush()

    if organisation.stored() is None:  # loading data, like the rows above: not an audited change
        db.session.add(OrganisationSetting(id=organisation.SETTING_ID, province=DEMO_PROVINCE, department="",
                                           parent="", form_prefix="", record_symbol=""))
    template, _ = store_template(checklist.default_template())
    targets, _ = store_target_set(checklist.default_target_set())
    campaign = _get_or_create(
        Campaign, {"name": CAMPAIGN_NAME.format(year=year), "year": year},
        period="annual", start_date=date(year, 11, 15), end_date=date(year, 12, 15),
        deadline=date(year, 12, 10), template_id=template.id, target_set_id=targets.id,
        on_time_rule="on_or_before",
    )  # issuing body: the organisation's settings (Sở Nội vụ under UBND tỉnh ...)
    for index, (name, decision, lead, members, unit_codes) in enumerate(TEAMS):
        team = _get_or_create(Team, {"campaign_id": campaign.id, "name": name},
                              decision_number=decision, decision_date=date(year, 11, 1),
                              lead_id=users[lead].id)
        for username, team_role in [(lead, "lead")] + [(m, "member") for m in members]:
            _get_or_create(TeamMember, {"team_id": team.id, "user_id": users[username].id}, team_role=team_role)
        for day, code in enumerate(unit_codes):
            _get_or_create(Visit, {"team_id": team.id, "unit_id": units[code].id},
                           planned_date=date(year, 11, 17 + day + index), status="planned")
    reps = _seed_representatives(units, password)
    _seed_submitted_report(campaign, units[SUBMITTED_REPORT_UNIT], reps[SUBMITTED_REPORT_UNIT], year)
    return [users[u[0]] for u in USERS] + [reps[code] for code, *_rest in UNITS]


def _seed_representatives(units: dict[str, Unit], password: str) -> dict[str, User]:
    """A representative (role unit) for every demo unit, with the demo password."""
    reps = {}
    for code, name, _kind, _parent in UNITS:
        username = rep_username(code)
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, full_name=f"Đại diện {name}", role="unit", unit_id=units[code].id)
            db.session.add(user)
        user.set_password(password)
        reps[code] = user
    db.session.flush()
    return reps


def _seed_submitted_report(campaign: Campaign, unit: Unit, rep: User, year: int) -> None:
    """The unit's own report of its visit, submitted by its representative (once)."""
    from . import self_reports
    from .unit import services as unit_services

    visit = db.session.scalar(select(Visit).join(Team).where(Team.campaign_id == campaign.id,
                                                            Visit.unit_id == unit.id))
    if visit is None or self_reports.find_report(visit) is not None or visit.status != "planned":
        return
    answers = {code: value.format(year=year) if isinstance(value, str) else value
               for code, value in SUBMITTED_REPORT.items()}
    result = unit_services.save_report(rep, visit, answers=answers, notes={
        "C1": "Số liệu theo báo cáo nhân sự ngày 30/9."}, state="submitted", revision=1, lang="vi", audited=False)
    if not result.stored:
        raise RuntimeError(f"the demo report of {unit.code} was refused: {result.status} {result.errors}")



# After the visit (inspections/remedies): team 2's visit of this unit is final, with two
# recommendations: one whose remedy report the unit has sent (awaiting the lead's review) and
# one past its deadline with nothing reported (overdue), reported on by the unit's demo rep.
REMEDY_UNIT = "SKHCN"
REMEDY_RECOMMENDATIONS = [
    ("C", "Bổ sung nữ vào quy hoạch lãnh đạo cấp phòng giai đoạn 2026-2031.", "Giám đốc Sở", 30),
    ("D", "Ban hành kế hoạch truyền thông về bình đẳng giới năm sau và báo cáo kết quả.", "Văn phòng Sở", -7),
]


def seed_after_visit(password: str, year: int | None = None, today: date | None = None) -> list[User]:
    """Make the demo show the path after the visit (call after seed_demo; idempotent).

    Returns the users it had to create (none once seed_demo made the unit's rep). The caller commits.
    """
    from .access import UNIT_ROLE

    year = year or date.today().year
    today = today or date.today()
    unit = db.session.scalar(select(Unit).where(Unit.code == REMEDY_UNIT))
    assert unit is not None, "seed_demo made the demo units"
    visit = db.session.scalar(select(Visit).join(Team).join(Campaign).where(
        Visit.unit_id == unit.id, Campaign.name == CAMPAIGN_NAME.format(year=year)))
    assert visit is not None, "seed_demo made the demo campaign's visits"
    lead = visit.team.lead
    assert lead is not None, "every demo team has a lead"
    # The unit's representative of seed_demo (rep-SKHCN); made here only if it is missing.
    found = db.session.scalar(select(User).where(User.username == rep_username(REMEDY_UNIT)))
    created = found is None
    rep = found
    if rep is None:
        rep = User(username=rep_username(REMEDY_UNIT), full_name=f"Đại diện {unit.name}", role=UNIT_ROLE,
                   unit_id=unit.id)
        db.session.add(rep)
        rep.set_password(password)
        db.session.flush()
    if not is_final(visit.status):
        lifecycle.apply(visit, Event.FINALIZE)
        visit.record_number = visit.record_number or "07"
        visit.finalized_at = utcnow()
        visit.finalized_by_id = lead.id
    _get_or_create(VisitReport, {"visit_id": visit.id},
                   achievements="Sở đã ban hành kế hoạch bình đẳng giới hằng năm và bố trí kinh phí.",
                   conclusion="Sở thực hiện cơ bản đầy đủ các quy định về bình đẳng giới; còn hạn chế về "
                              "tỷ lệ nữ lãnh đạo cấp phòng và công tác truyền thông.",
                   updated_by_id=lead.id)
    _get_or_create(Shortcoming, {"visit_id": visit.id, "text": "Tỷ lệ nữ lãnh đạo cấp phòng còn thấp."},
                   section="C", cause_kind="internal", cause="Chưa có kế hoạch tạo nguồn cán bộ nữ.", position=1)
    for position, (section, text, responsible, days) in enumerate(REMEDY_RECOMMENDATIONS, 1):
        _get_or_create(Recommendation, {"visit_id": visit.id, "text": text}, section=section,
                       responsible=responsible, remedy_deadline=today + timedelta(days=days),
                       remedy_status="open", position=position)
    first = db.session.scalar(select(Recommendation).where(
        Recommendation.visit_id == visit.id, Recommendation.text == REMEDY_RECOMMENDATIONS[0][1]))
    assert first is not None
    if not first.remedy_reports:
        db.session.add(RemedyReport(
            recommendation_id=first.id, author_id=rep.id, state="submitted", late=False, review_comment="",
            text="Sở đã phê duyệt quy hoạch bổ sung 3 cán bộ nữ vào nguồn lãnh đạo cấp phòng.",
            done_on=today - timedelta(days=2)))
        first.remedy_status = "reported"
    db.session.flush()
    return [rep] if created else []
