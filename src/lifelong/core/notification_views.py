"""The notifications page: newest first, a page at a time; mark one or all as read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from lifelong.accounts.models import User
from lifelong.core import notifications
from lifelong.core.models import Notification

PAGE_SIZE = 20


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _get_notification_for_user(
    request: AuthenticatedHttpRequest, notification_id: int
) -> Notification:
    return get_object_or_404(Notification.objects.for_user(request.user), pk=notification_id)


@login_required
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    paginator = Paginator(Notification.objects.for_user(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    unread = Notification.objects.for_user(request.user).unread().count()
    notifications.recount(request.user, unread)
    context = {"page": page, "unread": unread, "nav_section": "notifications"}
    return render(request, "core/notifications.html", context)


def _back(request: AuthenticatedHttpRequest) -> HttpResponse:
    """To the page the form was on (a page of the list), else the list."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    notification = _get_notification_for_user(request, notification_id)
    notifications.mark_read(notification)
    return _back(request)


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications.mark_all_read(request.user)
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return _back(request)
