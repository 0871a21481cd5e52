from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from tests.licensure.factories import make_document, make_license


@pytest.mark.parametrize("model", ["license", "rulesetdocument"])
def test_staff_can_browse_licenses_and_rule_sets_in_the_admin(model: str, owner: User) -> None:
    admin = User.objects.create_superuser("admin@example.org", "an admin passphrase")
    make_license(owner, label="Admin-visible LPC")
    make_document(owner, "my-tx-lpc")
    client = Client()
    client.force_login(admin)

    listing = client.get(reverse(f"admin:licensure_{model}_changelist"))
    added = client.get(reverse(f"admin:licensure_{model}_add"))

    assert listing.status_code == 200
    assert added.status_code == 200
    assert ("Admin-visible LPC" if model == "license" else "my-tx-lpc") in listing.content.decode()
