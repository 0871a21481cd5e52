"""API clients for the owner (by token), the peer (by token) and an anonymous caller, and a few
objects to reach by id."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from tests.browser.conftest import (  # noqa: F401 (the browser fixtures, for the docs page)
    browser,
    browser_context,
    chromium_path,
    page,
)

from lifelong.accounts.models import PersonalAccessToken, User
from lifelong.credits.models import Activity
from lifelong.licensure.models import License, RuleSetDocument
from lifelong.rules.loader import catalog_text

# Texas LPC: 24 h every 2 years ending on the expiration date, 6 h ethics among them.
TX_EXPIRES = date(2027, 1, 31)
IN_TX_CYCLE = date(2026, 2, 10)


class ApiClient(Client):
    """A test client that sends JSON bodies and, with a token, ``Authorization: Bearer``."""

    def __init__(self, token: str | None = None, **defaults: Any) -> None:
        if token is not None:
            defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        super().__init__(**defaults)

    def send(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        """``method`` with ``body`` as JSON (when given)."""
        call = getattr(self, method.lower())
        if body is None:
            return call(path, **extra)
        return call(path, data=json.dumps(body), content_type="application/json", **extra)


def token_for(user: User, name: str = "tests") -> str:
    _, secret = PersonalAccessToken.issue(user, name)
    return secret


@pytest.fixture
def owner_token(owner: User) -> str:
    return token_for(owner)


@pytest.fixture
def owner_api(owner_token: str) -> ApiClient:
    return ApiClient(owner_token)


@pytest.fixture
def peer_api(peer: User) -> ApiClient:
    return ApiClient(token_for(peer))


@pytest.fixture
def anonymous_api(db: None) -> ApiClient:
    return ApiClient()


def make_license(user: User, ruleset_id: str = "us-tx-lpc", **fields: Any) -> License:
    fields.setdefault("expires_on", TX_EXPIRES)
    fields.setdefault("label", ruleset_id.upper())
    return License.objects.create(user=user, ruleset_id=ruleset_id, **fields)


def make_activity(
    user: User,
    title: str = "Ethics for counselors",
    hours: float = 6,
    *,
    topics: list[dict[str, Any]] | None = None,
    completed_on: date = IN_TX_CYCLE,
    **fields: Any,
) -> Activity:
    fields.setdefault("format", "in-person")
    fields.setdefault("kind", "course")
    fields.setdefault("approvals", [{"body": "nbcc", "number": ""}])
    return Activity.objects.create(
        user=user,
        title=title,
        provider=fields.pop("provider", "Test Institute"),
        completed_on=completed_on,
        hours=Decimal(str(hours)),
        topics=[{"slug": "ethics", "hours": None}] if topics is None else topics,
        **fields,
    )


def make_own_ruleset(user: User, ruleset_id: str = "my-tx-lpc") -> RuleSetDocument:
    """A copy of the Texas LPC rule set under the user's own id."""
    text = catalog_text("us-tx-lpc").replace('id = "us-tx-lpc"', f'id = "{ruleset_id}"', 1)
    assert f'id = "{ruleset_id}"' in text
    return RuleSetDocument.objects.create(
        owner=user, ruleset_id=ruleset_id, title="My Texas LPC", text=text
    )


@pytest.fixture
def license(owner: User) -> License:
    return make_license(owner)


@pytest.fixture
def activity(owner: User) -> Activity:
    return make_activity(owner)
