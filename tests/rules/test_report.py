"""The verdict as JSON-ready data and as a plain-text report."""

from __future__ import annotations

import json
from datetime import date

from lifelong.rules.engine import evaluate
from lifelong.rules.model import Verdict
from lifelong.rules.report import render_text, verdict_to_dict
from lifelong.rules.schema import RuleSet
from tests.rules.builders import activity, context, limit, requirement, ruleset

RULES = ruleset(
    title="Test LPC",
    total_hours=24,
    uncertain=["The provider list was not retrieved."],
    carry_over={"max_hours": 10},
    requirements=[
        requirement("ethics", 6, uncertain="Whether the exam counts as an ethics hour."),
        requirement("cultural-competence", 3),
    ],
    limits=[limit("self-study", formats=["self-study"], max_hours=1)],
    conditions=[{"id": "jurisprudence", "title": "Pass the jurisprudence exam"}],
)


def verdict_for(rules: RuleSet = RULES) -> Verdict:
    return evaluate(
        rules,
        context(carry_over_in_hours=2),
        [
            activity("Ethics workshop", 6, topics="ethics"),
            activity("Recorded webinar", 3, format="self-study"),
            activity("Old course", 2, on=date(2020, 1, 1)),
        ],
    )


def test_the_dictionary_has_the_documented_shape_and_is_json_ready() -> None:
    data = verdict_to_dict(verdict_for(), RULES)
    assert list(data) == [
        "ruleset",
        "ruleset_info",
        "cycle",
        "compliant",
        "deficit_hours",
        "requirements",
        "excluded",
        "conditions",
        "carry_over_in_hours",
        "carry_over_out_hours",
        "next_steps",
        "notes",
    ]
    assert data["cycle"] == {
        "start": "2023-04-01",
        "end": "2025-03-31",
        "number": None,
        "first_renewal": False,
    }
    assert data["ruleset_info"]["verified_on"] == "2025-01-01"
    assert data["ruleset_info"]["uncertain"] == ["The provider list was not retrieved."]
    assert [r["id"] for r in data["requirements"]] == ["total", "ethics", "cultural-competence"]
    total = data["requirements"][0]
    assert total["activities"][0] == {
        "activity_id": "carry-over",
        "title": "Carried over from the previous cycle",
        "hours": 2.0,
    }
    assert set(total) == {
        "id",
        "title",
        "topics",
        "required_hours",
        "counted_hours",
        "deficit_hours",
        "met",
        "frequency",
        "counts_toward_total",
        "status_note",
        "uncertain",
        "activities",
    }
    assert data["conditions"] == [
        {
            "id": "jurisprudence",
            "title": "Pass the jurisprudence exam",
            "attested": False,
            "uncertain": None,
        }
    ]
    assert json.loads(json.dumps(data)) == data


def test_the_text_report_explains_the_verdict() -> None:
    text = render_text(verdict_for(), RULES)
    assert text.startswith("Test LPC: continuing-education check\n")
    for expected in (
        "Board:      Test Board of Behavioral Health",
        "Cycle:      2023-04-01 to 2025-03-31 (deadline)",
        "Status:     NOT COMPLIANT",
        "-- Total CE hours: 9.0 of 24.0 h counted, 15.0 h missing",
        "ok Ethics: 6.0 of 6.0 h counted",
        "uncertain: Whether the exam counts as an ethics hour.",
        "-- Cultural competence: 0.0 of 3.0 h counted, 3.0 h missing",
        "Recorded webinar (2.0 h): 2.0 of 3.0 hours over the self-study cap (at most 1 h)",
        "Old course (2.0 h): completed on 2020-01-01, before this cycle",
        "Carry-over: 2.0 h in from the previous cycle, 0.0 h out to the next one",
        "1. 15.0 more hours in any accepted topic, not self-study",
        "Attest: Pass the jurisprudence exam",
        "[ ] Pass the jurisprudence exam",
        "Rule set test-board, verified on 2025-01-01.",
        "  - The provider list was not retrieved.",
    ):
        assert expected in text, expected


def test_a_compliant_report_says_so() -> None:
    rules = ruleset(total_hours=3)
    verdict = evaluate(rules, context(cycle_number=2), [activity("Course", 3)])
    text = render_text(verdict, rules)
    assert "Status:     COMPLIANT" in text
    assert "renewal 2" in text
    assert "1. Nothing missing: all requirements are met." in text
