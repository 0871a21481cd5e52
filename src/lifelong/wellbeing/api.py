"""Well-being over the JSON API: the instruments, my results (take one: answers in, scores
out), my check-ins, and my overview (resilience index, leave clock, warnings, what is due).
Everything is the caller's own: another user's result or check-in is a 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import Strict

from lifelong.api.auth import api_auth
from lifelong.api.common import (
    BODY_ERRORS,
    OBJECT_ERRORS,
    Day,
    InputSchema,
    ObjectId,
    invalid,
    request_user,
    today_for,
)
from lifelong.wellbeing import services
from lifelong.wellbeing.checkin import HIGHEST, LOWEST
from lifelong.wellbeing.instruments import AnswerError, InstrumentDefinition, all_instruments
from lifelong.wellbeing.models import CheckIn, InstrumentResult

router = Router(auth=api_auth, tags=["wellbeing"])

InstrumentId = Literal["proqol-5", "cbi"]
assert set(InstrumentId.__args__) == set(all_instruments())  # type: ignore[attr-defined]
CheckInAnswer = Annotated[int, Strict(), Field(ge=LOWEST, le=HIGHEST)]
Band = Literal["low", "moderate", "high"]

# -- schemas ---------------------------------------------------------------------------------


class OptionOut(Schema):
    value: int
    label: str
    score: float


class ScaleOut(Schema):
    id: str
    options: list[OptionOut]


class ItemOut(Schema):
    number: int
    text: str
    scale: str
    subscale: str
    reverse: bool


class BandOut(Schema):
    id: Band
    label: str
    lower: float = Field(description="The band starts at this score (inclusive).")


class SubscaleOut(Schema):
    id: str
    name: str
    description: str
    method: Literal["sum", "mean"]
    min_answered: int
    higher_is: Literal["better", "worse"]
    bands: list[BandOut]
    bands_source: str


class InstrumentOut(Schema):
    id: str
    version: str
    name: str
    short_name: str
    recall_period: str
    instructions: str
    minutes: int
    remind_every_days: int
    licence: str
    attribution: str
    attribution_url: str | None
    scales: list[ScaleOut]
    subscales: list[SubscaleOut]
    items: list[ItemOut]


class AnswerIn(InputSchema):
    item: Annotated[int, Strict()] = Field(ge=1, le=1000)
    answer: Annotated[int, Strict()] = Field(ge=-1000, le=1000)


class AnswerOut(Schema):
    item: int
    answer: int


class ResultIn(InputSchema):
    instrument: InstrumentId
    taken_on: Day | None = Field(None, description="Defaults to today; never in the future.")
    answers: list[AnswerIn] = Field(max_length=1000, description="Unanswered items left out.")


class SubscaleScoreOut(Schema):
    subscale: str
    name: str
    score: float | None = Field(description="None when too few items were answered.")
    band: Band | None
    band_label: str | None
    answered: int
    items: int
    minimum: float
    maximum: float
    higher_is: Literal["better", "worse"]
    note: str


class ResultOut(Schema):
    id: int
    instrument: str
    version: str
    taken_on: date
    created_at: datetime
    scores: list[SubscaleScoreOut]
    answers: list[AnswerOut]
    attribution: str


class ResultListOut(Schema):
    items: list[ResultOut]
    count: int


class ResultFilter(Schema):
    instrument: InstrumentId | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


class CheckInIn(InputSchema):
    taken_on: Day | None = Field(None, description="Defaults to today; never in the future.")
    energy: CheckInAnswer
    engagement: CheckInAnswer
    sleep: CheckInAnswer
    workload: CheckInAnswer = Field(description="How manageable it felt: 5 is manageable.")
    connection: CheckInAnswer


class CheckInOut(Schema):
    id: int
    taken_on: date
    energy: int
    engagement: int
    sleep: int
    workload: int
    connection: int
    score: float = Field(description="The mean of the answers on 0-100; higher is better.")
    created_at: datetime


class CheckInListOut(Schema):
    items: list[CheckInOut]
    count: int


class PageQuery(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


class PartOut(Schema):
    key: str
    name: str
    weight: int = Field(description="The published weight, percent.")
    effective_weight: float = Field(description="After scaling for the parts left out.")
    score: float | None = Field(description="0-100; None when the part is left out.")
    reason: str


class ResilienceOut(Schema):
    score: float | None
    band: Band | None
    parts: list[PartOut]


class LeaveClockOut(Schema):
    on_leave: bool
    days_since_last: int | None
    days_until_next: int | None


class WarningOut(Schema):
    kind: Literal["high-band", "rising-strain", "no-leave", "workload"]
    title: str
    body: str


class DueOut(Schema):
    key: str = Field(description="proqol-5, cbi or checkin.")
    name: str
    due_on: date
    last_on: date | None


class OverviewOut(Schema):
    today: date
    resilience: ResilienceOut
    leave: LeaveClockOut
    latest: list[ResultOut]
    warnings: list[WarningOut]
    due: list[DueOut]


# -- helpers -----------------------------------------------------------------------------------


def instrument_out(definition: InstrumentDefinition) -> dict[str, Any]:
    data = definition.model_dump(mode="json", exclude={"sources"})
    return data


def result_out(result: InstrumentResult) -> dict[str, Any]:
    return {
        "id": result.pk,
        "instrument": result.instrument,
        "version": result.version,
        "taken_on": result.taken_on,
        "created_at": result.created_at,
        "scores": result.scores,
        "answers": [
            {"item": int(number), "answer": value} for number, value in result.answers.items()
        ],
        "attribution": result.attribution,
    }


def checkin_out(checkin: CheckIn) -> dict[str, Any]:
    return {
        "id": checkin.pk,
        "taken_on": checkin.taken_on,
        **checkin.answers(),
        "score": checkin.score,
        "created_at": checkin.created_at,
    }


def _day(request: HttpRequest, value: date | None) -> date:
    today = today_for(request_user(request))
    if value is None:
        return today
    if value > today:
        raise invalid(["body", "payload", "taken_on"], "cannot be a day in the future")
    return value


# -- instruments and results -------------------------------------------------------------------


@router.get(
    "/wellbeing/instruments",
    response={200: list[InstrumentOut], **OBJECT_ERRORS},
    summary="List the self-check instruments",
)
def list_instruments(request: HttpRequest) -> list[dict[str, Any]]:
    """Each instrument with its items, response scales, subscales, bands (and their source),
    licence and attribution."""
    return [instrument_out(definition) for definition in all_instruments().values()]


@router.get(
    "/wellbeing/results",
    response={200: ResultListOut, **OBJECT_ERRORS},
    summary="List my self-check results",
)
def list_results(request: HttpRequest, filters: Query[ResultFilter]) -> dict[str, Any]:
    """Your results, oldest first (``limit``/``offset``), optionally of one instrument."""
    results = InstrumentResult.objects.for_user(request_user(request))
    if filters.instrument is not None:
        results = results.filter(instrument=filters.instrument)
    page = results[filters.offset : filters.offset + filters.limit]
    return {"items": [result_out(result) for result in page], "count": results.count()}


@router.post(
    "/wellbeing/results",
    response={201: ResultOut, **BODY_ERRORS},
    summary="Take a self-check: answers in, scores out",
)
def create_result(request: HttpRequest, payload: ResultIn) -> Status[dict[str, Any]]:
    """Scores the answers by the instrument's published rules and stores the result. An item
    answered twice, an unknown item or an answer the item's scale does not have is a 422."""
    user = request_user(request)
    definition = all_instruments()[payload.instrument]
    taken_on = _day(request, payload.taken_on)
    answers: dict[int, int] = {}
    for index, answer in enumerate(payload.answers):
        if answer.item in answers:
            raise invalid(["body", "payload", "answers", index], f"item {answer.item} twice")
        answers[answer.item] = answer.answer
    try:
        with transaction.atomic():
            result = services.record_result(user, definition, answers, taken_on)
    except AnswerError as error:
        raise invalid(["body", "payload", "answers"], str(error)) from error
    return Status(201, result_out(result))


