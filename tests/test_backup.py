"""flask backup / flask restore on SQLite: a restore gives back every row and every file."""
import zipfile

import pytest
from sqlalchemy import func, select

from inspections.extensions import db
from inspections.models import AuditEvent, TeamMember, User


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    """Backup works on SQLite files; this test uses its own database file."""
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/own.sqlite3", UPLOAD_DIR=str(tmp_path / "up"))
    with app.app_context():
        db.create_all()
    return app


def test_backup_then_restore_gives_back_everything(sqlite_app, tmp_path):
    from inspections.demo import seed_demo

    app = sqlite_app
    runner = app.test_cli_runner()
    with app.app_context():
        seed_demo("pass-word-1", year=2026)
        db.session.commit()
        users_before = db.session.scalar(select(func.count()).select_from(User))
        members_before = db.session.scalar(select(func.count()).select_from(TeamMember))
    evidence = tmp_path / "up" / "ab" / "file-1"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"%PDF-1.4 evidence")

    out = tmp_path / "b.zip"
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 files" in result.output
    assert set(zipfile.ZipFile(out).namelist()) >= {"database.sqlite3", "manifest.json", "uploads/ab/file-1"}

    # damage: lose data and the evidence file
    with app.app_context():
        db.session.execute(AuditEvent.__table__.delete())
        db.session.execute(TeamMember.__table__.delete())
        db.session.execute(User.__table__.update().where(User.username == "inspector4").values(full_name="changed"))
        db.session.commit()
    evidence.unlink()

    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
        assert db.session.scalar(select(func.count()).select_from(User)) == users_before
        assert db.session.scalar(select(User.full_name).where(User.username == "inspector4")) == "Đặng Quốc Bảo"
        assert db.session.scalar(select(func.count()).select_from(TeamMember)) == members_before
    assert evidence.read_bytes() == b"%PDF-1.4 evidence"


def test_restore_refuses_a_damaged_backup_and_changes_nothing(sqlite_app, tmp_path):
    app = sqlite_app
    runner = app.test_cli_runner()
    out = tmp_path / "b.zip"
    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code == 0
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            if name != "manifest.json":
                target.writestr(name, source.read(name))
        target.writestr("manifest.json", '{"tables": {"user_account": 999}, "files": {}}')
    result = runner.invoke(args=["restore", str(broken), "--yes"])
    assert result.exit_code != 0 and "does not match" in result.output
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip")
    result = runner.invoke(args=["restore", str(garbage), "--yes"])
    assert result.exit_code != 0 and "not a backup" in result.output


def test_backup_explains_postgresql(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@127.0.0.1:1/x")
    result = app.test_cli_runner().invoke(args=["backup", "--out", "/tmp/never.zip"])
    assert result.exit_code != 0 and "pg_dump" in result.output
