"""The CE ledger over the JSON API: ``/api/activities`` (list, create, read, change, delete),
``/api/activities/import`` (a CSV file, all or nothing), ``/api/plans`` (planned activities,
``/complete`` to record one as done) and ``/api/licenses/{id}/projection``."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.http import FileResponse, HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AfterValidator, Strict, ValidationInfo, field_validator
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
    PatchSchema,
    body_errors,
    hundredths,
    invalid,
    patched,
    request_user,
    text,
    today_for,
)
from lifelong.credits import certificate_services, planning
from lifelong.credits.activity_csv import ActivityCsvError
from lifelong.credits.models import (
    ACADEMIC_UNITS,
    PLAN_ID_PREFIX,
    PLAN_YEARS_AHEAD,
    Activity,
    Certificate,
    PlannedActivity,
)
from lifelong.credits.services import import_activities
from lifelong.licensure.models import License
from lifelong.rules import model as rules
from lifelong.rules.cycles import add_months
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


class CourseIn(InputSchema):
    """The fields a completed activity and a planned one share, with their rules."""

    title: Annotated[str, text(300, required=True)]
    provider: Annotated[str, text(200)] = ""
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

    def course_fields(self, on: date) -> dict[str, Any]:
        """The model's field values, dated ``on`` (``completed_on``), through the one converter
        of activity fields."""
        activity = rules.Activity(
            id="",
            title=self.title,
            provider=self.provider,
            completed_on=on,
            hours=float(self.hours),
            format=self.format,
            kind=self.kind,
            topics=tuple(rules.TopicShare(share.slug, share.hours) for share in self.topics),
            approvals=tuple(rules.Approval(item.body, item.number) for item in self.approvals),
            unit=self.unit,
        )
        return {**Activity.fields_from_rules(activity), "notes": self.notes}


class ActivityIn(CourseIn):
    """A CE activity. Hours are clock hours unless ``unit`` says semester or quarter hours
    (academic courses only)."""

    completed_on: Day

    def activity_fields(self) -> dict[str, Any]:
        """The Activity model's field values."""
        return self.course_fields(self.completed_on)


class CoursePatch(PatchSchema):
    """Only the fields given change; the result must still be valid."""

    title: Annotated[str, text(300, required=True)] | None = None
    provider: Annotated[str, text(200)] | None = None
    hours: Hours | None = None
    format: Format | None = None
    kind: Kind | None = None
    unit: CreditUnit | None = None
    topics: list[TopicShareIn] | None = Field(None, max_length=30)
    approvals: list[ApprovalIn] | None = Field(None, max_length=20)
    notes: Annotated[str, text(10_000)] | None = None


class ActivityPatch(CoursePatch):
    """Only the fields given change; the result must still be a valid activity."""

    completed_on: Day | None = None


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
    complete = patched(ActivityIn, _as_payload(activity), payload)
    return _save(activity, complete, request_user(request))


@router.delete(
    "/activities/{activity_id}",
    response={204: None, **OBJECT_ERRORS},
    summary="Delete an activity",
)
def delete_activity(request: HttpRequest, activity_id: ObjectId) -> Status[None]:
    owned_activity(request, activity_id).delete()
    return Status(204, None)


# --------------------------------------------------------------------------------------------
# Planning: planned activities (/api/plans) and the projection of a license
# --------------------------------------------------------------------------------------------

WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def _web_address(value: str) -> str:
    if value:
        try:
            WEB_ADDRESS(value)
        except DjangoValidationError:
            raise ValueError("use a web address starting with https:// or http://") from None
    return value


WebAddress = Annotated[str, text(500), AfterValidator(_web_address)]


class PlanIn(CourseIn):
    """A course you intend to take, on its planned date (a past date makes the plan overdue).
    Hours, topics and approvals follow the rules of activities."""

    planned_on: Day
    url: WebAddress = Field("", description="The course page (http or https), or ''.")

    def plan_fields(self) -> dict[str, Any]:
        """The PlannedActivity model's field values."""
        fields = self.course_fields(self.planned_on)
        fields["planned_on"] = fields.pop("completed_on")
        return {**fields, "url": self.url}


class PlanPatch(CoursePatch):
    """Only the fields given change; the result must still be a valid plan."""

    planned_on: Day | None = None
    url: WebAddress | None = None


