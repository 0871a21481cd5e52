"""The organizations API: every endpoint over the roles (owner, admin, supervisor, member),
someone outside, another organization's admin and an anonymous caller."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core import mail
from tests.api.conftest import ApiClient, make_activity, make_license, token_for
from tests.conftest import make_user

from lifelong.accounts.models import Invitation, Membership, Organization, Role, User

ROLES = ["owner", "admin", "supervisor", "member"]
ACTORS = [*ROLES, "non-member", "other-admin", "anonymous"]


class World:
    def __init__(self) -> None:
        self.organization = Organization.objects.create(name="Riverside Group Practice")
        other = Organization.objects.create(name="Hillside Agency", kind="agency")
        self.users: dict[str, User] = {}
        self.memberships: dict[str, Membership] = {}
        for role in ROLES:
            user = make_user(f"{role}@example.org", name=f"{role.title()} Person")
            self.users[role] = user
            self.memberships[role] = Membership.objects.create(
                organization=self.organization, user=user, role=role
            )
        self.target = Membership.objects.create(
            organization=self.organization,
            user=make_user("target@example.org", name="Target Person"),
        )
        self.users["non-member"] = make_user("nobody@example.org")
        self.users["other-admin"] = make_user("otheradmin@example.org")
        Membership.objects.create(
            organization=other, user=self.users["other-admin"], role=Role.ADMIN
        )

    def api(self, actor: str) -> ApiClient:
        if actor == "anonymous":
            return ApiClient()
        return ApiClient(token_for(self.users[actor]))

    def path(self, suffix: str = "") -> str:
        return f"/api/organizations/{self.organization.pk}{suffix}"


@pytest.fixture
def world(db: None) -> World:
    return World()


def _status(actor: str, allowed: int, refused: int, allowed_roles: tuple[str, ...]) -> int:
    if actor == "anonymous":
        return 401
    if actor in ("non-member", "other-admin"):
        return 404
    return allowed if actor in allowed_roles else refused


@pytest.mark.parametrize("actor", ACTORS)
def test_read(world: World, actor: str) -> None:
    response = world.api(actor).get(world.path())
    assert response.status_code == _status(actor, 200, 200, tuple(ROLES))
    if response.status_code == 200:
        body = response.json()
        assert body["role"] == actor
        assert "target@example.org" in [member["email"] for member in body["members"]]


@pytest.mark.parametrize("actor", ACTORS)
def test_compliance(world: World, actor: str) -> None:
    response = world.api(actor).get(world.path("/compliance"))
    assert response.status_code == _status(actor, 200, 403, ("owner", "admin", "supervisor"))


@pytest.mark.parametrize("actor", ACTORS)
def test_invite_and_list_invitations(world: World, actor: str) -> None:
    api = world.api(actor)
    response = api.send("POST", world.path("/invitations"), {"email": "new@example.org"})
    expected = _status(actor, 201, 403, ("owner", "admin"))
    assert response.status_code == expected
    assert Invitation.objects.exists() == (expected == 201)
    listing = api.get(world.path("/invitations"))
    assert listing.status_code == _status(actor, 200, 403, ("owner", "admin"))
    if expected == 201:
        assert len(mail.outbox) == 1
        assert [i["email"] for i in listing.json()] == ["new@example.org"]


@pytest.mark.parametrize("actor", ACTORS)
def test_withdraw(world: World, actor: str) -> None:
    invitation = Invitation.objects.create(organization=world.organization, email="x@example.org")
    response = world.api(actor).delete(world.path(f"/invitations/{invitation.pk}"))
    assert response.status_code == _status(actor, 204, 403, ("owner", "admin"))


@pytest.mark.parametrize("actor", ACTORS)
def test_change_role(world: World, actor: str) -> None:
    response = world.api(actor).send(
        "PATCH", world.path(f"/members/{world.target.pk}"), {"role": "supervisor"}
    )
    assert response.status_code == _status(actor, 200, 403, ("owner",))
    world.target.refresh_from_db()
    assert (world.target.role == "supervisor") == (actor == "owner")


@pytest.mark.parametrize("actor", ACTORS)
def test_remove(world: World, actor: str) -> None:
    response = world.api(actor).delete(world.path(f"/members/{world.target.pk}"))
    assert response.status_code == _status(actor, 204, 403, ("owner", "admin"))


@pytest.mark.parametrize("actor", ACTORS)
def test_share_and_leave(world: World, actor: str) -> None:
    api = world.api(actor)
    sharing = api.send("PATCH", world.path("/membership"), {"shares_compliance": True})
    assert sharing.status_code == _status(actor, 200, 200, tuple(ROLES))
    leaving = api.post(world.path("/leave"))
    # The only owner cannot leave (409); everyone else in the organization can.
    assert leaving.status_code == _status(actor, 204, 409, ("admin", "supervisor", "member"))


@pytest.mark.parametrize("actor", ACTORS)
def test_delete(world: World, actor: str) -> None:
    response = world.api(actor).delete(world.path())
    assert response.status_code == _status(actor, 204, 403, ("owner",))
    assert Organization.objects.filter(pk=world.organization.pk).exists() != (actor == "owner")


def test_create_and_list(world: World) -> None:
    api = world.api("non-member")
    created = api.send("POST", "/api/organizations", {"name": "Bayview", "kind": "association"})
    assert created.status_code == 201
    assert created.json()["role"] == "owner"
    assert [o["name"] for o in api.get("/api/organizations").json()] == ["Bayview"]
    bad = api.send("POST", "/api/organizations", {"name": " ", "kind": "agency"})
    assert bad.status_code == 422
    unknown = api.send("POST", "/api/organizations", {"name": "X", "colour": "red"})
    assert unknown.status_code == 422


def test_an_invalid_email_or_a_role_above_ones_own_is_refused(world: World) -> None:
    api = world.api("admin")
    assert api.send("POST", world.path("/invitations"), {"email": "nope"}).status_code == 422
    owner_role = {"email": "boss@example.org", "role": "owner"}
    assert api.send("POST", world.path("/invitations"), owner_role).status_code == 403
    assert not Invitation.objects.exists()


def test_accept_and_decline_only_ones_own_invitations(world: World) -> None:
    invitee = make_user("invitee@example.org")
    mine = Invitation.objects.create(
        organization=world.organization, email="invitee@example.org", role="admin"
    )
    other = Invitation.objects.create(organization=world.organization, email="x@example.org")
    api = ApiClient(token_for(invitee))

    assert [i["id"] for i in api.get("/api/invitations").json()] == [mine.pk]
    assert api.post(f"/api/invitations/{other.pk}/accept").status_code == 404
    accepted = api.post(f"/api/invitations/{mine.pk}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["role"] == "admin"
    assert Membership.objects.get(user=invitee).role == "admin"
    assert api.post(f"/api/invitations/{mine.pk}/decline").status_code == 404  # answered
    assert world.api("non-member").post(f"/api/invitations/{other.pk}/decline").status_code == 404


@time_machine.travel(date(2026, 11, 1))
def test_the_overview_lists_only_sharing_members(world: World) -> None:
    sharing = world.memberships["member"]
    sharing.shares_compliance = True
    sharing.save()
    make_license(sharing.user)
    make_activity(sharing.user, hours=3)
    make_license(world.target.user)  # the target does not share

    body: dict[str, Any] = world.api("supervisor").get(world.path("/compliance")).json()

    assert body["sharing_members"] == 1
    assert [item["member_email"] for item in body["licenses"]] == ["member@example.org"]
    (item,) = body["licenses"]
    assert item["compliant"] is False
    assert item["at_risk"] is True
    assert item["missing_hours"] > 0
    assert "Ethics for counselors" not in str(body)
