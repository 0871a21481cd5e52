"""Every email Lifelong sends on its own can be stopped: a link in the body (no sign-in), the
one-click POST of RFC 8058 through the List-Unsubscribe headers, and a settings page to turn
them back on."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import (
    UNSUBSCRIBE_SALT,
    EmailKind,
    EmailPreferences,
    User,
    unsubscribe_token,
)
from lifelong.licensure import reminders
from tests.licensure.factories import make_license

PREFERENCES_URL = reverse("accounts:email_preferences")
BASE_URL = "https://lifelong.example.org"


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.LIFELONG_BASE_URL = BASE_URL


def unsubscribe_path(user: User, kind: str) -> str:
    return reverse("accounts:unsubscribe", args=[unsubscribe_token(user, kind)])


def wants(user: User, kind: str) -> bool:
    return EmailPreferences.for_user(User.objects.get(pk=user.pk)).wants(kind)


@pytest.fixture
def sent_emails(owner: User) -> list[Any]:
    """A reminder and a weekly summary, really sent to the owner."""
    make_license(owner, label="Texas LPC")
    with time_machine.travel(datetime(2027, 1, 1, 19, tzinfo=UTC), tick=False):
        reminders.send_due_reminders()
        reminders.send_weekly_summaries()
    assert len(mail.outbox) == 2
    return list(mail.outbox)


# --- the emails carry the link and the headers ----------------------------------------------------


def test_every_email_has_the_one_click_headers_and_a_link_in_the_body(
    sent_emails: list[Any],
) -> None:
    for email in sent_emails:
        header = email.extra_headers["List-Unsubscribe"]
        assert re.fullmatch(rf"<{BASE_URL}/unsubscribe/[^/>]+/>", header)
        assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = header[1:-1]
        assert f"Stop these emails (no sign-in needed): {link}" in email.body
        assert f'href="{link}"' in email.alternatives[0][0]
        assert f"{BASE_URL}/settings/emails/" in email.body
        message = email.message()
        assert message["List-Unsubscribe"] == header
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_each_kind_of_email_has_its_own_link(sent_emails: list[Any], owner: User) -> None:
    reminder, summary = sorted(sent_emails, key=lambda email: "week" in email.subject)
    reminder_link = reminder.extra_headers["List-Unsubscribe"][1:-1]

    Client().post(reminder_link.removeprefix(BASE_URL), {"List-Unsubscribe": "One-Click"})

    assert not wants(owner, EmailKind.REMINDERS)
    assert wants(owner, EmailKind.WEEKLY_SUMMARY)
    assert summary.extra_headers["List-Unsubscribe"] != reminder.extra_headers["List-Unsubscribe"]


# --- the link -------------------------------------------------------------------------------------


def test_opening_the_link_asks_first_and_changes_nothing(owner: User) -> None:
    """Mail systems open links to scan them: a GET must not unsubscribe anyone."""
    response = Client().get(unsubscribe_path(owner, EmailKind.REMINDERS))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop <strong>renewal reminders</strong> emails to owner@example.org?" in html
    assert "<button" in html
    assert wants(owner, EmailKind.REMINDERS)


def test_the_button_unsubscribes_without_signing_in(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    path = unsubscribe_path(owner, EmailKind.WEEKLY_SUMMARY)

    response = client.post(path)

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not wants(owner, EmailKind.WEEKLY_SUMMARY)
    assert wants(owner, EmailKind.REMINDERS)
    assert "You are unsubscribed" in client.get(path).content.decode()


def test_the_one_click_post_of_a_mail_program_unsubscribes(owner: User) -> None:
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_path(owner, EmailKind.REMINDERS),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not wants(owner, EmailKind.REMINDERS)


def test_unsubscribing_twice_is_harmless(owner: User) -> None:
    path = unsubscribe_path(owner, EmailKind.REMINDERS)
    Client().post(path)
    Client().post(path)

    assert EmailPreferences.objects.filter(user=owner).count() == 1
    assert not wants(owner, EmailKind.REMINDERS)


def test_an_unsubscribed_user_gets_no_more_reminder_emails(owner: User) -> None:
    make_license(owner)
    Client().post(unsubscribe_path(owner, EmailKind.REMINDERS))

    with time_machine.travel(datetime(2027, 1, 1, 19, tzinfo=UTC), tick=False):
        reminders.send_due_reminders()

    assert [email for email in mail.outbox if "renewal deadline" in email.subject] == []


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"user": 1, "kind": "reminders"}, salt="another-salt"),
        signing.dumps({"user": 1, "kind": "everything"}, salt=UNSUBSCRIBE_SALT),
        signing.dumps({"user": "1", "kind": "reminders"}, salt=UNSUBSCRIBE_SALT),
        signing.dumps(["reminders"], salt=UNSUBSCRIBE_SALT),
    ],
    # Signed tokens hold a timestamp: fixed ids keep the test ids equal in every xdist worker.
    ids=["garbage", "other-salt", "unknown-kind", "user-as-text", "not-an-object"],
)
def test_a_forged_or_altered_token_is_refused(token: str, owner: User) -> None:
    for response in (
        Client().get(reverse("accounts:unsubscribe", args=[token])),
        Client().post(reverse("accounts:unsubscribe", args=[token])),
    ):
        assert response.status_code == 404
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert not EmailPreferences.objects.exists()


def test_a_token_for_one_user_never_touches_another(owner: User, peer: User) -> None:
    Client().post(unsubscribe_path(peer, EmailKind.REMINDERS))

    assert wants(owner, EmailKind.REMINDERS)
    assert not wants(peer, EmailKind.REMINDERS)


def test_the_token_of_a_deleted_account_is_refused(owner: User) -> None:
    path = unsubscribe_path(owner, EmailKind.REMINDERS)
    owner.delete()

    assert Client().post(path).status_code == 404


# --- the settings page ----------------------------------------------------------------------------


def test_the_owner_turns_emails_back_on(owner: User, owner_client: Client) -> None:
    EmailPreferences.set_wanted(owner, EmailKind.REMINDERS, False)
    html = owner_client.get(PREFERENCES_URL).content.decode()
    assert re.search(r'<input type="checkbox" name="reminder_emails"(?![^>]*checked)', html)
    assert 'aria-current="page">Emails</a>' in html

    response = owner_client.post(PREFERENCES_URL, {"reminder_emails": "on"})

    assert response.status_code == 302
    assert wants(owner, EmailKind.REMINDERS)
    assert not wants(owner, EmailKind.WEEKLY_SUMMARY)  # unticked on the form


def test_everything_is_on_until_the_user_changes_it(owner_client: Client) -> None:
    html = owner_client.get(PREFERENCES_URL).content.decode()

    assert re.search(r'name="reminder_emails"[^>]*checked', html)
    assert re.search(r'name="weekly_summary"[^>]*checked', html)


def test_a_peer_changes_only_their_own_settings(
    owner: User, peer: User, peer_client: Client
) -> None:
    peer_client.post(PREFERENCES_URL, {})

    assert not wants(peer, EmailKind.REMINDERS)
    assert wants(owner, EmailKind.REMINDERS)
    assert not EmailPreferences.objects.filter(user=owner).exists()


def test_anonymous_visitors_must_sign_in_for_the_settings_page(owner: User) -> None:
    for response in (Client().get(PREFERENCES_URL), Client().post(PREFERENCES_URL, {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not EmailPreferences.objects.exists()


def test_the_settings_page_takes_a_fixed_number_of_queries(
    owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        owner_client.get(PREFERENCES_URL)
