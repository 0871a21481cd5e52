"""Review cards scheduled with FSRS (the ``fsrs`` package): creating cards, reviewing them,
the daily queue and simple statistics.

A :class:`ReviewCard` row holds the fields of an ``fsrs.Card``; :func:`review` rebuilds the
card, lets ``fsrs.Scheduler.review_card`` compute its next state and due time, and stores both
the card and the review. The scheduler runs with the package's default parameters and a
desired retention of 90 %, without interval fuzzing, so that the same reviews always give the
same schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from fsrs import Card, Rating, Scheduler, State

from lifelong.accounts.models import User
from lifelong.credits.models import Activity
from lifelong.growth.models import CardReview, ReviewCard
from lifelong.literature.models import ReadingListEntry

SCHEDULER = Scheduler(desired_retention=0.9, enable_fuzzing=False)
MATURE_AFTER_DAYS = 21  # a card whose stability reaches three weeks counts as learned
STATS_DAYS = 30


def new_card(
    user: User,
    *,
    question: str,
    answer: str,
    activity: Activity | None = None,
    reading: ReadingListEntry | None = None,
    now: datetime | None = None,
) -> ReviewCard:
    """A new card, due at once. ``activity`` and ``reading`` must be the user's own."""
    if activity is not None and activity.user_id != user.pk:
        raise ValueError("That CE activity is not yours.")
    if reading is not None and reading.owner_id != user.pk:
        raise ValueError("That reading-list entry is not yours.")
    card = ReviewCard(
        user=user,
        question=question.strip(),
        answer=answer.strip(),
        activity=activity,
        reading=reading,
        due=now or timezone.now(),
    )
    card.full_clean()
    card.save()
    return card


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def to_fsrs(card: ReviewCard) -> Card:
    return Card(
        card_id=card.pk,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due),
        last_review=_utc(card.last_review) if card.last_review else None,
    )


def review(card: ReviewCard, rating: int, now: datetime | None = None) -> CardReview:
    """Record a review of ``card`` (1 again, 2 hard, 3 good, 4 easy) at ``now`` and schedule
    its next one with FSRS."""
    moment = _utc(now or timezone.now())
    scheduled, _log = SCHEDULER.review_card(to_fsrs(card), Rating(rating), review_datetime=moment)
    with transaction.atomic():
        card.state = int(scheduled.state)
        card.step = scheduled.step
        card.stability = scheduled.stability
        card.difficulty = scheduled.difficulty
        card.due = scheduled.due
        card.last_review = scheduled.last_review
        card.save(update_fields=["state", "step", "stability", "difficulty", "due", "last_review"])
        return CardReview.objects.create(
            card=card,
            rating=rating,
            reviewed_at=moment,
            scheduled_days=max((scheduled.due - moment).days, 0),
        )


def end_of_local_day(now: datetime) -> datetime:
    """The end of the current day in the active time zone: the daily queue holds every card
    due by then."""
    today = timezone.localdate(now)
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))


def due_queue(user: User, now: datetime | None = None) -> list[ReviewCard]:
    """Today's queue: the user's cards due by the end of today, the most overdue first."""
    now = now or timezone.now()
    return list(ReviewCard.objects.for_user(user).due_by(end_of_local_day(now)))


@dataclass(frozen=True, slots=True)
class RetentionStats:
    cards: int
    due_today: int
    learned: int  # stability of at least MATURE_AFTER_DAYS
    reviews_today: int
    reviews_recent: int  # in the last STATS_DAYS days
    recalled_recent: int  # of those, not "again"

    @property
    def recall_percent(self) -> int | None:
        if not self.reviews_recent:
            return None
        return round(100 * self.recalled_recent / self.reviews_recent)


def stats(user: User, now: datetime | None = None) -> RetentionStats:
    """Simple statistics in two queries."""
    now = now or timezone.now()
    start_of_today = end_of_local_day(now) - timedelta(days=1)
    cards = list(ReviewCard.objects.for_user(user).values_list("due", "stability"))
    end = end_of_local_day(now)
    recent = list(
        CardReview.objects.filter(
            card__user=user, reviewed_at__gte=now - timedelta(days=STATS_DAYS)
        ).values_list("reviewed_at", "rating")
    )
    return RetentionStats(
        cards=len(cards),
        due_today=sum(1 for due, _ in cards if due <= end),
        learned=sum(1 for _, stability in cards if (stability or 0) >= MATURE_AFTER_DAYS),
        reviews_today=sum(1 for at, _ in recent if at >= start_of_today),
        reviews_recent=len(recent),
        recalled_recent=sum(1 for _, rating in recent if rating != CardReview.Rating.AGAIN),
    )
