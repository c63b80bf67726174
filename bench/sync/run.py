"""Benchmark: sync ingest through POST /api/v1/submissions.

    python bench/sync/run.py [--submissions 600] [--batch 50] [--wide 200]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_sync python bench/sync/run.py

1. Answers stored per second through the API (Flask's test client in this process: routing,
   session, JSON parsing, shape checks, validation against the template, the idempotency
   rules, one savepoint per item, history rows, one commit per request) for full checklists
   of the default template, in batches of --batch.
2. The same rows (submission + submission_revision, same answers JSON, same batch size, one
   transaction per batch) written by a bare SQLAlchemy Core executemany into the same database,
   in this same run. Printed: both rates and their ratio (design target >= 0.5).
3. Submissions per second for a 250-answer checklist (a synthetic 250-item template), one
   submission per request and in batches. ODK Central publishes 41.2 submissions/s for that
   size on a 2 GB VM (a different machine and stack: context, not a like-for-like comparison).

Runs on a fresh SQLite file in a temporary folder by default; with DATABASE_URL it uses that
(PostgreSQL) database and adds its own rows (the demo province, a bench campaign). Not a test:
it prints figures.
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
import uuid as uuid_module
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PASSWORD = secrets.token_urlsafe(12)  # the bench users' password, new every run


def make_app(url: str, upload_dir: str):
    from inspections import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(16), "UPLOAD_DIR": upload_dir, "TESTING": True,
        "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SYNC_MAX_BATCH": 250,
    })


def answer_for(item, rng: random.Random):
    """A valid answer to one item (subsets stay below their whole: wholes get big numbers)."""
    if item.type == "ynp":
        return rng.choice(item.allowed_values)
    if item.type == "mf":
        if item.subset_of:
            return {"male": rng.randint(0, 5), "female": rng.randint(0, 5)}
        return {"male": rng.randint(100, 400), "female": rng.randint(100, 400)}
    if item.type == "int":
        return rng.randint(0, 5) if item.subset_of else rng.randint(10, 50)
    if item.type == "money":
        return rng.randint(1, 200) * 1_000_000
    if item.type == "date":
        return (date.today() - timedelta(days=rng.randint(0, 300))).isoformat()
    if item.type == "text":
        return "Nội dung trả lời số %d về công tác bình đẳng giới." % rng.randint(1, 10_000)
    return []  # file: no evidence in this benchmark


def full_answers(template, unit_kind: str, rng: random.Random) -> dict:
    return {item.code: answer_for(item, rng) for item in template.items_for(unit_kind) if item.type != "file"}


def wide_template_dict(items: int = 250) -> dict:
    """A synthetic template of `items` items over 5 sections, every answer type but files."""
    types = ("ynp", "mf", "int", "money", "date", "text")
    per_section = items // 5
    sections = []
    for s, letter in enumerate("ABCDE"):
        sections.append({
            "code": letter, "title_vi": f"Phần {letter}", "title_en": f"Part {letter}",
            "items": [{"code": f"{letter}{n}", "type": types[(s * per_section + n) % len(types)],
                       "label_vi": f"Mục {letter}{n}", "label_en": f"Item {letter}{n}"}
                      for n in range(1, per_section + 1)],
        })
    return {"key": "bench_wide", "version": 1, "title_vi": "Phiếu 250 mục", "title_en": "250-item checklist",
            "sections": sections}


def setup(app):
    """Migrate, load the demo province and a bench campaign with the 250-item template."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from inspections import checklist
    from inspections.checklists.services import store_template
    from inspections.demo import seed_demo
    from inspections.extensions import db
    from inspections.models import Campaign, Team, TeamMember, Unit, User, Visit

    with app.app_context():
        upgrade()
        seed_demo(PASSWORD, year=2026)
        db.session.commit()
        inspector = db.session.scalar(select(User).where(User.username == "inspector1"))
        template, _ = store_template(checklist.Template.from_dict(wide_template_dict()))
        demo_campaign = db.session.scalar(select(Campaign).order_by(Campaign.id))
        tag = uuid_module.uuid4().hex[:6]
        campaign = Campaign(name=f"Bench {tag}", year=2026, period="annual", deadline=date(2026, 12, 10),
                            template_id=template.id, target_set_id=demo_campaign.target_set_id)
        db.session.add(campaign)
        db.session.flush()
        team = Team(campaign_id=campaign.id, name=f"Bench team {tag}", lead_id=inspector.id)
        db.session.add(team)
        db.session.flush()
        db.session.add(TeamMember(team_id=team.id, user_id=inspector.id, team_role="member"))
        unit = Unit(code=f"BENCH-{tag}", name="Đơn vị thử tải", kind="department")
        db.session.add(unit)
        db.session.flush()
        wide_visit = Visit(team_id=team.id, unit_id=unit.id, status="in_progress")
        db.session.add(wide_visit)
        db.session.commit()
        demo_visits = [v.id for v in db.session.scalars(
            select(Visit).join(Team, Visit.team_id == Team.id)
            .where(Team.campaign_id == demo_campaign.id, Team.lead_id != inspector.id)
            .join(TeamMember, TeamMember.team_id == Team.id).where(TeamMember.user_id == inspector.id))]
        return {"inspector_id": inspector.id, "demo_visits": demo_visits, "wide_visit": wide_visit.id,
                "demo_template": checklist.Template.from_dict(demo_campaign.template.definition),
                "demo_label": f"{demo_campaign.template.key}@{demo_campaign.template.version}",
                "demo_template_id": demo_campaign.template_id,
                "wide_template": checklist.Template.from_dict(template.definition), "wide_label": "bench_wide@1"}


