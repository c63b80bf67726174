"""The three documents the team signs and sends, laid out from plain data (see model.py).

* :func:`write_record` — Biên bản kiểm tra (one visit, signed at the unit);
* :func:`write_conclusions` — Thông báo kết luận kiểm tra (the department to the unit);
* :func:`write_report` — Báo cáo kết quả kiểm tra (a campaign or a reporting period).

Always in Vietnamese: these are official documents, whatever the user's interface language.
Pure functions of their dataclass (no Flask, no database); ``out`` is a path or a binary
file. Item codes never appear: the official text names things by their labels.
"""
from __future__ import annotations

from typing import Sequence

from .layout import DOTS, Page, SignBlock, day_text, or_dots
from .model import Conclusions, CountLine, Recommendation, ResultsReport, SectionTally, Shortcoming, VisitRecord

SUBJECT = "công tác bình đẳng giới và vì sự tiến bộ của phụ nữ"
COUNT_HEADERS = ("TT", "Nội dung", "Tổng số", "Trong đó: Nữ", "Tỷ lệ nữ (%)")
DISCREPANCY_TITLE = "Số liệu đơn vị báo cáo khác với kết quả kiểm tra"
DISCREPANCY_HEADERS = ("TT", "Nội dung", "Đơn vị báo cáo", "Đoàn kiểm tra xác định", "Ghi chú")
SIGN_NOTE = "(Ký, ghi rõ họ tên)"
SIGN_SEAL_NOTE = "(Ký, ghi rõ họ tên, đóng dấu)"


# -- 1. Biên bản kiểm tra -----------------------------------------------------------------------

def write_record(record: VisitRecord, out) -> None:
    page = Page()
    frame = record.frame
    page.header(parent=frame.parent, department=frame.department, number=frame.number,
                number_suffix=frame.number_suffix, place=frame.place, day=frame.day,
                year=frame.year)
    page.title(["BIÊN BẢN KIỂM TRA", f"Việc thực hiện {SUBJECT}", f"tại {record.unit_name}"],
               draft=frame.draft)
    decision = record.decision
    page.para(f"Căn cứ Quyết định số {or_dots(decision.number)}"
              + (f" ngày {day_text(decision.day)}" if decision.day else f" ngày {DOTS}")
              + f" về việc thành lập {record.team_name or 'Đoàn kiểm tra liên ngành'};")
    if record.campaign:
        page.para(f"Thực hiện {record.campaign};")
    page.para(_meeting_sentence(record))
    page.heading("I.", "THÀNH PHẦN")
    page.heading("1.", f"Đoàn kiểm tra: {record.team_name}".rstrip(": "), level=2)
    for index, member in enumerate(record.members, 1):
        tail = ", ".join(part for part in (member.agency,) if part)
        page.para(f"{index}. {member.name}" + (f", {tail}" if tail else "")
                  + (f" — {member.position}" if member.position else "") + ";", indent=False)
    if not record.members:
        page.dotted_lines(2)
    if record.secretary:
        page.para(f"Thư ký đoàn: {record.secretary}", indent=False)
    else:
        page.dotted_lines(1, lead="Thư ký đoàn: ")
    page.heading("2.", f"Đơn vị được kiểm tra: {record.unit_name}", level=2)
    if record.unit_address:
        page.para(f"Địa chỉ: {record.unit_address}", indent=False)
    if record.unit_representatives:
        for index, person in enumerate(record.unit_representatives, 1):
            page.para(f"{index}. {person.name}" + (f" — {person.position}" if person.position
                                                  else f" — Chức vụ: {DOTS}") + ";", indent=False)
    else:
        page.para("Đại diện đơn vị:", indent=False, keep=True)
        for index in range(1, 3):
            page.dotted_lines(1, lead=f"{index}. Ông/Bà: {DOTS}{DOTS}{DOTS}{DOTS} Chức vụ: ")

    page.heading("II.", "KẾT QUẢ KIỂM TRA")
    for index, section in enumerate(record.sections, 1):
        page.heading(f"{index}.", section.title, level=2)
        for line in section.answers:
            page.bullet(f"{line.label}: {line.text}", indent=False)
        if section.counts:
            _count_table(page, section.counts)
    if record.discrepancies:
        page.heading(f"{len(record.sections) + 1}.", DISCREPANCY_TITLE, level=2)
        page.table(DISCREPANCY_HEADERS,
                   [(str(i), d.label, d.declared, d.verified, d.note) for i, d in enumerate(record.discrepancies, 1)],
                   (10, 55, 35, 35, 30))
    page.heading("III.", "KẾT QUẢ ĐẠT ĐƯỢC")
    _text_or_dots(page, record.achievements)
    page.heading("IV.", "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN")
    _shortcomings(page, record.shortcomings)
    page.heading("V.", "Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA")
    page.dotted_lines(4)
    page.heading("VI.", "KIẾN NGHỊ CỦA ĐOÀN KIỂM TRA")
    _recommendations(page, record.recommendations)
    if record.conclusion.strip():
        page.heading("VII.", "KẾT LUẬN")
        _text_or_dots(page, record.conclusion)
    end = "hồi " + (record.meeting_end.strftime("%H giờ %M") if record.meeting_end
                    else f"{DOTS} giờ {DOTS}")
    copies = str(record.copies) if record.copies else DOTS
    page.para(f"Biên bản kết thúc vào {end} cùng ngày, được lập thành {copies} bản có giá trị "
              "như nhau, đã được đọc lại cho các thành viên Đoàn kiểm tra và đại diện đơn vị "
              "được kiểm tra cùng nghe, thống nhất ký tên dưới đây./.")
    page.closing(recipients=(),
                 left_blocks=[SignBlock(["Đại diện đơn vị được kiểm tra", "Thủ trưởng đơn vị"],
                                        SIGN_SEAL_NOTE)],
                 blocks=[SignBlock(["Trưởng đoàn kiểm tra"], SIGN_NOTE, record.lead_name),
                         SignBlock(["Thư ký đoàn"], SIGN_NOTE, record.secretary or "")])
    page.save(out)


