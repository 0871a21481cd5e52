"""Growth over the JSON API: ``/api/goals`` (list with progress, create, read with what
counted, delete) and ``/api/review`` (today's queue, add a card, review a card). Everything is
the caller's own: another user's goal or card is a 404."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import ValidationError

from lifelong.api.auth import api_auth
from lifelong.api.common import (
    AUTH_ERRORS,
    BODY_ERRORS,
    OBJECT_ERRORS,
    Day,
    InputSchema,
    ObjectId,
    problem,
    request_user,
    text,
    today_for,
)
from lifelong.credits.models import Activity
from lifelong.growth import retention, services
from lifelong.growth.models import MAX_TARGET, Goal, ReviewCard
from lifelong.growth.progress import GoalProgress
from lifelong.literature.models import ReadingListEntry
from lifelong.rules.vocabulary import Topic

router = Router(auth=api_auth, tags=["growth"])

TargetKind = Literal["hours", "activities", "articles", "reflections", "custom"]
GoalStatus = Literal["met", "on-track", "behind", "missed", "upcoming"]


class ContributionOut(Schema):
    on: date
    kind: str = Field(description="`activity`, `article`, `reflection` or `entry`.")
    label: str
    amount: float


class GoalOut(Schema):
    id: int
    title: str
    why: str
    target_kind: TargetKind
    topics: list[str]
    target_value: float
    custom_unit: str
    starts_on: date
    due_on: date
    source: str
    done: float = Field(description="What counted so far, in the goal's unit.")
    percent: int = Field(description="The share of the target reached, 0-100.")
    time_percent: int = Field(description="The share of the goal's time that has passed.")
    status: GoalStatus
    met_on: date | None


class GoalDetailOut(GoalOut):
    contributions: list[ContributionOut]


class GoalIn(InputSchema):
    title: Annotated[str, text(200, required=True)]
    why: Annotated[str, text(5000)] = ""
    target_kind: TargetKind = "hours"
    topics: list[Topic] = Field(default_factory=list, max_length=30)
    target_value: float = Field(gt=0, le=float(MAX_TARGET))
    custom_unit: Annotated[str, text(100)] = ""
    starts_on: Day | None = Field(None, description="Default: today.")
    due_on: Day


def _goal_out(goal: Goal, progress: GoalProgress, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": goal.pk,
        "title": goal.title,
        "why": goal.why,
        "target_kind": goal.target_kind,
        "topics": list(goal.topics),
        "target_value": float(goal.target_value),
        "custom_unit": goal.custom_unit,
        "starts_on": goal.starts_on,
        "due_on": goal.due_on,
        "source": goal.source,
        "done": float(progress.done),
        "percent": progress.percent,
        "time_percent": round(progress.time_share * 100),
        "status": progress.status,
        "met_on": progress.met_on,
    }
    if detail:
        data["contributions"] = [
            {"on": c.on, "kind": c.kind, "label": c.label, "amount": float(c.amount)}
            for c in progress.contributions
        ]
    return data


def _owned_goal(request: HttpRequest, goal_id: int) -> Goal:
    return get_object_or_404(Goal.objects.for_user(request_user(request)), pk=goal_id)


def _django_errors(error: DjangoValidationError) -> ValidationError:
    return ValidationError(
        [
            problem(["body", "payload", field], message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    )


@router.get("/goals", response={200: list[GoalOut], **AUTH_ERRORS}, summary="List goals")
def list_goals(request: HttpRequest) -> list[dict[str, Any]]:
    """Your learning goals with their progress today, the soonest due first."""
    user = request_user(request)
    today = today_for(user)
    return [
        _goal_out(item.goal, item.progress)
        for item in services.goals_with_progress(user, today=today)
    ]


@router.post("/goals", response={201: GoalDetailOut, **BODY_ERRORS}, summary="Create a goal")
def create_goal(request: HttpRequest, payload: GoalIn) -> Status[dict[str, Any]]:
    """A goal whose progress Lifelong computes from your records (CE hours or activities in
    the topics, articles read, reflections linked to it) or from the entries of a measure of
    your own (`custom`, with `custom_unit`)."""
    user = request_user(request)
    try:
        goal = services.create_goal(
            user,
            title=payload.title,
            why=payload.why,
            target_kind=payload.target_kind,
            topics=payload.topics,
            target_value=Decimal(str(payload.target_value)),
            custom_unit=payload.custom_unit,
            starts_on=payload.starts_on or today_for(user),
            due_on=payload.due_on,
            source="API",
        )
    except DjangoValidationError as error:
        raise _django_errors(error) from None
    progress = services.goal_progress(goal, today_for(user))
    return Status(201, _goal_out(goal, progress, detail=True))


@router.get(
    "/goals/{goal_id}", response={200: GoalDetailOut, **OBJECT_ERRORS}, summary="Read a goal"
)
def read_goal(request: HttpRequest, goal_id: ObjectId) -> dict[str, Any]:
    """A goal, its progress and each record that counted."""
    goal = _owned_goal(request, goal_id)
    progress = services.goal_progress(goal, today_for(request_user(request)))
    return _goal_out(goal, progress, detail=True)


@router.delete("/goals/{goal_id}", response={204: None, **OBJECT_ERRORS}, summary="Delete a goal")
def delete_goal(request: HttpRequest, goal_id: ObjectId) -> Status[None]:
    _owned_goal(request, goal_id).delete()
    return Status(204, None)


# --------------------------------------------------------------------------------------------
# Review cards
# --------------------------------------------------------------------------------------------


class CardOut(Schema):
    id: int
    question: str
    answer: str
    activity_id: int | None
    reading_id: int | None
    state: Literal["learning", "review", "relearning"]
    due: datetime
    last_review: datetime | None


class CardIn(InputSchema):
    question: Annotated[str, text(1000, required=True)]
    answer: Annotated[str, text(2000, required=True)]
    activity_id: int | None = Field(None, ge=1, le=2**63 - 1, description="Your CE activity.")
    reading_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="An entry of your reading list."
    )


class ReviewIn(InputSchema):
    rating: Literal[1, 2, 3, 4] = Field(description="1 again, 2 hard, 3 good, 4 easy.")


class ReviewOut(Schema):
    card: CardOut
    scheduled_days: int = Field(description="Whole days until the card is due again.")


class QueueOut(Schema):
    due_count: int
    cards: list[CardOut]


STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}


def _card_out(card: ReviewCard) -> dict[str, Any]:
    return {
        "id": card.pk,
        "question": card.question,
        "answer": card.answer,
        "activity_id": card.activity_id,
        "reading_id": card.reading_id,
        "state": STATE_NAMES[card.state],
        "due": card.due,
        "last_review": card.last_review,
    }


@router.get(
    "/review/due",
    response={200: QueueOut, **AUTH_ERRORS},
    summary="Today's review queue",
)
def review_queue(request: HttpRequest) -> dict[str, Any]:
    """Your cards due by the end of today, the most overdue first."""
    queue = retention.due_queue(request_user(request), timezone.now())
    return {"due_count": len(queue), "cards": [_card_out(card) for card in queue]}


@router.post("/review/cards", response={201: CardOut, **BODY_ERRORS}, summary="Add a review card")
def create_card(request: HttpRequest, payload: CardIn) -> Status[dict[str, Any]]:
    """A question and answer from a key takeaway, optionally from one of your CE activities or
    reading-list entries; due at once."""
    user = request_user(request)
    activity = None
    reading = None
    problems = []
    if payload.activity_id is not None:
        activity = Activity.objects.for_user(user).filter(pk=payload.activity_id).first()
        if activity is None:
            problems.append(
                problem(["body", "payload", "activity_id"], "no such activity of yours")
            )
    if payload.reading_id is not None:
        reading = ReadingListEntry.objects.for_user(user).filter(pk=payload.reading_id).first()
        if reading is None:
            problems.append(
                problem(["body", "payload", "reading_id"], "no such reading-list entry of yours")
            )
    if problems:
        raise ValidationError(problems)
    card = retention.new_card(
        user, question=payload.question, answer=payload.answer, activity=activity, reading=reading
    )
    return Status(201, _card_out(card))


@router.post(
    "/review/cards/{card_id}/review",
    response={200: ReviewOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Review a card",
)
def review_card(request: HttpRequest, card_id: ObjectId, payload: ReviewIn) -> dict[str, Any]:
    """Record how well you remembered the card; FSRS schedules its next review."""
    card = get_object_or_404(ReviewCard.objects.for_user(request_user(request)), pk=card_id)
    review = retention.review(card, payload.rating)
    return {"card": _card_out(card), "scheduled_days": review.scheduled_days}
