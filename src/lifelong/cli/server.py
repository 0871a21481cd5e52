"""Commands that run Lifelong: setup, serve, worker, demo and manage."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from gunicorn.app.base import BaseApplication

from lifelong.cli.app import app, setup_django

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. ``lifelong manage migrate``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lifelong manage", *ctx.args])


@app.command()
def setup(
    demo: Annotated[
        bool,
        typer.Option(
            "--demo/--no-demo",
            help="On an empty database (no users yet), create a demo account with sample data.",
        ),
    ] = True,
) -> None:
    """Prepare the database and static files; safe to run again after every upgrade.

    Applies migrations, creates the cache table (rate limits) and collects static files.
    On a database without users it also creates the demo account (see `lifelong demo`).
    """
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    typer.echo("Applying database migrations…")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not settings.DEBUG:
        typer.echo(f"Collecting static files into {settings.STATIC_ROOT}…")
        call_command("collectstatic", interactive=False, verbosity=0)

    from lifelong.accounts.models import User

    if demo and not User.objects.exists():
        _create_demo()
    elif demo:
        typer.echo("The database already has users, so no demo account was created.")
    typer.echo("Lifelong is set up. Start it with: lifelong serve")


@app.command()
def demo(
    reset: Annotated[
        bool,
        typer.Option(
            "--reset",
            help="Delete the demo account and its data first, then create it afresh "
            "(with a new password).",
        ),
    ] = False,
    delete: Annotated[
        bool, typer.Option("--delete", help="Delete the demo account and all its data.")
    ] = False,
) -> None:
    """Create the demo account (demo@lifelong.local) with sample licenses and CE activities."""
    setup_django()
    from lifelong.core import demo as demo_data

    if delete or reset:
        if demo_data.delete_demo_account():
            typer.echo(f"Deleted the demo account {demo_data.DEMO_EMAIL} and its data.")
        elif delete:
            typer.echo(f"There is no demo account ({demo_data.DEMO_EMAIL}).")
        if delete:
            return
    if demo_data.demo_account_exists():
        typer.echo(
            f"The demo account {demo_data.DEMO_EMAIL} already exists; nothing changed.\n"
            "Run `lifelong demo --reset` to recreate it with fresh data and a new password."
        )
        return
    _create_demo()


def _create_demo() -> None:
    from lifelong.core import demo as demo_data

    account = demo_data.create_demo_account()
    typer.echo(
        "\nCreated a demo account with sample licenses and "
        f"{account.activity_count} CE activities:\n"
        f"    email:    {account.user.email}\n"
        f"    password: {account.password}\n"
        f"Sign in at {server_url(DEFAULT_HOST, DEFAULT_PORT)}accounts/login/ "
        "(the default address of `lifelong serve`).\n"
        "The password is shown only this once: `lifelong demo --reset` makes a new one,\n"
        "`lifelong demo --delete` removes the demo account.\n"
    )


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """Settings for gunicorn: threaded workers, logs on the console, client IPs from a proxy
    only when it is trusted (gunicorn's FORWARDED_ALLOW_IPS, default: localhost)."""
    bind_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return {
        "bind": f"{bind_host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 30,
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "lifelong",
        # gunicorn 24+ opens a control socket in ~/.gunicorn; two servers would share it.
        "control_socket_disable": True,
    }


def server_url(host: str, port: int) -> str:
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _not_ready_reason() -> str | None:
    """Why the app cannot serve yet (migrations pending, static files not collected), or None."""
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connection.close()  # workers are forked: they must not share this connection
    if pending:
        return f"{len(pending)} database migrations are not applied yet"
    if not settings.DEBUG and not (settings.STATIC_ROOT / "staticfiles.json").exists():
        return "the static files are not collected yet"
    return None


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = DEFAULT_PORT,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes (default: $WEB_CONCURRENCY, else 2).", min=1, max=64),
    ] = None,
    threads: Annotated[int, typer.Option(help="Threads per worker process.", min=1, max=64)] = 4,
) -> None:
    """Serve Lifelong with gunicorn (a production server; whitenoise serves static files).

    In production put a TLS proxy in front of it; see docs/deployment.md.
    """
    setup_django()
    if reason := _not_ready_reason():
        typer.echo(
            f"Lifelong is not ready to serve: {reason}. Run `lifelong setup` first.", err=True
        )
        raise typer.Exit(1)
    if workers is None:
        workers = int(os.getenv("WEB_CONCURRENCY", "2"))
    options = gunicorn_options(host, port, workers, threads)
    typer.echo(f"Lifelong is running at {server_url(host, port)} (press Ctrl+C to stop)")
    LifelongServer(options).run()


class LifelongServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running ``lifelong.wsgi:application`` with the options given here only (no
    gunicorn config file or GUNICORN_CMD_ARGS is read)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # older gunicorn versions lack some settings
                self.cfg.set(key, value)

    def load(self) -> Any:
        from lifelong.wsgi import application

        return application


@app.command()
def worker(
    queue: Annotated[
        str, typer.Option(help="Queues to process, comma-separated; '*' for all of them.")
    ] = "*",
    interval: Annotated[
        float, typer.Option(help="Seconds to wait before looking again when idle.", min=0.1)
    ] = 1.0,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch", help="Enqueue the periodic jobs that are due, run every queued task, exit."
        ),
    ] = False,
    schedule: Annotated[
        bool,
        typer.Option(
            "--schedule/--no-schedule",
            help="Also run the schedule of periodic jobs (reminders, weekly summaries…); safe "
            "in several workers at once.",
        ),
    ] = True,
) -> None:
    """Run background tasks from the database queue (django-tasks); stop with Ctrl+C.

    Beside it, the schedule enqueues periodic jobs when they are due (see docs/deployment.md).
    """
    setup_django()
    from django.core.management import call_command

    from lifelong.core import schedule as periodic

    scheduler: periodic.Scheduler | None = None
    if schedule:
        periodic.autodiscover()
        scheduler = periodic.Scheduler()
        if batch:
            scheduler.tick()
        else:
            scheduler.start()
    try:
        call_command("db_worker", queue_name=queue, interval=interval, batch=batch, reload=False)
    finally:
        if scheduler is not None:
            scheduler.stop(timeout=5)
