"""Licenses, compliance verdicts and rule sets over the JSON API.

``/api/licenses`` (list, create, read, change, delete), ``/api/licenses/{id}/compliance`` (the
verdict for a cycle), ``/api/compliance`` (every license at once), ``/api/rulesets``, and audit
packets (``POST /api/licenses/{id}/audit-packets``, ``/api/audit-packets/{id}``).
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import AfterValidator, ConfigDict, Strict, model_validator

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
    Slug,
    hundredths,
    invalid,
    patched,
    problem,
    request_user,
    text,
    today_for,
)
from lifelong.licensure import audit
from lifelong.licensure.models import AuditPacket, License
from lifelong.licensure.services import (
    LicenseStatus,
    license_statuses,
    resolve_ruleset,
    transcript,
    user_rulesets,
)
from lifelong.rules.loader import UnknownRuleSet, load_catalog
from lifelong.rules.report import verdict_to_dict
from lifelong.rules.schema import Condition, Limit, Requirement, RuleSet

router = Router(auth=api_auth, tags=["licenses"])


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------

LicenseKind = Literal["license", "certification"]
CarryOverHours = Annotated[float, Strict(), Field(ge=0, le=9999.99), AfterValidator(hundredths)]


class LicenseIn(InputSchema):
    """A license or certification and what its rule set needs to know about it."""

    ruleset_id: Slug = Field(description="A catalog rule set (`GET /api/rulesets`) or your own.")
    kind: LicenseKind = "license"
    label: Annotated[str, text(100)] = Field("", description="A short name, e.g. “LMFT”.")
    number: Annotated[str, text(60)] = Field("", description="The license number.")
    issued_on: Day | None = Field(None, description="When the license was first issued.")
    expires_on: Day = Field(description="The current renewal deadline (ends the current cycle).")
    first_renewal: Annotated[bool, Strict()] | None = Field(
        None, description="Is the current cycle the first renewal? null: work it out."
    )
    roles: list[Slug] = Field(
        default_factory=list,
        max_length=50,
        description="Which of the rule set's `roles` describe you.",
    )
    completed_once: list[Slug] = Field(
        default_factory=list,
        max_length=50,
        description="Ids of one-time requirements you met before the activities on record.",
    )
    attestations: dict[Day, list[Slug]] = Field(
        default_factory=dict,
        description="For a cycle's deadline (YYYY-MM-DD), the ids of the rule set's "
        "conditions you attest for that cycle.",
    )
    carry_over_in_hours: CarryOverHours | None = Field(
        None, description="Hours carried over into the current cycle; null: work it out."
    )

    @model_validator(mode="after")
    def _issued_before_expiry(self) -> "LicenseIn":
        if self.issued_on is not None and self.issued_on > self.expires_on:
            raise ValueError("issued_on is after expires_on")
        return self


class LicensePatch(InputSchema):
    """Only the fields given change; the result must still be a valid license."""

    ruleset_id: Slug | None = None
    kind: LicenseKind | None = None
    label: Annotated[str, text(100)] | None = None
    number: Annotated[str, text(60)] | None = None
    issued_on: Day | None = None
    expires_on: Day | None = None
    first_renewal: Annotated[bool, Strict()] | None = None
    roles: list[Slug] | None = Field(None, max_length=50)
    completed_once: list[Slug] | None = Field(None, max_length=50)
    attestations: dict[Day, list[Slug]] | None = None
    carry_over_in_hours: CarryOverHours | None = None


class LicenseOut(Schema):
    id: int
    ruleset_id: str
    kind: LicenseKind
    label: str
    number: str
    issued_on: date | None
    expires_on: date
    first_renewal: bool | None
    roles: list[str]
    completed_once: list[str]
    attestations: dict[str, list[str]] = Field(
        description="Condition ids attested, by the deadline (YYYY-MM-DD) of their cycle."
    )
    carry_over_in_hours: float | None
    created_at: datetime
    updated_at: datetime


class SourceOut(Schema):
    url: str
    title: str
    retrieved: date


class RuleSetBriefOut(Schema):
    """What a reader needs to judge a verdict: who made the rule, when it was checked, where it
    comes from and what is uncertain."""

    model_config = ConfigDict(extra="allow")

    title: str
    jurisdiction: str
    board: str
    credential: str
    verified_on: date
    sources: list[SourceOut]
    uncertain: list[str]


class CycleOut(Schema):
    model_config = ConfigDict(extra="allow")

    start: date
    end: date = Field(description="The renewal deadline that ends the cycle.")
    number: int | None = Field(description="1 = the first renewal after licensure; null: unknown.")
    first_renewal: bool


class HoursUsedOut(Schema):
    model_config = ConfigDict(extra="allow")

    activity_id: str = Field(description="The activity's id (as in /api/activities/{id}).")
    title: str
    hours: float


class RequirementOut(Schema):
    model_config = ConfigDict(extra="allow")

    id: str = Field(description="The requirement's id; `total` for the total hours.")
    title: str
    topics: list[str] = Field(description="The topics accepted; empty for the total.")
    required_hours: float
    counted_hours: float
    deficit_hours: float
    met: bool
    frequency: str
    counts_toward_total: bool
    status_note: str
    uncertain: str | None
    activities: list[HoursUsedOut] = Field(description="The hours counted, by activity.")


class ExclusionOut(Schema):
    model_config = ConfigDict(extra="allow")

    activity_id: str
    title: str
    reason: str
    hours: float


class ConditionOut(Schema):
    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    attested: bool
    uncertain: str | None


class ComplianceOut(Schema):
    """The verdict for one cycle of a license: the shape of `lifelong compliance check --json`
    plus ``license_id`` and ``days_left`` (negative once the deadline has passed)."""

    model_config = ConfigDict(extra="allow")

    license_id: int
    days_left: int
    ruleset: str = Field(description="The rule set's id.")
    ruleset_info: RuleSetBriefOut
    cycle: CycleOut
    compliant: bool
    deficit_hours: float
    requirements: list[RequirementOut]
    excluded: list[ExclusionOut] = Field(description="Hours that do not count, and why.")
    conditions: list[ConditionOut] = Field(description="Renewal conditions that are not hours.")
    carry_over_in_hours: float
    carry_over_out_hours: float
    next_steps: list[str]
    notes: list[str]


class LicenseStatusOut(Schema):
    license_id: int
    label: str
    ruleset_id: str
    expires_on: date
    days_left: int
    compliant: bool
    deficit_hours: float | None = Field(description="Hours still missing; null without a verdict.")
    error: str = Field(description="Why there is no verdict (e.g. the rule set is gone), or ''.")
    deadline_warning: str | None
    verdict: ComplianceOut | None


class ComplianceQuery(Schema):
    cycle: Day | None = Field(
        None,
        description="The deadline that ends the cycle to check (its `cycle.end`); "
        "default: the license's current deadline.",
    )


class RuleSetSummaryOut(Schema):
    id: str
    title: str
    jurisdiction: str
    board: str
    credential: str
    verified_on: date
    uncertain: list[str] = Field(description="Facts the rule set is not sure of.")
    source: Literal["catalog", "own"] = Field(description="Shipped with Lifelong, or yours.")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def owned_license(request: HttpRequest, license_id: int) -> License:
    """The user's license with this id, or 404 (also for another user's license)."""
    return get_object_or_404(License.objects.for_user(request_user(request)), pk=license_id)


def _problem(field: str, message: str, *more: str | int) -> dict[str, Any]:
    return problem(["body", "payload", field, *more], message)


def _check_against_ruleset(payload: LicenseIn, custom: Mapping[str, RuleSet]) -> None:
    """Roles, one-time requirements and conditions must be the rule set's own."""
    try:
        ruleset = resolve_ruleset(payload.ruleset_id, custom)
    except UnknownRuleSet as error:
        raise ValidationError([_problem("ruleset_id", str(error))]) from None
    problems: list[dict[str, Any]] = []
    for index, role in enumerate(payload.roles):
        if role not in ruleset.roles:
            known = ", ".join(ruleset.roles) or "it has none"
            problems.append(
                _problem("roles", f"{ruleset.id} has no role {role!r} (roles: {known})", index)
            )
    once = [item.id for item in ruleset.requirements if item.frequency == "once"]
    for index, item_id in enumerate(payload.completed_once):
        if item_id not in once:
            known = ", ".join(once) or "it has none"
            problems.append(
                _problem(
                    "completed_once",
                    f"{ruleset.id} has no one-time requirement {item_id!r} ({known})",
                    index,
                )
            )
    conditions = [condition.id for condition in ruleset.conditions]
    for deadline, attested in payload.attestations.items():
        for condition_id in attested:
            if condition_id not in conditions:
                known = ", ".join(conditions) or "it has none"
                problems.append(
                    _problem(
                        "attestations",
                        f"{ruleset.id} has no condition {condition_id!r} (conditions: {known})",
                        deadline.isoformat(),
                    )
                )
    if problems:
        raise ValidationError(problems)


