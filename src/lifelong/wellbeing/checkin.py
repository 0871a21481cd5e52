"""The quick check-in (pure: no Django): five questions in Lifelong's own words, each answered
1 to 5 where 5 is always the better state, so that the check-in's score is simply their mean
on 0-100 (higher is better) and a falling score is a rising strain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CheckInQuestion:
    field: str
    question: str
    low: str  # what 1 means
    high: str  # what 5 means


QUESTIONS: tuple[CheckInQuestion, ...] = (
    CheckInQuestion(
        "energy", "How much energy have you had this week?", "Running on empty", "Plenty"
    ),
    CheckInQuestion(
        "engagement",
        "How engaged have you felt with your clients and your work?",
        "Going through the motions",
        "Fully present",
    ),
    CheckInQuestion("sleep", "How well have you slept?", "Badly", "Well"),
    CheckInQuestion(
        "workload", "How manageable has your workload felt?", "Far too much", "Manageable"
    ),
    CheckInQuestion(
        "connection",
        "How connected have you felt to colleagues, friends or family?",
        "Alone",
        "Well supported",
    ),
)
FIELDS: tuple[str, ...] = tuple(question.field for question in QUESTIONS)
LOWEST, HIGHEST = 1, 5


def checkin_score(answers: Mapping[str, int]) -> float:
    """The mean of the five answers on 0-100 (1 → 0, 5 → 100), to one decimal."""
    missing = [name for name in FIELDS if name not in answers]
    if missing:
        raise ValueError(f"missing answers: {', '.join(missing)}")
    values = [answers[name] for name in FIELDS]
    if any(not LOWEST <= value <= HIGHEST for value in values):
        raise ValueError(f"each answer is from {LOWEST} to {HIGHEST}")
    mean = sum(values) / len(values)
    return round((mean - LOWEST) / (HIGHEST - LOWEST) * 100, 1)
