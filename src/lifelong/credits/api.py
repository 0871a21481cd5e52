"""The CE ledger over the JSON API: ``/api/activities`` (list, create, read, change, delete)
and ``/api/activities/import`` (a CSV file, all or nothing)."""

from datetime import date, datetime
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator, Strict, ValidationInfo, field_validator, model_validator
from pydantic import ValidationError as SchemaError

from lifelong.accounts.models import User
from lifelong.api.auth import api_auth
from lifelong.api.common import (
    AUTH_ERRORS,
    BODY_ERRORS,
    OBJECT_ERRORS,
    Day,
    ErrorOut,
    InputSchema,
    ObjectId,
    Pagination,
    body_errors,
    hundredths,
    invalid,
    request_user,
    text,
    today_for,
)
from lifelong.credits.activity_csv import ActivityCsvError
from lifelong.credits.models import ACADEMIC_UNITS, Activity
from lifelong.credits.services import import_activities
from lifelong.rules import model as rules
from lifelong.rules.vocabulary import ApprovalBody, CreditUnit, Format, Kind, Topic

router = Router(auth=api_auth, tags=["activities"])

MAX_ACTIVITY_HOURS = 1000
Hours = Annotated[float, Strict(), Field(gt=0, le=MAX_ACTIVITY_HOURS), AfterValidator(hundredths)]
CSV_CONTENT_TYPES = ("text/csv", "application/csv", "text/plain")


class TopicShareIn(InputSchema):
    slug: Topic = Field(description="A topic slug from the CE vocabulary.")
    hours: Hours | None = Field(
        None, description="Only this many of the activity's hours cover the topic; null: all."
    )


class ApprovalIn(InputSchema):
    body: ApprovalBody = Field(description="The approving body, e.g. `apa` or `nbcc`.")
    number: Annotated[str, text(60)] = Field("", description="The approval number, if printed.")


