"""The CPD profile: a dated, chronological record of learning with chosen reflections, and the
gaps of three months or more without learning — what CPD audits (such as the HCPC's) ask for.
Pure: plain dataclasses in, PDF bytes out (through ``lifelong.core.pdf``); no Django.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from lifelong.core.pdf import Column, PdfDocument

GAP_MONTHS = 3


@dataclass(frozen=True, slots=True)
class LearningRecord:
    """One dated piece of learning: a CE activity, an article read, a reflection."""

    on: date
    kind: str  # "CE activity", "Article read", "Reflection"
    title: str
    detail: str = ""
    hours: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ChosenReflection:
    on: date
    title: str
    template_name: str
    answers: tuple[tuple[str, str], ...]
    practice_change: str
    client_benefit: str
    about: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Gap:
    """Days in [start, end] without any learning, three months or more long."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class CpdProfile:
    name: str
    email: str
    start: date
    end: date
    records: Sequence[LearningRecord]
    reflections: Sequence[ChosenReflection]
    gaps: Sequence[Gap] = field(default_factory=tuple)

    @property
    def ce_hours(self) -> Decimal:
        return sum((r.hours for r in self.records if r.hours is not None), Decimal(0))

    def count(self, kind: str) -> int:
        return sum(1 for record in self.records if record.kind == kind)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def find_gaps(learning_days: Sequence[date], start: date, end: date) -> list[Gap]:
    """The stretches of [start, end] with no learning that last :data:`GAP_MONTHS` months or
    more: from the day after one learning day (or the period's start) to the day before the
    next (or the period's end). A stretch counts when the next learning day is at least three
    calendar months after the last one."""
    days = sorted({day for day in learning_days if start <= day <= end})
    gaps: list[Gap] = []
    previous_end = start - timedelta(days=1)  # "learning" on the eve of the period
    for day in [*days, end + timedelta(days=1)]:
        if day >= add_months(previous_end, GAP_MONTHS):
            gaps.append(Gap(previous_end + timedelta(days=1), day - timedelta(days=1)))
        previous_end = day
    return gaps


def _hours_text(hours: Decimal) -> str:
    return format(hours.normalize(), "f")


def build_pdf(profile: CpdProfile, *, created_at: datetime) -> bytes:
    """The profile as a PDF: summary, gaps, the chronological record, chosen reflections."""
    period = f"{profile.start:%B %-d, %Y} to {profile.end:%B %-d, %Y}"
    document = PdfDocument(
        title=f"CPD profile — {profile.name or profile.email}",
        author=profile.name or profile.email,
        subject=f"Continuing professional development, {period}",
        footer_note=f"CPD profile · {profile.name or profile.email} · made {created_at:%Y-%m-%d}",
        created_at=created_at,
    )
    document.title("CPD profile", f"{profile.name or profile.email} · {period}")

    document.heading("Summary")
    document.key_values(
        [
            ("Period", period),
            (
                "CE activities",
                f"{profile.count('CE activity')} ({_hours_text(profile.ce_hours)} hours)",
            ),
            ("Articles read", str(profile.count("Article read"))),
            ("Reflections", str(profile.count("Reflection"))),
            ("Reflections chosen below", str(len(profile.reflections))),
        ]
    )

    document.heading(f"Gaps of {GAP_MONTHS} months or more without learning")
    if profile.gaps:
        document.bullets(
            f"{gap.start:%Y-%m-%d} to {gap.end:%Y-%m-%d} ({gap.days} days)" for gap in profile.gaps
        )
    else:
        document.paragraph(f"None: learning at least every {GAP_MONTHS} months over the period.")

    document.heading("Record of learning")
    if profile.records:
        document.table(
            [
                Column("Date", 0.14),
                Column("Kind", 0.15),
                Column("Learning", 0.5),
                Column("Hours", 0.08, "RIGHT"),
                Column("Topics", 0.2),
            ],
            [
                (
                    f"{record.on:%Y-%m-%d}",
                    record.kind,
                    record.title,
                    _hours_text(record.hours) if record.hours is not None else "",
                    record.detail,
                )
                for record in profile.records
            ],
        )
    else:
        document.paragraph("No learning recorded in this period.", muted=True)

    document.heading("Chosen reflections")
    if not profile.reflections:
        document.paragraph(
            "No reflection chosen: tick “Include in my CPD profile” on a reflection.", muted=True
        )
    for reflection in profile.reflections:
        document.heading(f"{reflection.on:%Y-%m-%d} · {reflection.title}", level=2)
        document.paragraph(reflection.template_name, small=True, muted=True)
        if reflection.about:
            document.paragraph("About: " + "; ".join(reflection.about), small=True)
        for label, answer in reflection.answers:
            document.paragraph(label, bold=True)
            document.paragraph(answer)
        if reflection.practice_change:
            document.paragraph("What changed in my practice", bold=True)
            document.paragraph(reflection.practice_change)
        if reflection.client_benefit:
            document.paragraph("How my clients benefit", bold=True)
            document.paragraph(reflection.client_benefit)
    return document.to_bytes()
