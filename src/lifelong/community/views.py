"""Group pages: the list (with invitations), one group (covenant, schedule, members,
meetings), and the actions on them. Every group is reached through the signed-in user's
membership (``services.member`` and friends): anyone else gets a 404."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from lifelong.accounts.views import AuthenticatedHttpRequest
from lifelong.community import certificate, services
from lifelong.community.calendar import schedule_calendar
from lifelong.community.forms import GroupForm, InviteForm, MeetingForm, ScheduleForm
from lifelong.community.models import Attendance, Group, GroupMembership, Meeting
from lifelong.rules.vocabulary import topic_label

NAV = "groups"
MEETINGS_SHOWN = 30
# The schedule form shares the page with the meeting form: its own field ids.
SCHEDULE_PREFIX = "schedule"


@login_required
@require_http_methods(["GET", "POST"])
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None, initial={"time_zone": request.user.time_zone or "UTC"})
    if request.method == "POST" and form.is_valid():
        group = services.create_group(request.user, **form.cleaned_data)
        messages.success(request, f"{group.name} was created; you are its facilitator.")
        return redirect("community:group", group.pk)
    memberships = list(
        GroupMembership.objects.filter(user=request.user)
        .select_related("group")
        .order_by("group__name", "group_id")
    )
    context = {"nav_section": NAV, "form": form, "memberships": memberships}
    return render(request, "community/group_list.html", context)


def _meetings(group: Group, user_id: int) -> list[Meeting]:
    """The latest meetings, each with its attendances (one query for all of them)."""
    return list(
        Meeting.objects.filter(group=group)
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("user"))
        )
        .order_by("-held_on", "-pk")[:MEETINGS_SHOWN]
    )


@login_required
@require_http_methods(["GET"])
def group_detail(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    membership = services.any_membership(request.user, group_id)
    group = membership.group
    if not membership.joined:
        return render(
            request,
            "community/group_invitation.html",
            {"nav_section": NAV, "group": group, "membership": membership},
        )
    return _detail(request, membership)


def _detail(
    request: AuthenticatedHttpRequest,
    membership: GroupMembership,
    *,
    meeting_form: MeetingForm | None = None,
    schedule_form: ScheduleForm | None = None,
    invite_form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    group = membership.group
    members = services.members_of(group)
    meetings = _meetings(group, request.user.pk)
    rows = []
    for meeting in meetings:
        mine = next((a for a in meeting.attendances.all() if a.user_id == request.user.pk), None)
        rows.append(
            {
                "meeting": meeting,
                "topics": [topic_label(slug) for slug in meeting.topics],
                "attendances": list(meeting.attendances.all()),
                "mine": mine,
            }
        )
    schedule = group.schedule
    facilitates = membership.facilitates
    context = {
        "nav_section": NAV,
        "group": group,
        "membership": membership,
        "members": members,
        "rows": rows,
        "next_meetings": schedule.next_meetings(timezone.now()) if schedule else [],
        "facilitates": facilitates,
        "meeting_form": (meeting_form or MeetingForm(members=members, initial={
            "held_on": date.today(), "duration_minutes": group.duration_minutes,
        })) if facilitates else None,
        "schedule_form": (
            schedule_form or ScheduleForm(instance=group, prefix=SCHEDULE_PREFIX)
        ) if facilitates else None,
        "invite_form": (invite_form or InviteForm()) if facilitates else None,
    }  # fmt: skip
    return render(request, "community/group_detail.html", context, status=status)


@login_required
@require_POST
def group_join(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    membership = services.any_membership(request.user, group_id)
    if request.POST.get("covenant") != "accepted":
        messages.error(request, "Tick the box to accept the covenant, or decline.")
        return redirect("community:group", group_id)
    services.accept_covenant(membership)
    messages.success(request, f"Welcome to {membership.group.name}.")
    return redirect("community:group", group_id)


@login_required
@require_POST
def group_leave(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    membership = services.any_membership(request.user, group_id)
    services.leave(membership)
    messages.success(request, f"You are no longer in {membership.group.name}.")
    return redirect("community:groups")


@login_required
@require_POST
def group_invite(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    membership = services.facilitator(request.user, group_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invited = services.invite(membership, form.cleaned_data["email"])
        except services.GroupError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"{invited.user.get_full_name()} was invited.")
            return redirect("community:group", group_id)
    return _detail(request, membership, invite_form=form, status=400)


@login_required
@require_POST
def group_remove(
    request: AuthenticatedHttpRequest, group_id: int, membership_id: int
) -> HttpResponse:
    membership = services.facilitator(request.user, group_id)
    target = get_object_or_404(
        GroupMembership.objects.select_related("user").filter(group_id=group_id), pk=membership_id
    )
    try:
        services.remove(membership, target)
    except services.GroupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{target.user.get_full_name()} was removed.")
    return redirect("community:group", group_id)


@login_required
@require_POST
def group_schedule(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    membership = services.facilitator(request.user, group_id)
    form = ScheduleForm(request.POST, instance=membership.group, prefix=SCHEDULE_PREFIX)
    if form.is_valid():
        form.save()
        messages.success(request, "The schedule was saved.")
        return redirect("community:group", group_id)
    membership.group.refresh_from_db()
    return _detail(request, membership, schedule_form=form, status=400)


@login_required
@require_POST
def meeting_log(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    membership = services.facilitator(request.user, group_id)
    members = services.members_of(membership.group)
    form = MeetingForm(request.POST, members=members)
    if form.is_valid():
        data = form.cleaned_data
        services.log_meeting(
            membership,
            held_on=data["held_on"],
            duration_minutes=data["duration_minutes"],
            format=data["format"],
            topics=list(data["topics"]),
            notes=data["notes"],
            attendees=list(data["attendees"]),
        )
        messages.success(request, "The meeting was logged; attendees are asked to confirm.")
        return redirect("community:group", group_id)
    return _detail(request, membership, meeting_form=form, status=400)


@login_required
@require_POST
def meeting_confirm(
    request: AuthenticatedHttpRequest, group_id: int, meeting_id: int
) -> HttpResponse:
    membership = services.member(request.user, group_id)
    attendance = services.own_attendance(request.user, services.meeting_of(membership, meeting_id))
    services.confirm(attendance)
    messages.success(request, "Your attendance is confirmed.")
    return redirect(f"/groups/{group_id}/#meeting-{meeting_id}")


@login_required
@require_POST
def meeting_activity(
    request: AuthenticatedHttpRequest, group_id: int, meeting_id: int
) -> HttpResponse:
    membership = services.member(request.user, group_id)
    meeting = services.meeting_of(membership, meeting_id)
    attendance = services.own_attendance(request.user, meeting)
    attendance.meeting = meeting
    meeting.group = membership.group
    try:
        activity = services.to_activity(request.user, attendance)
    except services.GroupError as error:
        messages.error(request, str(error))
        return redirect(f"/groups/{group_id}/#meeting-{meeting_id}")
    messages.success(
        request,
        f"“{activity.title}” ({activity.hours:g} h, peer consultation) is now in your CE "
        "activities; your board's limits on such hours apply.",
    )
    return redirect("credits:activity_edit", activity.pk)


@login_required
@require_http_methods(["GET"])
def meeting_certificate(
    request: AuthenticatedHttpRequest, group_id: int, meeting_id: int, attendance_id: int
) -> HttpResponse:
    """A certificate of attendance: the facilitator issues it for any confirmed attendee; an
    attendee may download their own."""
    membership = services.member(request.user, group_id)
    meeting = services.meeting_of(membership, meeting_id)
    attendance = get_object_or_404(
        Attendance.objects.select_related("user").filter(
            meeting=meeting, confirmed_at__isnull=False
        ),
        pk=attendance_id,
    )
    if not (membership.facilitates or attendance.user_id == request.user.pk):
        return HttpResponse("Only a facilitator issues certificates.", status=404)
    facilitators = [m.user for m in services.members_of(membership.group) if m.facilitates]
    meeting.group = membership.group
    pdf = certificate.attendance_certificate(meeting, attendance, facilitators, timezone.now())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="attendance-{meeting.held_on:%Y-%m-%d}-{attendance.pk}.pdf"'
    )
    return response


@login_required
@require_http_methods(["GET"])
def group_calendar(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    """The group's schedule as an .ics file to add to one's calendar."""
    membership = services.member(request.user, group_id)
    group = membership.group
    schedule = group.schedule
    if schedule is None:
        raise Http404("This group has no schedule yet.")
    body = schedule_calendar(
        schedule,
        uid=f"group-{group.pk}@lifelong",
        name=group.name,
        description=group.description,
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="group-{group.pk}.ics"'
    return response