def owned_result(request: HttpRequest, result_id: int) -> InstrumentResult:
    return get_object_or_404(InstrumentResult.objects.for_user(request_user(request)), pk=result_id)


@router.get(
    "/wellbeing/results/{result_id}",
    response={200: ResultOut, **OBJECT_ERRORS},
    summary="Read a self-check result",
)
def read_result(request: HttpRequest, result_id: ObjectId) -> dict[str, Any]:
    return result_out(owned_result(request, result_id))


@router.delete(
    "/wellbeing/results/{result_id}",
    response={204: None, **OBJECT_ERRORS},
    summary="Delete a self-check result",
)
def delete_result(request: HttpRequest, result_id: ObjectId) -> Status[None]:
    owned_result(request, result_id).delete()
    return Status(204, None)


# -- check-ins ---------------------------------------------------------------------------------


@router.get(
    "/wellbeing/check-ins",
    response={200: CheckInListOut, **OBJECT_ERRORS},
    summary="List my check-ins",
)
def list_checkins(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """Your check-ins, oldest first (``limit``/``offset``)."""
    checkins = CheckIn.objects.for_user(request_user(request))
    window = checkins[page.offset : page.offset + page.limit]
    return {"items": [checkin_out(checkin) for checkin in window], "count": checkins.count()}


@router.post(
    "/wellbeing/check-ins",
    response={201: CheckInOut, **BODY_ERRORS},
    summary="Check in",
)
def create_checkin(request: HttpRequest, payload: CheckInIn) -> Status[dict[str, Any]]:
    """Five answers from 1 to 5 (5 is the better state). A second check-in on the same day
    replaces the first."""
    user = request_user(request)
    taken_on = _day(request, payload.taken_on)
    with transaction.atomic():
        checkin = services.record_checkin(user, taken_on, payload.model_dump(exclude={"taken_on"}))
    return Status(201, checkin_out(checkin))


def owned_checkin(request: HttpRequest, checkin_id: int) -> CheckIn:
    return get_object_or_404(CheckIn.objects.for_user(request_user(request)), pk=checkin_id)


@router.get(
    "/wellbeing/check-ins/{checkin_id}",
    response={200: CheckInOut, **OBJECT_ERRORS},
    summary="Read a check-in",
)
def read_checkin(request: HttpRequest, checkin_id: ObjectId) -> dict[str, Any]:
    return checkin_out(owned_checkin(request, checkin_id))


@router.delete(
    "/wellbeing/check-ins/{checkin_id}",
    response={204: None, **OBJECT_ERRORS},
    summary="Delete a check-in",
)
def delete_checkin(request: HttpRequest, checkin_id: ObjectId) -> Status[None]:
    owned_checkin(request, checkin_id).delete()
    return Status(204, None)


# -- overview ----------------------------------------------------------------------------------


@router.get(
    "/wellbeing/overview",
    response={200: OverviewOut, **OBJECT_ERRORS},
    summary="My resilience index, leave clock, latest scores, warnings and what is due",
)
def overview(request: HttpRequest) -> dict[str, Any]:
    snapshot = services.gather(request_user(request))
    index = services.resilience_for(snapshot)
    latest = [snapshot.latest(key) for key in snapshot.instruments]
    return {
        "today": snapshot.today,
        "resilience": {
            "score": index.score,
            "band": index.band,
            "parts": [
                {
                    "key": part.key,
                    "name": part.name,
                    "weight": part.weight,
                    "effective_weight": part.effective_weight,
                    "score": part.score,
                    "reason": part.reason,
                }
                for part in index.parts
            ],
        },
        "leave": {
            "on_leave": snapshot.on_leave,
            "days_since_last": snapshot.days_since_leave,
            "days_until_next": snapshot.days_until_leave,
        },
        "latest": [result_out(result) for result in latest if result is not None],
        "warnings": [
            {"kind": alert.kind, "title": alert.title, "body": alert.body}
            for alert in services.alerts_for(snapshot)
        ],
        "due": [
            {"key": due.key, "name": due.name, "due_on": due.due_on, "last_on": due.last_on}
            for due in services.due_checks(snapshot)
        ],
    }