def submission(visit_id: int, label: str, answers: dict) -> dict:
    return {"uuid": str(uuid_module.uuid4()), "visit_id": visit_id, "template": label, "revision": 1,
            "answers": answers, "notes": {}, "state": "submitted",
            "client_saved_at": datetime.now(timezone.utc).isoformat()}


def send(client, items: list[dict], batch: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(items), batch):
        response = client.post("/api/v1/submissions", json={"submissions": items[start:start + batch]})
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        statuses = {r["status"] for r in response.get_json()["results"]}
        assert statuses == {"created"}, response.get_json()["results"][:3]
    return time.perf_counter() - started


def core_insert(app, items: list[dict], inspector_id: int, template_id: int, batch: int) -> float:
    """The same rows with a bare Core executemany, one transaction per batch."""
    from sqlalchemy import insert, select

    from inspections.extensions import db
    from inspections.models import Submission, SubmissionRevision
    from inspections.submissions import content_hash

    with app.app_context():
        engine = db.engine
        sub_table, rev_table = Submission.__table__, SubmissionRevision.__table__
        started = time.perf_counter()
        for start in range(0, len(items), batch):
            chunk = items[start:start + batch]
            now = datetime.now(timezone.utc)
            rows = [{"uuid": s["uuid"], "visit_id": s["visit_id"], "inspector_id": inspector_id,
                     "template_id": template_id, "revision": 1, "state": "submitted", "answers": s["answers"],
                     "notes": {}, "content_hash": content_hash(s["answers"], {}, "submitted"),
                     "client_saved_at": now, "received_at": now, "updated_at": now, "late": False,
                     "review_state": "received"} for s in chunk]
            with engine.begin() as connection:
                connection.execute(insert(sub_table), rows)
                ids = dict(connection.execute(
                    select(sub_table.c.uuid, sub_table.c.id).where(sub_table.c.uuid.in_([r["uuid"] for r in rows]))).all())
                connection.execute(insert(rev_table), [
                    {"submission_id": ids[r["uuid"]], "revision": 1, "state": "submitted", "answers": r["answers"],
                     "notes": {}, "content_hash": r["content_hash"], "client_saved_at": now, "received_at": now,
                     "late": False} for r in rows])
        elapsed = time.perf_counter() - started
        db.engine.dispose()
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=600, help="full checklists for the ingest ratio")
    parser.add_argument("--batch", type=int, default=50, help="submissions per request (the app's default limit is 50)")
    parser.add_argument("--wide", type=int, default=200, help="250-answer submissions to send")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        app = make_app(url, str(Path(tmp) / "uploads"))
        plan = setup(app)
        dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
        client = app.test_client()
        assert client.post("/api/v1/session", json={"username": "inspector1", "password": PASSWORD}).status_code == 200

        rng = random.Random(7)
        template = plan["demo_template"]
        items = [submission(rng.choice(plan["demo_visits"]), plan["demo_label"], full_answers(template, "department", rng))
                 for _ in range(args.submissions)]
        answer_count = sum(len(s["answers"]) for s in items)
        send(client, items[:args.batch], args.batch)  # warm-up: parsing the template, first queries
        api_items = items[args.batch:]
        api_answers = sum(len(s["answers"]) for s in api_items)
        api_seconds = send(client, api_items, args.batch)
        core_items = [dict(s, uuid=str(uuid_module.uuid4())) for s in api_items]
        core_seconds = core_insert(app, core_items, plan["inspector_id"], plan["demo_template_id"], args.batch)
        api_rate, core_rate = api_answers / api_seconds, api_answers / core_seconds

        print(f"database: {dialect}")
        print(f"ingest: {len(api_items)} checklists, {api_answers} answers "
              f"({answer_count / len(items):.0f} per checklist), batches of {args.batch}")
        print(f"  through POST /api/v1/submissions: {api_seconds:7.2f} s  {api_rate:10,.0f} answers/s  "
              f"{len(api_items) / api_seconds:8.1f} submissions/s")
        print(f"  bare SQLAlchemy Core insert:      {core_seconds:7.2f} s  {core_rate:10,.0f} answers/s  "
              f"{len(api_items) / core_seconds:8.1f} submissions/s")
        print(f"  ratio API / Core: {api_rate / core_rate:.3f}  (design target >= 0.5)")

        wide = plan["wide_template"]
        wide_items = [submission(plan["wide_visit"], plan["wide_label"], full_answers(wide, "department", rng))
                      for _ in range(args.wide)]
        per_item = len(wide_items[0]["answers"])
        half = len(wide_items) // 2
        single_seconds = send(client, wide_items[:half], 1)
        batch_seconds = send(client, wide_items[half:], args.batch)
        print(f"{per_item}-answer submissions ({len(wide_items)} sent):")
        print(f"  one per request:      {half / single_seconds:8.1f} submissions/s")
        print(f"  {args.batch} per request:      {(len(wide_items) - half) / batch_seconds:8.1f} submissions/s")
        print("  (ODK Central publishes 41.2 submissions/s for 250-answer submissions on a 2 GB VM)")


if __name__ == "__main__":
    main()
