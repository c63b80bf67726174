"""PostgreSQL session settings (inspections.extensions.tune_postgres): large values are stored
with lz4; a method the server does not take leaves its default and every connection working."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from inspections.extensions import db


@pytest.fixture
def postgres(database):
    if not database.startswith("postgresql"):
        pytest.skip("PostgreSQL only")


def test_connections_compress_large_values_with_lz4(make_app, postgres):
    app = make_app()
    with app.app_context():
        assert db.session.execute(text("SHOW default_toast_compression")).scalar() == "lz4"
        db.session.remove()


def test_a_method_the_server_refuses_keeps_its_default(make_app, postgres):
    app = make_app(PG_TOAST_COMPRESSION="no-such-method")
    with app.app_context():
        assert setting_is_server_default()
        db.session.remove()
    assert app.test_client().get("/healthz").status_code == 200


def test_an_empty_setting_leaves_the_server_alone(make_app, postgres):
    app = make_app(PG_TOAST_COMPRESSION="")
    with app.app_context():
        assert setting_is_server_default()
        db.session.remove()


def setting_is_server_default() -> bool:
    """This session's value is what it started with (the server's configured default)."""
    return bool(db.session.execute(text(
        "SELECT setting = reset_val FROM pg_settings WHERE name = 'default_toast_compression'")).scalar())
