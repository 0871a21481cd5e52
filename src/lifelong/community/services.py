"""Groups: who may do what, invitations, the covenant, meeting logs, attendance, and turning
a meeting into a CE activity.

- A user invited to a group sees only its name, description and covenant until they accept
  the covenant; then they are a member and see its schedule, members and meetings.
- Facilitators invite members, log meetings (with who was present), change the schedule and
  issue certificates of attendance. Whoever created the group is its first facilitator.
- An attendee confirms their own attendance; a confirmed attendee may turn the meeting into a
  CE activity of kind ``peer-consultation`` when one of their licenses' rule sets accepts that
  kind. The rules engine then applies the board's caps on such hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.community.models import Attendance, Group, GroupMembership, GroupRole, Meeting
from lifelong.core.notifications import NewNotification, notify
from lifelong.credits.models import Activity
from lifelong.licensure.models import License
from lifelong.licensure.services import resolve_ruleset, user_rulesets
from lifelong.rules import model as rules
from lifelong.rules.eligibility import acceptance_problem
from lifelong.rules.loader import UnknownRuleSet

CE_KIND = "peer-consultation"


class GroupError(Exception):
    """An action the rules do not allow, with a message for the user."""


# ---- access helpers ----------------------------------------------------------------------


def any_membership(user: User, group_id: int) -> GroupMembership:
    """The user's membership (joined or only invited), or 404."""
    membership = (
        GroupMembership.objects.select_related("group").filter(user=user, group_id=group_id).first()
    )
    if membership is None:
        raise Http404("No such group.")
    return membership


def member(user: User, group_id: int) -> GroupMembership:
    """The membership of a user who accepted the covenant; 404 for anyone else."""
    membership = any_membership(user, group_id)
    if not membership.joined:
        raise Http404("No such group.")
    return membership


def facilitator(user: User, group_id: int) -> GroupMembership:
    """The membership of a facilitator of the group; 404 for anyone else."""
    membership = member(user, group_id)
    if not membership.facilitates:
        raise Http404("No such group.")
    return membership


def meeting_of(membership: GroupMembership, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.filter(group_id=membership.group_id, pk=meeting_id).first()
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


def own_attendance(user: User, meeting: Meeting) -> Attendance:
    attendance = Attendance.objects.filter(meeting=meeting, user=user).first()
    if attendance is None:
        raise Http404("You were not recorded at this meeting.")
    return attendance


# ---- groups and members ------------------------------------------------------------------


def create_group(user: User, **fields: object) -> Group:
    with transaction.atomic():
        group = Group.objects.create(**fields)
        GroupMembership.objects.create(
            group=group, user=user, role=GroupRole.FACILITATOR, joined_at=timezone.now()
        )
    return group


def invite(actor: GroupMembership, email: str, role: str = GroupRole.MEMBER) -> GroupMembership:
    """Invite the account with this (verified) address; they see the group's covenant and
    accept or decline it."""
    if not actor.facilitates:
        raise GroupError("Only a facilitator can invite members.")
    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=True)
        .select_related("user")
        .first()
    )
    if address is None:
        raise GroupError(
            f"No Lifelong account has the address {email.strip()}: ask them to sign up first."
        )
    invitee: User = address.user
    if GroupMembership.objects.filter(group_id=actor.group_id, user=invitee).exists():
        raise GroupError(f"{email.strip()} is already invited or a member.")
    membership = GroupMembership.objects.create(group=actor.group, user=invitee, role=role)
    notify(
        invitee,
        NewNotification(
            kind="group-invitation",
            title=f"Invitation to {actor.group.name}",
            body=f"{actor.user.get_full_name()} invites you to join {actor.group.name}. Read "
            "its covenant and accept it to join.",
            url=reverse("community:group", args=[actor.group_id]),
            dedupe_key=f"group-invitation:{membership.pk}",
        ),
    )
    return membership


def accept_covenant(membership: GroupMembership) -> None:
    if membership.joined:
        return
    GroupMembership.objects.filter(pk=membership.pk, joined_at__isnull=True).update(
        joined_at=timezone.now()
    )
    membership.refresh_from_db(fields=["joined_at"])


def _facilitator_count(group_id: int) -> int:
    return GroupMembership.objects.filter(
        group_id=group_id, role=GroupRole.FACILITATOR, joined_at__isnull=False
    ).count()


def leave(membership: GroupMembership) -> None:
    """Leave (or decline the invitation). The last facilitator hands the group to the
    longest-standing member; a group left with no one is deleted."""
    with transaction.atomic():
        list(GroupMembership.objects.select_for_update().filter(group_id=membership.group_id))
        group_id = membership.group_id
        last_facilitator = membership.facilitates and _facilitator_count(group_id) <= 1
        membership.delete()
        if last_facilitator:
            _hand_over(group_id)


def _hand_over(group_id: int) -> None:
    successor = (
        GroupMembership.objects.filter(group_id=group_id, joined_at__isnull=False)
        .order_by("joined_at", "pk")
        .first()
    )
    if successor is None:
        Group.objects.filter(pk=group_id).delete()
    else:
        successor.role = GroupRole.FACILITATOR
        successor.save(update_fields=["role"])


