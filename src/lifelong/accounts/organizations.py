"""Organizations: who may do what, invitations by email, leaving and removing, and the
overview of members' CE compliance (only members who chose to share it).

Roles, from most to least trusted: owner, admin, supervisor, member.

- Every member sees the organization, its members and their roles, and may leave it (the last
  owner must first make someone else owner, or delete the organization).
- Owners and admins invite and remove members; an admin cannot invite an owner nor remove an
  owner or another admin. Only owners change roles and delete the organization.
- Owners, admins and supervisors see the compliance overview: for each member who shares it,
  each license's status, deadline and missing hours. Nothing else of a member's data — no
  activities, well-being, reflections, caseload or outcomes — is reachable from an
  organization.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Lower
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lifelong.accounts.models import Invitation, Membership, Organization, Role, User
from lifelong.core.mail import absolute_url
from lifelong.core.notifications import NewNotification, notify

INVITATION_SALT = "lifelong.accounts.invitation"
INVITATION_MAX_AGE = timedelta(days=30)
# A license is at risk when it is not compliant and its deadline is this close (or past).
AT_RISK_DAYS = 180

MANAGERS = frozenset({Role.OWNER, Role.ADMIN})
COMPLIANCE_VIEWERS = frozenset({Role.OWNER, Role.ADMIN, Role.SUPERVISOR})
ROLE_ORDER = {Role.OWNER: 0, Role.ADMIN: 1, Role.SUPERVISOR: 2, Role.MEMBER: 3}


class OrganizationError(Exception):
    """An action the rules do not allow, with a message for the user."""


# ---- permissions (single-membership rules) ----------------------------------------------


def can_manage_members(membership: Membership) -> bool:
    return membership.role in MANAGERS


def can_see_compliance(membership: Membership) -> bool:
    return membership.role in COMPLIANCE_VIEWERS


def can_change_roles(membership: Membership) -> bool:
    return membership.role == Role.OWNER


def roles_invitable_by(membership: Membership) -> list[str]:
    if membership.role == Role.OWNER:
        return [role.value for role in Role]
    if membership.role == Role.ADMIN:
        return [Role.ADMIN, Role.SUPERVISOR, Role.MEMBER]
    return []


def can_remove(actor: Membership, target: Membership) -> bool:
    """Whether ``actor`` may remove ``target`` (leaving is not removing)."""
    if actor.pk == target.pk or actor.organization_id != target.organization_id:
        return False
    if actor.role == Role.OWNER:
        return True
    return actor.role == Role.ADMIN and target.role in (Role.SUPERVISOR, Role.MEMBER)


# ---- access helpers ----------------------------------------------------------------------


def membership_for(user: User, organization_id: int) -> Membership:
    """The user's membership of the organization, or 404: outsiders learn nothing, not even
    that the organization exists."""
    membership = (
        Membership.objects.for_user(user)
        .select_related("organization")
        .filter(organization_id=organization_id)
        .first()
    )
    if membership is None:
        raise Http404("No such organization.")
    return membership


def managing_membership(user: User, organization_id: int) -> Membership:
    """The membership of an owner or admin of the organization; 404 for anyone else."""
    membership = membership_for(user, organization_id)
    if not can_manage_members(membership):
        raise Http404("No such organization.")
    return membership


def compliance_membership(user: User, organization_id: int) -> Membership:
    """The membership of someone who may see the compliance overview; 404 for anyone else."""
    membership = membership_for(user, organization_id)
    if not can_see_compliance(membership):
        raise Http404("No such organization.")
    return membership


def members_of(organization: Organization) -> list[Membership]:
    """The members, owners first, then by name (one query)."""
    order = Case(
        *(When(role=role, then=Value(rank)) for role, rank in ROLE_ORDER.items()),
        output_field=IntegerField(),
    )
    return list(
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by(order, "user__name", "user__email", "pk")
    )


def memberships_of(user: User) -> list[Membership]:
    return list(
        Membership.objects.for_user(user)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )


# ---- creating, leaving, removing ---------------------------------------------------------


def create_organization(user: User, name: str, kind: str) -> Organization:
    """A new organization with ``user`` as its owner."""
    with transaction.atomic():
        organization = Organization.objects.create(name=name, kind=kind)
        Membership.objects.create(organization=organization, user=user, role=Role.OWNER)
    return organization


def _owner_count(organization_id: int) -> int:
    return Membership.objects.filter(organization_id=organization_id, role=Role.OWNER).count()


def leave(membership: Membership) -> None:
    with transaction.atomic():
        # Lock the owners so two owners leaving at once cannot leave none.
        list(
            Membership.objects.select_for_update().filter(
                organization_id=membership.organization_id, role=Role.OWNER
            )
        )
        if membership.role == Role.OWNER and _owner_count(membership.organization_id) <= 1:
            raise OrganizationError(
                "You are its only owner: make another member owner first, or delete the "
                "organization."
            )
        membership.delete()


def remove(actor: Membership, target: Membership) -> None:
    if not can_remove(actor, target):
        raise OrganizationError("You cannot remove this member.")
    target.delete()


def change_role(actor: Membership, target: Membership, role: str) -> None:
    if not can_change_roles(actor) or actor.organization_id != target.organization_id:
        raise OrganizationError("Only an owner can change roles.")
    if role not in Role.values:
        raise OrganizationError("Unknown role.")
    with transaction.atomic():
        list(
            Membership.objects.select_for_update().filter(
                organization_id=target.organization_id, role=Role.OWNER
            )
        )
        if (
            target.role == Role.OWNER
            and role != Role.OWNER
            and _owner_count(target.organization_id) <= 1
        ):
            raise OrganizationError("An organization needs at least one owner.")
        target.role = role
        target.save(update_fields=["role"])


def set_sharing(membership: Membership, shares: bool) -> None:
    membership.shares_compliance = shares
    membership.save(update_fields=["shares_compliance"])


def delete_organization(actor: Membership) -> None:
    if actor.role != Role.OWNER:
        raise OrganizationError("Only an owner can delete the organization.")
    actor.organization.delete()


def hand_over_before_deletion(user: User) -> None:
    """Before ``user``'s account is deleted: in each organization where they are the only
    owner, the longest-standing admin (else member) becomes owner; an organization left with
    no one is deleted."""
    for membership in Membership.objects.for_user(user).filter(role=Role.OWNER):
        organization_id = membership.organization_id
        if _owner_count(organization_id) > 1:
            continue
        others = Membership.objects.filter(organization_id=organization_id).exclude(user=user)
        successor = (
            others.filter(role=Role.ADMIN).order_by("joined_at", "pk").first()
            or others.order_by("joined_at", "pk").first()
        )
        if successor is None:
            Organization.objects.filter(pk=organization_id).delete()
        else:
            successor.role = Role.OWNER
            successor.save(update_fields=["role"])


# ---- invitations -------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def read_invitation_token(token: str) -> Invitation | None:
    """The invitation a valid, unexpired token names, else None."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("invitation"), int):
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=data["invitation"])
        .first()
    )


