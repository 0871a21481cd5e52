"""Goals: creating them, and their progress from the records that count toward them.

Other apps create goals through :func:`create_goal` (e.g. a learning priority's "make this a
goal"). Progress is computed, never typed (except the entries of a measure of the user's own):

* **CE hours** — the clock hours of the user's CE activities completed in the goal's window
  in one of its topics (any topic when it has none; a topic given with hours brings only those
  hours; semester and quarter hours count 15 and 10 clock hours);
* **CE activities** — the number of those activities;
* **articles read** — reading-list entries marked read in the window (the day they were last
  changed counts as the day they were read);
* **reflections** — reflections linked to the goal, written in its window;
* **a measure of the user's own** — the entries logged on the goal.

Pages and reminders read many goals at once with :func:`goals_with_progress`: a fixed number of
queries whatever the number of goals and records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.core.notifications import NewNotification, notify
from lifelong.credits.models import Activity
from lifelong.growth.cpd import ChosenReflection, CpdProfile, LearningRecord, find_gaps
from lifelong.growth.models import CardReview, Goal, GoalEntry, PurposeNote, Reflection
from lifelong.growth.progress import (
    Contribution,
    GoalProgress,
    activity_hours_for_topics,
    activity_matches_topics,
    compute_progress,
)
from lifelong.growth.yearreview import HIGHLIGHTS, Highlight, MetGoal, YearInReview
from lifelong.licensure.reminders import local_today
from lifelong.literature.models import ReadingListEntry
from lifelong.rules.vocabulary import topic_label

DEFAULT_GOAL_MONTHS = 6


@dataclass(frozen=True, slots=True)
class GoalWithProgress:
    goal: Goal
    progress: GoalProgress


def create_goal(
    user: User,
    *,
    title: str,
    why: str = "",
    target_kind: str = Goal.TargetKind.HOURS,
    topics: Sequence[str] = (),
    target_value: Decimal | int | float | str,
    due_on: date,
    source: str = "",
    starts_on: date | None = None,
    custom_unit: str = "",
) -> Goal:
    """Create and return a validated goal for ``user``.

    ``target_kind`` is one of ``Goal.TargetKind`` ("hours", "activities", "articles",
    "reflections", "custom"); ``topics`` are CE topic slugs (they filter hours and
    activities); ``source`` says where the goal came from (e.g. ``"practice priority:
    trauma"``); ``starts_on`` defaults to the user's today. Raises
    ``django.core.exceptions.ValidationError`` with the fields at fault when the goal is not
    valid; nothing is saved then.
    """
    goal = Goal(
        user=user,
        title=title.strip(),
        why=why.strip(),
        target_kind=target_kind,
        topics=list(dict.fromkeys(topics)),
        target_value=Decimal(str(target_value)),
        custom_unit=custom_unit.strip(),
        starts_on=starts_on or timezone.localdate(),
        due_on=due_on,
        source=source.strip()[:200],
    )
    goal.full_clean()
    goal.save()
    return goal


def default_due_date(today: date) -> date:
    """Six months ahead: a goal's default due date."""
    return today + timedelta(days=round(DEFAULT_GOAL_MONTHS * 30.44))


def _activity_contribution(goal: Goal, row: dict[str, Any]) -> Contribution | None:
    if not goal.starts_on <= row["completed_on"] <= goal.due_on:
        return None
    if goal.target_kind == Goal.TargetKind.HOURS:
        amount = activity_hours_for_topics(goal.topics, row["topics"], row["hours"], row["unit"])
        if amount <= 0:
            return None
    elif activity_matches_topics(goal.topics, row["topics"]):
        amount = Decimal(1)
    else:
        return None
    return Contribution(row["completed_on"], amount, row["title"], "activity", row["pk"])


def goals_with_progress(
    user: User, goals: Sequence[Goal] | None = None, today: date | None = None
) -> list[GoalWithProgress]:
    """Each of ``goals`` (default: all of the user's) with its progress on ``today``.

    At most five queries: the goals, and the activities, readings, entries and linked
    reflections of the dates they span (each only when a goal needs it).
    """
    today = today or timezone.localdate()
    goal_list = list(Goal.objects.for_user(user) if goals is None else goals)
    if not goal_list:
        return []
    start = min(goal.starts_on for goal in goal_list)
    end = min(max(goal.due_on for goal in goal_list), today)
    kinds = {goal.target_kind for goal in goal_list}

    activities: list[Any] = []
    if kinds & {Goal.TargetKind.HOURS, Goal.TargetKind.ACTIVITIES}:
        activities = list(
            Activity.objects.for_user(user)
            .in_window(start, end)
            .values("pk", "title", "completed_on", "hours", "unit", "topics")
        )
    readings: list[Contribution] = []
    if Goal.TargetKind.ARTICLES in kinds:
        rows = (
            ReadingListEntry.objects.for_user(user)
            .filter(status=ReadingListEntry.Status.READ)
            .values("pk", "updated_at", "article__title")
        )
        for row in rows:
            read_on = timezone.localdate(row["updated_at"])
            readings.append(
                Contribution(read_on, Decimal(1), row["article__title"], "article", row["pk"])
            )
    entries: dict[int, list[Contribution]] = {}
    custom_ids = [goal.pk for goal in goal_list if goal.target_kind == Goal.TargetKind.CUSTOM]
    if custom_ids:
        for entry in GoalEntry.objects.filter(goal_id__in=custom_ids):
            entries.setdefault(entry.goal_id, []).append(
                Contribution(
                    entry.logged_on,
                    Decimal(entry.amount),
                    entry.note or "Entry",
                    "entry",
                    entry.pk,
                )
            )

    reflections: dict[int, list[Contribution]] = {}
    reflection_goal_ids = [
        goal.pk for goal in goal_list if goal.target_kind == Goal.TargetKind.REFLECTIONS
    ]
    if reflection_goal_ids:
        links = Reflection.goals.through.objects.filter(goal_id__in=reflection_goal_ids).values(
            "goal_id", "reflection_id", "reflection__title", "reflection__written_on"
        )
        for link in links:
            reflections.setdefault(link["goal_id"], []).append(
                Contribution(
                    link["reflection__written_on"],
                    Decimal(1),
                    link["reflection__title"],
                    "reflection",
                    link["reflection_id"],
                )
            )

    result = []
    for goal in goal_list:
        contributions: list[Contribution]
        if goal.target_kind == Goal.TargetKind.ARTICLES:
            contributions = readings
        elif goal.target_kind == Goal.TargetKind.CUSTOM:
            contributions = entries.get(goal.pk, [])
        elif goal.target_kind == Goal.TargetKind.REFLECTIONS:
            contributions = reflections.get(goal.pk, [])
        else:
            contributions = [
                c for row in activities if (c := _activity_contribution(goal, row)) is not None
            ]
        progress = compute_progress(
            target=Decimal(goal.target_value),
            starts_on=goal.starts_on,
            due_on=goal.due_on,
            today=today,
            contributions=contributions,
        )
        result.append(GoalWithProgress(goal, progress))
    return result


def goal_progress(goal: Goal, today: date | None = None) -> GoalProgress:
    """The progress of one goal on ``today``."""
    return goals_with_progress(goal.user, [goal], today)[0].progress


def log_entry(goal: Goal, *, logged_on: date, amount: Decimal, note: str = "") -> GoalEntry:
    """Log an amount of a goal's own measure; only goals measured in the user's own terms take
    entries (the others count records)."""
    if goal.target_kind != Goal.TargetKind.CUSTOM:
        raise ValueError("Only a goal measured in your own terms takes entries.")
    entry = GoalEntry(goal=goal, logged_on=logged_on, amount=amount, note=note.strip())
    entry.full_clean()
    entry.save()
    return entry


# --------------------------------------------------------------------------------------------
# Reminders: goals falling behind (run weekly by the worker, growth/tasks.py)
# --------------------------------------------------------------------------------------------


def behind_goal_message(goal: Goal, progress: GoalProgress, today: date) -> NewNotification:
    iso_year, iso_week, _ = today.isocalendar()
    return NewNotification(
        kind="goal-behind",
        title=f"Your goal “{goal.title}” is falling behind",
        body=(
            f"{progress.percent}% done with {round(progress.time_share * 100)}% of its time gone: "
            f"{progress.remaining.normalize():f} {goal.unit_text} to go by "
            f"{goal.due_on:%B %-d, %Y}."
        ),
        url=reverse("growth:goal_detail", args=[goal.pk]),
        dedupe_key=f"goal-behind:{goal.pk}:{iso_year}-W{iso_week:02d}",
    )


def send_goal_reminders(now: datetime | None = None) -> int:
    """Notify each user of each open goal that is behind, at most once a week per goal (the
    notification's dedupe key names the goal and the ISO week). Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    users = User.objects.filter(
        pk__in=Goal.objects.filter(
            starts_on__lte=now.date() + timedelta(days=1),
            due_on__gte=now.date() - timedelta(days=1),
        ).values("user_id")
    )
    for user in users:
        today = local_today(user, now)
        open_goals = list(Goal.objects.for_user(user).open_on(today))
        for item in goals_with_progress(user, open_goals, today):
            if item.progress.is_behind:
                with transaction.atomic():
                    if notify(user, behind_goal_message(item.goal, item.progress, today)):
                        sent += 1
    return sent


# --------------------------------------------------------------------------------------------
# Purpose: a "why I do this" note resurfaced each day, in turn
# --------------------------------------------------------------------------------------------


def purpose_note_of_the_day(user: User, today: date | None = None) -> PurposeNote | None:
    """One of the user's notes, a different one each day in turn (two queries)."""
    today = today or timezone.localdate()
    notes = PurposeNote.objects.for_user(user).order_by("pk")
    count = notes.count()
    if not count:
        return None
    return notes[today.toordinal() % count]


# --------------------------------------------------------------------------------------------
# The CPD profile
# --------------------------------------------------------------------------------------------

CPD_DEFAULT_YEARS = 2  # the HCPC's renewal cycle


def cpd_profile(user: User, start: date, end: date) -> CpdProfile:
    """The user's learning in [start, end] in date order (activities, articles marked read,
    reflections), the reflections chosen for the profile, and the gaps (five queries)."""
    records: list[LearningRecord] = []
    activities = (
        Activity.objects.for_user(user).in_window(start, end).order_by("completed_on", "pk")
    )
    for activity in activities:
        hours = activity_hours_for_topics([], [], Decimal(activity.hours), activity.unit)
        records.append(
            LearningRecord(
                activity.completed_on,
                "CE activity",
                f"{activity.title}" + (f" — {activity.provider}" if activity.provider else ""),
                ", ".join(activity.topic_labels),
                hours,
            )
        )
    readings = (
        ReadingListEntry.objects.for_user(user)
        .filter(
            status=ReadingListEntry.Status.READ,
            updated_at__date__gte=start - timedelta(days=1),
            updated_at__date__lte=end + timedelta(days=1),
        )
        .select_related("article")
        .order_by("updated_at", "pk")
    )
    for entry in readings:
        read_on = timezone.localdate(entry.updated_at)
        if start <= read_on <= end:
            records.append(LearningRecord(read_on, "Article read", entry.article.title))
    reflections = list(
        Reflection.objects.for_user(user)
        .filter(written_on__gte=start, written_on__lte=end)
        .prefetch_related("activities", "readings__article", "goals")
        .order_by("written_on", "pk")
    )
    chosen = []
    for reflection in reflections:
        records.append(LearningRecord(reflection.written_on, "Reflection", reflection.title))
        if reflection.in_cpd_profile:
            about = (
                [f"CE activity: {a.title}" for a in reflection.activities.all()]
                + [f"Article: {r.article.title}" for r in reflection.readings.all()]
                + [f"Goal: {g.title}" for g in reflection.goals.all()]
            )
            chosen.append(
                ChosenReflection(
                    on=reflection.written_on,
                    title=reflection.title,
                    template_name=reflection.template_name,
                    answers=tuple(reflection.answered_prompts()),
                    practice_change=reflection.practice_change,
                    client_benefit=reflection.client_benefit,
                    about=tuple(about),
                )
            )
    kind_order = {"CE activity": 0, "Article read": 1, "Reflection": 2}
    records.sort(key=lambda record: (record.on, kind_order[record.kind]))
    return CpdProfile(
        name=user.name,
        email=user.email,
        start=start,
        end=end,
        records=records,
        reflections=chosen,
        gaps=find_gaps([record.on for record in records], start, end),
    )


# --------------------------------------------------------------------------------------------
# The year in review
# --------------------------------------------------------------------------------------------

NO_TOPIC = "No topic recorded"


def year_in_review(user: User, year: int, today: date | None = None) -> YearInReview:
    """What the user learned in ``year``, in a fixed number of queries."""
    today = today or timezone.localdate()
    start, end = date(year, 1, 1), date(year, 12, 31)
    by_topic: dict[str, Decimal] = {}
    by_month = [Decimal(0)] * 12
    total = Decimal(0)
    activities = list(
        Activity.objects.for_user(user)
        .in_window(start, end)
        .values("completed_on", "hours", "unit", "topics")
    )
    for row in activities:
        hours = activity_hours_for_topics([], [], row["hours"], row["unit"])
        total += hours
        by_month[row["completed_on"].month - 1] += hours
        if not row["topics"]:
            by_topic[NO_TOPIC] = by_topic.get(NO_TOPIC, Decimal(0)) + hours
        for item in row["topics"]:
            label = topic_label(item["slug"])
            share = activity_hours_for_topics([item["slug"]], [item], row["hours"], row["unit"])
            by_topic[label] = by_topic.get(label, Decimal(0)) + share
    readings = [
        entry
        for entry in ReadingListEntry.objects.for_user(user)
        .filter(
            status=ReadingListEntry.Status.READ,
            updated_at__date__gte=start - timedelta(days=1),
            updated_at__date__lte=end + timedelta(days=1),
        )
        .select_related("article")
        .order_by("updated_at", "pk")
        if timezone.localdate(entry.updated_at).year == year
    ]
    goals = list(Goal.objects.for_user(user).filter(starts_on__lte=end, due_on__gte=start))
    goals_met = [
        MetGoal(item.goal.title, item.goal.target_text, item.progress.met_on)
        for item in goals_with_progress(user, goals, min(end, today))
        if item.progress.met_on is not None and item.progress.met_on.year == year
    ]
    reflections = list(
        Reflection.objects.for_user(user)
        .filter(written_on__gte=start, written_on__lte=end)
        .order_by("-in_cpd_profile", "written_on", "pk")
        .values("written_on", "title", "practice_change", "client_benefit", "in_cpd_profile")
    )
    highlights = [
        Highlight(r["written_on"], r["title"], r["practice_change"], r["client_benefit"])
        for r in reflections
        if r["practice_change"] or r["client_benefit"]
    ][:HIGHLIGHTS]
    cards_reviewed = CardReview.objects.filter(card__user=user, reviewed_at__year=year).count()
    notes = list(
        PurposeNote.objects.for_user(user)
        .filter(created_at__year=year)
        .values_list("text", flat=True)
    )
    return YearInReview(
        year=year,
        name=user.name,
        activities=len(activities),
        total_hours=total,
        hours_by_topic=sorted(by_topic.items(), key=lambda item: (-item[1], item[0])),
        hours_by_month=by_month,
        articles_read=[entry.article.title for entry in readings],
        articles_applied=sum(1 for entry in readings if entry.applied_in_practice),
        goals_met=sorted(goals_met, key=lambda goal: goal.met_on),
        goals_due=sum(1 for goal in goals if start <= goal.due_on <= end),
        reflections=len(reflections),
        highlights=sorted(highlights, key=lambda highlight: highlight.on),
        cards_reviewed=cards_reviewed,
        purpose_notes=notes,
    )