class PlanOut(Schema):
    id: int
    title: str
    provider: str
    planned_on: date
    overdue: bool = Field(description="The planned date has passed: taken and not recorded?")
    hours: float
    format: Format
    kind: Kind
    unit: CreditUnit
    topics: list[TopicShareOut]
    approvals: list[ApprovalOut]
    url: str
    notes: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_overdue(plan: PlannedActivity, context: dict[str, Any]) -> bool:
        return plan.is_overdue(today_for(request_user(context["request"])))


class PlanCompleteIn(InputSchema):
    completed_on: Day | None = Field(
        None,
        description="When you completed it; default: the planned date once it has passed, "
        "otherwise today.",
    )


class PlanRefOut(Schema):
    id: int
    title: str
    planned_on: date


class ShortfallOut(Schema):
    requirement: str = Field(description="The requirement's id (`total` for the total).")
    title: str
    hours: float


class ProjectionCycleOut(Schema):
    start: date
    end: date = Field(description="The renewal deadline.")


class ProjectionOut(Schema):
    """What your plans do for the license's current cycle."""

    license_id: int
    cycle: ProjectionCycleOut
    deadline: date
    compliant_now: bool = Field(description="Compliant without any plan.")
    outcome: Literal["already-compliant", "compliant", "not-enough"]
    compliant_on: date | None = Field(
        description="The planned date on which the license becomes compliant (`compliant`)."
    )
    headline: str = Field(description="The answer in one sentence.")
    notes: list[str] = Field(description="Why some plans do not count.")
    missing: list[ShortfallOut] = Field(
        description="What would still be missing with every plan (`not-enough`)."
    )
    plans_needed: list[PlanRefOut] = Field(description="The plans up to `compliant_on`.")
    plans_counted: list[PlanRefOut] = Field(description="Every plan inside the cycle.")
    plans_after_deadline: list[PlanRefOut]
    plans_before_cycle: list[PlanRefOut]
    plans_overdue: list[PlanRefOut] = Field(description="Past their date: not counted.")


def owned_plan(request: HttpRequest, plan_id: int) -> PlannedActivity:
    """The user's plan with this id, or 404 (also for another user's plan)."""
    return get_object_or_404(PlannedActivity.objects.for_user(request_user(request)), pk=plan_id)


def _plan_payload(plan: PlannedActivity) -> dict[str, Any]:
    """An existing plan in the shape ``PlanIn`` reads."""
    return {
        "title": plan.title,
        "provider": plan.provider,
        "planned_on": plan.planned_on,
        "hours": float(plan.hours),
        "format": plan.format,
        "kind": plan.kind,
        "unit": plan.unit,
        "topics": plan.topics,
        "approvals": plan.approvals,
        "url": plan.url,
        "notes": plan.notes,
    }


def _save_plan(plan: PlannedActivity, payload: PlanIn, user: User) -> PlannedActivity:
    latest = add_months(today_for(user), 12 * PLAN_YEARS_AHEAD)
    if payload.planned_on > latest:
        raise invalid(
            ["body", "payload", "planned_on"],
            f"{payload.planned_on.isoformat()} is more than {PLAN_YEARS_AHEAD} years away",
        )
    for name, value in payload.plan_fields().items():
        setattr(plan, name, value)
    plan.save()
    return plan


def _plan_ref(plan: rules.Activity) -> dict[str, Any]:
    return {
        "id": int(plan.id.removeprefix(PLAN_ID_PREFIX)),
        "title": plan.title,
        "planned_on": plan.completed_on,
    }


@router.get(
    "/plans",
    response={200: list[PlanOut], **OBJECT_ERRORS},
    summary="List planned activities",
    tags=["planning"],
)
@paginate(Pagination)
def list_plans(request: HttpRequest) -> Any:
    """Your planned activities, the soonest first (overdue ones too)."""
    return PlannedActivity.objects.for_user(request_user(request))


@router.post(
    "/plans",
    response={201: PlanOut, **BODY_ERRORS},
    summary="Plan an activity",
    tags=["planning"],
)
def create_plan(request: HttpRequest, payload: PlanIn) -> Status[PlannedActivity]:
    user = request_user(request)
    return Status(201, _save_plan(PlannedActivity(user=user), payload, user))