class ActivityIn(InputSchema):
    """A CE activity. Hours are clock hours unless ``unit`` says semester or quarter hours
    (academic courses only)."""

    title: Annotated[str, text(300, required=True)]
    provider: Annotated[str, text(200)] = ""
    completed_on: Day
    hours: Hours
    format: Format
    kind: Kind = "course"
    unit: CreditUnit = "clock-hour"
    topics: list[TopicShareIn] = Field(default_factory=list, max_length=30)
    approvals: list[ApprovalIn] = Field(default_factory=list, max_length=20)
    notes: Annotated[str, text(10_000)] = ""

    @field_validator("unit")
    @classmethod
    def _academic_units_for_academic_courses(cls, unit: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if unit in ACADEMIC_UNITS and kind is not None and kind != "academic-course":
            raise ValueError(f"{unit} is only for academic courses; give clock hours for a {kind}")
        return unit

    @field_validator("topics")
    @classmethod
    def _topics_once_and_within_hours(
        cls, topics: list[TopicShareIn], info: ValidationInfo
    ) -> list[TopicShareIn]:
        slugs = [share.slug for share in topics]
        repeated = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if repeated:
            raise ValueError(f"topics listed more than once: {', '.join(repeated)}")
        hours = info.data.get("hours")
        for share in topics:
            if hours is not None and share.hours is not None and share.hours > hours:
                raise ValueError(
                    f"{share.slug}={share.hours:g} is more than the activity's {hours:g} hours"
                )
        return topics

    @field_validator("approvals")
    @classmethod
    def _approvals_once(cls, approvals: list[ApprovalIn]) -> list[ApprovalIn]:
        bodies = [approval.body for approval in approvals]
        repeated = sorted({body for body in bodies if bodies.count(body) > 1})
        if repeated:
            raise ValueError(f"approval bodies listed more than once: {', '.join(repeated)}")
        return approvals

    def activity_fields(self) -> dict[str, Any]:
        """The Activity model's field values."""
        activity = rules.Activity(
            id="",
            title=self.title,
            provider=self.provider,
            completed_on=self.completed_on,
            hours=float(self.hours),
            format=self.format,
            kind=self.kind,
            topics=tuple(rules.TopicShare(share.slug, share.hours) for share in self.topics),
            approvals=tuple(rules.Approval(item.body, item.number) for item in self.approvals),
            unit=self.unit,
        )
        return {**Activity.fields_from_rules(activity), "notes": self.notes}


class ActivityPatch(InputSchema):
    """Only the fields given change; the result must still be a valid activity."""

    title: Annotated[str, text(300, required=True)] | None = None
    provider: Annotated[str, text(200)] | None = None
    completed_on: Day | None = None
    hours: Hours | None = None
    format: Format | None = None
    kind: Kind | None = None
    unit: CreditUnit | None = None
    topics: list[TopicShareIn] | None = Field(None, max_length=30)
    approvals: list[ApprovalIn] | None = Field(None, max_length=20)
    notes: Annotated[str, text(10_000)] | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> "ActivityPatch":
        nulls = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if nulls:
            raise ValueError(f"these fields cannot be null: {', '.join(nulls)}")
        return self


class TopicShareOut(Schema):
    slug: Topic
    hours: float | None = Field(None, description="Hours for this topic; null: all of them.")


class ApprovalOut(Schema):
    body: ApprovalBody
    number: str = ""


class ActivityOut(Schema):
    id: int
    title: str
    provider: str
    completed_on: date
    hours: float
    format: Format
    kind: Kind
    unit: CreditUnit
    topics: list[TopicShareOut]
    approvals: list[ApprovalOut]
    notes: str
    created_at: datetime
    updated_at: datetime


class ActivityFilter(Schema):
    completed_from: Day | None = Field(
        None, alias="from", description="Only activities completed on or after this date."
    )
    completed_to: Day | None = Field(
        None, alias="to", description="Only activities completed on or before this date."
    )
    topic: Topic | None = Field(None, description="Only activities covering this topic.")


class CsvProblemOut(Schema):
    row: int | None = Field(description="The spreadsheet row (the header is row 1).")
    column: str | None
    message: str


class CsvErrorOut(Schema):
    detail: str
    problems: list[CsvProblemOut]


class ImportOut(Schema):
    imported: int = Field(description="How many activities were added.")
    skipped_duplicates: int = Field(
        description="Rows already in your ledger (same title, provider, date and hours)."
    )


def owned_activity(request: HttpRequest, activity_id: int) -> Activity:
    """The user's activity with this id, or 404 (also for another user's activity)."""
    return get_object_or_404(Activity.objects.for_user(request_user(request)), pk=activity_id)


def _as_payload(activity: Activity) -> dict[str, Any]:
    """An existing activity in the shape ``ActivityIn`` reads."""
    return {
        "title": activity.title,
        "provider": activity.provider,
        "completed_on": activity.completed_on,
        "hours": float(activity.hours),
        "format": activity.format,
        "kind": activity.kind,
        "unit": activity.unit,
        "topics": activity.topics,
        "approvals": activity.approvals,
        "notes": activity.notes,
    }


def _save(activity: Activity, payload: ActivityIn, user: User) -> Activity:
    if payload.completed_on > today_for(user):
        raise invalid(
            ["body", "payload", "completed_on"],
            f"{payload.completed_on.isoformat()} is in the future; "
            "record activities once they are completed",
        )
    for name, value in payload.activity_fields().items():
        setattr(activity, name, value)
    activity.save()
    return activity


@router.get(
    "/activities",
    response={200: list[ActivityOut], **OBJECT_ERRORS},
    summary="List activities",
)
@paginate(Pagination)
def list_activities(request: HttpRequest, filters: Query[ActivityFilter]) -> Any:
    """Your activities, newest first, filtered by completion date and topic."""
    activities = Activity.objects.for_user(request_user(request))
    if filters.completed_from is not None:
        activities = activities.filter(completed_on__gte=filters.completed_from)
    if filters.completed_to is not None:
        activities = activities.filter(completed_on__lte=filters.completed_to)
    if filters.topic is not None:
        activities = activities.with_topic(filters.topic)
    return activities


@router.post(
    "/activities",
    response={201: ActivityOut, **BODY_ERRORS},
    summary="Add an activity",
)
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status[Activity]:
    user = request_user(request)
    return Status(201, _save(Activity(user=user), payload, user))


IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The activities CSV (UTF-8, header row; see docs/cli.md for the "
        "columns), as the whole body or as the `file` field of a form upload.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def _uploaded_csv(request: HttpRequest) -> tuple[bytes, str]:
    """The CSV bytes and a name for messages, from a text/csv body or a multipart upload."""
    limit = settings.LIFELONG_CSV_MAX_BYTES
    too_big = HttpError(413, f"The file is larger than {limit // 1024} KB; split it.")
    content_type = (request.content_type or "").lower()
    if content_type == "multipart/form-data":
        try:
            upload = request.FILES.get("file")
        except RequestDataTooBig:
            raise too_big from None
        except MultiPartParserError:
            raise HttpError(400, "The form upload could not be read.") from None
        if upload is None:
            raise HttpError(400, "Send the CSV file in the form field `file`.")
        if upload.size is not None and upload.size > limit:
            raise too_big
        return upload.read(), upload.name or "upload.csv"
    if content_type not in CSV_CONTENT_TYPES:
        raise HttpError(
            415, "Send the CSV as the body with Content-Type: text/csv, or as a form upload."
        )
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    try:
        data = request.body
    except RequestDataTooBig:
        raise too_big from None
    if len(data) > limit:
        raise too_big
    return data, "body.csv"


@router.post(
    "/activities/import",
    response={
        201: ImportOut,
        400: ErrorOut,
        **AUTH_ERRORS,
        413: ErrorOut,
        415: ErrorOut,
        422: CsvErrorOut,
    },
    openapi_extra=IMPORT_BODY,
    summary="Import activities from a CSV file",
)
def import_activities_csv(request: HttpRequest) -> Status[dict[str, Any]]:
    """Add every row of the CSV, or none: a file with problems is refused as a whole, and the
    422 answer names each problem's row and column. Rows already in your ledger are skipped,
    so sending the same file twice adds nothing the second time."""
    user = request_user(request)
    data, source = _uploaded_csv(request)
    try:
        result = import_activities(user, data, today=today_for(user), source=source)
    except ActivityCsvError as error:
        count = len(error.problems)
        return Status(
            422,
            {
                "detail": f"{count} problem{'s' if count != 1 else ''} in the file; "
                "nothing was imported.",
                "problems": [
                    {"row": problem.row, "column": problem.column, "message": problem.message}
                    for problem in error.problems
                ],
            },
        )
    return Status(
        201, {"imported": result.imported, "skipped_duplicates": result.skipped_duplicates}
    )


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityOut, **OBJECT_ERRORS},
    summary="Read an activity",
)
def read_activity(request: HttpRequest, activity_id: ObjectId) -> Activity:
    return owned_activity(request, activity_id)


@router.put(
    "/activities/{activity_id}",
    response={200: ActivityOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Replace an activity",
)
def replace_activity(request: HttpRequest, activity_id: ObjectId, payload: ActivityIn) -> Activity:
    return _save(owned_activity(request, activity_id), payload, request_user(request))


@router.patch(
    "/activities/{activity_id}",
    response={200: ActivityOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Change some fields of an activity",
)
def update_activity(
    request: HttpRequest, activity_id: ObjectId, payload: ActivityPatch
) -> Activity:
    activity = owned_activity(request, activity_id)
    merged = {**_as_payload(activity), **payload.model_dump(exclude_unset=True)}
    try:
        complete = ActivityIn.model_validate(merged)
    except SchemaError as error:
        raise body_errors(error) from None
    return _save(activity, complete, request_user(request))


@router.delete(
    "/activities/{activity_id}",
    response={204: None, **OBJECT_ERRORS},
    summary="Delete an activity",
)
def delete_activity(request: HttpRequest, activity_id: ObjectId) -> Status[None]:
    owned_activity(request, activity_id).delete()
    return Status(204, None)
