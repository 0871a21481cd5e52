"""Groups: the authorization matrix (facilitator, member, invited, outsider, anonymous) for
every page and action; the covenant; meeting logs and confirmed attendance; a meeting turned
into a CE activity only where a license's rule set accepts peer consultation; the certificate
of attendance; the schedule as a calendar; export and account deletion."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from lifelong.accounts.models import User
from lifelong.community import services
from lifelong.community.models import Attendance, Group, GroupMembership, GroupRole, Meeting
from lifelong.core.models import Notification
from lifelong.credits.models import Activity
from lifelong.licensure.models import License
from tests.conftest import make_user

ACTORS = ["facilitator", "member", "invited", "outsider", "anonymous"]


class World:
    def __init__(self) -> None:
        self.users = {
            name: make_user(f"{name}@example.org", name=f"{name.title()} Person")
            for name in ("facilitator", "member", "invited", "outsider")
        }
        self.group = services.create_group(
            self.users["facilitator"], name="Tuesday consultation", time_zone="America/New_York"
        )
        self.facilitator = GroupMembership.objects.get(user=self.users["facilitator"])
        self.member = GroupMembership.objects.create(
            group=self.group, user=self.users["member"], joined_at=timezone.now()
        )
        self.invited = GroupMembership.objects.create(group=self.group, user=self.users["invited"])
        self.meeting = services.log_meeting(
            self.facilitator,
            held_on=date(2026, 2, 3),
            duration_minutes=90,
            format="in-person",
            topics=["ethics"],
            notes="Boundaries in small communities.",
            attendees=[self.facilitator, self.member],
        )
        self.attendance = Attendance.objects.get(meeting=self.meeting, user=self.users["member"])

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
        assert response.status_code == 404, (actor, response.status_code)


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_group_page(world: World, actor: str) -> None:
    response = world.client(actor).get(reverse("community:group", args=[world.group.pk]))
    _expect(response, actor in ("facilitator", "member", "invited"), actor)
    if actor in ("facilitator", "member"):
        assert b"Boundaries in small communities." in response.content
    if actor == "invited":  # the covenant, not the meetings
        assert b"I accept this covenant" in response.content
        assert b"Boundaries" not in response.content


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_log_a_meeting(world: World, actor: str) -> None:
    response = world.client(actor).post(
        reverse("community:meeting_log", args=[world.group.pk]),
        {
            "held_on": "2026-03-03",
            "duration_minutes": "60",
            "format": "live-online",
            "topics": ["self-care"],
            "notes": "",
            "attendees": [world.facilitator.pk],
        },
    )
    _expect(response, actor == "facilitator", actor)
    assert Meeting.objects.count() == (2 if actor == "facilitator" else 1)


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_invite(world: World, actor: str) -> None:
    response = world.client(actor).post(
        reverse("community:group_invite", args=[world.group.pk]),
        {"email": "outsider@example.org"},
    )
    _expect(response, actor == "facilitator", actor)
    invited = GroupMembership.objects.filter(user=world.users["outsider"]).exists()
    assert invited == (actor == "facilitator")


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_schedule(world: World, actor: str) -> None:
    response = world.client(actor).post(
        reverse("community:group_schedule", args=[world.group.pk]),
        {
            "schedule-schedule_rule": "FREQ=WEEKLY;BYDAY=TU",
            "schedule-first_meeting_on": "2026-03-03",
            "schedule-start_time": "18:00",
            "schedule-duration_minutes": "90",
        },
    )
    _expect(response, actor == "facilitator", actor)
    world.group.refresh_from_db()
    assert (world.group.schedule_rule == "FREQ=WEEKLY;BYDAY=TU") == (actor == "facilitator")


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_remove(world: World, actor: str) -> None:
    response = world.client(actor).post(
        reverse("community:group_remove", args=[world.group.pk, world.invited.pk])
    )
    _expect(response, actor == "facilitator", actor)
    assert GroupMembership.objects.filter(pk=world.invited.pk).exists() != (actor == "facilitator")


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_confirm_and_turn_into_an_activity(world: World, actor: str) -> None:
    if actor != "anonymous":
        License.objects.create(
            user=world.users[actor], ruleset_id="us-wa-lmhc", expires_on=date(2027, 6, 30)
        )
    client = world.client(actor)
    args = [world.group.pk, world.meeting.pk]
    confirm = client.post(reverse("community:meeting_confirm", args=args))
    activity = client.post(reverse("community:meeting_activity", args=args))
    # The facilitator was present and is confirmed by logging; the member after confirming.
    allowed = actor in ("facilitator", "member")
    _expect(confirm, allowed, actor)
    _expect(activity, allowed, actor)
    owners = set(Activity.objects.values_list("user__email", flat=True))
    expected = {f"{actor}@example.org"} if allowed else set()
    assert owners == expected


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_certificate(world: World, actor: str) -> None:
    services.confirm(world.attendance)
    response = world.client(actor).get(
        reverse(
            "community:meeting_certificate",
            args=[world.group.pk, world.meeting.pk, world.attendance.pk],
        )
    )
    # The facilitator issues it; the attendee may download their own.
    _expect(response, actor in ("facilitator", "member"), actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_calendar(world: World, actor: str) -> None:
    world.group.schedule_rule = "FREQ=WEEKLY;BYDAY=TU"
    world.group.first_meeting_on = date(2026, 3, 3)
    world.group.save()
    response = world.client(actor).get(reverse("community:group_calendar", args=[world.group.pk]))
    _expect(response, actor in ("facilitator", "member"), actor)


def test_another_groups_meeting_cannot_be_reached_through_ones_own(world: World) -> None:
    other = services.create_group(world.users["outsider"], name="Other")
    client = world.client("outsider")
    response = client.post(reverse("community:meeting_confirm", args=[other.pk, world.meeting.pk]))
    assert response.status_code == 404
    response = client.get(
        reverse(
            "community:meeting_certificate", args=[other.pk, world.meeting.pk, world.attendance.pk]
        )
    )
    assert response.status_code == 404


# ---- invitations and the covenant --------------------------------------------------------


def test_an_invited_user_is_notified_and_joins_by_accepting_the_covenant(world: World) -> None:
    client = world.client("facilitator")
    client.post(
        reverse("community:group_invite", args=[world.group.pk]), {"email": "OUTSIDER@example.org"}
    )
    notification = Notification.objects.get(user=world.users["outsider"], kind="group-invitation")
    assert notification.url == reverse("community:group", args=[world.group.pk])

    outsider = world.client("outsider")
    refused = outsider.post(reverse("community:group_join", args=[world.group.pk]), {})
    assert refused.status_code == 302
    assert not GroupMembership.objects.get(user=world.users["outsider"]).joined
    outsider.post(reverse("community:group_join", args=[world.group.pk]), {"covenant": "accepted"})
    assert GroupMembership.objects.get(user=world.users["outsider"]).joined
    page = outsider.get(reverse("community:group", args=[world.group.pk]))
    assert b"Boundaries in small communities." in page.content


def test_inviting_an_unknown_address_or_a_member_again_is_refused(world: World) -> None:
    client = world.client("facilitator")
    url = reverse("community:group_invite", args=[world.group.pk])
    unknown = client.post(url, {"email": "nobody@example.org"})
    assert unknown.status_code == 400
    assert b"ask them to sign up first" in unknown.content
    again = client.post(url, {"email": "member@example.org"})
    assert again.status_code == 400
    assert b"already invited or a member" in again.content


def test_declining_removes_the_invitation(world: World) -> None:
    world.client("invited").post(reverse("community:group_leave", args=[world.group.pk]))
    assert not GroupMembership.objects.filter(pk=world.invited.pk).exists()


def test_the_last_facilitator_leaving_hands_the_group_over(world: World) -> None:
    world.client("facilitator").post(reverse("community:group_leave", args=[world.group.pk]))
    world.member.refresh_from_db()
    assert world.member.role == GroupRole.FACILITATOR
    world.client("member").post(reverse("community:group_leave", args=[world.group.pk]))
    assert not Group.objects.filter(pk=world.group.pk).exists()  # only an invitation was left


# ---- meetings, attendance, CE activities -------------------------------------------------


def test_logging_a_meeting_asks_the_attendees_to_confirm(world: World) -> None:
    assert Notification.objects.filter(user=world.users["member"], kind="group-meeting").exists()
    facilitator_attendance = Attendance.objects.get(
        meeting=world.meeting, user=world.users["facilitator"]
    )
    assert facilitator_attendance.confirmed_at is not None
    assert world.attendance.confirmed_at is None


def test_an_unconfirmed_attendance_cannot_become_an_activity(world: World) -> None:
    License.objects.create(
        user=world.users["member"], ruleset_id="us-wa-lmhc", expires_on=date(2027, 6, 30)
    )
    client = world.client("member")
    client.post(reverse("community:meeting_activity", args=[world.group.pk, world.meeting.pk]))
    assert not Activity.objects.exists()


def test_a_confirmed_attendee_gets_a_peer_consultation_activity_once(world: World) -> None:
    License.objects.create(
        user=world.users["member"], ruleset_id="us-wa-lmhc", expires_on=date(2027, 6, 30)
    )
    client = world.client("member")
    args = [world.group.pk, world.meeting.pk]
    client.post(reverse("community:meeting_confirm", args=args))
    response = client.post(reverse("community:meeting_activity", args=args))
    again = client.post(reverse("community:meeting_activity", args=args))

    activity = Activity.objects.get()
    assert response["Location"] == reverse("credits:activity_edit", args=[activity.pk])
    assert again.status_code == 302
    assert Activity.objects.count() == 1
    assert activity.user == world.users["member"]
    assert activity.kind == "peer-consultation"
    assert activity.hours == 1.5
    assert activity.completed_on == date(2026, 2, 3)
    assert activity.topics == [{"slug": "ethics", "hours": None}]
    world.attendance.refresh_from_db()
    assert world.attendance.activity == activity


def test_no_activity_where_no_rule_set_accepts_peer_consultation(world: World) -> None:
    member: User = world.users["member"]
    client = world.client("member")
    args = [world.group.pk, world.meeting.pk]
    client.post(reverse("community:meeting_confirm", args=args))

    no_license = client.post(reverse("community:meeting_activity", args=args), follow=True)
    assert b"you have no license yet" in no_license.content

    # New York counts only courses from providers approved by its Education Department.
    License.objects.create(user=member, ruleset_id="us-ny-lcsw", expires_on=date(2027, 1, 31))
    refused = client.post(reverse("community:meeting_activity", args=args), follow=True)
    assert b"None of your licenses" in refused.content
    assert b"ny-sed" in refused.content
    assert not Activity.objects.exists()

    # A second license in Washington accepts it (its limit on such hours is the engine's).
    License.objects.create(user=member, ruleset_id="us-wa-lmhc", expires_on=date(2027, 6, 30))
    client.post(reverse("community:meeting_activity", args=args))
    assert Activity.objects.filter(user=member, kind="peer-consultation").count() == 1


def test_the_certificate_names_the_attendee_meeting_and_facilitator(world: World) -> None:
    services.confirm(world.attendance)
    response = world.client("facilitator").get(
        reverse(
            "community:meeting_certificate",
            args=[world.group.pk, world.meeting.pk, world.attendance.pk],
        )
    )

    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Certificate of attendance" in text
    assert "Member Person" in text
    assert "Tuesday consultation" in text
    assert "2026-02-03" in text
    assert "90 minutes" in text
    assert "Facilitator Person" in text


def test_no_certificate_for_an_unconfirmed_attendance(world: World) -> None:
    response = world.client("facilitator").get(
        reverse(
            "community:meeting_certificate",
            args=[world.group.pk, world.meeting.pk, world.attendance.pk],
        )
    )
    assert response.status_code == 404


def test_a_meeting_without_attendees_or_with_bad_input_is_refused(world: World) -> None:
    response = world.client("facilitator").post(
        reverse("community:meeting_log", args=[world.group.pk]),
        {"held_on": "not a date", "duration_minutes": "5", "format": "in-person"},
    )
    assert response.status_code == 400
    assert Meeting.objects.count() == 1


# ---- schedule and calendar ---------------------------------------------------------------


def test_a_bad_rule_is_refused_with_its_reason(world: World) -> None:
    response = world.client("facilitator").post(
        reverse("community:group_schedule", args=[world.group.pk]),
        {
            "schedule-schedule_rule": "FREQ=SECONDLY",
            "schedule-first_meeting_on": "2026-03-03",
            "schedule-start_time": "18:00",
            "schedule-duration_minutes": "90",
        },
    )
    assert response.status_code == 400
    assert b"FREQ must be one of" in response.content
    world.group.refresh_from_db()
    assert world.group.schedule_rule == ""


def test_the_calendar_is_one_recurring_event_in_the_groups_zone(world: World) -> None:
    world.group.schedule_rule = "FREQ=WEEKLY;BYDAY=TU"
    world.group.first_meeting_on = date(2026, 3, 3)
    world.group.start_time = "18:00"  # type: ignore[assignment]
    world.group.save()

    response = world.client("member").get(
        reverse("community:group_calendar", args=[world.group.pk])
    )

    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["RRULE"].to_ical().decode()) == "FREQ=WEEKLY;BYDAY=TU"
    start = event.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo)) == (18, "America/New_York")
    assert calendar.walk("VTIMEZONE")


def test_the_group_page_runs_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.client("member")
    url = reverse("community:group", args=[world.group.pk])
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    for day in range(1, 25):
        services.log_meeting(
            world.facilitator,
            held_on=date(2025, 1, day),
            duration_minutes=60,
            format="live-online",
            topics=["ethics"],
            notes="",
            attendees=[world.facilitator, world.member],
        )
    with django_assert_max_num_queries(14) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


# ---- export and deletion -----------------------------------------------------------------


def test_group_data_is_exported(world: World) -> None:
    data = world.client("member").get(reverse("accounts:export")).json()
    assert [m["group_name"] for m in data["group_memberships"]] == ["Tuesday consultation"]
    assert [a["held_on"] for a in data["group_meetings_attended"]] == ["2026-02-03"]
    facilitator = world.client("facilitator").get(reverse("accounts:export")).json()
    assert [m["notes"] for m in facilitator["group_meetings_logged"]] == [
        "Boundaries in small communities."
    ]


def test_deleting_the_facilitators_account_hands_the_group_over(world: World) -> None:
    from tests.conftest import PASSWORD

    client = world.client("facilitator")
    client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert not User.objects.filter(email="facilitator@example.org").exists()
    world.member.refresh_from_db()
    assert world.member.role == GroupRole.FACILITATOR
    assert Meeting.objects.get().logged_by is None