@router.get(
    "/plans/{plan_id}",
    response={200: PlanOut, **OBJECT_ERRORS},
    summary="Read a planned activity",
    tags=["planning"],
)
def read_plan(request: HttpRequest, plan_id: ObjectId) -> PlannedActivity:
    return owned_plan(request, plan_id)


@router.put(
    "/plans/{plan_id}",
    response={200: PlanOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Replace a planned activity",
    tags=["planning"],
)
def replace_plan(request: HttpRequest, plan_id: ObjectId, payload: PlanIn) -> PlannedActivity:
    return _save_plan(owned_plan(request, plan_id), payload, request_user(request))


@router.patch(
    "/plans/{plan_id}",
    response={200: PlanOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Change some fields of a planned activity",
    tags=["planning"],
)
def update_plan(request: HttpRequest, plan_id: ObjectId, payload: PlanPatch) -> PlannedActivity:
    plan = owned_plan(request, plan_id)
    return _save_plan(plan, patched(PlanIn, _plan_payload(plan), payload), request_user(request))


@router.delete(
    "/plans/{plan_id}",
    response={204: None, **OBJECT_ERRORS},
    summary="Delete a planned activity",
    tags=["planning"],
)
def delete_plan(request: HttpRequest, plan_id: ObjectId) -> Status[None]:
    owned_plan(request, plan_id).delete()
    return Status(204, None)


def _completion(request: HttpRequest) -> PlanCompleteIn:
    """The optional JSON body of ``/complete``: none (or empty) means the defaults."""
    body = request.body.strip()
    if not body:
        return PlanCompleteIn(completed_on=None)
    try:
        return PlanCompleteIn.model_validate_json(body)
    except SchemaError as error:
        if any(item["type"] == "json_invalid" for item in error.errors()):
            raise HttpError(400, "Cannot parse request body") from None
        raise body_errors(error) from None


COMPLETE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": False,
        "description": "Optional: the completion date. Without a body, the defaults apply.",
        "content": {"application/json": {"schema": PlanCompleteIn.model_json_schema()}},
    }
}


@router.post(
    "/plans/{plan_id}/complete",
    response={201: ActivityOut, **OBJECT_ERRORS, **BODY_ERRORS},
    openapi_extra=COMPLETE_BODY,
    summary="Record a planned activity as completed",
    tags=["planning"],
)
def complete_planned_activity(request: HttpRequest, plan_id: ObjectId) -> Status[Activity]:
    """Adds the activity (the plan's fields and notes, its course page in the notes) and
    removes the plan, in one transaction. Sending it twice adds one activity: the second call
    finds no plan (404)."""
    user = request_user(request)
    plan = owned_plan(request, plan_id)
    completed_on = _completion(request).completed_on
    today = today_for(user)
    if completed_on is not None and completed_on > today:
        raise invalid(
            ["body", "payload", "completed_on"],
            f"{completed_on.isoformat()} is in the future; "
            "record activities once they are completed",
        )
    fields = _plan_payload(plan)
    del fields["planned_on"], fields["url"]
    fields["notes"] = plan.completion_notes()
    fields["completed_on"] = completed_on or plan.completion_date(today)
    try:
        activity_in = ActivityIn.model_validate(fields)
    except SchemaError as error:  # a plan stored before a rule changed
        raise body_errors(error) from None
    activity = Activity(user=user, **activity_in.activity_fields())

    def save() -> Activity:
        activity.save()
        return activity

    try:
        return Status(201, planning.complete_plan(plan, save))
    except planning.PlanAlreadyCompleted:
        raise HttpError(404, "Not Found") from None


