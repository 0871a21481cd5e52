"""Well-being work that touches several models: recording results and check-ins, gathering a
user's history in a fixed number of queries, the resilience index, early warnings (in-app and,
if chosen, by email) and the reminders of the daily job."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse

from lifelong.accounts.models import EmailKind, EmailPreferences, User
from lifelong.api.common import today_for
from lifelong.community.models import Group, GroupKind
from lifelong.core.mail import absolute_url, subscription_email
from lifelong.core.notifications import NewNotification, notify
from lifelong.wellbeing import alerts as alert_rules
from lifelong.wellbeing import checkin as checkin_rules
from lifelong.wellbeing.instruments import (
    InstrumentDefinition,
    all_instruments,
    get_instrument,
    score_answers,
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
from lifelong.wellbeing.resilience import (
    BUILDER_WINDOW_DAYS,
    CHECKIN_WINDOW_DAYS,
    ResilienceIndex,
    ResilienceInputs,
    resilience_index,
    window_start,
)

logger = logging.getLogger(__name__)

NOTIFICATION_KIND = "wellbeing"
EMAIL_SUBJECT = "A note from Lifelong"  # never says more: the inbox may be seen by others


# -- recording ---------------------------------------------------------------------------------


def record_result(
    user: User, definition: InstrumentDefinition, answers: Mapping[int, int], taken_on: date
) -> InstrumentResult:
    """Score and store one completed instrument, then look for warnings."""
    scored = score_answers(definition, answers)
    result = InstrumentResult.objects.create(
        user=user,
        instrument=definition.id,
        version=definition.version,
        taken_on=taken_on,
        answers={str(number): value for number, value in sorted(answers.items())},
        scores=[score.as_dict() for score in scored.subscales],
        attribution=definition.attribution,
    )
    deliver_alerts(user)
    return result


def record_checkin(user: User, taken_on: date, answers: Mapping[str, int]) -> CheckIn:
    """Store a check-in (a second one on the same day replaces the first), then look for
    warnings."""
    score = checkin_rules.checkin_score(answers)
    values = {name: answers[name] for name in checkin_rules.FIELDS}
    checkin, _ = CheckIn.objects.update_or_create(
        user=user, taken_on=taken_on, defaults={**values, "score": score}
    )
    deliver_alerts(user)
    return checkin


# -- gathering -----------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """Everything the overview, the warnings and the reminders read, in seven queries."""

    user: User
    today: date
    settings: WellbeingSettings
    results: list[InstrumentResult]
    checkins: list[CheckIn]
    time_off: list[TimeOff]
    weeks: list[WorkloadWeek]
    items: list[CareItem]
    recent_ticks: list[CareTick]
    commitments: list[Commitment]
    instruments: dict[str, InstrumentDefinition] = field(default_factory=all_instruments)

    def results_of(self, instrument_id: str) -> list[InstrumentResult]:
        return [result for result in self.results if result.instrument == instrument_id]

    def latest(self, instrument_id: str) -> InstrumentResult | None:
        found = self.results_of(instrument_id)
        return found[-1] if found else None

    @property
    def last_leave(self) -> TimeOff | None:
        begun = [leave for leave in self.time_off if leave.starts_on <= self.today]
        return max(begun, key=lambda leave: leave.ends_on) if begun else None

    @property
    def on_leave(self) -> bool:
        return any(leave.starts_on <= self.today <= leave.ends_on for leave in self.time_off)

    @property
    def next_leave(self) -> TimeOff | None:
        planned = [leave for leave in self.time_off if leave.starts_on > self.today]
        return min(planned, key=lambda leave: leave.starts_on) if planned else None

    @property
    def days_since_leave(self) -> int | None:
        last = self.last_leave
        if last is None:
            return None
        return max((self.today - last.ends_on).days, 0)

    @property
    def days_until_leave(self) -> int | None:
        upcoming = self.next_leave
        return (upcoming.starts_on - self.today).days if upcoming else None


def gather(user: User, today: date | None = None) -> Snapshot:
    today = today or today_for(user)
    tick_start = window_start(today, BUILDER_WINDOW_DAYS)
    return Snapshot(
        user=user,
        today=today,
        settings=WellbeingSettings.for_user(user),
        results=list(InstrumentResult.objects.for_user(user)),
        checkins=list(CheckIn.objects.for_user(user)),
        time_off=list(TimeOff.objects.for_user(user)),
        weeks=list(WorkloadWeek.objects.for_user(user)),
        items=list(CareItem.objects.for_user(user)),
        recent_ticks=list(
            CareTick.objects.for_user(user).filter(day__gte=tick_start, day__lte=today)
        ),
        commitments=list(Commitment.objects.for_user(user).select_related("builder")),
    )


# -- index and warnings ------------------------------------------------------------------------


def resilience_for(snapshot: Snapshot) -> ResilienceIndex:
    proqol = snapshot.latest("proqol-5")
    cbi = snapshot.latest("cbi")
    checkin_start = window_start(snapshot.today, CHECKIN_WINDOW_DAYS)
    kinds = {item.pk: item.kind for item in snapshot.items}
    ticked = [kinds.get(tick.item_id) for tick in snapshot.recent_ticks]
    last = snapshot.last_leave
    return resilience_index(
        ResilienceInputs(
            today=snapshot.today,
            proqol_on=proqol.taken_on if proqol else None,
            proqol_bands={
                entry["subscale"]: entry["band"] for entry in proqol.scores if entry.get("band")
            }
            if proqol
            else {},
            cbi_on=cbi.taken_on if cbi else None,
            cbi_scores=[entry["score"] for entry in cbi.scores if entry.get("score") is not None]
            if cbi
            else [],
            checkin_scores=[
                checkin.score
                for checkin in snapshot.checkins
                if checkin_start <= checkin.taken_on <= snapshot.today
            ],
            last_leave_ended=min(last.ends_on, snapshot.today) if last else None,
            builders_ticked=ticked.count(CareItem.Kind.BUILDER),
            drainers_ticked=ticked.count(CareItem.Kind.DRAINER),
        )
    )


def _result_fact(result: InstrumentResult, definition: InstrumentDefinition | None) -> Any:
    watched_ids = (
        {subscale.id for subscale in definition.subscales if subscale.warn_on_high}
        if definition
        else set()
    )
    return alert_rules.ResultFact(
        result_id=result.pk,
        instrument_id=result.instrument,
        instrument_name=definition.short_name if definition else result.instrument,
        taken_on=result.taken_on,
        watched={
            entry["subscale"]: (entry["name"], entry.get("score"), entry.get("band"))
            for entry in result.scores
            if entry.get("subscale") in watched_ids
        },
    )


def alerts_for(snapshot: Snapshot) -> list[alert_rules.Alert]:
    settings = snapshot.settings
    last = snapshot.last_leave
    upcoming = snapshot.next_leave
    return alert_rules.find_alerts(
        alert_rules.AlertInputs(
            today=snapshot.today,
            results=[
                _result_fact(result, snapshot.instruments.get(result.instrument))
                for result in snapshot.results
                if result.taken_on <= snapshot.today
            ],
            checkins=[
                alert_rules.CheckInFact(checkin.pk, checkin.taken_on, checkin.score)
                for checkin in snapshot.checkins
                if checkin.taken_on <= snapshot.today
            ],
            last_leave_ended=None if snapshot.on_leave or last is None else last.ends_on,
            next_leave_starts=upcoming.starts_on if upcoming else None,
            leave_warning_days=settings.leave_warning_days or None,
            weeks=[
                alert_rules.WeekFact(
                    week.week_start, week.sessions, float(week.hours) if week.hours else None
                )
                for week in snapshot.weeks
                if week.week_start <= snapshot.today
            ],
            session_limit=settings.weekly_session_limit,
            hours_limit=float(settings.weekly_hours_limit) if settings.weekly_hours_limit else None,
        )
    )


@dataclass(frozen=True, slots=True)
class Options:
    """What a warning offers: the user's own plan and supports, CE on self-care, crisis lines."""

    commitments: list[str]
    builders: list[str]
    consultation_contact: str
    consultation_groups: list[Group] = field(default_factory=list)


