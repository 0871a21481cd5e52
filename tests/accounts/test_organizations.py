"""Organizations: the authorization matrix over roles for every page, invitations by email
(signed links, sign-up then acceptance), leaving and removing, roles, the compliance overview
(only members who share it, a bounded number of queries), export and account deletion."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from lifelong.accounts import organizations
from lifelong.accounts.models import Invitation, Membership, Organization, Role, User
from lifelong.core.models import Notification
from lifelong.credits.models import Activity
from lifelong.licensure.models import License
from tests.conftest import make_user

ROLES = ["owner", "admin", "supervisor", "member"]
# Who is asking: each role of the organization, someone in no organization, an admin of another
# organization, and an anonymous visitor.
ACTORS = [*ROLES, "non-member", "other-admin", "anonymous"]


class World:
    def __init__(self) -> None:
        self.organization = Organization.objects.create(name="Riverside Group Practice")
        self.other = Organization.objects.create(name="Hillside Agency", kind="agency")
        self.users: dict[str, User] = {}
        self.memberships: dict[str, Membership] = {}
        for role in ROLES:
            user = make_user(f"{role}@example.org", name=f"{role.title()} Person")
            self.users[role] = user
            self.memberships[role] = Membership.objects.create(
                organization=self.organization, user=user, role=role
            )
        # A plain member to be removed or promoted in the tests (nobody's actor).
        self.target_user = make_user("target@example.org", name="Target Person")
        self.target = Membership.objects.create(
            organization=self.organization, user=self.target_user, role=Role.MEMBER
        )
        self.users["non-member"] = make_user("nobody@example.org")
        self.users["other-admin"] = make_user("otheradmin@example.org")
        Membership.objects.create(
            organization=self.other, user=self.users["other-admin"], role=Role.ADMIN
        )

    def client(self, actor: str) -> Client:
        client = Client()
        if actor != "anonymous":
            client.force_login(self.users[actor])
        return client


@pytest.fixture
def world(db: None) -> World:
    return World()


def _expect(response: Any, allowed: bool, actor: str) -> None:
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif allowed:
        assert response.status_code in (200, 302), (actor, response.status_code)
    else:
        assert response.status_code in (403, 404), (actor, response.status_code)


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_organization_page(world: World, actor: str) -> None:
    response = world.client(actor).get(
        reverse("accounts:organization", args=[world.organization.pk])
    )
    _expect(response, actor in ROLES, actor)
    if actor in ROLES:
        assert b"Target Person" in response.content
        assert (b"Send invitation" in response.content) == (actor in ("owner", "admin"))


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_compliance_overview(world: World, actor: str) -> None:
    response = world.client(actor).get(
        reverse("accounts:organization_compliance", args=[world.organization.pk])
    )
    _expect(response, actor in ("owner", "admin", "supervisor"), actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_invite(world: World, actor: str) -> None:
    response = world.client(actor).post(
        reverse("accounts:organization_invite", args=[world.organization.pk]),
        {"email": "new@example.org", "role": "member"},
    )
    allowed = actor in ("owner", "admin")
    _expect(response, allowed, actor)
    assert Invitation.objects.filter(email="new@example.org").exists() == allowed


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_remove_a_member(world: World, actor: str) -> None:
    response = world.client(actor).post(
        reverse("accounts:member_remove", args=[world.organization.pk, world.target.pk])
    )
    allowed = actor in ("owner", "admin")
    _expect(response, allowed, actor)
    assert Membership.objects.filter(pk=world.target.pk).exists() != allowed


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_change_a_role(world: World, actor: str) -> None:
    response = world.client(actor).post(
        reverse("accounts:member_role", args=[world.organization.pk, world.target.pk]),
        {"role": "supervisor"},
    )
    allowed = actor == "owner"
    _expect(response, allowed, actor)
    world.target.refresh_from_db()
    assert (world.target.role == "supervisor") == allowed


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_withdraw_an_invitation(world: World, actor: str) -> None:
    invitation = Invitation.objects.create(organization=world.organization, email="x@example.org")
    response = world.client(actor).post(
        reverse("accounts:invitation_withdraw", args=[world.organization.pk, invitation.pk])
    )
    allowed = actor in ("owner", "admin")
    _expect(response, allowed, actor)
    assert Invitation.objects.filter(pk=invitation.pk).exists() != allowed


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_delete_the_organization(world: World, actor: str) -> None:
    response = world.client(actor).post(
        reverse("accounts:organization_delete", args=[world.organization.pk])
    )
    allowed = actor == "owner"
    _expect(response, allowed, actor)
    assert Organization.objects.filter(pk=world.organization.pk).exists() != allowed


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_leave_and_share(world: World, actor: str) -> None:
    client = world.client(actor)
    sharing = client.post(
        reverse("accounts:organization_sharing", args=[world.organization.pk]),
        {"shares_compliance": "on"},
    )
    _expect(sharing, actor in ROLES, actor)
    leaving = client.post(reverse("accounts:organization_leave", args=[world.organization.pk]))
    _expect(leaving, actor in ROLES, actor)
    if actor in ("admin", "supervisor", "member"):
        assert not Membership.objects.filter(pk=world.memberships[actor].pk).exists()
    if actor == "owner":  # the only owner cannot leave
        assert Membership.objects.filter(pk=world.memberships["owner"].pk).exists()


def test_the_other_organizations_admin_cannot_act_on_it_through_their_own(world: World) -> None:
    """Ids of one organization's members used under another organization's URL: 404."""
    client = world.client("other-admin")
    response = client.post(
        reverse("accounts:member_remove", args=[world.other.pk, world.target.pk])
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=world.target.pk).exists()


def test_an_admin_cannot_remove_an_owner_or_another_admin(world: World) -> None:
    client = world.client("admin")
    other_admin = Membership.objects.create(
        organization=world.organization, user=make_user("admin2@example.org"), role=Role.ADMIN
    )
    for target in (world.memberships["owner"], other_admin):
        client.post(reverse("accounts:member_remove", args=[world.organization.pk, target.pk]))
        assert Membership.objects.filter(pk=target.pk).exists()


def test_an_admin_cannot_invite_an_owner(world: World) -> None:
    response = world.client("admin").post(
        reverse("accounts:organization_invite", args=[world.organization.pk]),
        {"email": "boss@example.org", "role": "owner"},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_the_last_owner_cannot_become_an_admin_but_a_second_owner_allows_it(
    world: World,
) -> None:
    owner = world.memberships["owner"]
    url = reverse("accounts:member_role", args=[world.organization.pk, owner.pk])
    client = world.client("owner")
    client.post(url, {"role": "admin"})
    owner.refresh_from_db()
    assert owner.role == "owner"

    client.post(
        reverse("accounts:member_role", args=[world.organization.pk, world.target.pk]),
        {"role": "owner"},
    )
    client.post(url, {"role": "admin"})
    owner.refresh_from_db()
    assert owner.role == "admin"


def test_an_unknown_role_is_refused(world: World) -> None:
    world.client("owner").post(
        reverse("accounts:member_role", args=[world.organization.pk, world.target.pk]),
        {"role": "emperor"},
    )
    world.target.refresh_from_db()
    assert world.target.role == "member"


# ---- creating ----------------------------------------------------------------------------


def test_creating_an_organization_makes_you_its_owner(owner_client: Client, owner: User) -> None:
    response = owner_client.post(
        reverse("accounts:organizations"), {"name": "Bayview Counseling", "kind": "group-practice"}
    )

    organization = Organization.objects.get(name="Bayview Counseling")
    assert response["Location"] == reverse("accounts:organization", args=[organization.pk])
    assert Membership.objects.get(organization=organization).role == "owner"
    page = owner_client.get(reverse("accounts:organizations"))
    assert b"Bayview Counseling" in page.content


def test_a_nameless_organization_is_refused(owner_client: Client) -> None:
    response = owner_client.post(reverse("accounts:organizations"), {"name": "", "kind": "agency"})

    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not Organization.objects.exists()


# ---- invitations -------------------------------------------------------------------------


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/invitations/\S+/)", body)
    assert match, body
    return match.group(1)


def test_an_invitation_to_an_existing_user_is_emailed_notified_and_accepted(
    world: World,
) -> None:
    invitee = make_user("invitee@example.org", name="Ivy Invitee")
    world.client("admin").post(
        reverse("accounts:organization_invite", args=[world.organization.pk]),
        {"email": "Invitee@Example.org", "role": "supervisor"},
    )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Invitee@Example.org"]
    assert "Riverside Group Practice" in message.subject
    link = _link(str(message.body))
    notification = Notification.objects.get(user=invitee)
    assert notification.url == link
    invitee.refresh_from_db()
    assert invitee.unread_notification_count == 1

    client = Client()
    client.force_login(invitee)
    listing = client.get(reverse("accounts:organizations"))
    assert b"Invitations waiting for you" in listing.content
    assert b'href="/invitations/' in listing.content
    page = client.get(link)
    assert page.status_code == 200
    assert b"Accept" in page.content
    response = client.post(link, {"answer": "accept"})

    assert response["Location"] == reverse("accounts:organization", args=[world.organization.pk])
    assert Membership.objects.get(user=invitee).role == "supervisor"
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None
    assert client.post(link, {"answer": "accept"}).status_code == 302  # answered: no change
    assert Membership.objects.filter(user=invitee).count() == 1


def test_an_invitation_to_a_new_address_leads_through_sign_up(world: World) -> None:
    world.client("owner").post(
        reverse("accounts:organization_invite", args=[world.organization.pk]),
        {"email": "newcomer@example.org", "role": "member"},
    )
    link = _link(str(mail.outbox[0].body))
    visitor = Client()

    response = visitor.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    # They sign up with the invited address and verify it; then the link lets them accept.
    newcomer = make_user("newcomer@example.org")
    visitor.force_login(newcomer)
    visitor.post(link, {"answer": "accept"})
    assert Membership.objects.get(user=newcomer).role == "member"


def test_someone_else_cannot_accept_an_invitation(world: World, peer: User) -> None:
    world.client("owner").post(
        reverse("accounts:organization_invite", args=[world.organization.pk]),
        {"email": "intended@example.org", "role": "admin"},
    )
    link = _link(str(mail.outbox[0].body))
    client = Client()
    client.force_login(peer)

    page = client.get(link)
    assert b"was sent to intended@example.org" in page.content
    client.post(link, {"answer": "accept"})

    assert not Membership.objects.filter(user=peer).exists()
    assert Invitation.objects.get().pending


def test_an_unverified_address_cannot_accept(world: World, peer: User) -> None:
    EmailAddress.objects.create(user=peer, email="second@example.org", verified=False)
    invitation = Invitation.objects.create(
        organization=world.organization, email="second@example.org"
    )
    client = Client()
    client.force_login(peer)
    client.post(organizations.invitation_url(invitation), {"answer": "accept"})
    assert not Membership.objects.filter(user=peer).exists()


def test_declining_leaves_no_membership(world: World) -> None:
    invitee = make_user("invitee@example.org")
    invitation = Invitation.objects.create(organization=world.organization, email=invitee.email)
    client = Client()
    client.force_login(invitee)

    client.post(organizations.invitation_url(invitation), {"answer": "decline"})

    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_forged_or_expired_link_is_refused(world: World) -> None:
    invitee = make_user("invitee@example.org")
    invitation = Invitation.objects.create(organization=world.organization, email=invitee.email)
    client = Client()
    client.force_login(invitee)
    link = organizations.invitation_url(invitation)
    with time_machine.travel(date.today() - timedelta(days=31)):
        old_link = organizations.invitation_url(invitation)

    assert client.get(link[:-3] + "xx/").status_code == 404
    assert client.get(old_link).status_code == 404
    assert client.get(link).status_code == 200


def test_inviting_a_member_or_an_invited_address_again_is_refused(world: World) -> None:
    client = world.client("owner")
    url = reverse("accounts:organization_invite", args=[world.organization.pk])
    member = client.post(url, {"email": "target@example.org", "role": "member"})
    assert member.status_code == 400
    assert b"already a member" in member.content
    client.post(url, {"email": "fresh@example.org", "role": "member"})
    again = client.post(url, {"email": "FRESH@example.org", "role": "member"})
    assert again.status_code == 400
    assert b"already invited" in again.content
    assert Invitation.objects.count() == 1
    bad = client.post(url, {"email": "not an address", "role": "member"})
    assert bad.status_code == 400
    assert Invitation.objects.count() == 1


# ---- the compliance overview -------------------------------------------------------------


def _licensed_member(world: World, number: int, *, shares: bool, hours: str) -> User:
    user = make_user(f"clinician{number}@example.org", name=f"Clinician {number}")
    Membership.objects.create(organization=world.organization, user=user, shares_compliance=shares)
    License.objects.create(
        user=user, ruleset_id="us-ca-lmft", label=f"LMFT {number}", expires_on=date(2027, 1, 31)
    )
    Activity.objects.create(
        user=user,
        title=f"Private course title {number}",
        completed_on=date(2026, 3, 1),
        hours=Decimal(hours),
        format="live-online",
        topics=[{"slug": "clinical-practice"}],
        approvals=[{"body": "aamft", "number": ""}],
    )
    return user


@time_machine.travel(date(2026, 11, 1))
def test_the_overview_shows_only_sharing_members_status_in_bounded_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.client("supervisor")
    url = reverse("accounts:organization_compliance", args=[world.organization.pk])
    _licensed_member(world, 1, shares=True, hours="2")
    _licensed_member(world, 2, shares=False, hours="2")

    with django_assert_max_num_queries(12) as small:
        response = client.get(url)
    for number in range(3, 13):
        _licensed_member(world, number, shares=True, hours="40")
    with django_assert_max_num_queries(12) as large:
        client.get(url)

    assert len(large.captured_queries) == len(small.captured_queries)
    html = response.content.decode()
    assert "Clinician 1" in html
    assert "Clinician 2" not in html  # does not share
    assert "Private course title" not in html  # never the activities themselves
    overview = response.context["overview"]
    assert overview.sharing_members == 1
    (item,) = overview.licenses
    assert item.at_risk  # 2 of 36 hours, three months before the deadline
    assert item.missing_hours > 0
    assert "At risk" in html


def test_a_member_stops_sharing(world: World) -> None:
    membership = world.memberships["member"]
    client = world.client("member")
    url = reverse("accounts:organization_sharing", args=[world.organization.pk])
    client.post(url, {"shares_compliance": "on"})
    membership.refresh_from_db()
    assert membership.shares_compliance
    client.post(url, {})
    membership.refresh_from_db()
    assert not membership.shares_compliance


# ---- export and deletion -----------------------------------------------------------------


def test_memberships_and_sent_invitations_are_exported(world: World) -> None:
    client = world.client("admin")
    client.post(
        reverse("accounts:organization_invite", args=[world.organization.pk]),
        {"email": "new@example.org", "role": "member"},
    )

    data = client.get(reverse("accounts:export")).json()

    assert [(m["organization_name"], m["role"]) for m in data["organization_memberships"]] == [
        ("Riverside Group Practice", "admin")
    ]
    assert [i["email"] for i in data["organization_invitations_sent"]] == ["new@example.org"]


def test_deleting_the_only_owner_hands_the_organization_to_an_admin(world: World) -> None:
    organizations.hand_over_before_deletion(world.users["owner"])
    world.users["owner"].delete()

    assert Membership.objects.get(pk=world.memberships["admin"].pk).role == "owner"


def test_an_account_deletion_through_the_page_removes_memberships(world: World) -> None:
    from tests.conftest import PASSWORD

    client = world.client("owner")
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "DELETE"})
    assert response.status_code == 302, response.content
    assert not User.objects.filter(email="owner@example.org").exists()
    assert Membership.objects.get(pk=world.memberships["admin"].pk).role == "owner"
    lonely = Organization.objects.create(name="Solo")
    Membership.objects.create(organization=lonely, user=world.users["member"], role=Role.OWNER)
    organizations.hand_over_before_deletion(world.users["member"])
    assert not Organization.objects.filter(pk=lonely.pk).exists()
