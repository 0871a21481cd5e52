"""A license's reminder days, and the calendar: the private feed, its settings page and the
signed-in download."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lifelong.core.mail import absolute_url
from lifelong.licensure import calendar
from lifelong.licensure.models import CalendarFeed, License, default_reminder_days
from lifelong.licensure.reminders import format_reminder_days, parse_reminder_days
from lifelong.licensure.views import AuthenticatedHttpRequest

FEED_LAST_USED_EVERY_SECONDS = 300
NEW_FEED_SESSION_KEY = "licensure.new_calendar_feed"


def _get_license_for_user(request: AuthenticatedHttpRequest, license_id: int) -> License:
    return get_object_or_404(License.objects.for_user(request.user), pk=license_id)


class ReminderDaysForm(forms.Form):
    days = forms.CharField(
        label="Remind me this many days before the deadline",
        required=False,
        max_length=200,
        help_text="Whole days, separated by commas, e.g. 180, 90, 30, 7. Leave it empty to turn "
        "reminders off for this license.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_days(self) -> list[int]:
        try:
            return parse_reminder_days(self.cleaned_data.get("days", ""))
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid_days") from None


def reminder_form(license: License, data: Any = None) -> ReminderDaysForm:
    return ReminderDaysForm(data, initial={"days": format_reminder_days(license.reminder_days)})


@login_required
@require_http_methods(["GET", "POST"])
def license_reminders(request: AuthenticatedHttpRequest, license_id: int) -> HttpResponse:
    """Change a license's reminder days: a list of days, off, or the defaults again."""
    license = _get_license_for_user(request, license_id)
    form = reminder_form(license, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        days: list[int] | None = None
        if "off" in request.POST:
            days = []
        elif "defaults" in request.POST:
            days = default_reminder_days()
        elif form.is_valid():
            days = form.cleaned_data["days"]
        if days is not None:
            license.reminder_days = days
            license.save(update_fields=["reminder_days", "updated_at"])
            if days:
                messages.success(
                    request, f"Reminders for {license}: {format_reminder_days(days)} days before."
                )
            else:
                messages.success(request, f"Reminders for {license} are off.")
            return redirect(license.get_absolute_url() + "#reminders")
    context = {"license": license, "form": form, "nav_section": "licenses"}
    return render(request, "licensure/license_reminders.html", context)


# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------


def _ics_response(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: no sign-in, the token in the URL is the key. It is looked up by its
    hash (no comparison of secrets in Python); a revoked or unknown token is a 404."""
    feed = CalendarFeed.find(token)
    if feed is None:
        raise Http404("No such calendar.")
    now = timezone.now()
    if (
        feed.last_used_at is None
        or (now - feed.last_used_at).total_seconds() > FEED_LAST_USED_EVERY_SECONDS
    ):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    response = _ics_response(calendar.user_calendar(feed.user, now))
    response["Content-Disposition"] = 'inline; filename="lifelong.ics"'
    return response


@login_required
@require_GET
def calendar_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    response = _ics_response(calendar.user_calendar(request.user, now))
    response["Content-Disposition"] = f'attachment; filename="{calendar.calendar_filename(now)}"'
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make a feed URL (shown once, like an API token), make a new one, or turn it off."""
    if request.method == "POST":
        if "revoke" in request.POST:
            revoked = (
                CalendarFeed.objects.for_user(request.user)
                .active()
                .update(revoked_at=timezone.now())
            )
            if revoked:
                messages.success(request, "Your calendar URL was turned off.")
        else:
            new_feed, secret = CalendarFeed.issue(request.user)
            request.session[NEW_FEED_SESSION_KEY] = {"id": new_feed.pk, "secret": secret}
        return redirect("licensure:calendar_settings")
    feed = CalendarFeed.objects.for_user(request.user).active().first()
    shown = request.session.pop(NEW_FEED_SESSION_KEY, None)
    feed_url = ""
    if feed is not None and shown and shown.get("id") == feed.pk:
        feed_url = absolute_url(reverse("licensure:calendar_feed", args=[shown["secret"]]))
    context = {
        "feed": feed,
        "feed_url": feed_url,
        "webcal_url": feed_url.replace("https://", "webcal://", 1)
        if feed_url.startswith("https://")
        else "",
        "nav_section": "settings",
    }
    return render(request, "licensure/calendar_settings.html", context)