def options_for(snapshot: Snapshot, user: User | None = None) -> Options:
    """With ``user``, also the peer consultation groups they belong to (one more query)."""
    groups = (
        list(Group.objects.joined_by(user).filter(kind=GroupKind.CONSULTATION).order_by("name"))
        if user is not None
        else []
    )
    return Options(
        consultation_groups=groups,
        commitments=[commitment.text for commitment in snapshot.commitments],
        builders=[
            item.label
            for item in snapshot.items
            if item.kind == CareItem.Kind.BUILDER and not item.archived
        ][:8],
        consultation_contact=snapshot.settings.consultation_contact,
    )


def _send_email(user: User, subject_line: str, notes: list[NewNotification]) -> None:
    if not EmailPreferences.for_user(user).wants(EmailKind.WELLBEING):
        return
    message = subscription_email(
        user,
        EmailKind.WELLBEING,
        EMAIL_SUBJECT,
        "wellbeing_note",
        {
            "heading": subject_line,
            "notes": notes,
            "overview_url": absolute_url(reverse("wellbeing:overview")),
            "support_url": absolute_url(reverse("wellbeing:support")),
        },
    )
    try:
        message.send()
    except Exception:  # the notification is stored; a mail server's trouble must not lose it
        logger.exception("Could not send a well-being email to user %s", user.pk)