def _meeting_sentence(record: VisitRecord) -> str:
    start = record.meeting_start
    if start is not None:
        when = f"hồi {start.strftime('%H giờ %M')}, ngày {start.strftime('%d/%m/%Y')}"
    elif record.visit_day is not None:
        when = f"hồi {DOTS} giờ {DOTS}, ngày {day_text(record.visit_day)}"
    else:
        when = f"hồi {DOTS} giờ {DOTS}, ngày {DOTS}/{DOTS}/{DOTS}"
    place = record.meeting_place or record.unit_address
    place_text = place if place else DOTS * 4
    return (f"Vào {when}, tại {place_text}, Đoàn kiểm tra tiến hành kiểm tra việc thực hiện "
            f"{SUBJECT} tại {record.unit_name}, gồm:")


# -- 2. Thông báo kết luận kiểm tra -------------------------------------------------------------

def write_conclusions(notice: Conclusions, out) -> None:
    page = Page()
    frame = notice.frame
    page.header(parent=frame.parent, department=frame.department, number=frame.number,
                number_suffix=frame.number_suffix, place=frame.place, day=frame.day,
                year=frame.year)
    page.title(["THÔNG BÁO", "Kết luận kiểm tra công tác bình đẳng giới",
                f"và vì sự tiến bộ của phụ nữ tại {notice.unit_name}"],
               draft=frame.draft)
    decision = notice.decision
    issuer = frame.department or DOTS * 3
    visit_day = day_text(notice.visit_day) or f"{DOTS}/{DOTS}/{DOTS}"
    page.para(f"Thực hiện Quyết định số {or_dots(decision.number)}"
              + (f" ngày {day_text(decision.day)}" if decision.day else f" ngày {DOTS}")
              + f" về việc thành lập {notice.team_name or 'Đoàn kiểm tra liên ngành'}"
              + (f" ({notice.campaign})" if notice.campaign else "")
              + f", ngày {visit_day}, Đoàn kiểm tra đã tiến hành kiểm tra tại {notice.unit_name}.")
    page.para(f"Căn cứ Biên bản kiểm tra số {or_dots(notice.record_number)} và báo cáo của "
              f"Đoàn kiểm tra, {issuer} thông báo kết luận kiểm tra như sau:")
    page.heading("1.", "Nội dung kiểm tra", level=2)
    for title in notice.checked:
        page.bullet(title + ";", indent=False)
    page.heading("2.", "Kết quả đạt được", level=2)
    _text_or_dots(page, notice.achievements)
    page.heading("3.", "Tồn tại, hạn chế", level=2)
    _shortcomings(page, notice.shortcomings)
    page.heading("4.", "Kiến nghị và thời hạn khắc phục", level=2)
    _recommendations(page, notice.recommendations)
    by = day_text(notice.report_by) or f"{DOTS}/{DOTS}/{DOTS}"
    page.para(f"Đề nghị {notice.unit_name} tổ chức khắc phục các tồn tại, hạn chế nêu trên và "
              f"báo cáo kết quả khắc phục bằng văn bản về {issuer} trước ngày {by}./.")
    page.closing(recipients=[f"- {notice.unit_name};", "- Lưu: VT, hồ sơ đoàn kiểm tra."],
                 blocks=[SignBlock(["Thủ trưởng cơ quan"], SIGN_SEAL_NOTE)])
    page.save(out)


