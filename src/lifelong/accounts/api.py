"""Organizations over the JSON API: ``/api/organizations`` (list, create, read, delete), the
caller's own membership (share compliance, leave), members (change a role, remove),
invitations (send, withdraw; list, accept and decline one's own) and the compliance overview.

The same rules and access helpers as the pages (``lifelong.accounts.organizations``): an
organization the caller does not belong to is a 404, an action their role does not allow a
403, and an action the organization's state forbids (its only owner leaving) a 409.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StrictBool

from lifelong.accounts import organizations
from lifelong.accounts.models import Invitation, Membership
from lifelong.api.auth import api_auth
from lifelong.api.common import (
    BODY_ERRORS,
    OBJECT_ERRORS,
    ErrorOut,
    InputSchema,
    ObjectId,
    invalid,
    request_user,
    text,
    today_for,
)

router = Router(auth=api_auth, tags=["organizations"])

RoleName = Literal["owner", "admin", "supervisor", "member"]
KindName = Literal["group-practice", "agency", "association"]
ACTION_ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 409: ErrorOut}


class OrganizationIn(InputSchema):
    name: Annotated[str, text(150, required=True)]
    kind: KindName = "group-practice"


class OrganizationOut(Schema):
    id: int
    name: str
    kind: KindName
    role: RoleName = Field(description="Your role in it.")
    shares_compliance: bool = Field(description="Whether you share your CE compliance with it.")


class MemberOut(Schema):
    id: int = Field(description="The membership's id.")
    name: str
    email: str
    role: RoleName
    joined_at: datetime


class OrganizationDetailOut(OrganizationOut):
    members: list[MemberOut]


class SharingIn(InputSchema):
    shares_compliance: StrictBool


class RoleIn(InputSchema):
    role: RoleName


class InvitationIn(InputSchema):
    email: Annotated[str, text(254, required=True)]
    role: RoleName = "member"


class InvitationOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    email: str
    role: RoleName
    created_at: datetime


class LicenseStatusOut(Schema):
    member_name: str
    member_email: str
    license: str
    ruleset_id: str
    deadline: date
    days_left: int
    compliant: bool
    at_risk: bool = Field(description="Not compliant with the deadline within 180 days or past.")
    unmet_requirements: list[str]
    missing_hours: float = Field(description="Hours still missing toward the total.")
    error: str


class ComplianceOverviewOut(Schema):
    members: int
    sharing_members: int
    licenses: list[LicenseStatusOut]


def _organization_out(membership: Membership) -> dict[str, Any]:
    organization = membership.organization
    return {
        "id": organization.pk,
        "name": organization.name,
        "kind": organization.kind,
        "role": membership.role,
        "shares_compliance": membership.shares_compliance,
    }


def _member_out(membership: Membership) -> dict[str, Any]:
    return {
        "id": membership.pk,
        "name": membership.user.name,
        "email": membership.user.email,
        "role": membership.role,
        "joined_at": membership.joined_at,
    }


def _invitation_out(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "organization_id": invitation.organization_id,
        "organization_name": invitation.organization.name,
        "email": invitation.email,
        "role": invitation.role,
        "created_at": invitation.created_at,
    }


def _detail(membership: Membership) -> dict[str, Any]:
    return {
        **_organization_out(membership),
        "members": [
            _member_out(member) for member in organizations.members_of(membership.organization)
        ],
    }


def _managing(request: HttpRequest, organization_id: int) -> Membership:
    membership = organizations.membership_for(request_user(request), organization_id)
    if not organizations.can_manage_members(membership):
        raise HttpError(403, "Only owners and admins can do this.")
    return membership


def _member(organization_id: int, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user").filter(organization_id=organization_id),
        pk=membership_id,
    )


@router.get(
    "/organizations", response={200: list[OrganizationOut], **OBJECT_ERRORS},
    summary="List my organizations",
)  # fmt: skip
def list_organizations(request: HttpRequest) -> list[dict[str, Any]]:
    return [_organization_out(m) for m in organizations.memberships_of(request_user(request))]


@router.post(
    "/organizations", response={201: OrganizationDetailOut, **BODY_ERRORS},
    summary="Create an organization (you become its owner)",
)  # fmt: skip
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    organization = organizations.create_organization(user, payload.name, payload.kind)
    return Status(201, _detail(organizations.membership_for(user, organization.pk)))


@router.get(
    "/organizations/{organization_id}", response={200: OrganizationDetailOut, **OBJECT_ERRORS},
    summary="Read an organization with its members",
)  # fmt: skip
def read_organization(request: HttpRequest, organization_id: ObjectId) -> dict[str, Any]:
    return _detail(organizations.membership_for(request_user(request), organization_id))


@router.delete(
    "/organizations/{organization_id}", response={204: None, **OBJECT_ERRORS, **ACTION_ERRORS},
    summary="Delete an organization (owners)",
)  # fmt: skip
def delete_organization(request: HttpRequest, organization_id: ObjectId) -> Status[None]:
    membership = organizations.membership_for(request_user(request), organization_id)
    try:
        organizations.delete_organization(membership)
    except organizations.OrganizationError as error:
        raise HttpError(403, str(error)) from error
    return Status(204, None)


@router.patch(
    "/organizations/{organization_id}/membership",
    response={200: OrganizationOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Share or stop sharing my CE compliance",
)
def update_my_membership(
    request: HttpRequest, organization_id: ObjectId, payload: SharingIn
) -> dict[str, Any]:
    membership = organizations.membership_for(request_user(request), organization_id)
    organizations.set_sharing(membership, payload.shares_compliance)
    return _organization_out(membership)


@router.post(
    "/organizations/{organization_id}/leave",
    response={204: None, **OBJECT_ERRORS, **ACTION_ERRORS},
    summary="Leave an organization",
)
def leave_organization(request: HttpRequest, organization_id: ObjectId) -> Status[None]:
    membership = organizations.membership_for(request_user(request), organization_id)
    try:
        organizations.leave(membership)
    except organizations.OrganizationError as error:
        raise HttpError(409, str(error)) from error
    return Status(204, None)


@router.patch(
    "/organizations/{organization_id}/members/{membership_id}",
    response={200: MemberOut, **OBJECT_ERRORS, **BODY_ERRORS, **ACTION_ERRORS},
    summary="Change a member's role (owners)",
)
def change_member_role(
    request: HttpRequest, organization_id: ObjectId, membership_id: ObjectId, payload: RoleIn
) -> dict[str, Any]:
    membership = organizations.membership_for(request_user(request), organization_id)
    if not organizations.can_change_roles(membership):
        raise HttpError(403, "Only an owner can change roles.")
    target = _member(organization_id, membership_id)
    try:
        organizations.change_role(membership, target, payload.role)
    except organizations.OrganizationError as error:
        raise HttpError(409, str(error)) from error
    return _member_out(target)


@router.delete(
    "/organizations/{organization_id}/members/{membership_id}",
    response={204: None, **OBJECT_ERRORS, **ACTION_ERRORS},
    summary="Remove a member (owners; admins for supervisors and members)",
)
def remove_member(
    request: HttpRequest, organization_id: ObjectId, membership_id: ObjectId
) -> Status[None]:
    membership = _managing(request, organization_id)
    target = _member(organization_id, membership_id)
    try:
        organizations.remove(membership, target)
    except organizations.OrganizationError as error:
        raise HttpError(403, str(error)) from error
    return Status(204, None)


@router.get(
    "/organizations/{organization_id}/invitations",
    response={200: list[InvitationOut], **OBJECT_ERRORS, **ACTION_ERRORS},
    summary="List the invitations not answered yet (owners, admins)",
)
def list_organization_invitations(
    request: HttpRequest, organization_id: ObjectId
) -> list[dict[str, Any]]:
    membership = _managing(request, organization_id)
    return [
        _invitation_out(invitation)
        for invitation in organizations.pending_invitations_of(membership.organization)
    ]


@router.post(
    "/organizations/{organization_id}/invitations",
    response={201: InvitationOut, **OBJECT_ERRORS, **BODY_ERRORS, **ACTION_ERRORS},
    summary="Invite someone by email (owners, admins)",
)
def invite(
    request: HttpRequest, organization_id: ObjectId, payload: InvitationIn
) -> Status[dict[str, Any]]:
    membership = _managing(request, organization_id)
    try:
        validate_email(payload.email)
    except DjangoValidationError as error:
        raise invalid(["body", "payload", "email"], "enter a valid email address") from error
    if payload.role not in organizations.roles_invitable_by(membership):
        raise HttpError(403, "You cannot invite someone with this role.")
    try:
        invitation = organizations.invite(membership, payload.email, payload.role)
    except organizations.OrganizationError as error:
        raise HttpError(409, str(error)) from error
    return Status(201, _invitation_out(invitation))


@router.delete(
    "/organizations/{organization_id}/invitations/{invitation_id}",
    response={204: None, **OBJECT_ERRORS, **ACTION_ERRORS},
    summary="Withdraw an invitation (owners, admins)",
)
def withdraw_invitation(
    request: HttpRequest, organization_id: ObjectId, invitation_id: ObjectId
) -> Status[None]:
    membership = _managing(request, organization_id)
    invitation = get_object_or_404(
        Invitation.objects.pending().filter(organization_id=organization_id), pk=invitation_id
    )
    organizations.withdraw(membership, invitation)
    return Status(204, None)


@router.get(
    "/organizations/{organization_id}/compliance",
    response={200: ComplianceOverviewOut, **OBJECT_ERRORS, **ACTION_ERRORS},
    summary="The sharing members' CE compliance (owners, admins, supervisors)",
)
def compliance_overview(request: HttpRequest, organization_id: ObjectId) -> dict[str, Any]:
    user = request_user(request)
    membership = organizations.membership_for(user, organization_id)
    if not organizations.can_see_compliance(membership):
        raise HttpError(403, "Only owners, admins and supervisors see the overview.")
    overview = organizations.compliance_overview(membership.organization, today_for(user))
    return {
        "members": overview.members,
        "sharing_members": overview.sharing_members,
        "licenses": [
            {
                "member_name": item.member.name,
                "member_email": item.member.email,
                "license": item.license_name,
                "ruleset_id": item.ruleset_id,
                "deadline": item.deadline,
                "days_left": item.days_left,
                "compliant": item.compliant,
                "at_risk": item.at_risk,
                "unmet_requirements": list(item.unmet),
                "missing_hours": item.missing_hours,
                "error": item.error,
            }
            for item in overview.licenses
        ],
    }


# -- the caller's own invitations -----------------------------------------------------------


def _my_invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    """An invitation waiting for one of the caller's verified addresses; 404 otherwise."""
    user = request_user(request)
    for invitation, _ in organizations.pending_invitations_for(user):
        if invitation.pk == invitation_id:
            return invitation
    raise HttpError(404, "Not Found")


