"""How API calls authenticate: a personal access token, or the browser's session.

Routers pass ``auth=api_auth``. A script sends ``Authorization: Bearer lfl_…``; the browser
sends its session cookie, and then unsafe methods need the CSRF token as in any Django form.
Either way ``request.auth`` and ``request.user`` are the signed-in user.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from lifelong.accounts.models import TOKEN_PREFIX, PersonalAccessToken, User


class TokenAuth(HttpBearer):
    """``Authorization: Bearer lfl_…`` with an active token of an active user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token.startswith(TOKEN_PREFIX):
            return None
        user = PersonalAccessToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


api_auth = [TokenAuth(), SessionAuth()]
