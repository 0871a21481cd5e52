"""``lifelong setup``, ``demo``, ``serve`` and ``worker``."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_tasks import TaskResultStatus, task
from typer.testing import CliRunner

from lifelong.accounts.models import User
from lifelong.cli import app
from lifelong.cli.server import gunicorn_options, server_url
from lifelong.core.demo import DEMO_EMAIL
from lifelong.credits.models import Activity
from lifelong.licensure.models import License

LIFELONG = str(Path(sys.executable).with_name("lifelong"))  # the installed command
PASSWORD_LINE = re.compile(r"password:\s+(\S+)")

runner = CliRunner()


@pytest.fixture
def static_root(settings: Any, tmp_path: Path) -> Path:
    """collectstatic writes here instead of the shared test data directory."""
    settings.STATIC_ROOT = tmp_path / "static"
    return Path(settings.STATIC_ROOT)


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def printed_password(output: str) -> str:
    match = PASSWORD_LINE.search(output)
    assert match, output
    return match.group(1)


def test_setup_creates_the_demo_account_on_an_empty_database(db: None, static_root: Path) -> None:
    output = invoke("setup")

    user = User.objects.get()
    assert user.email == DEMO_EMAIL
    assert License.objects.filter(user=user).count() == 3
    assert Activity.objects.filter(user=user).count() >= 40
    assert DEMO_EMAIL in output
    assert Client().login(email=DEMO_EMAIL, password=printed_password(output))
    assert (static_root / "css" / "app.css").exists()


def test_setup_is_idempotent(db: None, static_root: Path) -> None:
    invoke("setup")
    counts = (User.objects.count(), License.objects.count(), Activity.objects.count())

    output = invoke("setup")

    assert (User.objects.count(), License.objects.count(), Activity.objects.count()) == counts
    assert "no demo account was created" in output
    assert "password:" not in output


def test_setup_leaves_a_database_with_users_alone(owner: User, static_root: Path) -> None:
    invoke("setup")

    assert list(User.objects.all()) == [owner]


def test_setup_without_the_demo_creates_no_account(db: None, static_root: Path) -> None:
    output = invoke("setup", "--no-demo")

    assert not User.objects.exists()
    assert "password:" not in output


def test_setup_skips_collectstatic_in_debug_mode(
    db: None, static_root: Path, settings: Any
) -> None:
    settings.DEBUG = True

    invoke("setup", "--no-demo")

    assert not static_root.exists()


def test_demo_creates_the_account_once_and_reset_renews_the_password(db: None) -> None:
    first = printed_password(invoke("demo"))

    again = invoke("demo")
    assert "already exists" in again
    assert User.objects.filter(email=DEMO_EMAIL).count() == 1

    second = printed_password(invoke("demo", "--reset"))
    assert second != first
    assert Client().login(email=DEMO_EMAIL, password=second)
    assert not Client().login(email=DEMO_EMAIL, password=first)
    assert User.objects.filter(email=DEMO_EMAIL).count() == 1


def test_demo_delete_removes_only_the_demo_account(owner: User) -> None:
    invoke("demo")

    output = invoke("demo", "--delete")

    assert "Deleted" in output
    assert list(User.objects.all()) == [owner]
    assert "no demo account" in invoke("demo", "--delete")


def test_gunicorn_runs_threaded_workers_on_the_requested_address() -> None:
    options = gunicorn_options("0.0.0.0", 8080, workers=3, threads=4)

    assert options["bind"] == "0.0.0.0:8080"
    assert options["workers"] == 3
    assert options["worker_class"] == "gthread"
    assert options["threads"] == 4
    assert gunicorn_options("::1", 8000, 1, 1)["bind"] == "[::1]:8000"


def test_the_printed_url_is_one_a_browser_can_open() -> None:
    assert server_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert server_url("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert server_url("::", 8000) == "http://[::1]:8000/"


@task()
def shout(text: str) -> str:
    return text.upper()


@pytest.fixture
def restore_signal_handlers() -> Iterator[None]:
    """The worker installs its own SIGINT/SIGTERM handlers; put pytest's back afterwards."""
    names = ("SIGINT", "SIGTERM", "SIGQUIT")
    saved = {
        name: signal.getsignal(getattr(signal, name)) for name in names if hasattr(signal, name)
    }
    yield
    for name, handler in saved.items():
        signal.signal(getattr(signal, name), handler)


def test_the_worker_runs_queued_tasks(
    transactional_db: None, restore_signal_handlers: None
) -> None:
    """Outside a test transaction: the worker closes and reopens connections like in
    production (inside one, PostgreSQL connections would be closed under the test)."""
    result = shout.enqueue("hello")
    queued_status = result.status
    assert queued_status == TaskResultStatus.READY

    invoke("worker", "--batch", "--interval", "0.1")

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "HELLO"


def subprocess_env(data_dir: Path) -> dict[str, str]:
    """A production-like environment on its own SQLite database (never the test run's)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LIFELONG_", "DATABASE_URL", "DJANGO_"))
    }
    env["LIFELONG_DATA_DIR"] = str(data_dir)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_refuses_to_start_before_setup(tmp_path: Path) -> None:
    result = subprocess.run(
        [LIFELONG, "serve", "--port", str(free_port())],
        env=subprocess_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "lifelong setup" in result.stderr


def wait_for(url: str, deadline: float) -> tuple[int, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return int(response.status), response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.slow
def test_serve_answers_pages_and_static_files_after_setup(tmp_path: Path) -> None:
    env = subprocess_env(tmp_path)
    subprocess.run(
        [LIFELONG, "setup", "--no-demo"], env=env, check=True, capture_output=True, timeout=300
    )
    port = free_port()
    server = subprocess.Popen(
        [LIFELONG, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        status, page = wait_for(f"{base}/accounts/login/", time.monotonic() + 60)
        assert status == 200
        stylesheet = re.search(rb'href="(/static/css/app\.[0-9a-f]+\.css)"', page)
        assert stylesheet, "the page links the hashed stylesheet collected by setup"
        assert wait_for(base + stylesheet.group(1).decode(), time.monotonic() + 5)[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert f"Lifelong is running at http://127.0.0.1:{port}/" in output
    assert server.returncode == 0