def _save(license: License, payload: LicenseIn, user: User) -> License:
    _check_against_ruleset(payload, user_rulesets(user))
    license.ruleset_id = payload.ruleset_id
    license.kind = payload.kind
    license.label = payload.label
    license.number = payload.number
    license.issued_on = payload.issued_on
    license.expires_on = payload.expires_on
    license.first_renewal = payload.first_renewal
    license.roles = sorted(set(payload.roles))
    license.completed_once = sorted(set(payload.completed_once))
    license.attestations = {
        deadline.isoformat(): sorted(set(attested))
        for deadline, attested in sorted(payload.attestations.items())
        if attested
    }
    carry = payload.carry_over_in_hours
    license.carry_over_in_hours = None if carry is None else Decimal(str(carry))
    license.save()
    return license


def _as_payload(license: License) -> dict[str, Any]:
    """An existing license in the shape ``LicenseIn`` reads."""
    return {
        "ruleset_id": license.ruleset_id,
        "kind": license.kind,
        "label": license.label,
        "number": license.number,
        "issued_on": license.issued_on,
        "expires_on": license.expires_on,
        "first_renewal": license.first_renewal,
        "roles": license.roles,
        "completed_once": license.completed_once,
        "attestations": license.attestations,
        "carry_over_in_hours": (
            None if license.carry_over_in_hours is None else float(license.carry_over_in_hours)
        ),
    }


