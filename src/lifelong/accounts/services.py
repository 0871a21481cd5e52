"""Account-wide work that touches many models: exporting everything a user owns, and deleting
the account with all of it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import logout
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.utils import timezone

from lifelong.accounts.models import (
    EmailPreferences,
    Invitation,
    Membership,
    PersonalAccessToken,
    User,
)
from lifelong.accounts.organizations import hand_over_before_deletion
from lifelong.community.models import Attendance, GroupMembership, Meeting
from lifelong.community.services import (
    hand_over_before_deletion as hand_over_groups_before_deletion,
)
from lifelong.core.models import Notification
from lifelong.credits.models import Activity, Certificate, PlannedActivity
from lifelong.growth.models import Goal, PurposeNote, Reflection, ReviewCard
from lifelong.licensure.models import (
    CalendarFeed,
    License,
    RuleSetDocument,
    WeeklySummaryDelivery,
)
from lifelong.literature.models import (
    DigestDelivery,
    Interest,
    ReadingListEntry,
    Source,
    SourceItem,
)
from lifelong.practice.models import (
    CaseloadSnapshot,
    Competency,
    OutcomeEpisode,
    OutcomeMeasure,
)
from lifelong.supervision.models import (
    ExperienceTrack,
    LogEntry,
    MentorProfile,
    Mentorship,
    MentorshipNote,
    SignOffPeriod,
    Supervision,
)
from lifelong.wellbeing.models import (
    CareItem,
    CareTick,
    CheckIn,
    Commitment,
    InstrumentResult,
    TimeOff,
    WellbeingSettings,
    WorkloadWeek,
)

EXPORT_FORMAT = "lifelong-export"
EXPORT_VERSION = 1

# Models whose rows belong to one user and appear in the export, with the field naming the
# owner (left out of each row: it is the user being exported).
EXPORTED_MODELS: dict[type[models.Model], str] = {
    EmailAddress: "user",
    Authenticator: "user",
    PersonalAccessToken: "user",
    License: "user",
    Activity: "user",
    Certificate: "owner",
    PlannedActivity: "user",
    RuleSetDocument: "owner",
    EmailPreferences: "user",
    Notification: "user",
    CalendarFeed: "user",
    WeeklySummaryDelivery: "user",
    Source: "owner",
    SourceItem: "owner",
    Interest: "owner",
    ReadingListEntry: "owner",
    DigestDelivery: "owner",
    Goal: "user",
    WellbeingSettings: "user",
    InstrumentResult: "user",
    CheckIn: "user",
    CareItem: "user",
    CareTick: "user",
    Commitment: "user",
    TimeOff: "user",
    WorkloadWeek: "user",
    Reflection: "user",
    ReviewCard: "user",
    PurposeNote: "user",
    Membership: "user",
    Invitation: "invited_by",
    GroupMembership: "user",
    Attendance: "user",
    Meeting: "logged_by",
    ExperienceTrack: "owner",
    Supervision: "supervisee",
    LogEntry: "owner",
    SignOffPeriod: "supervisee",
    MentorProfile: "user",
    Mentorship: "mentee",  # and as mentor: both sides are exported
    MentorshipNote: "author",
    CaseloadSnapshot: "owner",
    Competency: "owner",
    OutcomeMeasure: "owner",
    OutcomeEpisode: "owner",
}

# A shared library article, named by what identifies it outside this site.
ARTICLE_IDENTITY = ("article__pmid", "article__doi", "article__title")


def _row(instance: models.Model, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """Every concrete field of a row, by name. New fields appear in the export without edits."""
    skipped = set(exclude)
    row: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in skipped:
            continue
        value = field.value_from_object(instance)
        if isinstance(value, FieldFile):
            value = value.name or None
        row[field.name] = value
    return row


def export_user_data(user: User) -> dict[str, Any]:
    """All data a user owns, as JSON-ready values (dates, datetimes and decimals are left for
    Django's JSON encoder). Secrets never leave: no password hash, no token hashes, no TOTP
    secret or recovery-code seed. A fixed number of queries, whatever the amount of data."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "profile": {
            "email": user.email,
            "name": user.name,
            "time_zone": user.time_zone,
            "birth_month": user.birth_month,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "email_addresses": [
            _row(address, exclude=["id", "user"])
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "two_factor_authenticators": [
            _row(authenticator, exclude=["id", "user", "data"])
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "licenses": [_row(license, exclude=["user"]) for license in License.objects.for_user(user)],
        "activities": [
            _row(activity, exclude=["user"]) for activity in Activity.objects.for_user(user)
        ],
        "certificates": [
            {
                **_row(certificate, exclude=["owner"]),
                "activities": sorted(activity.pk for activity in certificate.activities.all()),
            }
            for certificate in Certificate.objects.for_user(user).prefetch_related("activities")
        ],
        "planned_activities": [
            _row(plan, exclude=["user"]) for plan in PlannedActivity.objects.for_user(user)
        ],
        "rule_sets": [
            _row(document, exclude=["owner"]) for document in RuleSetDocument.objects.for_user(user)
        ],
        "api_tokens": [
            _row(token, exclude=["user", "token_hash"])
            for token in PersonalAccessToken.objects.for_user(user)
        ],
        "email_preferences": _row(EmailPreferences.for_user(user), exclude=["id", "user"]),
        "notifications": [
            _row(notification, exclude=["user"])
            for notification in Notification.objects.for_user(user)
        ],
        "calendar_feeds": [
            _row(feed, exclude=["user", "token_hash"])
            for feed in CalendarFeed.objects.for_user(user)
        ],
        "weekly_summaries_sent": [
            _row(delivery, exclude=["user"])
            for delivery in WeeklySummaryDelivery.objects.filter(user=user)
        ],
        "literature_sources": [
            _row(source, exclude=["owner"]) for source in Source.objects.for_user(user)
        ],
        "literature_source_items": list(
            SourceItem.objects.for_user(user)
            .order_by("source_id", "first_seen_at", "pk")
            .values("source_id", "first_seen_at", *ARTICLE_IDENTITY)
        ),
        "literature_interests": [
            _row(interest, exclude=["owner"]) for interest in Interest.objects.for_user(user)
        ],
        "reading_list": [
            {
                **_row(entry, exclude=["owner", "article"]),
                "article": {
                    "pmid": entry.article.pmid,
                    "doi": entry.article.doi,
                    "title": entry.article.title,
                },
            }
            for entry in ReadingListEntry.objects.for_user(user).select_related("article")
        ],
        "organization_memberships": [
            {
                **_row(membership, exclude=["user"]),
                "organization_name": membership.organization.name,
            }
            for membership in Membership.objects.for_user(user).select_related("organization")
        ],
        "organization_invitations_sent": [
            {
                **_row(invitation, exclude=["invited_by"]),
                "organization_name": invitation.organization.name,
            }
            for invitation in Invitation.objects.filter(invited_by=user).select_related(
                "organization"
            )
        ],
        "group_memberships": [
            {**_row(membership, exclude=["user"]), "group_name": membership.group.name}
            for membership in GroupMembership.objects.filter(user=user).select_related("group")
        ],
        "group_meetings_attended": [
            {
                **_row(attendance, exclude=["user"]),
                "group_name": attendance.meeting.group.name,
                "held_on": attendance.meeting.held_on,
                "duration_minutes": attendance.meeting.duration_minutes,
            }
            for attendance in Attendance.objects.filter(user=user).select_related("meeting__group")
        ],
        "group_meetings_logged": [
            _row(meeting, exclude=["logged_by"])
            for meeting in Meeting.objects.filter(logged_by=user)
        ],
        "literature_digests_sent": [
            _row(delivery, exclude=["owner"])
            for delivery in DigestDelivery.objects.filter(owner=user)
        ],
        "goals": [
            {
                **_row(goal, exclude=["user"]),
                "entries": [_row(entry, exclude=["goal"]) for entry in goal.entries.all()],
            }
            for goal in Goal.objects.for_user(user).prefetch_related("entries")
        ],
        "wellbeing": {
            "settings": [
                _row(row, exclude=["user"]) for row in WellbeingSettings.objects.filter(user=user)
            ],
            "instrument_results": [
                _row(row, exclude=["user"]) for row in InstrumentResult.objects.for_user(user)
            ],
            "checkins": [_row(row, exclude=["user"]) for row in CheckIn.objects.for_user(user)],
            "checklist_items": [
                _row(row, exclude=["user"]) for row in CareItem.objects.for_user(user)
            ],
            "checklist_ticks": [
                _row(row, exclude=["user"]) for row in CareTick.objects.for_user(user)
            ],
            "self_care_plan": [
                _row(row, exclude=["user"]) for row in Commitment.objects.for_user(user)
            ],
            "time_off": [_row(row, exclude=["user"]) for row in TimeOff.objects.for_user(user)],
            "workload_weeks": [
                _row(row, exclude=["user"]) for row in WorkloadWeek.objects.for_user(user)
            ],
        },
        "reflections": [
            {
                **_row(reflection, exclude=["user"]),
                "activities": sorted(activity.pk for activity in reflection.activities.all()),
                "readings": [
                    {
                        "pmid": entry.article.pmid,
                        "doi": entry.article.doi,
                        "title": entry.article.title,
                    }
                    for entry in reflection.readings.all()
                ],
                "goals": sorted(goal.pk for goal in reflection.goals.all()),
            }
            for reflection in Reflection.objects.for_user(user).prefetch_related(
                "activities", "readings__article", "goals"
            )
        ],
        "review_cards": [
            {
                **_row(card, exclude=["user"]),
                "reviews": [_row(review, exclude=["card"]) for review in card.reviews.all()],
            }
            for card in ReviewCard.objects.for_user(user).prefetch_related("reviews")
        ],
        "purpose_notes": [
            _row(note, exclude=["user"]) for note in PurposeNote.objects.for_user(user)
        ],
        # Supervised experience: the associate's own log, supervisors and signed periods (a
        # supervisor's view of other people's logs is theirs, not exported here).
        "experience_track": [
            _row(track, exclude=["id", "owner"])
            for track in ExperienceTrack.objects.filter(owner=user)
        ],
        "supervisions": [
            _row(supervision, exclude=["supervisee", "supervisor"])
            for supervision in Supervision.objects.for_supervisee(user)
        ],
        "experience_log": [
            _row(entry, exclude=["owner"]) for entry in LogEntry.objects.for_user(user)
        ],
        "signed_periods": [
            _row(period, exclude=["supervisee"])
            for period in SignOffPeriod.objects.filter(supervisee=user).order_by("starts_on")
        ],
        "mentor_profile": [
            _row(profile, exclude=["id", "user"])
            for profile in MentorProfile.objects.filter(user=user)
        ],
        "mentorships": list(
            Mentorship.objects.involving(user)
            .order_by("created_at", "pk")
            .values(
                "id",
                "mentor__email",
                "mentee__email",
                "status",
                "message",
                "created_at",
                "answered_at",
                "ended_at",
            )
        ),
        "mentorship_notes": [
            _row(note, exclude=["author"]) for note in MentorshipNote.objects.for_user(user)
        ],
        "caseload_snapshots": [
            _row(snapshot, exclude=["owner"])
            for snapshot in CaseloadSnapshot.objects.for_user(user)
        ],
        "competencies": [
            _row(competency, exclude=["owner"]) for competency in Competency.objects.for_user(user)
        ],
        "outcome_measures": [
            _row(measure, exclude=["owner"]) for measure in OutcomeMeasure.objects.for_user(user)
        ],
        "outcome_episodes": [
            _row(episode, exclude=["owner"]) for episode in OutcomeEpisode.objects.for_user(user)
        ],
    }


def export_filename() -> str:
    return f"lifelong-export-{timezone.localdate():%Y-%m-%d}.json"


def delete_account(request: HttpRequest, user: User) -> None:
    """Delete the user and everything they own (the foreign keys cascade), then sign out.
    An organization they alone own passes to its longest-standing admin (else member), a group
    they alone facilitate to its longest-standing member."""
    with transaction.atomic():
        hand_over_before_deletion(user)
        hand_over_groups_before_deletion(user)
        user.delete()
    logout(request)