# -- 3. Báo cáo kết quả kiểm tra ----------------------------------------------------------------

def write_report(report: ResultsReport, out) -> None:
    page = Page()
    frame = report.frame
    page.header(parent=frame.parent, department=frame.department, number=frame.number,
                number_suffix=frame.number_suffix, place=frame.place, day=frame.day,
                year=frame.year)
    page.title(["BÁO CÁO", "Kết quả kiểm tra liên ngành công tác bình đẳng giới",
                "và vì sự tiến bộ của phụ nữ", report.subject],
               draft=frame.draft)
    if report.provisional_note:
        page.para(report.provisional_note, bold=True, italic=True, indent=False)
    if report.scope_note:
        page.para(report.scope_note, italic=True, indent=False)
    issuer = frame.department or DOTS * 3
    page.para(f"Căn cứ kết quả kiểm tra của các đoàn kiểm tra liên ngành, {issuer} báo cáo kết "
              f"quả kiểm tra {SUBJECT} {report.period_label} như sau:")

    page.heading("I.", "KHÁI QUÁT CHUNG")
    for name in report.campaigns:
        page.bullet(f"Đợt kiểm tra: {name}" + (f" ({report.dates})" if report.dates and
                                              len(report.campaigns) == 1 else "") + ";",
                    indent=False)
    kinds = ", ".join(f"{count} {label}" for label, count in report.units_by_kind)
    page.bullet(f"Số đơn vị theo kế hoạch kiểm tra: {report.units_planned} đơn vị;", indent=False)
    page.bullet(f"Số đơn vị đã kiểm tra và tổng hợp trong báo cáo: {report.units_counted} đơn vị"
                + (f" ({kinds})" if kinds else "") + f", do {len(report.teams)} đoàn kiểm tra "
                "thực hiện;", indent=False)
    page.bullet(f"Số biên bản kiểm tra đã hoàn thành: {report.units_final}"
                + (f"; số liệu tạm thời của {report.units_provisional} cuộc kiểm tra chưa "
                   "hoàn thành biên bản" if report.units_provisional else "") + ".", indent=False)
    if report.teams:
        _team_table(page, report)
    if report.empty_note:
        page.para(report.empty_note, italic=True)

    page.heading("II.", "KẾT QUẢ KIỂM TRA")
    page.heading("1.", "Kết quả thực hiện các chỉ tiêu về bình đẳng giới", level=2)
    _indicators(page, report)
    page.heading("2.", "Số liệu tách biệt theo giới tính", level=2)
    if report.counts:
        page.table(("TT", "Nội dung", "Số đơn vị có số liệu", "Tổng số", "Trong đó: Nữ",
                    "Tỷ lệ nữ (%)"),
                   [(str(i), c.label, c.units, c.total, c.women, c.share)
                    for i, c in enumerate(report.counts, 1)],
                   (10, 70, 22, 21, 21, 21), numeric=(2, 3, 4, 5))
    else:
        page.para("Chưa có số liệu.", italic=True)
    page.heading("3.", "Kết quả đạt được", level=2)
    _tallies(page, report.sections, "achieved", "đơn vị đạt yêu cầu")
    page.heading("4.", "Tồn tại, hạn chế", level=2)
    _tallies(page, report.sections, "not_achieved", "đơn vị chưa đạt yêu cầu", recorded=True)

    page.heading("III.", "KIẾN NGHỊ, ĐỀ XUẤT")
    page.heading("1.", "Kiến nghị đối với các đơn vị được kiểm tra", level=2)
    _tallies(page, report.recommendations, "recorded", "")
    page.heading("2.", "Đề xuất, kiến nghị với cấp trên", level=2)
    page.dotted_lines(4)
    page.closing(recipients=[f"- {or_dots(frame.parent, DOTS * 3)};", "- Lưu: VT."],
                 blocks=[SignBlock(["Thủ trưởng cơ quan"], SIGN_SEAL_NOTE)])
    page.save(out)


