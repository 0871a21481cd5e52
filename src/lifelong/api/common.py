"""What every router shares: the signed-in user, text and date types, error shapes, pagination."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Self, TypeVar

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Schema
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError

from lifelong.accounts.models import User

# PostgreSQL cannot store NUL characters in text, so no API text may contain one.
NO_NUL = r"^[^\x00]*$"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def _date_as_text(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` (or a date): pydantic alone would read ``0`` as a Unix timestamp."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("use a date as YYYY-MM-DD")


def _plausible_date(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}"
        )
    return value


# A calendar date as YYYY-MM-DD, between 1900 and 2199 (cycle arithmetic stays in range).
Day = Annotated[date, BeforeValidator(_date_as_text), AfterValidator(_plausible_date)]
# A positive database id.
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def hundredths(value: float) -> float:
    """Hours have at most two decimal places (3, 1.5, 0.25): the ledger keeps hundredths."""
    if round(value, 2) != value:
        raise ValueError("use at most two decimal places (the ledger keeps hundredths of an hour)")
    return value


def text(max_length: int, *, required: bool = False) -> StringConstraints:
    """Constraints for a text field, as in ``Annotated[str, text(300, required=True)]``:
    surrounding spaces removed, no NUL characters, at most ``max_length`` characters, and not
    empty when ``required``."""
    return StringConstraints(
        strip_whitespace=True,
        min_length=1 if required else 0,
        max_length=max_length,
        pattern=NO_NUL,
    )


# An id in a rule set (requirement, condition, role) or a rule set's own id.
Slug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=80)
]


def today_for(user: User) -> date:
    """Today's date where the user lives (their time zone setting), whatever the server's."""
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localdate(timezone=zone)


def request_user(request: HttpRequest) -> User:
    """The user the API authenticated (by token or session) for this request."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # the routers all require authentication
        raise TypeError("the API operation ran without an authenticated user")
    return user


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in words.")


class FieldProblem(Schema):
    type: str = Field(description="A machine-readable error type, e.g. `literal_error`.")
    loc: list[str | int] = Field(
        description="Where: `body`/`query`/`path`, the parameter, then the field path."
    )
    msg: str = Field(description="What is wrong, in words.")


class ValidationErrorOut(Schema):
    detail: list[FieldProblem]


def problem(location: Sequence[str | int], message: str) -> dict[str, Any]:
    """One entry of a 422 answer, in the shape of the schema's own validation errors."""
    return {"type": "value_error", "loc": list(location), "msg": message}


def invalid(location: Sequence[str | int], message: str) -> ValidationError:
    """A 422 error for one field, e.g. ``invalid(["query", "cycle"], "…")``."""
    return ValidationError([problem(location, message)])


def body_errors(error: PydanticValidationError) -> ValidationError:
    """A 422 error for a body validated by hand (a merged PATCH), located as ninja does."""
    return ValidationError(
        [
            {"type": item["type"], "loc": ["body", "payload", *item["loc"]], "msg": item["msg"]}
            for item in error.errors(include_url=False)
        ]
    )


class InputSchema(Schema):
    """A request body: a JSON object whose unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class PatchSchema(InputSchema):
    """A PATCH body: the fields given change, the others stay; none of them may be null."""

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        nulls = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if nulls:
            raise ValueError(f"these fields cannot be null: {', '.join(nulls)}")
        return self


WholeSchema = TypeVar("WholeSchema", bound=Schema)


def patched(schema: type[WholeSchema], current: Mapping[str, Any], patch: Schema) -> WholeSchema:
    """``current`` with the fields ``patch`` sets, validated as a whole ``schema``: a PATCH must
    leave a valid object. Problems are a 422 located in the body, as ninja's own."""
    try:
        return schema.model_validate({**current, **patch.model_dump(exclude_unset=True)})
    except PydanticValidationError as error:
        raise body_errors(error) from None


# Responses every authenticated operation may give; 400 is a body that is not JSON.
AUTH_ERRORS: dict[int, type[Schema]] = {401: ErrorOut}
OBJECT_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
BODY_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 422: ValidationErrorOut}
# An action the object's state forbids (already done, locked, not waiting for it).
CONFLICT_ERRORS: dict[int, type[Schema]] = {409: ErrorOut}


class Pagination(LimitOffsetPagination):
    """``limit`` (1-500, default 100) and ``offset``; the response has ``items`` and ``count``."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500, description="How many items to return.")
        offset: int = Field(0, ge=0, le=10**9, description="How many items to skip.")
