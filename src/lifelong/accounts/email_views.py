"""Email settings and the unsubscribe link that every reminder and summary email carries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from lifelong.accounts.forms import EmailPreferencesForm
from lifelong.accounts.models import EmailKind, EmailPreferences, read_unsubscribe_token
from lifelong.accounts.views import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EmailPreferencesForm(
        request.POST if request.method == "POST" else None,
        instance=EmailPreferences.for_user(request.user),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your email settings were saved.")
        return redirect("accounts:email_preferences")
    return render(
        request, "accounts/email_preferences.html", {"form": form, "nav_section": "settings"}
    )


@csrf_exempt  # the signed token is the proof; mail programs POST here without a CSRF token
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link checkers in mail systems open links: they must not unsubscribe
    anyone); POST unsubscribes. Mail programs POST ``List-Unsubscribe=One-Click`` here (RFC 8058).
    No sign-in: the token, signed by the server, names the user and the kind of email."""
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "accounts/unsubscribe_invalid.html", status=404)
    user, kind = found
    if request.method == "POST":
        EmailPreferences.set_wanted(user, kind, False)
    context = {
        "kind_label": EmailKind(kind).label,
        "email": user.email,
        "unsubscribed": not EmailPreferences.for_user(user).wants(kind),
        "token": token,
        "signed_in_as_owner": request.user.is_authenticated and request.user.pk == user.pk,
    }
    return render(request, "accounts/unsubscribe.html", context)
