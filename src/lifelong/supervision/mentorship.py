"""Mentorship: profiles, suggestions, requests (accept, decline, end) and private notes."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.core.notifications import NewNotification, notify
from lifelong.rules.vocabulary import TOPICS
from lifelong.supervision.matching import MentorCandidate, Suggestion, suggest
from lifelong.supervision.models import MentorProfile, Mentorship, MentorshipNote

OPEN = [Mentorship.Status.REQUESTED, Mentorship.Status.ACTIVE]


class MentorshipError(ValueError):
    """A request that cannot be carried out; the message says why."""


def profile_for(user: User) -> MentorProfile:
    """The user's profile, or an unsaved empty one."""
    return MentorProfile.objects.filter(user=user).first() or MentorProfile(user=user)


def save_profile(
    user: User,
    *,
    is_mentor: bool,
    is_mentee: bool,
    areas: list[str],
    about: str,
    capacity: int,
) -> MentorProfile:
    unknown = [area for area in areas if area not in TOPICS]
    if unknown:
        raise MentorshipError(f"Unknown areas: {', '.join(unknown)}.")
    profile, _ = MentorProfile.objects.update_or_create(
        user=user,
        defaults={
            "is_mentor": is_mentor,
            "is_mentee": is_mentee,
            "areas": list(dict.fromkeys(areas)),
            "about": about.strip(),
            "capacity": capacity,
        },
    )
    return profile


def suggestions(user: User, limit: int = 10) -> list[Suggestion]:
    """Mentors for ``user`` by shared areas (three queries), leaving out themselves and
    mentors they already asked or work with."""
    own = MentorProfile.objects.filter(user=user).first()
    if own is None or not own.areas:
        return []
    taken = Mentorship.objects.filter(mentee=user, status__in=OPEN).values("mentor_id")
    mentors = (
        MentorProfile.objects.filter(is_mentor=True, user__is_active=True)
        .exclude(user=user)
        .exclude(user_id__in=taken)
        .select_related("user")
        .annotate(
            active=Count(
                "user__mentorships_given",
                filter=Q(user__mentorships_given__status=Mentorship.Status.ACTIVE),
            )
        )
    )
    candidates = [
        MentorCandidate(
            user_id=profile.user_id,
            name=profile.user.name or profile.user.email,
            areas=tuple(profile.areas),
            active_mentees=profile.active,
            capacity=profile.capacity,
        )
        for profile in mentors
    ]
    return suggest(own.areas, candidates, limit)


def request_mentorship(mentee: User, mentor_id: int, message: str) -> Mentorship:
    profile = (
        MentorProfile.objects.filter(user_id=mentor_id, is_mentor=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if profile is None or mentor_id == mentee.pk:
        raise MentorshipError("This person does not offer mentorship.")
    if Mentorship.objects.filter(mentee=mentee, mentor_id=mentor_id, status__in=OPEN).exists():
        raise MentorshipError("You already asked this mentor or work with them.")
    mentorship = Mentorship.objects.create(
        mentor=profile.user, mentee=mentee, message=message.strip()[:1000]
    )
    who = mentee.name or mentee.email
    notify(
        profile.user,
        NewNotification(
            kind="mentorship-request",
            title=f"{who} asks you to be their mentor",
            body=message.strip()[:300] or "Accept or decline on your mentorship page.",
            url=reverse("supervision:mentorship"),
            dedupe_key=f"mentorship-request-{mentorship.pk}",
        ),
    )
    return mentorship


def respond(mentorship: Mentorship, mentor: User, *, accept: bool) -> None:
    with transaction.atomic():
        changed = Mentorship.objects.filter(
            pk=mentorship.pk, mentor=mentor, status=Mentorship.Status.REQUESTED
        ).update(
            status=Mentorship.Status.ACTIVE if accept else Mentorship.Status.DECLINED,
            answered_at=timezone.now(),
        )
    if not changed:
        raise MentorshipError("This request was already answered.")
    mentorship.status = Mentorship.Status.ACTIVE if accept else Mentorship.Status.DECLINED
    who = mentor.name or mentor.email
    notify(
        mentorship.mentee,
        NewNotification(
            kind="mentorship-answer",
            title=f"{who} {'accepted' if accept else 'declined'} your mentorship request",
            body="",
            url=reverse("supervision:mentorship"),
            dedupe_key=f"mentorship-answer-{mentorship.pk}",
        ),
    )


def end(mentorship: Mentorship) -> None:
    Mentorship.objects.filter(pk=mentorship.pk, status__in=OPEN).update(
        status=Mentorship.Status.ENDED, ended_at=timezone.now()
    )


def add_note(mentorship: Mentorship, author: User, met_on: date, text: str) -> MentorshipNote:
    if author.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise MentorshipError("This mentorship is not yours.")
    if mentorship.status not in (Mentorship.Status.ACTIVE, Mentorship.Status.ENDED):
        raise MentorshipError("Notes are for accepted mentorships.")
    return MentorshipNote.objects.create(
        mentorship=mentorship, author=author, met_on=met_on, text=text.strip()
    )
