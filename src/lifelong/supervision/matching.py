"""Mentor suggestions: a pure scorer with reasons (no Django).

A mentee's areas (CE topic slugs) are compared with each mentor's: every shared area counts,
and the share of the mentee's areas a mentor covers counts twice. Mentors who have room for
another mentee come before those who are full. Mentors sharing nothing are not suggested."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lifelong.rules.vocabulary import topic_label


@dataclass(frozen=True, slots=True)
class MentorCandidate:
    user_id: int
    name: str
    areas: tuple[str, ...]
    active_mentees: int
    capacity: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    candidate: MentorCandidate
    score: float
    shared: tuple[str, ...]
    reasons: tuple[str, ...]
    has_room: bool


def score(mentee_areas: Sequence[str], candidate: MentorCandidate) -> Suggestion | None:
    wanted = list(dict.fromkeys(mentee_areas))
    shared = tuple(area for area in wanted if area in set(candidate.areas))
    if not wanted or not shared:
        return None
    coverage = len(shared) / len(wanted)
    has_room = candidate.active_mentees < candidate.capacity
    value = round(len(shared) + 2 * coverage, 3)
    labels = ", ".join(topic_label(area) for area in shared)
    reasons = [
        f"shares {len(shared)} of your {len(wanted)} areas: {labels}",
        "has room for a new mentee"
        if has_room
        else f"already mentors {candidate.active_mentees} (their limit)",
    ]
    return Suggestion(candidate, value, shared, tuple(reasons), has_room)


def suggest(
    mentee_areas: Sequence[str], candidates: Iterable[MentorCandidate], limit: int = 10
) -> list[Suggestion]:
    """Mentors with room first, then the best score (ties: by name)."""
    found = [s for c in candidates if (s := score(mentee_areas, c)) is not None]
    found.sort(key=lambda s: (not s.has_room, -s.score, s.candidate.name, s.candidate.user_id))
    return found[:limit]
