"""Data export (/settings/export/): one JSON file with everything the user owns, nothing of
anyone else's, and no secrets."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from lifelong.accounts import services
from lifelong.accounts.models import PersonalAccessToken, User
from lifelong.credits.models import Activity
from lifelong.licensure.models import License, RuleSetDocument

RULESET_TEXT = '# my board changed its rules\nid = "owner-custom"\n'


def give_data(user: User, tag: str) -> None:
    """A license, activities, a rule set and a token, each labelled with ``tag``."""
    License.objects.create(
        user=user, ruleset_id="us-ca-lmft", label=f"{tag} LMFT", expires_on=date(2027, 6, 30)
    )
    for number in range(3):
        Activity.objects.create(
            user=user,
            title=f"{tag} course {number}",
            completed_on=date(2026, 1, 10 + number),
            hours=Decimal("1.50"),
            format="live-online",
            topics=[{"slug": "ethics", "hours": 1.0}],
            approvals=[{"body": "apa", "number": ""}],
        )
    RuleSetDocument.objects.create(
        owner=user, ruleset_id=f"{tag}-custom", title=f"{tag} rules", text=RULESET_TEXT
    )
    PersonalAccessToken.issue(user, f"{tag} script")


def download(client: Client) -> tuple[Any, dict[str, Any]]:
    response = client.get(reverse("accounts:export"))
    return response, json.loads(response.content)


def test_it_downloads_the_owners_data_as_a_json_file(
    owner_client: Client, owner: User, peer: User, django_assert_max_num_queries: Any
) -> None:
    give_data(owner, "owner")
    give_data(peer, "peer")

    # literature 5, growth 10, well-being 8, organizations 2, groups 3, supervision 7,
    # practice 4
    with django_assert_max_num_queries(53):
        response, data = download(owner_client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="lifelong-export-')
    assert data["format"] == "lifelong-export"
    assert data["profile"]["email"] == "owner@example.org"
    assert data["profile"]["time_zone"] == "America/Los_Angeles"
    assert [a["email"] for a in data["email_addresses"]] == ["owner@example.org"]
    assert data["email_addresses"][0]["verified"] is True
    assert [lic["label"] for lic in data["licenses"]] == ["owner LMFT"]
    assert data["licenses"][0]["expires_on"] == "2027-06-30"
    assert sorted(a["title"] for a in data["activities"]) == [
        "owner course 0",
        "owner course 1",
        "owner course 2",
    ]
    activity = data["activities"][0]
    assert activity["hours"] == "1.50"
    assert activity["topics"] == [{"slug": "ethics", "hours": 1.0}]
    assert activity["approvals"] == [{"body": "apa", "number": ""}]
    assert data["rule_sets"] == [
        {
            "id": data["rule_sets"][0]["id"],
            "ruleset_id": "owner-custom",
            "title": "owner rules",
            "text": RULESET_TEXT,
            "created_at": data["rule_sets"][0]["created_at"],
            "updated_at": data["rule_sets"][0]["updated_at"],
        }
    ]
    assert [t["name"] for t in data["api_tokens"]] == ["owner script"]
    assert "peer" not in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_data(
    owner_client: Client, owner: User, django_assert_max_num_queries: Any
) -> None:
    for tag in ("a", "b", "c", "d"):
        give_data(owner, tag)

    # literature 5, growth 10, well-being 8, organizations 2, groups 3, supervision 7,
    # practice 4
    with django_assert_max_num_queries(53):
        _, data = download(owner_client)

    assert len(data["activities"]) == 12


def test_it_never_exports_secrets(owner_client: Client, owner: User) -> None:
    _, token_secret = PersonalAccessToken.issue(owner, "script")
    token_hash = PersonalAccessToken.objects.get(user=owner).token_hash
    totp_secret = generate_totp_secret()
    TOTP.activate(owner, totp_secret)
    recovery = RecoveryCodes.activate(owner)
    stored = {
        value
        for authenticator in Authenticator.objects.filter(user=owner)
        for value in authenticator.data.values()
        if isinstance(value, str)
    }
    assert len(stored) == 2  # the encrypted TOTP secret and the recovery-code seed

    response, data = download(owner_client)

    text = response.content.decode()
    for secret in (token_secret, token_hash, totp_secret, owner.password, *stored):
        assert secret not in text
    assert all(code not in text for code in recovery.get_unused_codes())
    assert sorted(a["type"] for a in data["two_factor_authenticators"]) == [
        "recovery_codes",
        "totp",
    ]
    assert "data" not in data["two_factor_authenticators"][0]
    assert "token_hash" not in data["api_tokens"][0]
    assert "password" not in data["profile"]


def test_an_outsider_is_sent_to_sign_in(client: Client, owner: User) -> None:
    response = client.get(reverse("accounts:export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# Rows that point at a user but are not the user's data: the admin's log of staff actions, and
# audit packets (temporary zips built from licenses, activities and certificates that are in the
# export already; deleted after a few days).
NOT_EXPORTED = {"admin.logentry", "licensure.auditpacket"}


def test_every_model_owned_by_a_user_is_in_the_export() -> None:
    """A new model with a foreign key to the user must be added to the export (or to
    NOT_EXPORTED here, with a reason)."""
    owned = {
        model._meta.label_lower
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey | models.OneToOneField)
        and field.related_model is User
    }
    exported = {model._meta.label_lower for model in services.EXPORTED_MODELS}

    assert owned - NOT_EXPORTED == exported


def test_email_addresses_export_all_of_the_users_addresses(
    owner_client: Client, owner: User
) -> None:
    EmailAddress.objects.create(user=owner, email="olivia@work.example.org", verified=False)

    _, data = download(owner_client)

    assert [(a["email"], a["verified"], a["primary"]) for a in data["email_addresses"]] == [
        ("olivia@work.example.org", False, False),
        ("owner@example.org", True, True),
    ]
