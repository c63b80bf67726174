"""The factory, configuration, health check and security headers."""
import pytest

from inspections import create_app


def test_testing_config_applies(app):
    assert app.testing
    assert app.config["SESSION_PROTECTION"] == "basic"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": None,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "UPLOAD_DIR": str(tmp_path)})


def test_development_keeps_a_generated_secret_key(tmp_path, monkeypatch):
    import inspections

    monkeypatch.setattr(inspections, "ROOT_DIR", tmp_path)
    config = {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "", "UPLOAD_DIR": ""}
    first = create_app(dict(config))
    second = create_app(dict(config))
    assert first.config["SECRET_KEY"] and first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "instance" / "secret_key").exists()
    # the default database is a SQLite file under instance/, uploads too
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/instance/inspections.sqlite3"
    assert first.config["UPLOAD_DIR"] == str(tmp_path / "instance" / "uploads")


def test_instance_path_puts_the_instance_folder_elsewhere(tmp_path, monkeypatch):
    """INSTANCE_PATH (e.g. a data volume) holds the default database, the dev key and uploads."""
    import inspections

    monkeypatch.setattr(inspections, "ROOT_DIR", tmp_path / "code")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "data" / "instance"))
    app = create_app({"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "", "UPLOAD_DIR": ""})
    folder = tmp_path / "data" / "instance"
    assert app.instance_path == str(folder)
    assert (folder / "secret_key").exists()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{folder}/inspections.sqlite3"
    assert app.config["UPLOAD_DIR"] == str(folder / "uploads")
    assert not (tmp_path / "code" / "instance").exists()


def test_postgres_urls_use_psycopg(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "postgres://u@h/db", "UPLOAD_DIR": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(app):
    from sqlalchemy import text

    from inspections.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas only apply to SQLite")
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_healthz_answers_when_database_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_dead_database(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
