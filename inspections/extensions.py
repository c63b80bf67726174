"""Flask extensions, created unbound here and bound to the app in create_app()."""
import logging

from flask import Flask
from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()


def tune_postgres(app: Flask) -> None:
    """Session settings for every PostgreSQL connection of the app (call after db.init_app).

    PG_TOAST_COMPRESSION (default lz4): how PostgreSQL compresses large values. A checklist's
    answers are stored twice (the submission and its history row), each about 8 KB of JSONB:
    compressing them with lz4 costs a fraction of the server's default (pglz) for about the
    same size (bench/sync measured PostgreSQL's CPU per 250-answer submission 1.2-1.4 ms with
    pglz, 0.9-1.1 ms with lz4). Values are read back whatever method wrote them. A server that
    cannot (built without lz4, or before PostgreSQL 14) keeps its default; "" leaves it alone.
    """
    compression = str(app.config.get("PG_TOAST_COMPRESSION") or "")
    if not compression:
        return
    with app.app_context():
        engines = [engine for engine in db.engines.values() if engine.dialect.name == "postgresql"]
    for engine in engines:
        event.listen(engine, "connect", _toast_compression(compression))


def _toast_compression(method: str):
    def on_connect(dbapi_connection, connection_record) -> None:
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT set_config('default_toast_compression', %s, false)", (method,))
            dbapi_connection.commit()
        except Exception as exc:  # noqa: BLE001 - an old or differently built server: its default
            dbapi_connection.rollback()
            logging.getLogger(__name__).info("default_toast_compression=%s not taken: %s", method, exc)

    return on_connect
