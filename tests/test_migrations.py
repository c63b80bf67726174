"""The migrations build the same schema as the models, on SQLite and on PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from inspections.extensions import db


def test_models_and_migrations_agree(app):
    """The test database was built by `flask db upgrade`; autogenerate must find nothing to do."""
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `flask --app app db migrate`: {diff}"


def test_schema_has_every_table(app):
    from sqlalchemy import inspect

    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_submission_scope_migration_keeps_existing_checklists(tmp_path, database):
    """c2_submission_scope: checklists stored under server-wide unique uuids come through
    unchanged, and afterwards two inspectors may hold one uuid (issue #12 section 2)."""

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from inspections import create_app
    from inspections.demo import seed_demo
    from inspections.models import User, Visit
    from tests.conftest import base_config

    url = "sqlite:///" + str(tmp_path / "migrate.sqlite3")
    pg_admin = None
    if database.startswith("postgresql"):
        from sqlalchemy import create_engine

        pg_admin = create_engine(database, isolation_level="AUTOCOMMIT")
        with pg_admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS insp_migration_scope WITH (FORCE)"))
            connection.execute(text("CREATE DATABASE insp_migration_scope"))
        url = database.rsplit("/", 1)[0] + "/insp_migration_scope"
    app = create_app(base_config(url, tmp_path))
    try:
        with app.app_context():
            # The demo is seeded with today's models, then the schema goes back to the revision
            # before c2_submission_scope (the later migrations' columns go with it).
            upgrade()
            seed_demo("pass-123-abc", year=2026)
            db.session.commit()
            a, b = db.session.scalars(db.select(User.id).where(User.username.in_(["inspector1", "inspector3"]))
                                      .order_by(User.username)).all()
            visit = db.session.scalars(db.select(Visit).order_by(Visit.id)).first()
            row = {"visit_id": visit.id, "template_id": visit.team.campaign.template_id, "t": "2026-11-20 09:30:00"}
            db.session.remove()
            downgrade(revision="c1_sessions")
            insert = text(
                "INSERT INTO submission (uuid, visit_id, inspector_id, template_id, revision, state, answers, notes,"
                " content_hash, received_at, updated_at, late, review_state) VALUES (:uuid, :visit_id, :inspector,"
                " :template_id, 1, 'submitted', '{}', '{}', 'h', :t, :t, false, 'received')")
            shared = "6f1d8a52-3c1e-4f57-9d0b-7a0c2e3b9a41"
            db.session.execute(insert, dict(row, uuid=shared, inspector=a))
            db.session.commit()
            upgrade()
            kept = db.session.execute(text("SELECT uuid, inspector_id, revision FROM submission")).all()
            assert [tuple(r) for r in kept] == [(shared, a, 1)]
            db.session.execute(insert, dict(row, uuid=shared, inspector=b))  # refused before
            db.session.commit()
            try:
                db.session.execute(insert, dict(row, uuid=shared, inspector=b))
                db.session.commit()
                raise AssertionError("the same inspector stored one uuid twice")
            except Exception as error:  # noqa: BLE001 - the unique constraint refuses it
                db.session.rollback()
                assert "unique" in str(error).lower()
            db.session.execute(text("DELETE FROM submission WHERE inspector_id = :b"), {"b": b})
            db.session.commit()
            downgrade(revision="c1_sessions")
            assert db.session.execute(text("SELECT COUNT(*) FROM submission")).scalar() == 1
            db.session.remove()
            db.engine.dispose()
    finally:
        if pg_admin is not None:
            with pg_admin.connect() as connection:
                connection.execute(text("DROP DATABASE IF EXISTS insp_migration_scope WITH (FORCE)"))
            pg_admin.dispose()