def hand_over_before_deletion(user: User) -> None:
    """Before an account is deleted: groups it alone facilitates pass to their
    longest-standing member (or are deleted when no one else is left)."""
    for membership in GroupMembership.objects.filter(
        user=user, role=GroupRole.FACILITATOR, joined_at__isnull=False
    ):
        leave(membership)


def remove(actor: GroupMembership, target: GroupMembership) -> None:
    if not actor.facilitates or actor.group_id != target.group_id or actor.pk == target.pk:
        raise GroupError("You cannot remove this member.")
    target.delete()


def members_of(group: Group) -> list[GroupMembership]:
    return list(
        GroupMembership.objects.filter(group=group)
        .select_related("user")
        .order_by("joined_at", "pk")
    )


# ---- meetings and attendance -------------------------------------------------------------


def log_meeting(
    actor: GroupMembership,
    *,
    held_on: date,
    duration_minutes: int,
    format: str,
    topics: list[str],
    notes: str,
    attendees: list[GroupMembership],
) -> Meeting:
    """Log a meeting with the members who were present; each is asked to confirm."""
    if not actor.facilitates:
        raise GroupError("Only a facilitator can log meetings.")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            group=actor.group,
            held_on=held_on,
            duration_minutes=duration_minutes,
            format=format,
            topics=topics,
            notes=notes,
            logged_by=actor.user,
        )
        Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=meeting,
                    user_id=attendee.user_id,
                    # The facilitator logging it confirms their own presence by doing so.
                    confirmed_at=timezone.now() if attendee.user_id == actor.user_id else None,
                )
                for attendee in attendees
                if attendee.group_id == actor.group_id and attendee.joined
            ]
        )
    for attendee in attendees:
        if attendee.user_id == actor.user_id:
            continue
        notify(
            attendee.user_id,
            NewNotification(
                kind="group-meeting",
                title=f"Confirm your attendance: {actor.group.name}",
                body=f"{actor.user.get_full_name()} logged the meeting of "
                f"{meeting.held_on:%B %-d, %Y} with you as present. Confirm it to turn it "
                "into a CE activity.",
                url=reverse("community:group", args=[actor.group_id]) + f"#meeting-{meeting.pk}",
                dedupe_key=f"group-meeting:{meeting.pk}",
            ),
        )
    return meeting


def confirm(attendance: Attendance) -> None:
    if attendance.confirmed_at is None:
        attendance.confirmed_at = timezone.now()
        attendance.save(update_fields=["confirmed_at"])


def meeting_activity(meeting: Meeting, group: Group) -> rules.Activity:
    """The meeting as the engine would see it in the attendee's ledger."""
    return rules.Activity(
        id="meeting",
        title=f"{group.name}: peer consultation",
        provider=group.name,
        completed_on=meeting.held_on,
        hours=meeting.hours,
        format=meeting.format,
        kind=CE_KIND,
        topics=tuple(rules.TopicShare(slug, None) for slug in meeting.topics),
        approvals=(),
    )


@dataclass(frozen=True)
class Acceptance:
    """Which of the user's licenses accept a meeting as a CE activity, and why the others
    do not."""

    accepted: list[str]
    refused: list[tuple[str, str]]

    @property
    def any(self) -> bool:
        return bool(self.accepted)


def acceptance(user: User, meeting: Meeting, group: Group) -> Acceptance:
    activity = meeting_activity(meeting, group)
    custom = user_rulesets(user)
    accepted: list[str] = []
    refused: list[tuple[str, str]] = []
    for license in License.objects.for_user(user):
        try:
            ruleset = resolve_ruleset(license.ruleset_id, custom)
        except UnknownRuleSet:
            refused.append((str(license), "its rule set is unknown"))
            continue
        problem = acceptance_problem(ruleset, activity)
        if problem is None:
            accepted.append(str(license))
        else:
            refused.append((str(license), problem))
    return Acceptance(accepted, refused)


def to_activity(user: User, attendance: Attendance) -> Activity:
    """The meeting as a CE activity in the attendee's ledger (once)."""
    meeting = attendance.meeting
    group = meeting.group
    if attendance.confirmed_at is None:
        raise GroupError("Confirm your attendance first.")
    if attendance.activity_id is not None:
        raise GroupError("This meeting is already in your CE activities.")
    verdict = acceptance(user, meeting, group)
    if not verdict.any:
        reasons = "; ".join(f"{name}: {reason}" for name, reason in verdict.refused)
        raise GroupError(
            "None of your licenses' rule sets accepts peer consultation"
            + (f" ({reasons})." if reasons else " (you have no license yet).")
        )
    with transaction.atomic():
        activity = Activity.objects.create(
            user=user,
            title=f"{group.name}: peer consultation",
            provider=group.name,
            completed_on=meeting.held_on,
            hours=Decimal(str(meeting.hours)),
            format=meeting.format,
            kind=CE_KIND,
            topics=[{"slug": slug, "hours": None} for slug in meeting.topics],
            approvals=[],
            notes=f"Logged in Lifelong by the group's facilitator; attendance confirmed on "
            f"{attendance.confirmed_at:%Y-%m-%d}.",
        )
        updated = Attendance.objects.filter(pk=attendance.pk, activity__isnull=True).update(
            activity=activity
        )
        if not updated:
            raise GroupError("This meeting is already in your CE activities.")
    attendance.activity = activity
    return activity
