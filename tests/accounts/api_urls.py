"""A tiny API for testing ``lifelong.api.auth`` through Django's full request cycle."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI

from lifelong.api.auth import api_auth

api = NinjaAPI(urls_namespace="accounts-auth-test", auth=api_auth)


@api.get("/whoami")
def whoami(request: HttpRequest) -> dict[str, str]:
    return {"auth": request.auth.email, "user": request.user.email}  # type: ignore[attr-defined,union-attr]


@api.post("/echo")
def echo(request: HttpRequest) -> dict[str, str]:
    return {"user": request.user.email}  # type: ignore[union-attr]


urlpatterns = [path("api/", api.urls)]
