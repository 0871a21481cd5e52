"""Helpers for account tests: signing in through allauth's form and making TOTP codes."""

from __future__ import annotations

import itertools
import re
import time
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: str) -> TestResponse:
    """Sign in through allauth's login form (not ``force_login``), as a person would; allauth
    then records the authentication, which its reauthentication checks rely on."""
    data = {"login": email, "password": password, **extra}
    return client.post(reverse("account_login"), data)


def reauthenticate(client: Client, password: str = PASSWORD) -> TestResponse:
    """Confirm the password again, as allauth asks before security changes (e.g. adding TOTP)."""
    return client.post(reverse("account_reauthenticate"), {"password": password})


def signed_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` at ``at`` (default: now), made with
    allauth's own HOTP helpers."""
    from allauth.mfa import app_settings

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    code: str = format_hotp_value(hotp_value(secret, counter))
    return code


def first_link(body: str) -> str:
    """The path of the first link to this site in an email body."""
    match = re.search(r"https?://testserver(/\S+)", body)
    assert match, body
    return match.group(1)


def input_value(html: str, element_id: str) -> str:
    """The ``value`` of the input with this id."""
    match = re.search(rf'<input[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no input #{element_id}"
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    assert value, f"input #{element_id} has no value"
    return value.group(1)


class PageAudit(HTMLParser):
    """What a page must get right under our CSP and for accessibility: no inline styles or
    scripts, a label for every input, one h1 and no skipped heading levels."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.input_ids: list[str] = []
        self.unlabelled_inputs: list[str] = []
        self.label_targets: set[str] = set()
        self.style_attributes: list[str] = []
        self.inline_scripts = 0
        self.headings: list[int] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "style" in attributes:
            self.style_attributes.append(tag)
        if (
            tag == "script"
            and not attributes.get("src")
            and attributes.get("type") not in ("application/json",)
        ):
            self.inline_scripts += 1
        if tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"] or "")
        if tag in ("input", "select", "textarea") and attributes.get("type") not in (
            "hidden",
            "submit",
        ):
            if attributes.get("id"):
                self.input_ids.append(attributes["id"] or "")
            else:
                self.unlabelled_inputs.append(str(attributes))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def problems(self) -> list[str]:
        found = [f"input #{i} has no label" for i in self.input_ids if i not in self.label_targets]
        found += [f"input without id: {i}" for i in self.unlabelled_inputs]
        found += [f"style attribute on <{tag}>" for tag in self.style_attributes]
        if self.inline_scripts:
            found.append(f"{self.inline_scripts} inline script(s)")
        if self.headings.count(1) != 1:
            found.append(f"{self.headings.count(1)} h1 headings")
        for before, after in itertools.pairwise(self.headings):
            if after > before + 1:
                found.append(f"heading level skips from h{before} to h{after}")
        return found
