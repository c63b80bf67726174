"""Importing units and users from Excel: blank, preview with every bad row, nothing written until confirm."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from inspections.models import AuditEvent, Unit, User
from tests.desk import page_text, xlsx

UNIT_HEADER = ["Mã (code)", "Tên (name)", "Loại (kind)", "Mã đơn vị cấp trên (parent_code)", "Địa chỉ (address)"]
USER_HEADER = ["username", "full_name", "email", "role", "agency_code"]


def count(query, model):
    return query(lambda s: s.scalar(select(func.count()).select_from(model)))


def upload(client, url, rows):
    return client.post(url, data={"file": (xlsx(rows), "data.xlsx")}, content_type="multipart/form-data")


def token_of(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_the_blank_has_the_headers_the_import_reads(client, login_as):
    login_as("coordinator")
    response = client.get("/campaigns/units/import/blank.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == UNIT_HEADER
    # a blank filled in as downloaded imports cleanly
    sheet.append(["SYT2", "Sở Y tế 2", "department", None, None])
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    buffer.seek(0)
    response = client.post("/campaigns/units/import", data={"file": (buffer, "filled.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "1 dòng sẵn sàng để nhập" in page_text(response)


def test_bad_rows_are_listed_with_row_numbers_and_nothing_is_written(client, login_as, query):
    login_as("coordinator")
    before = count(query, Unit)
    response = upload(client, "/campaigns/units/import", [
        UNIT_HEADER,
        ["XA-MOI", "UBND xã Mới", "xã", "", ""],                # row 2: fine (Vietnamese kind accepted)
        ["SYT", "Sở Y tế (trùng)", "department", "", ""],        # row 3: code already stored
        ["XA-MOI", "UBND xã Mới (lặp)", "commune", "", ""],      # row 4: duplicate of row 2
        ["TINH", "Tỉnh", "province", "", ""],                    # row 5: unknown kind
        ["", "Không có mã", "commune", "", ""],                  # row 6: missing code
        [None, None, None, None, None],                          # row 7: blank, skipped
        ["XA-LA", "UBND xã Lạ", "commune", "HUYEN-XX", ""],      # row 8: unknown parent
    ])
    page = page_text(response)
    assert response.status_code == 400
    assert "5 trên 6 dòng có lỗi" in page  # the blank line is not counted
    problems = re.findall(r'<tr data-row="(\d+)">', page)
    assert problems == ["3", "4", "5", "6", "8"]
    assert "Trùng lặp: đã có đơn vị mang mã SYT." in page
    assert "Trùng lặp: mã XA-MOI cũng có ở dòng 2." in page
    assert "Loại province không hợp lệ" in page
    assert "Thiếu giá trị." in page
    assert "Không có đơn vị cấp trên mang mã HUYEN-XX." in page
    assert 'name="token"' not in page  # no way to confirm a file with problems
    assert count(query, Unit) == before


def test_units_import_takes_the_vietnamese_kinds_of_2025_and_refuses_districts(client, login_as, query):
    login_as("coordinator")
    before = count(query, Unit)
    response = upload(client, "/campaigns/units/import", [
        UNIT_HEADER,
        ["XA-1", "UBND xã Một", "xã", "", ""],
        ["PHUONG-1", "UBND phường Một", "Phường", "", ""],
        ["DK-1", "UBND đặc khu Một", "đặc khu", "", ""],
        ["BAN-1", "Ban Quản lý Khu kinh tế", "ban", "", ""],
        ["HUYEN-1", "UBND huyện Một", "huyện", "", ""],            # row 6: no district level any more
    ])
    page = page_text(response)
    assert response.status_code == 400
    assert re.findall(r'<tr data-row="(\d+)">', page) == ["6"]
    assert "cấp huyện đã bỏ từ năm 2025" in page
    assert count(query, Unit) == before
    response = upload(client, "/campaigns/units/import", [UNIT_HEADER, ["XA-1", "UBND xã Một", "xã", "", ""],
                                                           ["DK-1", "UBND đặc khu Một", "đặc khu", "", ""]])
    client.post("/campaigns/units/import/confirm", data={"token": token_of(page_text(response))})
    units = query(lambda s: {u.code: u.kind for u in s.scalars(select(Unit))})
    assert units["XA-1"] == units["DK-1"] == "commune"


def test_a_clean_file_is_written_only_when_confirmed(client, login_as, query, app):
    login_as("coordinator")
    before = count(query, Unit)
    response = upload(client, "/campaigns/units/import", [
        UNIT_HEADER,
        ["CC-B", "Chi cục Bình", "ngành", "SCT-2", ""],  # its parent comes later in the same file
        ["SCT-2", "Sở Công Thương (cơ sở 2)", "Sở", "", "Số 2 Lê Lợi"],
        ["PHUONG-B", "UBND phường Bình", "phường", "", ""],
    ])
    page = page_text(response)
    assert response.status_code == 200 and "3 dòng sẵn sàng để nhập" in page
    assert count(query, Unit) == before  # the preview writes nothing
    token = token_of(page)
    assert token not in response.headers.get("Set-Cookie", "")  # kept on the server, not in the cookie
    response = client.post("/campaigns/units/import/confirm", data={"token": token})
    assert response.status_code == 200 and "Đã nhập 3 dòng." in page_text(response)
    assert count(query, Unit) == before + 3
    units = query(lambda s: {u.code: u for u in s.scalars(select(Unit))})
    assert units["CC-B"].parent_id == units["SCT-2"].id and units["SCT-2"].kind == "department"
    assert units["CC-B"].kind == "department" and units["PHUONG-B"].kind == "commune"
    events = query(lambda s: list(s.scalars(select(AuditEvent).where(AuditEvent.action == "unit.create"))))
    assert len(events) == 3 and all(e.reason == "import" and e.after for e in events)
    # the same token cannot import twice
    response = client.post("/campaigns/units/import/confirm", data={"token": token}, follow_redirects=True)
    assert "Lượt nhập này đã hết hạn hoặc đã được xác nhận." in page_text(response)
    assert count(query, Unit) == before + 3


def test_confirm_checks_again_when_the_data_changed_meanwhile(client, login_as, query):
    login_as("coordinator")
    page = page_text(upload(client, "/campaigns/units/import", [UNIT_HEADER, ["SMOI", "Sở Mới", "department", "", ""]]))
    token = token_of(page)
    client.post("/campaigns/units/new",
                data={"code": "SMOI", "name": "Sở Mới (tay)", "kind": "department", "parent_id": "0"})
    response = client.post("/campaigns/units/import/confirm", data={"token": token})
    assert response.status_code == 409
    assert "Trùng lặp: đã có đơn vị mang mã SMOI." in page_text(response)
    assert query(lambda s: s.scalar(select(func.count()).select_from(Unit).where(Unit.code == "SMOI"))) == 1


def test_another_users_token_is_refused(client, login_as, query, app):
    login_as("coordinator")
    token = token_of(page_text(upload(client, "/campaigns/units/import",
                                      [UNIT_HEADER, ["SMOI", "Sở Mới", "department"]])))
    login_as("admin")
    response = client.post("/campaigns/units/import/confirm", data={"token": token}, follow_redirects=True)
    assert "Lượt nhập này đã hết hạn" in page_text(response)
    response = client.post("/campaigns/units/import/confirm", data={"token": "../../secret_key"}, follow_redirects=True)
    assert "Lượt nhập này đã hết hạn" in page_text(response)
    assert query(lambda s: s.scalar(select(Unit).where(Unit.code == "SMOI"))) is None


def test_garbage_and_wrong_files_are_refused_with_a_clear_message(client, login_as):
    login_as("coordinator")
    for content, name in ((b"code,name,kind\nA,B,commune\n", "units.csv"), (b"PK\x03\x04garbage", "units.xlsx"),
                          (b"", "empty.xlsx")):
        response = client.post("/campaigns/units/import", data={"file": (io.BytesIO(content), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 400
        assert "Đây không phải tệp Excel (.xlsx)" in page_text(response), name
    response = client.post("/campaigns/units/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Tệp Excel (.xlsx): Hãy chọn tệp để tải lên." in page_text(response)
    response = upload(client, "/campaigns/units/import", [["something", "else"], ["a", "b"]])
    assert "còn thiếu: Mã, Tên, Loại" in page_text(response)
    response = upload(client, "/campaigns/units/import", [UNIT_HEADER])
    assert "Tệp không có dòng dữ liệu nào" in page_text(response)


def test_too_many_rows_are_refused(client, login_as, monkeypatch, query):
    from inspections.registry import imports

    monkeypatch.setitem(imports.MAX_ROWS, "units", 3)
    login_as("coordinator")
    rows = [UNIT_HEADER] + [[f"U{i}", f"Đơn vị {i}", "department"] for i in range(4)]
    response = upload(client, "/campaigns/units/import", rows)
    assert response.status_code == 400 and "Tệp có hơn 3 dòng" in page_text(response)
    assert query(lambda s: s.scalar(select(Unit).where(Unit.code == "U0"))) is None


def test_user_import_shows_each_bad_row_then_creates_users_with_passwords_shown_once(client, login_as, query, app):
    login_as("admin")
    before = count(query, User)
    response = upload(client, "/campaigns/users/import", [
        USER_HEADER,
        ["inspector1", "Trùng", "", "inspector", "HLHPN"],           # row 2: username taken
        ["nguyenvana", "Nguyễn Văn A", "", "thanh tra", "HLHPN"],    # row 3: unknown role
        ["tranthib", "Trần Thị B", "", "inspector", "XYZ"],          # row 4: unknown agency
        ["lethic", "", "", "inspector", "SNV"],                      # row 5: missing full name
        ["phamd", "Phạm D", "sai-dia-chi", "lead", "SNV"],           # row 6: bad e-mail
    ])
    page = page_text(response)
    assert response.status_code == 400
    assert re.findall(r'<tr data-row="(\d+)">', page) == ["2", "3", "4", "5", "6"]
    assert "Trùng lặp: tên đăng nhập inspector1 đã được sử dụng." in page
    assert "Vai trò thanh tra không hợp lệ" in page and "Không có cơ quan mang mã XYZ." in page
    assert count(query, User) == before

    response = upload(client, "/campaigns/users/import", [
        USER_HEADER,
        ["nguyenvana", "Nguyễn Văn A", "a@example.org", "thành viên đoàn", "hlhpn"],
        ["tranthib", "Trần Thị B", None, "lead", "SNV"],
    ])
    page = page_text(response)
    assert response.status_code == 200 and count(query, User) == before
    response = client.post("/campaigns/users/import/confirm", data={"token": token_of(page)})
    page = page_text(response)
    assert response.headers["Cache-Control"] == "no-store"
    passwords = dict(re.findall(r'<td data-label="[^"]+">([a-z]+)</td><td[^>]*>[^<]*</td>'
                                r'\s*<td[^>]*class="password">([^<]+)</td>', page))
    assert set(passwords) == {"nguyenvana", "tranthib"}
    assert count(query, User) == before + 2
    created = query(lambda s: (lambda u: (u.role, u.agency.code))(
        s.scalar(select(User).where(User.username == "nguyenvana"))))
    assert created == ("inspector", "HLHPN")
    fresh = app.test_client()
    assert fresh.post("/api/v1/session",
                      json={"username": "tranthib", "password": passwords["tranthib"]}).status_code == 200
    audit = query(lambda s: list(s.scalars(select(AuditEvent).where(AuditEvent.action == "user.create"))))
    assert len(audit) == 2 and all(passwords["tranthib"] not in str(e.after) for e in audit)


def test_coordinator_cannot_import_users(client, login_as):
    login_as("coordinator")
    assert upload(client, "/campaigns/users/import", [USER_HEADER]).status_code == 403
    assert client.get("/campaigns/users/import/blank.xlsx").status_code == 403


def with_short_dimension(buffer: io.BytesIO, ref: str = "A1:B2") -> io.BytesIO:
    """The same workbook, its first sheet claiming <dimension ref=...> smaller than its data
    (as some generators write it): read-only openpyxl trusts that claim."""
    import zipfile

    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, replaced = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="' + ref.encode() + b'"/>',
                                         data)
                assert replaced == 1
            target.writestr(item, data)
    out.seek(0)
    return out


def test_rows_past_a_short_dimension_are_all_read(client, login_as, query):
    login_as("coordinator")
    rows = [UNIT_HEADER] + [[f"DIM-{n}", f"UBND xã số {n}", "commune", "", ""] for n in range(1, 8)]
    short = with_short_dimension(xlsx(rows))
    response = client.post("/campaigns/units/import", data={"file": (short, "short.xlsx")},
                           content_type="multipart/form-data")
    page = page_text(response)
    assert response.status_code == 200 and "7 dòng sẵn sàng để nhập" in page
    client.post("/campaigns/units/import/confirm", data={"token": token_of(page)})
    codes = query(lambda s: set(s.scalars(select(Unit.code).where(Unit.code.like("DIM-%")))))
    assert codes == {f"DIM-{n}" for n in range(1, 8)}
