"""Sign-up with email verification, sign-in and sign-out, password reset and change, email
addresses: allauth's flows as wired in settings, end to end through the test client."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from tests.accounts.helpers import first_link, sign_in, signed_in_user_id
from tests.conftest import PASSWORD

NEW_PASSWORD = "a much longer passphrase 2026"


def test_it_signs_up_sends_a_verification_link_and_signs_in_on_confirmation(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nora@example.org",
            "name": "Nora New",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nora@example.org")
    assert user.name == "Nora New"
    assert signed_in_user_id(client) is None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nora@example.org"]
    assert mailoutbox[0].subject.startswith("[Lifelong] ")
    assert mailoutbox[0].body.startswith("Hello from Lifelong!")
    confirm_path = first_link(mailoutbox[0].body)
    assert confirm_path.startswith("/accounts/confirm-email/")

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "nora@example.org" in page.content.decode()
    response = client.post(confirm_path)

    assert response.status_code == 302
    assert response["Location"] == reverse("licensure:dashboard")
    assert signed_in_user_id(client) == user.pk
    assert EmailAddress.objects.get(user=user).verified


def test_it_rejects_a_sign_up_with_mismatched_passwords_and_keeps_the_input(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nora@example.org",
            "name": "Nora New",
            "password1": PASSWORD,
            "password2": PASSWORD + "!",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "You must type the same password each time." in html
    assert 'value="nora@example.org"' in html
    assert 'value="Nora New"' in html
    assert not User.objects.filter(email="nora@example.org").exists()
    assert mailoutbox == []


def test_it_does_not_sign_in_an_unverified_address(client: Client, db: None) -> None:
    User.objects.create_user(email="unverified@example.org", password=PASSWORD)

    response = sign_in(client, "unverified@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None


def test_it_signs_in_and_out(client: Client, owner: User) -> None:
    response = sign_in(client, owner.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("licensure:dashboard")
    assert signed_in_user_id(client) == owner.pk

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_it_rejects_a_wrong_password(client: Client, owner: User) -> None:
    response = sign_in(client, owner.email, "not the password at all")

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert signed_in_user_id(client) is None


def test_it_resets_a_forgotten_password_by_email(
    client: Client, owner: User, mailoutbox: list[Any]
) -> None:
    response = client.post(reverse("account_reset_password"), {"email": owner.email})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    reset_path = first_link(mailoutbox[0].body)
    # The key in the link is swapped for a session-held one before the form is shown.
    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    set_password_path = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert sign_in(Client(), owner.email, NEW_PASSWORD)["Location"] == reverse(
        "licensure:dashboard"
    )


def test_it_does_not_reveal_whether_an_address_has_an_account(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


def test_it_changes_the_password_given_the_current_one(client: Client, owner: User) -> None:
    sign_in(client, owner.email)

    wrong = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "Please type your current password." in wrong.content.decode()

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert signed_in_user_id(client) == owner.pk


def test_it_adds_an_email_address_and_sends_it_a_verification_link(
    client: Client, owner: User, mailoutbox: list[Any]
) -> None:
    sign_in(client, owner.email)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "olivia@work.example.org"}
    )

    assert response.status_code == 302
    address = EmailAddress.objects.get(email="olivia@work.example.org")
    assert address.user_id == owner.pk
    assert not address.verified
    assert [message.to for message in mailoutbox] == [["olivia@work.example.org"]]
    page = client.get(reverse("account_email")).content.decode()
    assert "olivia@work.example.org" in page
    assert '<span class="badge badge-warn">' in page
