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
    app.cli.add_command(jobs_group)
    app.cli.add_command(retention)
    app.cli.add_command(network_group)


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
    from redis import Redis
    from rq import Worker

    from peerreview import jobs

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("PEERREVIEW_REDIS_URL is not set; without it jobs run inline.")
    # Work horses are forked: give them connections of their own.
    db.engine().dispose(close=False)
    current_app.extensions["peerreview.engine"] = db.make_engine(current_app.config["DATABASE_URL"], "null")
    current_app.extensions["peerreview.sessionmaker"].configure(bind=current_app.extensions["peerreview.engine"])
    # The worker waits for Redis patiently (redis-py's default retries), unlike a web request.
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    current_app.extensions["peerreview.redis"] = connection
    try:  # jobs that waited in the outbox while Redis was away, or whose worker was killed
        recovered, handed = jobs.dispatch_pass()
        click.echo(f"Outbox: {handed} opdracht(en) aangeboden, {recovered} onderbroken opdracht(en) hervat.")
    except Exception as error:  # the dispatcher service retries; the worker must start regardless
        click.echo(f"Outbox niet verwerkt: {error}", err=True)
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


jobs_group = AppGroup("jobs", help="Background jobs: the outbox dispatcher.")


@jobs_group.command("dispatch")
@click.option("--once", is_flag=True, help="One pass, then exit (default: keep running).")
def jobs_dispatch(once: bool) -> None:
    """Hand jobs that are still in the outbox to rq (e.g. after Redis was unreachable), and hand over
    again the jobs of a worker that was killed mid-job. Safe to run several at once."""
    import time

    from peerreview import jobs

    interval = float(current_app.config["JOB_DISPATCH_INTERVAL_SECONDS"])
    while True:
        try:
            recovered, handed = jobs.dispatch_pass()
        except Exception as error:  # the database or Redis is away: try again next round
            if once:
                raise click.ClickException(str(error)) from error
            click.echo(f"Outbox niet verwerkt: {error}", err=True)
        else:
            if handed or recovered or once:
                click.echo(f"Outbox: {handed} opdracht(en) aangeboden, {recovered} onderbroken opdracht(en) hervat.")
        if once:
            return
        time.sleep(interval)


@click.command("retention")
@with_appcontext
def retention() -> None:
    """Delete what is kept no longer than configured (delivered mail, login attempts, audit rows,
    finished jobs); run daily, safe to run twice."""
    from peerreview.mail.retention import purge

    with db.new_session() as session:
        counts = purge(session, current_app.config)
        session.commit()
    click.echo(", ".join(f"{name}: {count} verwijderd" for name, count in counts.items()) + ".")


network_group = AppGroup("network", help="The national network's passage index.")


@network_group.command("reindex")
@click.option("--visitatie", "visitatie_id", type=int, default=None, help="Only this visitatie (its id).")
def network_reindex(visitatie_id: int | None) -> None:
    """Rebuild the network's passage index from the source tables (all visitaties, or one)."""
    from peerreview.network import indexer

    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]), db.new_session() as session:
        if visitatie_id is not None:
            passages = indexer.reindex_visitatie(session, visitatie_id)
            visitaties = 1
        else:
            visitaties, passages = indexer.reindex_all(session)
        session.commit()
    click.echo(f"Netwerkindex opnieuw opgebouwd: {passages} passages uit {visitaties} visitatie(s).")