@router.get(
    "/licenses/{license_id}/projection",
    response={200: ProjectionOut, **OBJECT_ERRORS, 409: ErrorOut},
    summary="What your plans do for a license",
    tags=["planning"],
)
def license_projection(request: HttpRequest, license_id: ObjectId) -> dict[str, Any]:
    """For the license's current cycle: compliant already, compliant on the first planned date
    that completes it, or what would still be missing with every plan; plans after the
    deadline, before the cycle or past their date do not count. 409 when the license's rule
    set no longer exists."""
    user = request_user(request)
    license = get_object_or_404(License.objects.for_user(user), pk=license_id)
    status = planning.license_status_with_projection(
        license, today_for(user), user.birth_month, always=True
    )
    projection = status.projection
    if projection is None:
        raise HttpError(409, status.error or "This license has no verdict.")
    return {
        "license_id": license.pk,
        "cycle": {"start": projection.cycle.start, "end": projection.cycle.end},
        "deadline": projection.deadline,
        "compliant_now": status.compliant,
        "outcome": projection.outcome,
        "compliant_on": projection.compliant_on,
        "headline": projection.headline,
        "notes": list(projection.notes),
        "missing": [
            {"requirement": item.requirement_id, "title": item.title, "hours": item.hours}
            for item in projection.missing
        ],
        "plans_needed": [_plan_ref(plan) for plan in projection.plans_needed],
        "plans_counted": [_plan_ref(plan) for plan in projection.counted],
        "plans_after_deadline": [_plan_ref(plan) for plan in projection.after_deadline],
        "plans_before_cycle": [_plan_ref(plan) for plan in projection.before_cycle],
        "plans_overdue": [_plan_ref(plan) for plan in projection.overdue],
    }


# ---- Certificates: /api/certificates (list, upload, read, download, delete, link) ----


class CertificateReadingOut(Schema):
    status: Literal["read", "nothing-found", "image", "unread"] = Field(
        description="`read`: fields were read from the PDF's text; `nothing-found`: a PDF "
        "without certificate text; `image`: PNG or JPEG, entered by hand."
    )
    fields: dict[str, Any] = Field(
        default_factory=dict,
        description="title, provider, participant, completed_on (YYYY-MM-DD), hours, unit, "
        "format, kind, approvals [{body, number}], topics [{slug, hours}]; null or [] when "
        "not found.",
    )
    confidence: dict[str, float] = Field(
        default_factory=dict, description="Per field, how sure the reading is (0 to 1)."
    )
    evidence: dict[str, str] = Field(
        default_factory=dict, description="Per field, the text the value came from."
    )


class CertificateOut(Schema):
    id: int
    original_name: str
    content_type: Literal["application/pdf", "image/png", "image/jpeg"]
    size: int = Field(description="Bytes.")
    sha256: str
    page_count: int | None
    uploaded_at: datetime
    activities: list[int] = Field(description="The ids of the activities it backs.")
    reading: CertificateReadingOut

    @staticmethod
    def resolve_activities(certificate: Certificate) -> list[int]:
        return sorted(activity.pk for activity in certificate.activities.all())

    @staticmethod
    def resolve_reading(certificate: Certificate) -> dict[str, Any]:
        reading = certificate.reading or {}
        return {
            "status": reading.get("status", "unread"),
            "fields": reading.get("fields", {}),
            "confidence": reading.get("confidence", {}),
            "evidence": reading.get("evidence", {}),
        }


class CertificateUploadOut(Schema):
    status: Literal["stored", "duplicate"]
    detail: str
    certificate: CertificateOut


class CertificateRefusedOut(Schema):
    detail: str = Field(description="Why the file was refused; nothing was stored.")
    code: str = Field(
        description="`empty`, `too-big`, `unsupported`, `type-mismatch`, `malformed`, "
        "`encrypted`, `script`, `no-pages`, `too-many-pages`, `too-many-pixels`, `too-complex`."
    )


class CertificateLinkIn(InputSchema):
    activity_id: int = Field(ge=1, le=2**63 - 1, description="One of your activities.")


CERTIFICATE_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "One certificate file (PDF, PNG or JPEG) as the `file` field of a form "
        "upload.",
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        },
    }
}
CERTIFICATE_FILE_RESPONSES: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The stored file, as an attachment.",
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type in ("application/pdf", "image/png", "image/jpeg")
            },
        }
    }
}


def owned_certificate(request: HttpRequest, certificate_id: int) -> Certificate:
    """The user's certificate with this id, or 404 (also for another user's certificate)."""
    return get_object_or_404(
        Certificate.objects.for_user(request_user(request)).prefetch_related("activities"),
        pk=certificate_id,
    )


@router.get(
    "/certificates",
    response={200: list[CertificateOut], **OBJECT_ERRORS},
    summary="List certificates",
    tags=["certificates"],
)
@paginate(Pagination)
def list_certificates(request: HttpRequest) -> Any:
    """Your certificates, newest upload first, with what was read and the activities each
    backs."""
    return Certificate.objects.for_user(request_user(request)).prefetch_related("activities")