def invitation_url(invitation: Invitation) -> str:
    return reverse("accounts:invitation", args=[invitation_token(invitation)])


def _users_with_verified_address(email: str) -> list[int]:
    return list(
        EmailAddress.objects.filter(email__iexact=email, verified=True).values_list(
            "user_id", flat=True
        )
    )


def invite(actor: Membership, email: str, role: str) -> Invitation:
    """Invite ``email`` to the actor's organization: an email with the link, and an in-app
    notification when the address belongs to an account already."""
    if role not in roles_invitable_by(actor):
        raise OrganizationError("You cannot invite someone with this role.")
    email = email.strip()
    organization = actor.organization
    if (
        Membership.objects.filter(
            organization=organization, user__emailaddress__email__iexact=email
        ).exists()
        or Membership.objects.filter(organization=organization, user__email__iexact=email).exists()
    ):
        raise OrganizationError(f"{email} is already a member.")
    if organization.invitations.pending().filter(email__iexact=email).exists():
        raise OrganizationError(f"{email} is already invited.")
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, invited_by=actor.user
    )
    path = invitation_url(invitation)
    inviter = actor.user.get_full_name()
    context = {
        "organization": organization,
        "inviter": inviter,
        "role": Role(role).label.lower(),
        "url": absolute_url(path),
        "site_name": settings.SITE_NAME,
        "days": INVITATION_MAX_AGE.days,
    }
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{inviter} invites you to "
        f"{organization.name}",
        message=render_to_string("emails/organization_invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )
    for user_id in _users_with_verified_address(email):
        notify(
            user_id,
            NewNotification(
                kind="organization-invitation",
                title=f"Invitation to join {organization.name}",
                body=f"{inviter} invites you to join {organization.name} as {context['role']}.",
                url=path,
                dedupe_key=f"organization-invitation:{invitation.pk}",
            ),
        )
    return invitation


def may_answer(user: User, invitation: Invitation) -> bool:
    """Whether ``user`` owns the invited address (verified)."""
    return bool(
        EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
    )


def accept(user: User, invitation: Invitation) -> Membership:
    if not invitation.pending:
        raise OrganizationError("This invitation was already answered or withdrawn.")
    if not may_answer(user, invitation):
        raise OrganizationError(
            f"This invitation was sent to {invitation.email}: sign in with that address, or "
            "add and verify it under Settings → Email addresses."
        )
    with transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, declined_at__isnull=True
        ).update(accepted_at=timezone.now())
        if not updated:
            raise OrganizationError("This invitation was already answered or withdrawn.")
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    organization=invitation.organization, user=user, role=invitation.role
                )
        except IntegrityError:  # already a member: keep the role they have
            membership = Membership.objects.get(organization=invitation.organization, user=user)
    return membership