def _deliver(user: User, notes: Iterable[NewNotification], subject_line: str) -> list[str]:
    """Notify each note once (by its dedupe key); email the new ones together, after the
    commit, when the user chose well-being emails."""
    delivered = [note for note in notes if notify(user, note) is not None]
    if delivered:
        transaction.on_commit(lambda: _send_email(user, subject_line, delivered))
    return [note.dedupe_key for note in delivered]


def deliver_alerts(user: User, snapshot: Snapshot | None = None) -> list[str]:
    """Tell the user, once each, about the warnings that hold now. Returns the new keys."""
    snapshot = snapshot or gather(user)
    support = reverse("wellbeing:support")
    notes = [
        NewNotification(
            kind=NOTIFICATION_KIND,
            title=alert.title,
            body=alert.body,
            url=support,
            dedupe_key=alert.dedupe_key,
        )
        for alert in alerts_for(snapshot)
    ]
    return _deliver(user, notes, "Something in your well-being check-ins is worth a look")


# -- reminders ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueCheck:
    key: str  # proqol-5, cbi or checkin
    name: str
    url: str
    last_on: date | None
    due_on: date


def due_checks(snapshot: Snapshot) -> list[DueCheck]:
    """The self-checks whose reminder interval has passed (or never taken), soonest first."""
    due: list[DueCheck] = []
    for key, definition in snapshot.instruments.items():
        every = snapshot.settings.reminder_days(key)
        if not every:
            continue
        latest = snapshot.latest(key)
        due_on = latest.taken_on + timedelta(days=every) if latest else snapshot.today
        if due_on <= snapshot.today:
            due.append(
                DueCheck(
                    key,
                    definition.short_name,
                    reverse("wellbeing:take", args=[key]),
                    latest.taken_on if latest else None,
                    due_on,
                )
            )
    every = snapshot.settings.checkin_every_days
    if every:
        last_checkin = snapshot.checkins[-1] if snapshot.checkins else None
        due_on = last_checkin.taken_on + timedelta(days=every) if last_checkin else snapshot.today
        if due_on <= snapshot.today:
            due.append(
                DueCheck(
                    "checkin",
                    "Quick check-in",
                    reverse("wellbeing:checkin"),
                    last_checkin.taken_on if last_checkin else None,
                    due_on,
                )
            )
    return sorted(due, key=lambda check: check.due_on)


def due_reviews(snapshot: Snapshot) -> list[Commitment]:
    return [c for c in snapshot.commitments if c.next_review_on <= snapshot.today]


def send_reminders(user: User, snapshot: Snapshot | None = None) -> list[str]:
    """Remind the user of due self-checks and plan reviews, once per due date."""
    snapshot = snapshot or gather(user)
    notes = [
        NewNotification(
            kind=NOTIFICATION_KIND,
            title=f"Time for your {check.name}",
            body=(
                f"Your {check.name} is due (last taken {check.last_on.isoformat()})."
                if check.last_on
                else f"You have not taken the {check.name} yet."
            )
            + " It takes a few minutes and only you will see the answers.",
            url=check.url,
            dedupe_key=f"wellbeing:due:{check.key}:{check.due_on.isoformat()}",
        )
        for check in due_checks(snapshot)
        if check.last_on is not None  # never nag about a check the user has not started
    ]
    notes += [
        NewNotification(
            kind=NOTIFICATION_KIND,
            title="Time to review a self-care commitment",
            body=f"“{commitment.text}”: is it still working for you? Keep it, change it or let "
            "it go.",
            url=reverse("wellbeing:plan"),
            dedupe_key=f"wellbeing:review:{commitment.pk}:{commitment.next_review_on}",
        )
        for commitment in due_reviews(snapshot)
    ]
    return _deliver(user, notes, "A gentle reminder from your well-being plan")


def run_daily(now_users: Iterable[User] | None = None) -> dict[str, int]:
    """The daily job: for every user who uses the well-being pages (has settings or any
    result or check-in), send due reminders and new warnings."""
    if now_users is None:
        user_ids = (
            set(WellbeingSettings.objects.values_list("user_id", flat=True))
            | set(InstrumentResult.objects.values_list("user_id", flat=True).distinct())
            | set(CheckIn.objects.values_list("user_id", flat=True).distinct())
        )
        now_users = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    counts = {"users": 0, "reminders": 0, "warnings": 0}
    for user in now_users:
        snapshot = gather(user)
        counts["users"] += 1
        counts["reminders"] += len(send_reminders(user, snapshot))
        counts["warnings"] += len(deliver_alerts(user, snapshot))
    return counts


def get_definition(instrument_id: str) -> InstrumentDefinition | None:
    return get_instrument(instrument_id)
