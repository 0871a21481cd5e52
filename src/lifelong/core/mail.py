"""Emails Lifelong sends on its own (reminders, summaries): text and HTML, with a working
unsubscribe link in the body and the one-click unsubscribe headers of RFC 8058."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from lifelong.accounts.models import User, unsubscribe_token


def absolute_url(path: str) -> str:
    """``path`` on the address users reach Lifelong at (``LIFELONG_BASE_URL``)."""
    return f"{settings.LIFELONG_BASE_URL}{path}"


def unsubscribe_url(user: User, kind: str) -> str:
    """The link that turns off ``kind`` emails for ``user``, without signing in."""
    return absolute_url(reverse("accounts:unsubscribe", args=[unsubscribe_token(user, kind)]))


def subscription_email(
    user: User, kind: str, subject: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """An email of ``kind`` to ``user`` from ``templates/emails/<template>.txt`` and ``.html``.

    The templates get ``unsubscribe_url`` and ``preferences_url`` besides ``context``; the
    message carries ``List-Unsubscribe`` (the same link) and ``List-Unsubscribe-Post``, so that
    mail programs can offer a one-click unsubscribe button.
    """
    unsubscribe = unsubscribe_url(user, kind)
    full_context = {
        **context,
        "user": user,
        "site_name": settings.SITE_NAME,
        "base_url": settings.LIFELONG_BASE_URL,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute_url(reverse("accounts:email_preferences")),
    }
    text = render_to_string(f"emails/{template}.txt", full_context)
    html = render_to_string(f"emails/{template}.html", full_context)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
