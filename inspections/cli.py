"""Flask commands: seed-demo and create-user (features add their own through their blueprints)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from .extensions import db
from .models import ROLES, Agency, User

DEMO_PASSWORD = "demo1234"


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)


@click.command("seed-demo")
@with_appcontext
@click.option("--password", default=DEMO_PASSWORD, show_default=True, help="Password for every demo user.")
@click.option("--year", type=int, default=None, help="Campaign year (default: this year).")
def seed_demo_command(password: str, year: int | None) -> None:
    """Load a demo province (idempotent) and print the logins."""
    from .demo import seed_demo

    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    users = seed_demo(password, year)
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
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(username: str, role: str, full_name: str, agency_code: str | None, password: str) -> None:
    """Create a user (or reset the password and role of an existing one)."""
    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    agency = None
    if agency_code:
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise click.BadParameter(f"no agency with code {agency_code!r}", param_hint="--agency")
    user = db.session.scalar(select(User).where(User.username == username))
    created = user is None
    if created:
        user = User(username=username)
        db.session.add(user)
    user.role = role
    user.full_name = full_name or user.full_name or ""
    if agency is not None:
        user.agency_id = agency.id
    user.set_password(password)
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} user {username} ({role}).")