def _team_table(page: Page, report: ResultsReport) -> None:
    rows = []
    for index, team in enumerate(report.teams, 1):
        decision = team.decision.number
        if decision and team.decision.day:
            decision += f" ngày {day_text(team.decision.day)}"
        rows.append((str(index), team.name, decision or DOTS, team.lead or DOTS, str(team.units)))
    page.table(("TT", "Đoàn kiểm tra", "Quyết định thành lập", "Trưởng đoàn", "Số đơn vị"),
               rows, (10, 55, 40, 40, 20), numeric=(4,))


def _indicators(page: Page, report: ResultsReport) -> None:
    if not report.indicators:
        page.para("Chưa có số liệu.", italic=True)
        return
    for line in report.indicators:
        if not line.value:
            page.bullet(f"{line.label}: chưa có số liệu.", indent=False)
            continue
        text = f"{line.label}: "
        if line.numerator and line.denominator:
            text += f"{line.numerator}/{line.denominator}" + (" đơn vị" if line.of_units else "")
            text += f", đạt {line.value}"
        else:
            text += line.value
        if line.target:
            text += f", so với mục tiêu {line.target} ({line.status.lower()})"
        if line.previous:
            text += f"; {report.previous_label}: {line.previous}"
        page.bullet(text + ".", indent=False)
    previous = report.previous_label[:1].upper() + report.previous_label[1:] \
        if report.previous_label else "Kỳ trước"
    page.table(("TT", "Chỉ tiêu", "Mục tiêu", "Kỳ này", previous, "Đánh giá"),
               [(str(i), line.label, line.target or "—", line.value or "—", line.previous or "—",
                 line.status) for i, line in enumerate(report.indicators, 1)],
               (10, 55, 38, 20, 20, 22), numeric=(3, 4, 5))


def _tallies(page: Page, sections: Sequence[SectionTally], attribute: str, phrase: str,
             *, recorded: bool = False) -> None:
    letters = "abcdefghiklmnopqrstuvxy"
    shown = 0
    for section in sections:
        lines = list(getattr(section, attribute))
        written = section.recorded if recorded else []
        if not lines and not written:
            continue
        letter = letters[shown] if shown < len(letters) else str(shown + 1)
        shown += 1
        page.heading(f"{letter})", section.title, level=3)
        for line in lines:
            if line.of:
                share = f"{line.units * 100 / line.of:.1f}".replace(".", ",")
                text = f"{line.text}: {line.units}/{line.of} {phrase} ({share}%)"
            else:
                text = f"{line.text} ({line.units} đơn vị)"
            page.bullet(text + (f", {line.note}" if line.note else "") + ";", indent=False)
        for line in written:
            page.bullet(f"{line.text} ({line.units} đơn vị);", indent=False)
    if shown == 0:
        page.para("Không có nội dung được ghi nhận.", italic=True)


# -- shared blocks ------------------------------------------------------------------------------

def _count_table(page: Page, counts: Sequence[CountLine]) -> None:
    page.table(COUNT_HEADERS,
               [(str(i), c.label, c.total, c.women, c.share) for i, c in enumerate(counts, 1)],
               (10, 85, 23, 24, 23), numeric=(2, 3, 4))


def _text_or_dots(page: Page, text: str) -> None:
    paragraphs = [part.strip() for part in (text or "").split("\n") if part.strip()]
    if not paragraphs:
        page.dotted_lines(3)
        return
    for part in paragraphs:
        page.para(part)


def _shortcomings(page: Page, rows: Sequence[Shortcoming]) -> None:
    if not rows:
        page.dotted_lines(3)
        return
    for index, row in enumerate(rows, 1):
        page.para(f"{index}. {row.text}" + (f" ({row.section})" if row.section else ""),
                  indent=False)
        if row.cause:
            kind = f" {row.cause_kind}" if row.cause_kind else ""
            page.mixed([(f"Nguyên nhân{kind}: ", "i"), (row.cause, "")], indent=False)


def _recommendations(page: Page, rows: Sequence[Recommendation]) -> None:
    if not rows:
        page.dotted_lines(3)
        return
    page.table(("TT", "Nội dung kiến nghị", "Đơn vị, người thực hiện", "Thời hạn khắc phục"),
               [(str(i), row.text + (f" ({row.section})" if row.section else ""),
                 row.responsible or DOTS, day_text(row.deadline) or DOTS)
                for i, row in enumerate(rows, 1)],
               (10, 85, 40, 30), numeric=(3,))