@router.post(
    "/certificates",
    response={
        200: CertificateUploadOut,
        201: CertificateUploadOut,
        400: ErrorOut,
        **AUTH_ERRORS,
        413: CertificateRefusedOut,
        415: ErrorOut,
        422: CertificateRefusedOut,
    },
    openapi_extra=CERTIFICATE_UPLOAD_BODY,
    summary="Upload a certificate",
    tags=["certificates"],
)
def upload_certificate_file(request: HttpRequest) -> Status[dict[str, Any]]:
    """Store one certificate, checked by its content. 201: stored and read; 200: you already
    uploaded the same file (same SHA-256), which is returned instead; 422 or 413: refused,
    with the reason, and nothing was stored."""
    user = request_user(request)
    if (request.content_type or "").lower() != "multipart/form-data":
        raise HttpError(415, "Send the certificate as the `file` field of a form upload.")
    try:
        upload = request.FILES.get("file")
    except MultiPartParserError:
        raise HttpError(400, "The form upload could not be read.") from None
    if upload is None:
        raise HttpError(400, "Send the certificate in the form field `file`.")
    [result] = certificate_services.upload_certificates(user, [upload])
    if result.status == "refused":
        status = 413 if result.code == "too-big" else 422
        return Status(status, {"detail": result.reason, "code": result.code})
    assert result.certificate is not None
    certificate = owned_certificate(request, result.certificate.pk)
    if result.status == "duplicate":
        detail = (
            f"You already uploaded this file on {certificate.uploaded_at:%Y-%m-%d} as "
            f"“{certificate.original_name}”; it was not stored again."
        )
        return Status(200, {"status": "duplicate", "detail": detail, "certificate": certificate})
    return Status(201, {"status": "stored", "detail": "Stored.", "certificate": certificate})


@router.get(
    "/certificates/{certificate_id}",
    response={200: CertificateOut, **OBJECT_ERRORS},
    summary="Read a certificate",
    tags=["certificates"],
)
def read_certificate(request: HttpRequest, certificate_id: ObjectId) -> Certificate:
    """The certificate's details and what was read from it, field by field."""
    return owned_certificate(request, certificate_id)


@router.get(
    "/certificates/{certificate_id}/file",
    response={200: None, **OBJECT_ERRORS},
    openapi_extra=CERTIFICATE_FILE_RESPONSES,
    summary="Download a certificate's file",
    tags=["certificates"],
)
def download_certificate(request: HttpRequest, certificate_id: ObjectId) -> FileResponse:
    certificate = owned_certificate(request, certificate_id)
    try:
        handle = certificate.file.open("rb")
    except OSError:
        raise HttpError(404, "The stored file of this certificate is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=certificate.original_name,
        content_type=certificate.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete(
    "/certificates/{certificate_id}",
    response={204: None, **OBJECT_ERRORS},
    summary="Delete a certificate",
    tags=["certificates"],
)
def delete_certificate_file(request: HttpRequest, certificate_id: ObjectId) -> Status[None]:
    """Delete the certificate and its stored file; the activities it backed stay."""
    certificate_services.delete_certificate(owned_certificate(request, certificate_id))
    return Status(204, None)


@router.post(
    "/certificates/{certificate_id}/activities",
    response={200: CertificateOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Let a certificate back an activity",
    tags=["certificates"],
)
def link_certificate_to_activity(
    request: HttpRequest, certificate_id: ObjectId, payload: CertificateLinkIn
) -> Certificate:
    """Link the certificate to one of your activities (it may back several); 404 when either
    is not yours."""
    certificate = owned_certificate(request, certificate_id)
    certificate_services.link_certificate(certificate, owned_activity(request, payload.activity_id))
    return owned_certificate(request, certificate_id)


@router.delete(
    "/certificates/{certificate_id}/activities/{activity_id}",
    response={200: CertificateOut, **OBJECT_ERRORS},
    summary="Stop a certificate backing an activity",
    tags=["certificates"],
)
def unlink_certificate_from_activity(
    request: HttpRequest, certificate_id: ObjectId, activity_id: ObjectId
) -> Certificate:
    certificate = owned_certificate(request, certificate_id)
    certificate_services.unlink_certificate(certificate, owned_activity(request, activity_id))
    return owned_certificate(request, certificate_id)
