"""The campaign dashboard: visits by state, not yet visited, last sync, days left, overdue highlighted."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from inspections.campaigns import services
from inspections.extensions import db
from inspections.models import Unit, User, Visit
from tests.desk import page_text


@pytest.fixture
def progress(app, demo, monkeypatch):
    """Team 1 has one visit final, one in progress, one merging; inspector1 synced on 19/11; today is 20/11/2026."""
    with app.app_context():
        for visit_id, status in ((1, "final"), (2, "in_progress"), (3, "merging")):
            db.session.get(Visit, visit_id).status = status
        inspector = db.session.scalar(select(User).where(User.username == "inspector1"))
        inspector.last_sync_at = datetime(2026, 11, 19, 8, 30, tzinfo=timezone.utc)
        db.session.add(Unit(code="SNV-U", name="Sở Nội vụ (đơn vị)", kind="department"))
        db.session.commit()
    monkeypatch.setattr(services, "local_today", lambda: date(2026, 11, 20))


def stat(page: str, name: str) -> int:
    return int(re.search(rf'id="count-{name}"><strong>(\d+)</strong>', page).group(1))


def overdue_rows(page: str) -> list[str]:
    return re.findall(r'<tr data-visit-id="(\d+)" class="overdue">', page)


def test_coordinator_sees_the_whole_campaign(client, login_as, progress):
    login_as("coordinator")
    page = page_text(client.get("/campaigns/1"))
    assert stat(page, "total") == 12
    counts = (stat(page, "planned"), stat(page, "in_progress"), stat(page, "merging"), stat(page, "final"))
    assert counts == (9, 1, 1, 1)
    assert "còn 20 ngày" in page
    # planned date passed and not final: visits 2, 3 (team 1) and 7, 8 (team 2); the final one is not overdue
    assert sorted(overdue_rows(page), key=int) == ["2", "3", "7", "8"]
    assert stat(page, "overdue") == 4
    not_visited = page.split('id="not-visited"')[1].split("</section>")[0]
    assert "Sở Y tế" not in not_visited and "Sở Văn hóa, Thể thao và Du lịch" in not_visited
    assert "Sở Nội vụ (đơn vị)" in not_visited  # a unit with no visit in the campaign at all
    sync = page.split('id="sync"')[1]
    assert "19/11/2026 15:30" in sync  # inspector1's last sync, in Vietnam time
    assert sync.count("chưa bao giờ") == 5  # the other members never synced


def test_deadline_passed_makes_every_open_visit_overdue(client, login_as, progress, monkeypatch):
    monkeypatch.setattr(services, "local_today", lambda: date(2026, 12, 13))
    login_as("coordinator")
    page = page_text(client.get("/campaigns/1"))
    assert "đã quá hạn 3 ngày" in page and 'class="deadline bad"' in page
    assert stat(page, "overdue") == 11  # all but the final visit


def test_lead_sees_only_the_team_they_lead(client, login_as, progress):
    login_as("lead1")
    page = page_text(client.get("/campaigns/1"))
    assert stat(page, "total") == 6 and stat(page, "final") == 1
    assert sorted(overdue_rows(page), key=int) == ["2", "3"]
    assert "Sở Xây dựng" not in page and "Vũ Thị Mai" not in page  # team 2's unit and member
    assert "Phạm Thị Lan" in page
    assert "Sở Nội vụ (đơn vị)" not in page  # unplanned units are the coordinator's business
