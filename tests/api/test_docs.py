"""The OpenAPI schema and the interactive docs: served from our own static files, so they work
offline and under the Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

OPERATIONS = {
    "/api/licenses": {"get", "post"},
    "/api/licenses/{license_id}": {"get", "put", "patch", "delete"},
    "/api/licenses/{license_id}/compliance": {"get"},
    "/api/compliance": {"get"},
    "/api/activities": {"get", "post"},
    "/api/activities/{activity_id}": {"get", "put", "patch", "delete"},
    "/api/activities/import": {"post"},
    "/api/rulesets": {"get"},
    "/api/rulesets/{ruleset_id}": {"get"},
    "/api/licenses/{license_id}/audit-packets": {"post"},
    "/api/audit-packets/{packet_id}": {"get"},
    "/api/audit-packets/{packet_id}/download": {"get"},
    "/api/certificates": {"get", "post"},
    "/api/certificates/{certificate_id}": {"get", "delete"},
    "/api/certificates/{certificate_id}/file": {"get"},
    "/api/certificates/{certificate_id}/activities": {"post"},
    "/api/certificates/{certificate_id}/activities/{activity_id}": {"delete"},
    "/api/plans": {"get", "post"},
    "/api/plans/{plan_id}": {"get", "put", "patch", "delete"},
    "/api/plans/{plan_id}/complete": {"post"},
    "/api/licenses/{license_id}/projection": {"get"},
    "/api/literature/feed": {"get"},
    "/api/literature/search": {"get"},
    "/api/literature/digest": {"get"},
    "/api/literature/interests": {"get", "post"},
    "/api/literature/interests/{interest_id}": {"get", "patch", "delete"},
    "/api/literature/reading-list": {"get", "post"},
    "/api/literature/reading-list/{entry_id}": {"get", "patch", "delete"},
    "/api/wellbeing/instruments": {"get"},
    "/api/wellbeing/results": {"get", "post"},
    "/api/wellbeing/results/{result_id}": {"get", "delete"},
    "/api/wellbeing/check-ins": {"get", "post"},
    "/api/wellbeing/check-ins/{checkin_id}": {"get", "delete"},
    "/api/wellbeing/overview": {"get"},
    "/api/goals": {"get", "post"},
    "/api/goals/{goal_id}": {"get", "delete"},
    "/api/review/due": {"get"},
    "/api/review/cards": {"post"},
    "/api/review/cards/{card_id}/review": {"post"},
    "/api/organizations": {"get", "post"},
    "/api/organizations/{organization_id}": {"get", "delete"},
    "/api/organizations/{organization_id}/membership": {"patch"},
    "/api/organizations/{organization_id}/leave": {"post"},
    "/api/organizations/{organization_id}/members/{membership_id}": {"patch", "delete"},
    "/api/organizations/{organization_id}/invitations": {"get", "post"},
    "/api/organizations/{organization_id}/invitations/{invitation_id}": {"delete"},
    "/api/organizations/{organization_id}/compliance": {"get"},
    "/api/invitations": {"get"},
    "/api/invitations/{invitation_id}/accept": {"post"},
    "/api/invitations/{invitation_id}/decline": {"post"},
    "/api/supervision/rulesets": {"get"},
    "/api/supervision/track": {"put"},
    "/api/supervision/progress": {"get"},
    "/api/supervision/entries": {"get", "post"},
    "/api/supervision/entries/{entry_id}": {"get", "put", "delete"},
    "/api/supervision/supervisors": {"get", "post"},
    "/api/supervision/supervisors/{supervision_id}/sign-off": {"post"},
    "/api/supervision/history": {"get"},
    "/api/supervision/invitations": {"get"},
    "/api/supervision/invitations/{supervision_id}": {"post"},
    "/api/supervision/supervisees": {"get"},
    "/api/supervision/supervisees/{supervision_id}/periods": {"get"},
    "/api/supervision/periods/{period_id}/sign": {"post"},
    "/api/mentorship/profile": {"get", "put"},
    "/api/mentorship/suggestions": {"get"},
    "/api/mentorship/mentorships": {"get", "post"},
    "/api/mentorship/mentorships/{mentorship_id}/answer": {"post"},
    "/api/mentorship/mentorships/{mentorship_id}/end": {"post"},
    "/api/mentorship/mentorships/{mentorship_id}/notes": {"get", "post"},
}


def test_the_schema_lists_every_operation_with_its_auth(client: Client) -> None:
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert {path: set(methods) for path, methods in schema["paths"].items()} == OPERATIONS
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    for methods in schema["paths"].values():
        for operation in methods.values():
            assert "401" in operation["responses"]


def test_the_schema_uses_the_ce_vocabulary(client: Client) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    assert schemas["ActivityIn"]["properties"]["format"]["enum"] == [
        "in-person",
        "live-online",
        "self-study",
    ]
    assert "law-and-ethics" in schemas["TopicShareIn"]["properties"]["slug"]["enum"]


def test_the_docs_page_loads_only_our_own_files(client: Client) -> None:
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/static/") for source in sources), sources
    assert all(finders.find(source.removeprefix("/static/")) for source in sources)
    assert "<script>" not in html  # no inline script: the CSP would block it
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


@pytest.mark.browser
def test_the_docs_render_in_a_browser_without_csp_violations(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/api/docs")

    # Swagger UI builds the whole page from the schema in the browser: a large API on a busy
    # machine can take longer than the default wait.
    page.locator(".opblock").first.wait_for(timeout=30_000)
    assert page.locator(".opblock").count() == sum(len(methods) for methods in OPERATIONS.values())
    assert page.get_by_text("Lifelong API").first.is_visible()
