"""``lifelong token create|list|revoke``: personal access tokens for the API."""

from __future__ import annotations

from django.test import Client
from typer.testing import CliRunner

from lifelong.accounts.models import TOKEN_PREFIX, PersonalAccessToken, User
from lifelong.cli import app

runner = CliRunner()


def test_create_prints_only_the_token_and_it_works_with_the_api(owner: User) -> None:
    result = runner.invoke(app, ["token", "create", "owner@example.org", "--name", "backup"])

    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert result.stdout == f"{secret}\n"
    assert secret.startswith(TOKEN_PREFIX)
    token = PersonalAccessToken.objects.get(user=owner)
    assert token.name == "backup"
    assert token.prefix == secret[:8]
    assert secret not in token.token_hash  # only the hash is stored
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/licenses")
    assert response.status_code == 200


def test_create_finds_the_account_whatever_the_case_of_the_email(owner: User) -> None:
    result = runner.invoke(app, ["token", "create", "Owner@Example.ORG", "--name", "sync"])

    assert result.exit_code == 0
    assert PersonalAccessToken.objects.for_user(owner).count() == 1


def test_create_exits_2_for_an_unknown_account(db: None) -> None:
    result = runner.invoke(app, ["token", "create", "nobody@example.org", "--name", "x"])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no account with the email address 'nobody@example.org'" in result.stderr
    assert not PersonalAccessToken.objects.exists()


def test_create_needs_a_name(owner: User) -> None:
    result = runner.invoke(app, ["token", "create", "owner@example.org", "--name", "  "])

    assert result.exit_code == 2
    assert "--name cannot be empty" in result.stderr
    assert not PersonalAccessToken.objects.exists()


def test_list_shows_names_prefixes_and_status_but_never_the_token(owner: User) -> None:
    active, active_secret = PersonalAccessToken.issue(owner, "backup script")
    revoked, _ = PersonalAccessToken.issue(owner, "old laptop")
    revoked.revoke()

    result = runner.invoke(app, ["token", "list", "owner@example.org"])

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "PREFIX", "CREATED", "LAST", "USED", "STATUS"]
    backup = next(line for line in lines if line.startswith("backup script"))
    old = next(line for line in lines if line.startswith("old laptop"))
    assert f"{active.prefix}…" in backup
    assert backup.endswith("active")
    assert "never" in backup
    assert "revoked" in old
    assert active_secret not in result.stdout


def test_list_says_when_there_are_no_tokens(owner: User) -> None:
    result = runner.invoke(app, ["token", "list", "owner@example.org"])

    assert result.exit_code == 0
    assert result.stdout == "owner@example.org has no tokens.\n"


def test_list_shows_only_that_accounts_tokens(owner: User, peer: User) -> None:
    PersonalAccessToken.issue(peer, "peer token")

    result = runner.invoke(app, ["token", "list", "owner@example.org"])

    assert "peer token" not in result.stdout


def test_revoke_by_name_stops_the_token_working(owner: User) -> None:
    _, secret = PersonalAccessToken.issue(owner, "backup")
    _, other_secret = PersonalAccessToken.issue(owner, "sync")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/licenses").status_code == 200

    result = runner.invoke(app, ["token", "revoke", "owner@example.org", "--name", "backup"])

    assert result.exit_code == 0
    assert result.stdout.startswith("Revoked backup (")
    assert api.get("/api/licenses").status_code == 401
    other = Client(HTTP_AUTHORIZATION=f"Bearer {other_secret}")
    assert other.get("/api/licenses").status_code == 200


def test_revoke_by_prefix_or_by_the_whole_token(owner: User) -> None:
    first, _ = PersonalAccessToken.issue(owner, "ci")
    second, second_secret = PersonalAccessToken.issue(owner, "ci")

    by_prefix = runner.invoke(
        app, ["token", "revoke", "owner@example.org", "--prefix", first.prefix]
    )
    by_token = runner.invoke(
        app, ["token", "revoke", "owner@example.org", "--prefix", second_secret]
    )

    assert by_prefix.exit_code == by_token.exit_code == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is not None


def test_revoke_exits_2_when_nothing_matches(owner: User, peer: User) -> None:
    PersonalAccessToken.issue(peer, "backup")

    result = runner.invoke(app, ["token", "revoke", "owner@example.org", "--name", "backup"])

    assert result.exit_code == 2
    assert "owner@example.org has no active token named 'backup'" in result.stderr
    assert not PersonalAccessToken.objects.filter(revoked_at__isnull=False).exists()


def test_revoke_refuses_a_prefix_too_short_to_be_one_token(owner: User) -> None:
    PersonalAccessToken.issue(owner, "backup")

    result = runner.invoke(app, ["token", "revoke", "owner@example.org", "--prefix", "lfl_"])

    assert result.exit_code == 2
    assert "a prefix has 8 characters" in result.stderr
    assert not PersonalAccessToken.objects.filter(revoked_at__isnull=False).exists()


def test_revoke_needs_a_name_or_a_prefix(owner: User) -> None:
    result = runner.invoke(app, ["token", "revoke", "owner@example.org"])

    assert result.exit_code == 2
    assert "give either --name or --prefix" in result.stderr
