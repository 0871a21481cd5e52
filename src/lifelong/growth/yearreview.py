"""The year in review: hours by topic and by month, articles read, goals met, reflection
highlights, review cards; and its PDF. Pure: no Django."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lifelong.core.pdf import Column, PdfDocument

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
HIGHLIGHTS = 6


@dataclass(frozen=True, slots=True)
class MetGoal:
    title: str
    target_text: str
    met_on: date


@dataclass(frozen=True, slots=True)
class Highlight:
    on: date
    title: str
    practice_change: str
    client_benefit: str


@dataclass(frozen=True)
class YearInReview:
    year: int
    name: str
    activities: int
    total_hours: Decimal
    hours_by_topic: Sequence[tuple[str, Decimal]]  # most hours first
    hours_by_month: Sequence[Decimal]  # 12 values
    articles_read: Sequence[str]
    articles_applied: int
    goals_met: Sequence[MetGoal]
    goals_due: int  # goals due this year
    reflections: int
    highlights: Sequence[Highlight]
    cards_reviewed: int
    purpose_notes: Sequence[str]

    @property
    def is_empty(self) -> bool:
        return not (self.activities or self.articles_read or self.reflections or self.goals_met)


def hours_text(hours: Decimal) -> str:
    return format(hours.normalize(), "f") if hours else "0"


def build_pdf(review: YearInReview, *, created_at: datetime) -> bytes:
    who = review.name or "My"
    document = PdfDocument(
        title=f"{review.year} in review",
        author=review.name,
        subject=f"A year of learning: {review.year}",
        footer_note=f"{review.year} in review · made {created_at:%Y-%m-%d}",
        created_at=created_at,
    )
    document.title(f"{review.year} in review", who if review.name else "")
    document.key_values(
        [
            ("CE activities", f"{review.activities} ({hours_text(review.total_hours)} hours)"),
            (
                "Articles read",
                f"{len(review.articles_read)} ({review.articles_applied} applied in practice)",
            ),
            ("Goals met", f"{len(review.goals_met)} of {review.goals_due} due this year"),
            ("Reflections", str(review.reflections)),
            ("Review cards reviewed", str(review.cards_reviewed)),
        ]
    )
    document.heading("Hours by topic")
    if review.hours_by_topic:
        document.table(
            [Column("Topic", 0.75), Column("Hours", 0.25, "RIGHT")],
            [(label, hours_text(hours)) for label, hours in review.hours_by_topic],
        )
    else:
        document.paragraph("No CE activity this year.", muted=True)
    document.heading("Hours by month")
    document.table(
        [Column(month, 1, "RIGHT") for month in MONTHS],
        [[hours_text(hours) for hours in review.hours_by_month]],
    )
    document.heading("Goals met")
    if review.goals_met:
        document.bullets(
            f"{goal.title} — {goal.target_text}, met {goal.met_on:%Y-%m-%d}"
            for goal in review.goals_met
        )
    else:
        document.paragraph("No goal met this year.", muted=True)
    document.heading("Articles read")
    if review.articles_read:
        document.bullets(review.articles_read)
    else:
        document.paragraph("No article marked read this year.", muted=True)
    document.heading("Reflection highlights")
    if not review.highlights:
        document.paragraph("No reflection on a change in practice this year.", muted=True)
    for highlight in review.highlights:
        document.heading(f"{highlight.on:%Y-%m-%d} · {highlight.title}", level=2)
        if highlight.practice_change:
            document.paragraph(f"What changed in my practice: {highlight.practice_change}")
        if highlight.client_benefit:
            document.paragraph(f"How my clients benefit: {highlight.client_benefit}")
    if review.purpose_notes:
        document.heading("Why I do this")
        document.bullets(review.purpose_notes)
    return document.to_bytes()
