"""Security headers on every page, and Django's deployment checks under production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

LIFELONG = str(Path(sys.executable).with_name("lifelong"))  # the installed command


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_pages_send_a_strict_nonce_based_content_security_policy(db: None, client: Client) -> None:
    response = client.get(reverse("core:home"))

    policy = csp_directives(response["Content-Security-Policy"])
    script_nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert len(script_nonces) == 1
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    # The nonce in the header is the one the page's scripts carry.
    nonce = script_nonces[0].removeprefix("'nonce-").removesuffix("'")
    assert re.search(rf'<script [^>]*nonce="{re.escape(nonce)}"', response.content.decode())


def test_each_response_gets_a_fresh_nonce(db: None, client: Client) -> None:
    first = client.get(reverse("core:home"))["Content-Security-Policy"]
    second = client.get(reverse("core:home"))["Content-Security-Policy"]

    assert first != second


def test_pages_send_the_other_security_headers(db: None, client: Client) -> None:
    response = client.get(reverse("core:home"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def run_deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``lifelong manage check --deploy`` in a fresh process with the given environment
    (and never the test run's DATABASE_URL or secret key)."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LIFELONG_", "DATABASE_URL", "SECRET_KEY", "DJANGO_"))
    }
    clean |= {"LIFELONG_DATA_DIR": str(tmp_path), **env}
    return subprocess.run(
        [LIFELONG, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_the_deployment_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = run_deploy_check(
        tmp_path,
        LIFELONG_HTTPS="true",
        SECRET_KEY=secrets.token_urlsafe(50),
        LIFELONG_ALLOWED_HOSTS="lifelong.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_the_deployment_check_fails_without_https(tmp_path: Path) -> None:
    result = run_deploy_check(
        tmp_path, SECRET_KEY=secrets.token_urlsafe(50), LIFELONG_ALLOWED_HOSTS="example.org"
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