def _status(status: LicenseStatus) -> dict[str, Any]:
    license = status.license
    verdict = None
    if status.verdict is not None and status.ruleset is not None:
        verdict = {
            **verdict_to_dict(status.verdict, status.ruleset),
            "license_id": license.pk,
            "days_left": status.days_left,
        }
    return {
        "license_id": license.pk,
        "label": str(license),
        "ruleset_id": license.ruleset_id,
        "expires_on": license.expires_on,
        "days_left": status.days_left,
        "compliant": status.compliant,
        "deficit_hours": None if status.verdict is None else status.verdict.deficit_hours,
        "error": status.error,
        "deadline_warning": status.deadline_warning,
        "verdict": verdict,
    }


def uncertain_facts(ruleset: RuleSet) -> list[str]:
    """The rule set's uncertain facts, those of its requirements, limits and conditions too."""
    facts = list(ruleset.uncertain)
    items: list[Requirement | Limit | Condition] = [
        *ruleset.requirements,
        *ruleset.limits,
        *ruleset.conditions,
    ]
    for item in items:
        if item.uncertain:
            facts.append(f"{item.title}: {item.uncertain}")
    return facts


# --------------------------------------------------------------------------------------------
# Licenses
# --------------------------------------------------------------------------------------------


@router.get("/licenses", response={200: list[LicenseOut], **AUTH_ERRORS}, summary="List licenses")
def list_licenses(request: HttpRequest) -> QuerySet[License]:
    """Your licenses and certifications, the next deadline first."""
    return License.objects.for_user(request_user(request))


@router.post(
    "/licenses",
    response={201: LicenseOut, **BODY_ERRORS},
    summary="Add a license",
)
def create_license(request: HttpRequest, payload: LicenseIn) -> Status[License]:
    user = request_user(request)
    return Status(201, _save(License(user=user), payload, user))


@router.get(
    "/licenses/{license_id}", response={200: LicenseOut, **OBJECT_ERRORS}, summary="Read a license"
)
def read_license(request: HttpRequest, license_id: ObjectId) -> License:
    return owned_license(request, license_id)


