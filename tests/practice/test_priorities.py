"""Learning priorities: the ranking and the reasons that explain it."""

from __future__ import annotations

from datetime import date

import pytest

from lifelong.practice.areas import AREAS
from lifelong.practice.outcomes import GroupCounts, summarise
from lifelong.practice.priorities import Training, evidence_for, rank

TODAY = date(2026, 6, 1)


def test_ranking_weighs_share_confidence_outcomes_and_recency() -> None:
    counts = {
        "concern:depression": 12,  # 40%, confident, trained recently
        "concern:trauma-ptsd": 9,  # 30%, not confident, never trained
        "population:adolescents": 3,  # 10%, unrated, trained 4 years ago
        "concern:other": 10,  # cannot be matched to training: left out
        "population:adults": 30,  # idem
    }
    confidence = {"concern:depression": 5, "concern:trauma-ptsd": 2}
    trainings = [
        Training(
            date(2026, 3, 1), 6.0, "Behavioural activation for depression", ("clinical-practice",)
        ),
        Training(date(2022, 2, 1), 3.0, "Working with teens", ("clinical-practice",)),
    ]
    ranked = rank(counts, 30, confidence, trainings, TODAY)

    assert [item.area.slug for item in ranked] == [
        "concern:trauma-ptsd",
        "population:adolescents",
        "concern:depression",
    ]
    trauma, adolescents, depression = ranked
    # trauma: .4*.3 + .25*(3/4) + .2*0 + .15*1 = .12 + .1875 + .15 = .4575
    assert trauma.score == pytest.approx(0.4575)
    assert trauma.reasons == (
        "30% of your clients (9 of 30)",
        "You rated your confidence 2 of 5",
        "No CE activity in this area recorded",
    )
    # adolescents: .4*.1 + .25*.5 + .15*1 (over three years) = .04 + .125 + .15 = .315
    assert adolescents.score == pytest.approx(0.315)
    assert "You have not rated your confidence in this area" in adolescents.reasons
    assert adolescents.reasons[-1] == "0 CE hours in the last 3 years; last on 2022-02-01"
    # depression: .4*.4 + 0 + 0 + .15 * (92 days / 365.25 / 3) = .16 + .0126
    assert depression.score == pytest.approx(0.16 + 0.15 * (92 / 365.25 / 3), abs=1e-4)
    assert depression.evidence.hours_recent == 6.0
    assert depression.reasons[-1] == "6 CE hours in the last 3 years; last on 2026-03-01"
    assert trauma.suggested_topics == ("trauma",)
    assert depression.suggested_topics == ("clinical-practice",)


def test_a_weaker_outcome_rate_raises_a_concern() -> None:
    counts = {"concern:depression": 10, "concern:anxiety": 10}
    confidence = {"concern:depression": 3, "concern:anxiety": 3}
    outcomes = {
        "concern:depression": summarise(GroupCounts("concern:depression", "phq-9", 10, 2, 1)),
        "concern:anxiety": summarise(GroupCounts("concern:anxiety", "gad-7", 10, 6, 0)),
    }
    ranked = rank(counts, 40, confidence, [], TODAY, outcomes, pooled_improvement=0.4)
    assert [item.area.slug for item in ranked] == ["concern:depression", "concern:anxiety"]
    depression = ranked[0]
    # gap (0.4 - 0.2) / 0.4 = 0.5
    assert depression.components["outcome"] == pytest.approx(0.5)
    assert ranked[1].components["outcome"] == 0.0
    assert depression.reasons[2].startswith("Reliable improvement 20% (95% CI 6% to 51%")
    assert depression.reasons[2].endswith("against 40% across your episodes")


def test_suppressed_outcomes_are_explained_and_not_used() -> None:
    outcomes = {"concern:grief": summarise(GroupCounts("concern:grief", "phq-9", 3, 0, 2))}
    [grief] = rank({"concern:grief": 4}, 20, {}, [], TODAY, outcomes, pooled_improvement=0.5)
    assert grief.components["outcome"] == 0.0
    assert "Outcomes: 3 episodes, too few to compare (at least 5 needed)" in grief.reasons


def test_ties_break_by_share_then_name_and_no_caseload_means_no_priorities() -> None:
    ranked = rank({"concern:grief": 2, "concern:anxiety": 2}, 10, {}, [], TODAY)
    assert [item.area.label for item in ranked] == ["Anxiety", "Grief"]
    assert rank({"concern:grief": 2}, 0, {}, [], TODAY) == []


def test_evidence_matches_topics_and_title_words_and_ignores_future_activities() -> None:
    area = AREAS["concern:suicidality-self-harm"]
    trainings = [
        Training(date(2025, 1, 1), 2.0, "Assessing risk", ("suicide-prevention",)),
        Training(date(2025, 2, 1), 1.5, "Self-harm in young people", ()),
        Training(date(2025, 3, 1), 4.0, "Ethics update", ("ethics",)),
        Training(date(2026, 7, 1), 3.0, "Suicide prevention", ()),
    ]
    evidence = evidence_for(area, trainings, TODAY)
    assert (evidence.hours_recent, evidence.activities_recent) == (3.5, 2)
    assert evidence.last_trained == date(2025, 2, 1)