def decline(user: User, invitation: Invitation) -> None:
    if not invitation.pending:
        raise OrganizationError("This invitation was already answered or withdrawn.")
    if not may_answer(user, invitation):
        raise OrganizationError(f"This invitation was sent to {invitation.email}.")
    Invitation.objects.filter(pk=invitation.pk).update(declined_at=timezone.now())


def withdraw(actor: Membership, invitation: Invitation) -> None:
    if not can_manage_members(actor) or invitation.organization_id != actor.organization_id:
        raise OrganizationError("You cannot withdraw this invitation.")
    invitation.delete()


def pending_invitations_for(user: User) -> list[tuple[Invitation, str]]:
    """Invitations waiting for any of the user's verified addresses, with their links."""
    addresses = [
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]
    if not addresses:
        return []
    # Case-insensitive match: addresses are compared lower-cased on both sides.
    invitations = (
        Invitation.objects.pending()
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=addresses)
        .select_related("organization", "invited_by")
    )
    return [(invitation, invitation_url(invitation)) for invitation in invitations]


def pending_invitations_of(organization: Organization) -> list[Invitation]:
    return list(organization.invitations.pending().select_related("invited_by"))


# ---- the compliance overview -------------------------------------------------------------


@dataclass(frozen=True)
class MemberLicense:
    """One shared license in the overview: nothing but its status, deadline, the hours still
    missing toward the total and the names of the requirements not met yet."""

    member: User
    role: str
    license_name: str
    ruleset_id: str
    deadline: date
    days_left: int
    compliant: bool
    missing_hours: float
    unmet: tuple[str, ...]
    error: str

    @property
    def at_risk(self) -> bool:
        return not self.compliant and self.days_left <= AT_RISK_DAYS

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True)
class ComplianceOverview:
    licenses: list[MemberLicense]
    sharing_members: int
    members: int

    @property
    def at_risk(self) -> list[MemberLicense]:
        return [item for item in self.licenses if item.at_risk]

    @property
    def not_sharing(self) -> int:
        return self.members - self.sharing_members


def compliance_overview(organization: Organization, today: date) -> ComplianceOverview:
    """Each sharing member's licenses with their current status, soonest deadline first.

    A fixed number of queries whatever the number of members, licenses or activities: the
    memberships, then the licenses, activities and own rule sets of all sharing members at
    once; the engine then runs in memory per license.
    """
    from lifelong.credits.models import Activity, engine_activity
    from lifelong.licensure.models import License, RuleSetDocument
    from lifelong.licensure.services import status_for
    from lifelong.rules import model as rules
    from lifelong.rules.loader import RuleSetError, parse_ruleset
    from lifelong.rules.schema import RuleSet

    memberships = list(Membership.objects.filter(organization=organization).select_related("user"))
    sharing = {m.user_id: m for m in memberships if m.shares_compliance}
    if not sharing:
        return ComplianceOverview([], 0, len(memberships))
    licenses = list(License.objects.filter(user_id__in=sharing).order_by("expires_on", "pk"))
    activities: dict[int, list[rules.Activity]] = defaultdict(list)
    rows = (
        Activity.objects.filter(user_id__in=sharing)
        .order_by("pk")
        .values_list("user_id", *Activity.ENGINE_FIELDS)
    )
    for user_id, *fields in rows:
        activities[user_id].append(engine_activity(*fields))
    custom: dict[int, dict[str, RuleSet]] = defaultdict(dict)
    for document in RuleSetDocument.objects.filter(owner_id__in=sharing):
        try:
            custom[document.owner_id][document.ruleset_id] = parse_ruleset(
                document.text, document.ruleset_id
            )
        except RuleSetError:
            continue
    items: list[MemberLicense] = []
    for license in licenses:
        membership = sharing[license.user_id]
        status = status_for(
            license,
            activities[license.user_id],
            custom[license.user_id],
            today,
            membership.user.birth_month,
        )
        missing_total = 0.0
        unmet: tuple[str, ...] = ()
        if status.verdict is not None:
            missing_total = sum(
                result.deficit_hours
                for result in status.verdict.requirements
                if result.id == "total"
            )
            unmet = tuple(result.title for result in status.verdict.requirements if not result.met)
        items.append(
            MemberLicense(
                member=membership.user,
                role=membership.role,
                license_name=str(license),
                ruleset_id=license.ruleset_id,
                deadline=license.expires_on,
                days_left=status.days_left,
                compliant=status.compliant,
                missing_hours=round(missing_total, 2),
                unmet=unmet,
                error=status.error,
            )
        )
    return ComplianceOverview(items, len(sharing), len(memberships))
