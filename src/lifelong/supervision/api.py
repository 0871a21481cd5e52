"""Supervised experience over the JSON API: the log (``/api/supervision/entries``), the
associate's supervisors and sign-off requests, the supervisor's side (invitations, supervisees,
signing), progress toward licensure and the verification of the signed history.

A supervisor reaches only the supervisions they accepted, and through them only those
supervisions' entries and periods; everyone else gets 404. Entries in signed periods cannot be
changed or deleted (409)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator, Strict

from lifelong.api.auth import api_auth
from lifelong.api.common import (
    AUTH_ERRORS,
    BODY_ERRORS,
    CONFLICT_ERRORS,
    OBJECT_ERRORS,
    Day,
    InputSchema,
    ObjectId,
    Pagination,
    hundredths,
    invalid,
    request_user,
    text,
    today_for,
)
from lifelong.rules.experience import Category, ExperienceVerdict, load_experience_catalog
from lifelong.supervision import services
from lifelong.supervision.chain import entries_fingerprint
from lifelong.supervision.models import LogEntry, PeriodLocked, SignOffPeriod, Supervision

router = Router(auth=api_auth, tags=["supervision"])

EntryHours = Annotated[float, Strict(), Field(ge=0.25, le=24), AfterValidator(hundredths)]


class ExperienceRuleSetOut(Schema):
    id: str
    title: str
    board: str
    credential: str
    jurisdiction: str
    uncertain: list[str]


class ExperienceTrackIn(InputSchema):
    ruleset_id: Annotated[str, text(80, required=True)] = Field(
        description="An experience rule set id from `GET /api/supervision/rulesets`."
    )


class ExperienceRequirementOut(Schema):
    id: str
    label: str
    unit: Literal["hours", "weeks"]
    direction: Literal["min", "max"] = Field(description="`min`: reach it; `max`: stay within.")
    required: float
    counted: float
    missing: float
    met: bool


class ExperienceVerdictOut(Schema):
    complete: bool
    requirements: list[ExperienceRequirementOut]
    hours_by_category: dict[str, float]
    weekly_pace: float = Field(description="Hours per week over the last 12 weeks of the log.")
    projected_completion: date | None
    next_steps: list[str]


class ExperienceProgressOut(Schema):
    ruleset_id: str
    signed_hours: float
    pending_hours: float
    signed: ExperienceVerdictOut = Field(description="Counting signed periods only.")
    logged: ExperienceVerdictOut = Field(description="Counting every logged hour.")


class ExperienceEntryIn(InputSchema):
    supervision_id: Annotated[int, Strict(), Field(ge=1, le=2**63 - 1)]
    worked_on: Day
    hours: EntryHours
    category: Category
    setting: Annotated[str, text(120)] = ""


class ExperienceEntryOut(Schema):
    id: int
    supervision_id: int
    worked_on: date
    hours: float
    category: str
    setting: str
    locked: bool = False


def _email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("enter a valid email address") from None
    return value


class SupervisorInviteIn(InputSchema):
    email: Annotated[str, text(254, required=True), AfterValidator(_email)]
    name: Annotated[str, text(150)] = ""
    started_on: Day
    period_kind: Literal["week", "month"] = "month"
    setting: Annotated[str, text(200)] = ""


class SupervisionOut(Schema):
    id: int
    supervisee_email: str
    supervisor_email: str
    supervisor_name: str
    status: str
    period_kind: str
    setting: str
    started_on: date
    ended_on: date | None
    has_agreement: bool


class SignOffIn(InputSchema):
    day: Day = Field(description="Any day of the period to send for sign-off.")


class SignOffPeriodOut(Schema):
    id: int
    supervision_id: int
    starts_on: date
    ends_on: date
    status: str
    return_note: str
    signed_at: datetime | None
    signed_by_name: str
    sequence: int | None
    hash: str


class SignOffPeriodReviewOut(SignOffPeriodOut):
    entries: list[ExperienceEntryOut]
    fingerprint: str = Field(description="Send it back to sign exactly these entries.")


class SignOffSignIn(InputSchema):
    fingerprint: Annotated[str, text(64, required=True)]


class SupervisionAnswerIn(InputSchema):
    answer: Literal["accept", "decline"]


class SignedHistoryBreakOut(Schema):
    sequence: int
    starts_on: date
    ends_on: date
    reason: str


class SignedHistoryOut(Schema):
    intact: bool
    checked: int
    broken: SignedHistoryBreakOut | None


def _verdict(verdict: ExperienceVerdict) -> dict[str, Any]:
    return {
        "complete": verdict.complete,
        "requirements": [
            {
                "id": item.id,
                "label": item.label,
                "unit": item.unit,
                "direction": item.direction,
                "required": item.required,
                "counted": item.counted,
                "missing": item.missing,
                "met": item.met,
            }
            for item in verdict.requirements
        ],
        "hours_by_category": verdict.hours_by_category,
        "weekly_pace": verdict.weekly_pace,
        "projected_completion": verdict.projected_completion,
        "next_steps": list(verdict.next_steps),
    }


def _supervision_out(supervision: Supervision) -> dict[str, Any]:
    return {
        "id": supervision.pk,
        "supervisee_email": supervision.supervisee.email,
        "supervisor_email": supervision.supervisor_email,
        "supervisor_name": supervision.supervisor_name,
        "status": supervision.status,
        "period_kind": supervision.period_kind,
        "setting": supervision.setting,
        "started_on": supervision.started_on,
        "ended_on": supervision.ended_on,
        "has_agreement": bool(supervision.agreement),
    }


def _entry_out(entry: LogEntry, locked: bool = False) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "supervision_id": entry.supervision_id,
        "worked_on": entry.worked_on,
        "hours": float(entry.hours),
        "category": entry.category,
        "setting": entry.setting,
        "locked": locked,
    }


def _conflict(error: Exception) -> HttpError:
    return HttpError(409, str(error))


# The associate's side ------------------------------------------------------------------------


@router.get(
    "/supervision/rulesets",
    response={200: list[ExperienceRuleSetOut], **AUTH_ERRORS},
    summary="List experience rule sets",
)
def list_rulesets(request: HttpRequest) -> list[Any]:
    """The supervised-experience rule sets shipped with Lifelong, with their uncertain facts."""
    return list(load_experience_catalog().values())


@router.put(
    "/supervision/track",
    response={200: ExperienceProgressOut, **BODY_ERRORS},
    summary="Choose the experience rule set you work toward",
)
def set_track(request: HttpRequest, payload: ExperienceTrackIn) -> Any:
    user = request_user(request)
    if payload.ruleset_id not in load_experience_catalog():
        raise invalid(["body", "payload", "ruleset_id"], "unknown experience rule set")
    services.set_track(user, payload.ruleset_id)
    return _progress(user)


def _progress(user: Any) -> dict[str, Any]:
    progress = services.progress(user)
    if progress is None:
        raise HttpError(404, "Choose an experience rule set first (PUT /api/supervision/track).")
    return {
        "ruleset_id": progress.ruleset.id,
        "signed_hours": float(progress.signed_hours),
        "pending_hours": float(progress.pending_hours),
        "signed": _verdict(progress.signed),
        "logged": _verdict(progress.logged),
    }


@router.get(
    "/supervision/progress",
    response={200: ExperienceProgressOut, **OBJECT_ERRORS},
    summary="Progress toward licensure",
)
def read_progress(request: HttpRequest) -> Any:
    """Requirements met by signed hours and by all logged hours, and a projected completion
    date from the recent pace."""
    return _progress(request_user(request))


@router.get(
    "/supervision/entries",
    response={200: list[ExperienceEntryOut], **OBJECT_ERRORS},
    summary="List your logged hours",
)
@paginate(Pagination)
def list_entries(request: HttpRequest) -> Any:
    return [
        _entry_out(entry)
        for entry in LogEntry.objects.for_user(request_user(request)).order_by("-worked_on", "-pk")
    ]


def _save(entry: LogEntry, payload: ExperienceEntryIn, user: Any) -> dict[str, Any]:
    supervision = Supervision.objects.for_supervisee(user).filter(pk=payload.supervision_id).first()
    if supervision is None:
        raise invalid(["body", "payload", "supervision_id"], "not one of your supervisions")
    if payload.worked_on > today_for(user):
        raise invalid(["body", "payload", "worked_on"], "log hours you have worked")
    if entry.pk is not None and entry.supervision.is_locked_on(entry.worked_on):
        raise _conflict(PeriodLocked("This entry is in a signed period: it cannot change."))
    entry.supervision = supervision
    entry.worked_on = payload.worked_on
    entry.hours = Decimal(str(payload.hours))
    entry.category = payload.category
    entry.setting = payload.setting
    try:
        services.save_entry(entry)
    except (services.SupervisionError, PeriodLocked) as error:
        raise _conflict(error) from None
    return _entry_out(entry)


@router.post(
    "/supervision/entries",
    response={201: ExperienceEntryOut, **BODY_ERRORS, **CONFLICT_ERRORS},
    summary="Log hours",
)
def create_entry(request: HttpRequest, payload: ExperienceEntryIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    return Status(201, _save(LogEntry(owner=user), payload, user))


def _own_entry(request: HttpRequest, entry_id: int) -> LogEntry:
    return get_object_or_404(
        LogEntry.objects.for_user(request_user(request)).select_related("supervision"),
        pk=entry_id,
    )


@router.get(
    "/supervision/entries/{entry_id}",
    response={200: ExperienceEntryOut, **OBJECT_ERRORS},
    summary="Read logged hours",
)
def read_entry(request: HttpRequest, entry_id: ObjectId) -> Any:
    entry = _own_entry(request, entry_id)
    return _entry_out(entry, entry.supervision.is_locked_on(entry.worked_on))


@router.put(
    "/supervision/entries/{entry_id}",
    response={200: ExperienceEntryOut, **OBJECT_ERRORS, **BODY_ERRORS, **CONFLICT_ERRORS},
    summary="Replace logged hours (not in a signed period)",
)
def replace_entry(request: HttpRequest, entry_id: ObjectId, payload: ExperienceEntryIn) -> Any:
    return _save(_own_entry(request, entry_id), payload, request_user(request))


@router.delete(
    "/supervision/entries/{entry_id}",
    response={204: None, **OBJECT_ERRORS, **CONFLICT_ERRORS},
    summary="Delete logged hours (not in a signed period)",
)
def delete_entry(request: HttpRequest, entry_id: ObjectId) -> Status[None]:
    entry = _own_entry(request, entry_id)
    try:
        services.delete_entry(entry)
    except PeriodLocked as error:
        raise _conflict(error) from None
    return Status(204, None)


@router.get(
    "/supervision/supervisors",
    response={200: list[SupervisionOut], **AUTH_ERRORS},
    summary="List your supervisors and invitations you sent",
)
def list_supervisors(request: HttpRequest) -> list[dict[str, Any]]:
    supervisions = Supervision.objects.for_supervisee(request_user(request)).select_related(
        "supervisee"
    )
    return [_supervision_out(supervision) for supervision in supervisions]


@router.post(
    "/supervision/supervisors",
    response={201: SupervisionOut, **BODY_ERRORS, **CONFLICT_ERRORS},
    summary="Invite a supervisor by email",
)
def invite_supervisor(request: HttpRequest, payload: SupervisorInviteIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    try:
        supervision = services.invite_supervisor(
            user,
            email=str(payload.email),
            name=payload.name,
            started_on=payload.started_on,
            period_kind=payload.period_kind,
            setting=payload.setting,
        )
    except services.SupervisionError as error:
        raise _conflict(error) from None
    return Status(201, _supervision_out(supervision))


def _period_out(period: SignOffPeriod) -> dict[str, Any]:
    return {
        "id": period.pk,
        "supervision_id": period.supervision_id,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "status": period.status,
        "return_note": period.return_note,
        "signed_at": period.signed_at,
        "signed_by_name": period.signed_by_name,
        "sequence": period.sequence,
        "hash": period.hash,
    }


@router.post(
    "/supervision/supervisors/{supervision_id}/sign-off",
    response={201: SignOffPeriodOut, **OBJECT_ERRORS, **BODY_ERRORS, **CONFLICT_ERRORS},
    summary="Ask your supervisor to sign a period",
)
def request_sign_off(
    request: HttpRequest, supervision_id: ObjectId, payload: SignOffIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    supervision = get_object_or_404(
        Supervision.objects.for_supervisee(user).select_related("supervisor", "supervisee"),
        pk=supervision_id,
    )
    try:
        period = services.request_sign_off(supervision, payload.day, today_for(user))
    except services.SupervisionError as error:
        raise _conflict(error) from None
    return Status(201, _period_out(period))


@router.get(
    "/supervision/history",
    response={200: SignedHistoryOut, **AUTH_ERRORS},
    summary="Verify your signed history",
)
def verify_history(request: HttpRequest) -> dict[str, Any]:
    """Recompute the hash chain of your signed periods; name the first link that breaks."""
    report = services.verify_history(request_user(request))
    broken = report.broken
    return {
        "intact": report.intact,
        "checked": report.checked,
        "broken": None
        if broken is None
        else {
            "sequence": broken.sequence,
            "starts_on": broken.starts_on,
            "ends_on": broken.ends_on,
            "reason": broken.reason,
        },
    }


# The supervisor's side -----------------------------------------------------------------------


@router.get(
    "/supervision/invitations",
    response={200: list[SupervisionOut], **AUTH_ERRORS},
    summary="List invitations to supervise",
)
def list_invitations(request: HttpRequest) -> list[dict[str, Any]]:
    invitations = Supervision.objects.invitations_for(request_user(request)).select_related(
        "supervisee"
    )
    return [_supervision_out(invitation) for invitation in invitations]


@router.post(
    "/supervision/invitations/{supervision_id}",
    response={200: SupervisionOut, **OBJECT_ERRORS, **BODY_ERRORS, **CONFLICT_ERRORS},
    summary="Accept or decline an invitation to supervise",
)
def answer_invitation(
    request: HttpRequest, supervision_id: ObjectId, payload: SupervisionAnswerIn
) -> dict[str, Any]:
    user = request_user(request)
    supervision = get_object_or_404(
        Supervision.objects.invitations_for(user).select_related("supervisee"), pk=supervision_id
    )
    try:
        services.respond_to_invitation(supervision, user, accept=payload.answer == "accept")
    except services.SupervisionError as error:
        raise _conflict(error) from None
    supervision.refresh_from_db()
    return _supervision_out(supervision)


@router.get(
    "/supervision/supervisees",
    response={200: list[SupervisionOut], **AUTH_ERRORS},
    summary="List the people you supervise",
)
def list_supervisees(request: HttpRequest) -> list[dict[str, Any]]:
    supervisions = Supervision.objects.for_supervisor(request_user(request)).select_related(
        "supervisee"
    )
    return [_supervision_out(supervision) for supervision in supervisions]


@router.get(
    "/supervision/supervisees/{supervision_id}/periods",
    response={200: list[SignOffPeriodReviewOut], **OBJECT_ERRORS},
    summary="Periods of a person you supervise, with their entries",
)
def list_supervisee_periods(request: HttpRequest, supervision_id: ObjectId) -> list[Any]:
    supervision = get_object_or_404(
        Supervision.objects.for_supervisor(request_user(request)), pk=supervision_id
    )
    periods = list(supervision.periods.order_by("-starts_on"))
    entries = list(supervision.entries.order_by("worked_on", "category", "pk"))
    result = []
    for period in periods:
        inside = [e for e in entries if period.starts_on <= e.worked_on <= period.ends_on]
        result.append(
            {
                **_period_out(period),
                "entries": [_entry_out(entry, period.is_signed) for entry in inside],
                "fingerprint": entries_fingerprint([entry.to_signed() for entry in inside]),
            }
        )
    return result


@router.post(
    "/supervision/periods/{period_id}/sign",
    response={200: SignOffPeriodOut, **OBJECT_ERRORS, **BODY_ERRORS, **CONFLICT_ERRORS},
    summary="Sign a period (locks it)",
)
def sign_period(
    request: HttpRequest, period_id: ObjectId, payload: SignOffSignIn
) -> dict[str, Any]:
    user = request_user(request)
    period = get_object_or_404(
        SignOffPeriod.objects.filter(
            Q(supervision__supervisor=user),
            supervision__status__in=[Supervision.Status.ACTIVE, Supervision.Status.ENDED],
        ),
        pk=period_id,
    )
    try:
        signed = services.sign_period(period, user, payload.fingerprint)
    except services.SupervisionError as error:
        raise _conflict(error) from None
    return _period_out(signed)
