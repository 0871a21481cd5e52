"""Settings pages: profile, API tokens, data export and account deletion.

Email addresses, password and two-factor authentication are allauth's own pages, styled by
the templates in templates/allauth/ and reached from the same settings navigation.
"""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lifelong.accounts import services
from lifelong.accounts.forms import DeleteAccountForm, ProfileForm, TokenForm
from lifelong.accounts.models import PersonalAccessToken, User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real user."""

    user: User


def _get_token_for_user(request: AuthenticatedHttpRequest, token_id: int) -> PersonalAccessToken:
    return get_object_or_404(PersonalAccessToken.objects.for_user(request.user), pk=token_id)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:profile")
    context = {
        "nav_section": "settings",
        "form": form,
        "two_factor_enabled": is_mfa_enabled(request.user),
        "active_token_count": PersonalAccessToken.objects.for_user(request.user).active().count(),
    }
    return render(request, "accounts/profile.html", context)


# A new token's secret waits here between the POST that creates it and the page that shows
# it, and is removed as it is shown (post/redirect/get: a reload cannot create a second token).
NEW_TOKEN_SESSION_KEY = "accounts.new_token"


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List tokens and create one; a new token's secret is shown on the next page, once."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = PersonalAccessToken.issue(request.user, form.cleaned_data["name"])
        request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "secret": secret}
        return redirect("accounts:tokens")
    user_tokens = list(PersonalAccessToken.objects.for_user(request.user))
    shown = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    new_token = next((t for t in user_tokens if shown and t.pk == shown["id"]), None)
    context = {
        "nav_section": "settings",
        "form": form,
        "tokens": user_tokens,
        "new_token": new_token,
        "new_secret": shown["secret"] if new_token and shown else "",
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = _get_token_for_user(request, token_id)
    if token.revoked_at is None:
        token.revoke()
        messages.success(request, f"The token “{token.name}” was revoked.")
    return redirect("accounts:tokens")


@login_required
@never_cache
@require_http_methods(["GET"])
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything the user owns, as a JSON file to download."""
    response = JsonResponse(
        services.export_user_data(request.user), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="{services.export_filename()}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request, request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_account(request, request.user)
        messages.success(request, "Your account and all its data were deleted. Goodbye.")
        return redirect("core:home")
    return render(request, "accounts/delete.html", {"nav_section": "settings", "form": form})