@router.get(
    "/invitations", response={200: list[InvitationOut], **OBJECT_ERRORS},
    summary="List the invitations waiting for me",
)  # fmt: skip
def list_my_invitations(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _invitation_out(invitation)
        for invitation, _ in organizations.pending_invitations_for(request_user(request))
    ]


@router.post(
    "/invitations/{invitation_id}/accept",
    response={200: OrganizationOut, **OBJECT_ERRORS, **ACTION_ERRORS},
    summary="Accept an invitation",
)
def accept_invitation(request: HttpRequest, invitation_id: ObjectId) -> dict[str, Any]:
    invitation = _my_invitation(request, invitation_id)
    try:
        membership = organizations.accept(request_user(request), invitation)
    except organizations.OrganizationError as error:
        raise HttpError(409, str(error)) from error
    membership.organization = invitation.organization
    return _organization_out(membership)


@router.post(
    "/invitations/{invitation_id}/decline",
    response={204: None, **OBJECT_ERRORS, **ACTION_ERRORS},
    summary="Decline an invitation",
)
def decline_invitation(request: HttpRequest, invitation_id: ObjectId) -> Status[None]:
    invitation = _my_invitation(request, invitation_id)
    try:
        organizations.decline(request_user(request), invitation)
    except organizations.OrganizationError as error:
        raise HttpError(409, str(error)) from error
    return Status(204, None)
