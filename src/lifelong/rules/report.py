"""A verdict as JSON-ready data (API, exports) and as a plain-text report (CLI).

``verdict_to_dict`` mirrors the :class:`~lifelong.rules.model.Verdict` dataclass field by field
(dates as ISO strings, tuples as lists): ``ruleset`` is the rule set's id, and ``ruleset_info``
adds what a reader needs to judge the answer (board, credential, verification date, sources,
uncertain facts)::

    {
      "ruleset": "us-ca-lmft",
      "ruleset_info": {"title", "jurisdiction", "board", "credential", "verified_on",
                       "sources": [{"url", "title", "retrieved"}], "uncertain": [str]},
      "cycle": {"start": "2023-07-01", "end": "2025-06-30", "number": 2 | null,
                "first_renewal": false},
      "compliant": false,
      "deficit_hours": 6.0,
      "requirements": [{"id", "title", "topics": [str], "required_hours", "counted_hours",
                        "deficit_hours", "met", "frequency", "counts_toward_total",
                        "status_note", "uncertain": str | null,
                        "activities": [{"activity_id", "title", "hours"}]}],
      "excluded": [{"activity_id", "title", "reason", "hours"}],
      "conditions": [{"id", "title", "attested", "uncertain": str | null}],
      "carry_over_in_hours": 0.0,
      "carry_over_out_hours": 0.0,
      "next_steps": [str],
      "notes": [str]
    }
"""

from __future__ import annotations

from typing import Any

from lifelong.rules.eligibility import format_hours
from lifelong.rules.model import RequirementResult, Verdict
from lifelong.rules.schema import RuleSet

__all__ = ["render_text", "verdict_to_dict"]


def verdict_to_dict(verdict: Verdict, ruleset: RuleSet) -> dict[str, Any]:
    """The verdict as JSON-ready data (see the module docstring for the shape)."""
    cycle = verdict.cycle
    return {
        "ruleset": verdict.ruleset_id,
        "ruleset_info": {
            "title": ruleset.title,
            "jurisdiction": ruleset.jurisdiction,
            "board": ruleset.board,
            "credential": ruleset.credential,
            "verified_on": ruleset.verified_on.isoformat(),
            "sources": [
                {"url": s.url, "title": s.title, "retrieved": s.retrieved.isoformat()}
                for s in ruleset.sources
            ],
            "uncertain": list(ruleset.uncertain),
        },
        "cycle": {
            "start": cycle.start.isoformat(),
            "end": cycle.end.isoformat(),
            "number": cycle.number,
            "first_renewal": cycle.first_renewal,
        },
        "compliant": verdict.compliant,
        "deficit_hours": verdict.deficit_hours,
        "requirements": [_requirement(result) for result in verdict.requirements],
        "excluded": [
            {
                "activity_id": e.activity_id,
                "title": e.title,
                "reason": e.reason,
                "hours": e.hours,
            }
            for e in verdict.excluded
        ],
        "conditions": [
            {"id": c.id, "title": c.title, "attested": c.attested, "uncertain": c.uncertain}
            for c in verdict.conditions
        ],
        "carry_over_in_hours": verdict.carry_over_in_hours,
        "carry_over_out_hours": verdict.carry_over_out_hours,
        "next_steps": list(verdict.next_steps),
        "notes": list(verdict.notes),
    }


def _requirement(result: RequirementResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "title": result.title,
        "topics": list(result.topics),
        "required_hours": result.required_hours,
        "counted_hours": result.counted_hours,
        "deficit_hours": result.deficit_hours,
        "met": result.met,
        "frequency": result.frequency,
        "counts_toward_total": result.counts_toward_total,
        "status_note": result.status_note,
        "uncertain": result.uncertain,
        "activities": [
            {"activity_id": used.activity_id, "title": used.title, "hours": used.hours}
            for used in result.activities
        ],
    }


def render_text(verdict: Verdict, ruleset: RuleSet) -> str:
    """A readable plain-text report of the verdict (for the CLI and e-mails)."""
    cycle = verdict.cycle
    lines = [f"{ruleset.title}: continuing-education check", "=" * 60]
    lines.append(f"Board:      {ruleset.board}")
    lines.append(f"Credential: {ruleset.credential}")
    details = []
    if cycle.number is not None:
        details.append(f"renewal {cycle.number}")
    if cycle.first_renewal:
        details.append("first renewal after licensure")
    cycle_text = f"{cycle.start.isoformat()} to {cycle.end.isoformat()} (deadline)"
    if details:
        cycle_text += f"; {', '.join(details)}"
    lines.append(f"Cycle:      {cycle_text}")
    if verdict.compliant:
        lines.append("Status:     COMPLIANT")
    else:
        unmet = sum(1 for result in verdict.requirements if not result.met)
        plural = "s" if unmet != 1 else ""
        lines.append(f"Status:     NOT COMPLIANT ({unmet} requirement{plural} not met)")

    lines += ["", "Requirements"]
    for result in verdict.requirements:
        mark = "ok " if result.met else "-- "
        line = (
            f"  {mark}{result.title}: {format_hours(result.counted_hours)} of "
            f"{format_hours(result.required_hours)} h counted"
        )
        if not result.met:
            line += f", {format_hours(result.deficit_hours)} h missing"
        extras = []
        if not result.counts_toward_total:
            extras.append("in addition to the total")
        if result.status_note:
            extras.append(result.status_note)
        if extras:
            line += f" ({'; '.join(extras)})"
        lines.append(line)
        if result.uncertain:
            lines.append(f"       uncertain: {result.uncertain}")

    if verdict.excluded:
        lines += ["", "Not counted"]
        for exclusion in verdict.excluded:
            lines.append(
                f"  - {exclusion.title} ({format_hours(exclusion.hours)} h): {exclusion.reason}"
            )

    if verdict.carry_over_in_hours or verdict.carry_over_out_hours:
        lines += [
            "",
            f"Carry-over: {format_hours(verdict.carry_over_in_hours)} h in from the previous "
            f"cycle, {format_hours(verdict.carry_over_out_hours)} h out to the next one",
        ]

    lines += ["", "Next steps"]
    lines += [f"  {number}. {step}" for number, step in enumerate(verdict.next_steps, 1)]

    if verdict.conditions:
        lines += ["", "Conditions to attest (they do not change the hours above)"]
        for condition in verdict.conditions:
            box = "[x]" if condition.attested else "[ ]"
            lines.append(f"  {box} {condition.title}")
            if condition.uncertain:
                lines.append(f"      uncertain: {condition.uncertain}")

    if verdict.notes:
        lines += ["", "Notes"]
        lines += [f"  - {note}" for note in verdict.notes]

    lines += ["", f"Rule set {ruleset.id}, verified on {ruleset.verified_on.isoformat()}."]
    if ruleset.uncertain:
        lines.append("Uncertain facts in this rule set:")
        lines += [f"  - {fact}" for fact in ruleset.uncertain]
    return "\n".join(lines) + "\n"
