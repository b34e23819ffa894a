"""Command-line tasks: ``flask --app wsgi <command>``."""

from __future__ import annotations

import getpass

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from peerreview import db, migrations


def init_app(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(demo_group)
    app.cli.add_command(create_admin)
    app.cli.add_command(worker)
    app.cli.add_command(reminders)


db_group = AppGroup("db", help="Database migrations (Alembic).")


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the latest)."""
    migrations.upgrade(db.engine(), revision)
    click.echo(f"Database gemigreerd naar {migrations.current(db.engine())}.")


@db_group.command("check")
def db_check() -> None:
    """Fail if the models and the migrations disagree."""
    differences = migrations.differences(db.engine())
    if differences:
        raise click.ClickException("Models and migrations differ:\n" + "\n".join(map(str, differences)))
    click.echo("Models and migrations agree.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration draft from the models (read it before committing)."""
    migrations.revision(db.engine(), message)


demo_group = AppGroup("demo", help="Demo data.")


@demo_group.command("seed")
def demo_seed() -> None:
    """Create the demo network (idempotent: existing data is kept)."""
    from peerreview import demo

    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]), db.new_session() as session:
        created = demo.seed(session)
        session.commit()
    click.echo("Demodata aangemaakt." if created else "Demodata was er al; niets gewijzigd.")


@demo_group.command("logins")
def demo_logins() -> None:
    """Print the demo accounts."""
    from peerreview import demo

    demo.print_logins()


@click.command("create-admin")
@with_appcontext
@click.argument("email")
@click.option("--name", default="Beheerder")
def create_admin(email: str, name: str) -> None:
    """Create a network admin (asks for the password)."""
    from peerreview.accounts import auth
    from peerreview.accounts.models import NetworkRole, NetworkRoleGrant, User

    password = getpass.getpass("Wachtwoord: ")
    if problem := auth.password_problem(password, email):
        raise click.ClickException(problem)
    with db.new_session() as session:
        user = User(email=email.lower(), name=name, password_hash=auth.hash_password(password))
        user.network_roles.append(NetworkRoleGrant(role=NetworkRole.ADMIN))
        session.add(user)
        session.commit()
    click.echo(f"Beheerder {email} aangemaakt. Bij de eerste keer inloggen stel je tweestapsverificatie in.")


@click.command("worker")
@with_appcontext
@click.argument("queues", nargs=-1)
def worker(queues: tuple[str, ...]) -> None:
    """Run an rq worker for QUEUES (default: all) with the scheduler, for retries."""
    from rq import Worker

    from peerreview import jobs

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("PEERREVIEW_REDIS_URL is not set; without it jobs run inline.")
    # Work horses are forked: give them connections of their own.
    db.engine().dispose(close=False)
    current_app.extensions["peerreview.engine"] = db.make_engine(current_app.config["DATABASE_URL"], "null")
    current_app.extensions["peerreview.sessionmaker"].configure(bind=current_app.extensions["peerreview.engine"])
    connection = jobs.redis_connection()
    Worker([jobs.queue(name) for name in (queues or jobs.QUEUES)], connection=connection).work(with_scheduler=True)


@click.command("reminders")
@with_appcontext
def reminders() -> None:
    """Send the deadline reminders that are due today (run daily; safe to run twice)."""
    from datetime import date

    from peerreview.rounds.reminders import send_due

    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]), db.new_session() as session:
        count = send_due(session, date.today())
        session.commit()
    click.echo(f"{count} herinnering(en) verstuurd.")
