"""Flask commands: seed-demo and create-user (features add their own through their blueprints)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from .extensions import db
from .models import ROLES, Agency, Unit, User

DEMO_PASSWORD = "demo1234"


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(set_organisation_command)


@click.command("set-organisation")
@with_appcontext
@click.option("--province", default=None, help="Province name, e.g. Ninh Bình.")
@click.option("--department", default=None, help="Managing department (default: Sở Nội vụ).")
@click.option("--parent", default=None, help="Body above it (default: UBND tỉnh <province>).")
@click.option("--form-prefix", default=None, help="Prefix of workbook form numbers (KTBĐG-01).")
@click.option("--record-symbol", default=None, help="Symbol after a record's number (……/BB-ĐKTLN).")
def set_organisation_command(**options: str | None) -> None:
    """Set the organisation printed on every form (options left out keep their value)."""
    from . import organisation

    row = organisation.stored()
    values = {name: (getattr(row, name) if row is not None else "") for name in organisation.FIELDS}
    values.update({name: value for name, value in options.items() if value is not None})
    for name, limit in organisation.LIMITS.items():
        if len((values.get(name) or "").strip()) > limit:
            raise click.BadParameter(f"at most {limit} characters", param_hint="--" + name.replace("_", "-"))
    organisation.save_settings(values)
    db.session.commit()
    body = organisation.issuing_body_for(None)
    click.echo(f"Issuing body: {body.parent} / {body.department}")


@click.command("seed-demo")
@with_appcontext
@click.option("--password", default=DEMO_PASSWORD, show_default=True, help="Password for every demo user.")
@click.option("--year", type=int, default=None, help="Campaign year (default: this year).")
@click.option("--allow-production", is_flag=True,
              help="Load the demo even though INSPECTIONS_ENV=production (it sets known passwords).")
def seed_demo_command(password: str, year: int | None, allow_production: bool) -> None:
    """Load a demo province (idempotent) and print the logins."""
    from flask import current_app

    from .demo import seed_after_visit, seed_demo

    if current_app.config.get("ENV_NAME") == "production" and not allow_production:
        raise click.ClickException(
            "This is a production configuration (INSPECTIONS_ENV=production): the demo would give "
            "admin and every demo user a known password. Nothing was changed. "
            "Add --allow-production if this really is a demo server.")

    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    users = seed_demo(password, year)
    users += seed_after_visit(password, year)  # a final visit with remedies (inspections/remedies)
    db.session.commit()
    click.echo("Demo data loaded. Log in with any of these (password: %s):" % password)
    for user in users:
        click.echo(f"  {user.username:<12} {user.role:<12} {user.full_name}")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--full-name", default="")
@click.option("--agency", "agency_code", default=None, help="Agency code (see the agencies page).")
@click.option("--unit", "unit_code", default=None,
              help="Unit code (see the units page); required with --role unit.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(username: str, role: str, full_name: str, agency_code: str | None,
                        unit_code: str | None, password: str) -> None:
    """Create a user (or reset the password and role of an existing one)."""
    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    unit = None
    if role == "unit":
        if not unit_code:
            raise click.BadParameter("a unit's representative needs the unit's code", param_hint="--unit")
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise click.BadParameter(f"no unit with code {unit_code!r}", param_hint="--unit")
        if unit.archived_at is not None:
            raise click.BadParameter(f"unit {unit_code!r} is archived", param_hint="--unit")
    elif unit_code:
        raise click.BadParameter("only --role unit takes a unit", param_hint="--unit")
    agency = None
    if agency_code:
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise click.BadParameter(f"no agency with code {agency_code!r}", param_hint="--agency")
    user = db.session.scalar(select(User).where(User.username == username))
    created = user is None
    if user is None:
        user = User(username=username)
        db.session.add(user)
    user.role = role
    user.unit_id = unit.id if unit is not None else None
    user.full_name = full_name or user.full_name or ""
    if agency is not None:
        user.agency_id = agency.id
    user.set_password(password)
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} user {username} ({role}).")


@click.command("backup")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="Backup file (default: instance/backups/backup-<time>.zip).")
@with_appcontext
def backup_command(out_path: str | None) -> None:
    """Back up the SQLite database (online) and the evidence files into one zip."""
    from datetime import datetime
    from pathlib import Path

    from flask import current_app

    from .backup import BackupError, create_backup

    if out_path is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        out_path = str(Path(current_app.instance_path) / "backups" / f"backup-{stamp}.zip")
    try:
        manifest = create_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], current_app.config["UPLOAD_DIR"],
                                 Path(out_path))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(manifest["tables"].values())
    click.echo(f"Backup written to {out_path}: {len(manifest['tables'])} tables, {rows} rows, "
               f"{len(manifest['files'])} files.")


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(backup_file: str, yes: bool) -> None:
    """Restore a backup made by `flask backup` (stop the app first): checked fully before replacing."""
    from pathlib import Path

    from flask import current_app

    from .backup import BackupError, restore_backup

    if not yes:
        click.confirm("This replaces the current database and evidence files. Continue?", abort=True)
    db.engine.dispose()
    try:
        manifest = restore_backup(Path(backup_file), current_app.config["SQLALCHEMY_DATABASE_URI"],
                                  current_app.config["UPLOAD_DIR"])
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {sum(manifest['tables'].values())} rows and {len(manifest['files'])} files "
               f"from {backup_file}.")
