"""Steps several browser tests share."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import Page, expect

CONFIRM_LINK = re.compile(r"https?://\S+?(/accounts/confirm-email/\S+/)")


def confirmation_path(body: str) -> str:
    """The path of the email-confirmation link in an email body."""
    match = CONFIRM_LINK.search(body)
    assert match, f"no confirmation link in the email:\n{body}"
    return match.group(1)


def sign_up(page: Page, email: str, password: str, name: str = "") -> None:
    """Sign up through the pages, confirm the address from the email, land on the dashboard."""
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill(email)
    if name:
        page.get_by_label("Full name").fill(name)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_role("button", name=re.compile("sign up", re.IGNORECASE)).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("verify", re.I))
    sent = [message for message in mail.outbox if email in message.to]
    assert len(sent) == 1, [message.to for message in mail.outbox]

    page.goto(confirmation_path(str(sent[0].body)))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
