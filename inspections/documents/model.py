"""What the three Word documents say, as plain data (no Flask, no database, no python-docx).

`inspections.reports.documents` fills these from the database, reusing what the workbooks and the printed
record compute; `word.py` lays them out. Text fields hold exactly what the data says; an
empty string or ``None`` means "not known", and the builder prints a dotted line there for a
person to write in — never a sentence of its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Optional


@dataclass
class Frame:
    """The Decree 30/2020 header: issuing body (two lines), number, place and date."""

    parent: str = ""        # the body above the issuer ("UỶ BAN NHÂN DÂN TỈNH ..."); "" → dotted
    department: str = ""    # the issuer itself, printed bold ("SỞ NỘI VỤ", an inspection team)
    number: str = ""        # "12/BB-ĐKTLN"; "" → "Số: ……/……"
    number_suffix: str = ""  # the symbol printed after a blank number: "BB-ĐKTLN", "TB-...", "BC-..."
    place: str = ""         # the place name of the date line; "" → dotted
    day: Optional[date] = None  # None → "ngày …… tháng …… năm <year>"
    year: Optional[int] = None  # the year printed when the day is not known
    draft: str = ""         # a mark printed above the title when the data is not final


@dataclass
class Person:
    name: str = ""
    position: str = ""      # the role in the team, or a job title
    agency: str = ""


@dataclass
class AnswerLine:
    label: str
    text: str


@dataclass
class CountLine:
    """One row of a "Tổng số | Trong đó: Nữ | Tỷ lệ nữ (%)" table, already formatted."""

    label: str
    total: str
    women: str
    share: str
    units: str = ""          # how many units the sums cover (reports only)


@dataclass
class SectionResult:
    title: str
    answers: list[AnswerLine] = field(default_factory=list)
    counts: list[CountLine] = field(default_factory=list)


@dataclass
class DiscrepancyLine:
    """A figure the unit declared in its own report that the team's check found different."""

    label: str
    declared: str
    verified: str
    note: str = ""


@dataclass
class Shortcoming:
    text: str
    section: str = ""        # the section's title, "" when none
    cause_kind: str = ""     # "chủ quan" / "khách quan" / ""
    cause: str = ""


@dataclass
class Recommendation:
    text: str
    section: str = ""
    responsible: str = ""
    deadline: Optional[date] = None


@dataclass
class Decision:
    number: str = ""
    day: Optional[date] = None


@dataclass
class VisitRecord:
    """Biên bản kiểm tra: one visit."""

    frame: Frame
    campaign: str
    unit_name: str
    unit_address: str
    team_name: str
    decision: Decision
    members: list[Person]
    lead_name: str
    sections: list[SectionResult]
    achievements: str
    shortcomings: list[Shortcoming]
    recommendations: list[Recommendation]
    conclusion: str
    visit_day: Optional[date] = None
    # Record fields the 2026 frame adds to the visit report; None → dotted lines.
    meeting_start: Optional[datetime] = None
    meeting_end: Optional[datetime] = None
    meeting_place: Optional[str] = None
    unit_representatives: Optional[list[Person]] = None
    secretary: Optional[str] = None
    copies: Optional[int] = None
    # The unit's declared figures that differ from the team's check (its own report, #15).
    discrepancies: list[DiscrepancyLine] = field(default_factory=list)


@dataclass
class Conclusions:
    """Thông báo kết luận kiểm tra: from the department to the inspected unit."""

    frame: Frame
    campaign: str
    unit_name: str
    team_name: str
    decision: Decision
    record_number: str
    visit_day: Optional[date]
    checked: list[str]            # the section titles checked at the unit
    achievements: str
    shortcomings: list[Shortcoming]
    recommendations: list[Recommendation]
    report_by: Optional[date]     # report remedies before this day; None → dotted


@dataclass
class IndicatorLine:
    label: str
    value: str                    # "65,0%", "Có", "" (no data)
    numerator: str
    denominator: str
    of_units: bool                # the numerator counts units (a yes/no indicator rolled up)
    target: str
    status: str                   # "Đạt" / "Không đạt" / "Chưa có số liệu" / "Không có chỉ tiêu"
    previous: str = ""            # the previous period's value, "" when none


@dataclass
class TallyLine:
    """A thing many units share: how many of how many units."""

    text: str
    units: int
    of: int = 0                   # 0: the total is not meaningful (recorded findings)
    note: str = ""


@dataclass
class SectionTally:
    title: str
    achieved: list[TallyLine] = field(default_factory=list)
    not_achieved: list[TallyLine] = field(default_factory=list)
    recorded: list[TallyLine] = field(default_factory=list)   # shortcomings the teams wrote


@dataclass
class TeamLine:
    name: str
    decision: Decision
    lead: str
    units: int


@dataclass
class ResultsReport:
    """Báo cáo kết quả kiểm tra: a campaign, or a year's mid-year or annual period."""

    frame: Frame
    subject: str                  # "năm 2026" / the campaign's name
    period_label: str             # "6 tháng đầu năm 2026" / "năm 2026"
    campaigns: list[str]
    dates: str                    # "15/11/2026 - 15/12/2026" or ""
    units_planned: int
    units_counted: int
    units_final: int
    units_provisional: int
    units_by_kind: list[tuple[str, int]]
    teams: list[TeamLine]
    indicators: list[IndicatorLine]
    previous_label: str           # "năm 2025", "" when there is no previous period
    counts: list[CountLine]
    sections: list[SectionTally]
    recommendations: list[SectionTally]  # ``recorded`` holds the frequent recommendations
    provisional_note: str = ""    # printed prominently when open visits are counted in
    empty_note: str = ""          # why there are no figures, when there are none
    scope_note: str = ""          # "Phạm vi: Đoàn ..." for a lead's own teams