@router.put(
    "/licenses/{license_id}",
    response={200: LicenseOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Replace a license",
)
def replace_license(request: HttpRequest, license_id: ObjectId, payload: LicenseIn) -> License:
    return _save(owned_license(request, license_id), payload, request_user(request))


@router.patch(
    "/licenses/{license_id}",
    response={200: LicenseOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Change some fields of a license",
)
def update_license(request: HttpRequest, license_id: ObjectId, payload: LicensePatch) -> License:
    license = owned_license(request, license_id)
    return _save(license, patched(LicenseIn, _as_payload(license), payload), request_user(request))


@router.delete(
    "/licenses/{license_id}",
    response={204: None, **OBJECT_ERRORS},
    summary="Delete a license",
)
def delete_license(request: HttpRequest, license_id: ObjectId) -> Status[None]:
    owned_license(request, license_id).delete()
    return Status(204, None)


# --------------------------------------------------------------------------------------------
# Compliance
# --------------------------------------------------------------------------------------------


@router.get(
    "/licenses/{license_id}/compliance",
    response={200: ComplianceOut, **OBJECT_ERRORS, 409: ErrorOut},
    summary="The compliance verdict for one cycle of a license",
)
def license_compliance(
    request: HttpRequest, license_id: ObjectId, query: Query[ComplianceQuery]
) -> dict[str, Any]:
    """Which requirements are met, with the hours counted for each, what is missing and the
    next steps. 409 when the license's rule set no longer exists."""
    user = request_user(request)
    license = owned_license(request, license_id)
    try:
        cycle = transcript(license, user_rulesets(user), query.cycle)
    except UnknownRuleSet as error:
        raise HttpError(409, str(error)) from None
    except ValueError as error:  # e.g. a cycle that ends before the license was issued
        raise invalid(["query", "cycle"], str(error)) from None
    return {
        **verdict_to_dict(cycle.verdict, cycle.ruleset),
        "license_id": license.pk,
        "days_left": (cycle.deadline - today_for(user)).days,
    }


@router.get(
    "/compliance",
    response={200: list[LicenseStatusOut], **AUTH_ERRORS},
    summary="Compliance of every license",
)
def compliance(request: HttpRequest) -> list[dict[str, Any]]:
    """The current cycle's verdict for each of your licenses, in a fixed number of queries."""
    user = request_user(request)
    return [_status(status) for status in license_statuses(user, today_for(user))]


# --------------------------------------------------------------------------------------------
# Rule sets
# --------------------------------------------------------------------------------------------


@router.get(
    "/rulesets",
    response={200: list[RuleSetSummaryOut], **AUTH_ERRORS},
    summary="List rule sets",
    tags=["rule sets"],
)
def list_rulesets(request: HttpRequest) -> list[dict[str, Any]]:
    """The catalog and your own rule sets; yours replace a catalog entry with the same id."""
    rulesets: dict[str, tuple[str, RuleSet]] = {
        ruleset_id: ("catalog", ruleset) for ruleset_id, ruleset in load_catalog().items()
    }
    for ruleset_id, ruleset in user_rulesets(request_user(request)).items():
        rulesets[ruleset_id] = ("own", ruleset)
    return [
        {
            "id": ruleset.id,
            "title": ruleset.title,
            "jurisdiction": ruleset.jurisdiction,
            "board": ruleset.board,
            "credential": ruleset.credential,
            "verified_on": ruleset.verified_on,
            "uncertain": uncertain_facts(ruleset),
            "source": source,
        }
        for _, (source, ruleset) in sorted(rulesets.items())
    ]


@router.get(
    "/rulesets/{ruleset_id}",
    response={200: RuleSet, **OBJECT_ERRORS},
    summary="Read a rule set",
    tags=["rule sets"],
)
def read_ruleset(
    request: HttpRequest, ruleset_id: Annotated[str, Path(max_length=80)]
) -> dict[str, Any]:
    """The whole rule set: requirements, limits, conditions, sources and uncertain facts."""
    try:
        ruleset = resolve_ruleset(ruleset_id, user_rulesets(request_user(request)))
    except UnknownRuleSet as error:
        raise HttpError(404, str(error)) from None
    return ruleset.model_dump(mode="json")


# --------------------------------------------------------------------------------------------
# Audit packets
# --------------------------------------------------------------------------------------------

PacketStatus = Literal["queued", "building", "ready", "failed"]


class AuditPacketQuery(Schema):
    cycle: Day | None = Field(
        None,
        description="The deadline that ends the cycle (its `cycle.end`); "
        "default: the license's current deadline.",
    )


class ProgressOut(Schema):
    done: int = Field(description="Files written so far.")
    total: int = Field(description="Files in the packet: transcript, CSV, README, certificates.")


class AuditPacketOut(Schema):
    """A zip of one license cycle's proof: `transcript.pdf`, `activities.csv`, `README.txt` and
    the certificates under `certificates/`."""

    id: int
    license_id: int
    cycle_end: date = Field(description="The deadline that ends the packet's cycle.")
    status: PacketStatus = Field(
        description="`queued` (waiting for the worker), `building`, `ready` or `failed`."
    )
    progress: ProgressOut
    error: str = Field(description="Why the packet failed, or ''.")
    size: int | None = Field(description="The zip's size in bytes, once ready.")
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime = Field(description="When the packet and its file are deleted.")
    download_url: str | None = Field(description="Where to download the zip, once ready.")


def owned_packet(request: HttpRequest, packet_id: int) -> AuditPacket:
    """The user's audit packet with this id, or 404 (also for another user's packet)."""
    packets = AuditPacket.objects.for_user(request_user(request)).select_related("license")
    return get_object_or_404(packets, pk=packet_id)


def _packet_out(packet: AuditPacket) -> dict[str, Any]:
    downloadable = packet.is_ready and packet.expires_at > timezone.now()
    return {
        "id": packet.pk,
        "license_id": packet.license_id,
        "cycle_end": packet.cycle_end,
        "status": packet.status,
        "progress": {"done": packet.progress_done, "total": packet.progress_total},
        "error": packet.error,
        "size": packet.size,
        "created_at": packet.created_at,
        "finished_at": packet.finished_at,
        "expires_at": packet.expires_at,
        "download_url": (
            reverse("api:download_audit_packet", args=[packet.pk]) if downloadable else None
        ),
    }


@router.post(
    "/licenses/{license_id}/audit-packets",
    response={201: AuditPacketOut, 202: AuditPacketOut, **OBJECT_ERRORS, 409: ErrorOut},
    summary="Build an audit packet for a license cycle",
    tags=["audit packets"],
)
def create_audit_packet(
    request: HttpRequest, license_id: ObjectId, query: Query[AuditPacketQuery]
) -> Status[dict[str, Any]]:
    """Small packets (up to 20 certificates) are built at once: 201 with the packet `ready`
    (or `failed`, with the reason). Larger ones are queued for the background worker: 202;
    follow `GET /api/audit-packets/{id}` until it is `ready`. A packet already queued or
    building for the same cycle is returned instead of starting another. 409 when the
    license's rule set no longer exists."""
    user = request_user(request)
    license = owned_license(request, license_id)
    try:
        plan = audit.plan_packet(license, query.cycle, holder=user)
    except UnknownRuleSet as error:
        raise HttpError(409, str(error)) from None
    except ValueError as error:  # e.g. a cycle that ends before the license was issued
        raise invalid(["query", "cycle"], str(error)) from None
    packet = audit.start_packet(license, plan, build_now=audit.builds_in_request(plan))
    return Status(201 if packet.is_finished else 202, _packet_out(packet))


@router.get(
    "/audit-packets/{packet_id}",
    response={200: AuditPacketOut, **OBJECT_ERRORS},
    summary="An audit packet's status and progress",
    tags=["audit packets"],
)
def read_audit_packet(request: HttpRequest, packet_id: ObjectId) -> dict[str, Any]:
    return _packet_out(owned_packet(request, packet_id))


@router.get(
    "/audit-packets/{packet_id}/download",
    response={200: None, **OBJECT_ERRORS, 409: ErrorOut},
    summary="Download an audit packet (zip)",
    tags=["audit packets"],
    url_name="download_audit_packet",
    openapi_extra={
        "responses": {
            200: {
                "description": "The zip file.",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_audit_packet(request: HttpRequest, packet_id: ObjectId) -> FileResponse:
    """The zip, streamed after the owner check. 409 while it is not ready (or has expired)."""
    packet = owned_packet(request, packet_id)
    if not packet.is_ready or packet.expires_at <= timezone.now():
        raise HttpError(
            409, f"The audit packet is not ready to download (status: {packet.status})."
        )
    try:
        stream = packet.file.open("rb")
    except OSError:
        raise HttpError(409, "The packet's file is gone; build the packet again.") from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=packet.download_name(str(packet.license)),
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
