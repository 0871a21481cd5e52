"""Mentorship over the JSON API: your profile, suggested mentors, mentorships (request, answer,
end) and your private notes. Another user's mentorship answers 404; notes are only ever the
caller's own."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Strict

from lifelong.api.auth import api_auth
from lifelong.api.common import (
    AUTH_ERRORS,
    BODY_ERRORS,
    CONFLICT_ERRORS,
    OBJECT_ERRORS,
    Day,
    InputSchema,
    ObjectId,
    request_user,
    text,
)
from lifelong.rules.vocabulary import Topic
from lifelong.supervision import mentorship as services
from lifelong.supervision.models import Mentorship, MentorshipNote

router = Router(auth=api_auth, tags=["mentorship"])


class MentorProfileIn(InputSchema):
    is_mentor: Annotated[bool, Strict()] = False
    is_mentee: Annotated[bool, Strict()] = False
    areas: list[Topic] = Field(default_factory=list, max_length=30)
    about: Annotated[str, text(500)] = ""
    capacity: Annotated[int, Strict(), Field(ge=1, le=20)] = 2


class MentorProfileOut(Schema):
    is_mentor: bool
    is_mentee: bool
    areas: list[str]
    about: str
    capacity: int


class MentorSuggestionOut(Schema):
    user_id: int
    name: str
    score: float
    shared_areas: list[str]
    reasons: list[str]


class MentorshipOut(Schema):
    id: int
    role: Literal["mentor", "mentee"] = Field(description="Your side of it.")
    other_name: str
    other_email: str
    status: str
    message: str
    created_at: datetime


class MentorshipRequestIn(InputSchema):
    mentor_id: Annotated[int, Strict(), Field(ge=1, le=2**63 - 1)]
    message: Annotated[str, text(1000)] = ""


class MentorshipAnswerIn(InputSchema):
    answer: Literal["accept", "decline"]


class MentorshipNoteIn(InputSchema):
    met_on: Day
    text: Annotated[str, text(5000, required=True)]


class MentorshipNoteOut(Schema):
    id: int
    met_on: date
    text: str


def _conflict(error: Exception) -> HttpError:
    return HttpError(409, str(error))


def _profile_out(user: Any) -> dict[str, Any]:
    profile = services.profile_for(user)
    return {
        "is_mentor": profile.is_mentor,
        "is_mentee": profile.is_mentee,
        "areas": list(profile.areas),
        "about": profile.about,
        "capacity": profile.capacity,
    }


def _mentorship_out(mentorship: Mentorship, user: Any) -> dict[str, Any]:
    as_mentor = mentorship.mentor_id == user.pk
    other = mentorship.mentee if as_mentor else mentorship.mentor
    return {
        "id": mentorship.pk,
        "role": "mentor" if as_mentor else "mentee",
        "other_name": other.name,
        "other_email": other.email,
        "status": mentorship.status,
        "message": mentorship.message,
        "created_at": mentorship.created_at,
    }


def _involving(request: HttpRequest, mentorship_id: int) -> Mentorship:
    return get_object_or_404(
        Mentorship.objects.involving(request_user(request)).select_related("mentor", "mentee"),
        pk=mentorship_id,
    )


@router.get(
    "/mentorship/profile",
    response={200: MentorProfileOut, **AUTH_ERRORS},
    summary="Read your mentorship profile",
)
def read_profile(request: HttpRequest) -> dict[str, Any]:
    return _profile_out(request_user(request))


@router.put(
    "/mentorship/profile",
    response={200: MentorProfileOut, **BODY_ERRORS},
    summary="Replace your mentorship profile",
)
def replace_profile(request: HttpRequest, payload: MentorProfileIn) -> dict[str, Any]:
    user = request_user(request)
    services.save_profile(user, **payload.model_dump())
    return _profile_out(user)


@router.get(
    "/mentorship/suggestions",
    response={200: list[MentorSuggestionOut], **AUTH_ERRORS},
    summary="Suggested mentors",
)
def list_suggestions(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "user_id": s.candidate.user_id,
            "name": s.candidate.name,
            "score": s.score,
            "shared_areas": list(s.shared),
            "reasons": list(s.reasons),
        }
        for s in services.suggestions(request_user(request))
    ]


@router.get(
    "/mentorship/mentorships",
    response={200: list[MentorshipOut], **AUTH_ERRORS},
    summary="List your mentorships",
)
def list_mentorships(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    return [
        _mentorship_out(m, user)
        for m in Mentorship.objects.involving(user).select_related("mentor", "mentee")
    ]


@router.post(
    "/mentorship/mentorships",
    response={201: MentorshipOut, **BODY_ERRORS, **CONFLICT_ERRORS},
    summary="Ask a mentor",
)
def create_mentorship(request: HttpRequest, payload: MentorshipRequestIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    try:
        mentorship = services.request_mentorship(user, payload.mentor_id, payload.message)
    except services.MentorshipError as error:
        raise _conflict(error) from None
    return Status(201, _mentorship_out(mentorship, user))


@router.post(
    "/mentorship/mentorships/{mentorship_id}/answer",
    response={200: MentorshipOut, **OBJECT_ERRORS, **BODY_ERRORS, **CONFLICT_ERRORS},
    summary="Accept or decline a request (as the mentor)",
)
def answer_mentorship(
    request: HttpRequest, mentorship_id: ObjectId, payload: MentorshipAnswerIn
) -> dict[str, Any]:
    user = request_user(request)
    mentorship = get_object_or_404(
        Mentorship.objects.filter(mentor=user).select_related("mentor", "mentee"), pk=mentorship_id
    )
    try:
        services.respond(mentorship, user, accept=payload.answer == "accept")
    except services.MentorshipError as error:
        raise _conflict(error) from None
    mentorship.refresh_from_db()
    return _mentorship_out(mentorship, user)


@router.post(
    "/mentorship/mentorships/{mentorship_id}/end",
    response={200: MentorshipOut, **OBJECT_ERRORS},
    summary="End a mentorship or withdraw a request",
)
def end_mentorship(request: HttpRequest, mentorship_id: ObjectId) -> dict[str, Any]:
    mentorship = _involving(request, mentorship_id)
    services.end(mentorship)
    mentorship.refresh_from_db()
    return _mentorship_out(mentorship, request_user(request))


@router.get(
    "/mentorship/mentorships/{mentorship_id}/notes",
    response={200: list[MentorshipNoteOut], **OBJECT_ERRORS},
    summary="Your own notes of a mentorship",
)
def list_notes(request: HttpRequest, mentorship_id: ObjectId) -> list[MentorshipNote]:
    mentorship = _involving(request, mentorship_id)
    return list(
        MentorshipNote.objects.for_user(request_user(request)).filter(mentorship=mentorship)
    )


@router.post(
    "/mentorship/mentorships/{mentorship_id}/notes",
    response={201: MentorshipNoteOut, **OBJECT_ERRORS, **BODY_ERRORS, **CONFLICT_ERRORS},
    summary="Add a private note",
)
def create_note(
    request: HttpRequest, mentorship_id: ObjectId, payload: MentorshipNoteIn
) -> Status[MentorshipNote]:
    mentorship = _involving(request, mentorship_id)
    try:
        note = services.add_note(mentorship, request_user(request), payload.met_on, payload.text)
    except services.MentorshipError as error:
        raise _conflict(error) from None
    return Status(201, note)
