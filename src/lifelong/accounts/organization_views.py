"""Organization pages: the list (with invitations waiting for you), one organization (members,
invitations, roles, your sharing consent), the compliance overview, and the invitation link.

Every organization is reached through the signed-in user's membership
(``organizations.membership_for``): anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lifelong.accounts import organizations
from lifelong.accounts.forms import InvitationForm, OrganizationForm, RoleForm, SharingForm
from lifelong.accounts.models import Invitation, Membership
from lifelong.accounts.views import AuthenticatedHttpRequest
from lifelong.api.common import today_for

NAV = "organizations"


@login_required
@require_http_methods(["GET", "POST"])
def organization_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = organizations.create_organization(
            request.user, form.cleaned_data["name"], form.cleaned_data["kind"]
        )
        messages.success(request, f"{organization.name} was created; you are its owner.")
        return redirect("accounts:organization", organization.pk)
    context = {
        "nav_section": NAV,
        "form": form,
        "memberships": organizations.memberships_of(request.user),
        "invitations": organizations.pending_invitations_for(request.user),
    }
    return render(request, "accounts/organizations/list.html", context)


@login_required
@require_http_methods(["GET"])
def organization_detail(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    membership = organizations.membership_for(request.user, organization_id)
    return _detail(request, membership)


def _detail(
    request: AuthenticatedHttpRequest,
    membership: Membership,
    invitation_form: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    manager = organizations.can_manage_members(membership)
    members = organizations.members_of(membership.organization)
    if manager and invitation_form is None:
        invitation_form = InvitationForm(roles=organizations.roles_invitable_by(membership))
    context = {
        "nav_section": NAV,
        "organization": membership.organization,
        "membership": membership,
        "members": [(member, organizations.can_remove(membership, member)) for member in members],
        "manager": manager,
        "can_change_roles": organizations.can_change_roles(membership),
        "can_see_compliance": organizations.can_see_compliance(membership),
        "invitation_form": invitation_form if manager else None,
        "invitations": (
            organizations.pending_invitations_of(membership.organization) if manager else []
        ),
        "sharing_form": SharingForm(instance=membership),
        "role_choices": RoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
    }
    return render(request, "accounts/organizations/detail.html", context, status=status)


@login_required
@require_POST
def organization_invite(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    membership = organizations.managing_membership(request.user, organization_id)
    form = InvitationForm(request.POST, roles=organizations.roles_invitable_by(membership))
    if form.is_valid():
        try:
            invitation = organizations.invite(
                membership, form.cleaned_data["email"], form.cleaned_data["role"]
            )
        except organizations.OrganizationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"An invitation was sent to {invitation.email}.")
            return redirect("accounts:organization", organization_id)
    return _detail(request, membership, invitation_form=form, status=400)


@login_required
@require_POST
def invitation_withdraw(
    request: AuthenticatedHttpRequest, organization_id: int, invitation_id: int
) -> HttpResponse:
    membership = organizations.managing_membership(request.user, organization_id)
    invitation = get_object_or_404(
        Invitation.objects.pending().filter(organization_id=organization_id), pk=invitation_id
    )
    organizations.withdraw(membership, invitation)
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("accounts:organization", organization_id)


def _member(organization_id: int, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user").filter(organization_id=organization_id),
        pk=membership_id,
    )


@login_required
@require_POST
def member_remove(
    request: AuthenticatedHttpRequest, organization_id: int, membership_id: int
) -> HttpResponse:
    membership = organizations.managing_membership(request.user, organization_id)
    target = _member(organization_id, membership_id)
    try:
        organizations.remove(membership, target)
    except organizations.OrganizationError as error:
        messages.error(request, str(error))
        return redirect("accounts:organization", organization_id)
    messages.success(request, f"{target.user.get_full_name()} was removed.")
    return redirect("accounts:organization", organization_id)


@login_required
@require_POST
def member_role(
    request: AuthenticatedHttpRequest, organization_id: int, membership_id: int
) -> HttpResponse:
    membership = organizations.membership_for(request.user, organization_id)
    if not organizations.can_change_roles(membership):
        return HttpResponse("Only an owner can change roles.", status=403)
    target = _member(organization_id, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("accounts:organization", organization_id)
    try:
        organizations.change_role(membership, target, form.cleaned_data["role"])
    except organizations.OrganizationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{target.user.get_full_name()} is now {target.get_role_display().lower()}."
        )
    return redirect("accounts:organization", organization_id)


@login_required
@require_POST
def organization_leave(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    membership = organizations.membership_for(request.user, organization_id)
    try:
        organizations.leave(membership)
    except organizations.OrganizationError as error:
        messages.error(request, str(error))
        return redirect("accounts:organization", organization_id)
    messages.success(request, f"You left {membership.organization.name}.")
    return redirect("accounts:organizations")


@login_required
@require_POST
def organization_sharing(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    membership = organizations.membership_for(request.user, organization_id)
    form = SharingForm(request.POST, instance=membership)
    if form.is_valid():
        form.save()
        if membership.shares_compliance:
            messages.success(request, "Your CE compliance status is now shared.")
        else:
            messages.success(request, "Your CE compliance status is no longer shared.")
    return redirect("accounts:organization", organization_id)


@login_required
@require_POST
def organization_delete(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    membership = organizations.membership_for(request.user, organization_id)
    try:
        organizations.delete_organization(membership)
    except organizations.OrganizationError as error:
        return HttpResponse(str(error), status=403)
    messages.success(request, f"{membership.organization.name} was deleted.")
    return redirect("accounts:organizations")


@login_required
@require_http_methods(["GET"])
def organization_compliance(
    request: AuthenticatedHttpRequest, organization_id: int
) -> HttpResponse:
    membership = organizations.compliance_membership(request.user, organization_id)
    overview = organizations.compliance_overview(membership.organization, today_for(request.user))
    context = {
        "nav_section": NAV,
        "organization": membership.organization,
        "overview": overview,
        "at_risk_days": organizations.AT_RISK_DAYS,
    }
    return render(request, "accounts/organizations/compliance.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email. Signing in (or signing up) comes first; then the
    invited person accepts or declines."""
    found = organizations.read_invitation_token(token)
    if found is None:
        return render(
            request,
            "accounts/organizations/invitation_invalid.html",
            {"nav_section": NAV},
            status=404,
        )
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "accept":
                organizations.accept(request.user, found)
                messages.success(request, f"Welcome to {found.organization.name}.")
                return redirect("accounts:organization", found.organization_id)
            organizations.decline(request.user, found)
        except organizations.OrganizationError as error:
            messages.error(request, str(error))
            return redirect("accounts:invitation", token)
        messages.success(request, f"You declined the invitation to {found.organization.name}.")
        return redirect("accounts:organizations")
    context = {
        "nav_section": NAV,
        "invitation": found,
        "token": token,
        "may_answer": organizations.may_answer(request.user, found),
    }
    return render(request, "accounts/organizations/invitation.html", context)
