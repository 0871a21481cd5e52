"""Evidence levels from publication types and title cues; retractions flagged loudly."""

from __future__ import annotations

import pytest

from lifelong.literature.evidence import (
    LEVELS,
    Evidence,
    EvidenceLevel,
    assess_evidence,
    assess_record,
)
from lifelong.literature.formats import CommentCorrection, parse_file
from tests.literature.formats.data import BIOPYTHON, EDGE


@pytest.mark.parametrize(
    ("publication_types", "level", "reason"),
    [
        (["Practice Guideline"], "guideline", "publication type: Practice Guideline"),
        (["Guideline"], "guideline", "publication type: Guideline"),
        (
            ["Consensus Development Conference"],
            "guideline",
            "publication type: Consensus Development Conference",
        ),
        (
            ["Journal Article", "Meta-Analysis"],
            "systematic-review",
            "publication type: Meta-Analysis",
        ),
        (["Systematic Review"], "systematic-review", "publication type: Systematic Review"),
        (
            ["Randomized Controlled Trial"],
            "randomized-trial",
            "publication type: Randomized Controlled Trial",
        ),
        (["Equivalence Trial"], "randomized-trial", "publication type: Equivalence Trial"),
        (["Observational Study"], "observational", "publication type: Observational Study"),
        (
            ["Clinical Trial, Phase III"],
            "observational",
            "publication type: Clinical Trial, Phase III (randomisation not stated)",
        ),
        (["Case Reports"], "case-report", "publication type: Case Reports"),
        (["Review"], "narrative-review", "publication type: Review"),
        (["Editorial"], "editorial", "publication type: Editorial"),
        (["Comment"], "editorial", "publication type: Comment"),
        (["Letter"], "editorial", "publication type: Letter"),
    ],
)
def test_each_publication_type_gives_its_level_and_says_so(
    publication_types: list[str], level: EvidenceLevel, reason: str
) -> None:
    evidence = assess_evidence(publication_types, "A study of something")

    assert evidence.level == level
    assert evidence.reason == reason
    assert not evidence.retracted


def test_the_strongest_publication_type_wins() -> None:
    evidence = assess_evidence(
        ["Journal Article", "Review", "Meta-Analysis", "Randomized Controlled Trial"], "X"
    )

    assert evidence.level == "systematic-review"
    assert evidence.reason == "publication type: Meta-Analysis"


@pytest.mark.parametrize(
    ("title", "level", "phrase"),
    [
        (
            "Effect of EMDR on PTSD: a randomized controlled trial",
            "randomized-trial",
            "randomized controlled trial",
        ),
        (
            "Effect of EMDR on PTSD: a randomised controlled trial.",
            "randomized-trial",
            "randomised controlled trial",
        ),
        ("CBT for insomnia: a systematic review", "systematic-review", "systematic review"),
        ("Mindfulness for burnout: a meta-analysis", "systematic-review", "meta-analysis"),
        (
            "APA clinical practice guideline for the treatment of depression",
            "guideline",
            "clinical practice guideline",
        ),
        (
            "Burnout in social workers: a prospective cohort study",
            "observational",
            "prospective cohort study",
        ),
        ("Moral injury and PTSD: a case-control study", "observational", "case-control study"),
        (
            "Vicarious trauma in therapists: a cross-sectional survey",
            "observational",
            "cross-sectional survey",
        ),
        ("Ketamine-assisted therapy: a case report", "case-report", "case report"),
        ("Therapist self-care: a narrative review", "narrative-review", "narrative review"),
        ("Telehealth in rural practice: a scoping review", "narrative-review", "scoping review"),
    ],
)
def test_title_cues_name_the_design_of_records_not_yet_indexed(
    title: str, level: EvidenceLevel, phrase: str
) -> None:
    evidence = assess_evidence(["Journal Article"], title)

    assert evidence.level == level
    assert evidence.reason == f"title says '{phrase}' (not yet indexed)"


def test_a_title_cue_is_used_when_a_record_has_no_publication_type_at_all() -> None:
    evidence = assess_evidence([], "Exercise for depression: a randomized controlled trial")

    assert evidence.level == "randomized-trial"
    assert evidence.reason == "title says 'randomized controlled trial' (not yet indexed)"


def test_a_stronger_title_cue_upgrades_a_review_and_names_the_types() -> None:
    evidence = assess_evidence(
        ["Journal Article", "Review"], "CBT for insomnia: a systematic review and meta-analysis"
    )

    assert evidence.level == "systematic-review"
    assert evidence.reason == (
        "title says 'systematic review' (publication types: Journal Article; Review)"
    )


def test_a_weaker_title_cue_never_downgrades_an_indexed_design() -> None:
    evidence = assess_evidence(
        ["Randomized Controlled Trial"], "Therapy for PTSD: a case report of the trial"
    )

    assert evidence.level == "randomized-trial"
    assert evidence.reason == "publication type: Randomized Controlled Trial"


def test_the_subtitle_declares_the_design() -> None:
    evidence = assess_evidence(
        ["Journal Article"], "Adherence to clinical practice guidelines: a cross-sectional study"
    )

    assert evidence.level == "observational"
    assert "cross-sectional study" in evidence.reason


def test_a_comment_on_a_trial_is_a_comment() -> None:
    evidence = assess_evidence(
        ["Comment", "Journal Article"],
        'Comment on "Effect of X on Y: a randomized controlled trial"',
    )

    assert evidence.level == "editorial"
    assert evidence.reason == "publication type: Comment"


def test_quoted_titles_are_not_read_as_the_records_design() -> None:
    evidence = assess_evidence(
        ["Journal Article"], 'Reply to "Mindfulness for burnout: a meta-analysis"'
    )

    assert evidence.level == "editorial"


@pytest.mark.parametrize(
    "title",
    [
        "Effect of yoga on anxiety: protocol for a randomized controlled trial",
        "Peer support for clinicians: a systematic review protocol",
        "EMDR for complex PTSD: study protocol for a multicentre randomised trial",
    ],
)
def test_protocols_are_not_results(title: str) -> None:
    evidence = assess_evidence(["Journal Article"], title)

    assert evidence.level == "other"
    assert evidence.reason == "title says 'protocol' (no results yet)"


def test_a_secondary_analysis_of_a_trial_is_not_a_trial() -> None:
    evidence = assess_evidence(
        ["Journal Article"], "Sleep and mood: secondary analysis of a randomized clinical trial"
    )

    assert evidence.level == "observational"


def test_a_non_randomised_trial_is_not_a_randomised_one() -> None:
    evidence = assess_evidence(["Journal Article"], "A non-randomized controlled trial of X")

    assert evidence.level == "observational"


def test_a_case_report_with_a_literature_review_is_a_case_report() -> None:
    evidence = assess_evidence(
        ["Journal Article"], "Catatonia after trauma: a case report and systematic review"
    )

    assert evidence.level == "case-report"


@pytest.mark.parametrize(
    ("publication_types", "title", "reason"),
    [
        (
            ["Retraction of Publication"],
            "Retraction: Effect of X: a randomized trial",
            "publication type: Retraction of Publication (a retraction notice)",
        ),
        (
            ["Published Erratum"],
            "Erratum: a meta-analysis of Y",
            "publication type: Published Erratum (a correction notice)",
        ),
        (
            ["Journal Article"],
            "Correction to: a meta-analysis of Y",
            "title says 'Correction to' (a notice)",
        ),
        (
            ["Clinical Trial Protocol"],
            "Yoga for anxiety",
            "publication type: Clinical Trial Protocol (a protocol, no results yet)",
        ),
    ],
)
def test_notices_are_other_whatever_their_title_quotes(
    publication_types: list[str], title: str, reason: str
) -> None:
    evidence = assess_evidence(publication_types, title)

    assert evidence.level == "other"
    assert evidence.reason == reason


def test_without_types_or_cues_the_level_is_other_with_a_reason() -> None:
    no_types = assess_evidence([], "Thoughts on practice")
    generic = assess_evidence(
        ["Journal Article", "Research Support, N.I.H., Extramural"], "Thoughts on practice"
    )

    assert (no_types.level, no_types.reason) == (
        "other",
        "no publication type and no design named in the title",
    )
    assert generic.level == "other"
    assert generic.reason == (
        "publication types: Journal Article; Research Support, N.I.H., Extramural "
        "(no study design indexed)"
    )


def test_a_retracted_publication_is_flagged_and_never_strong() -> None:
    evidence = assess_evidence(["Randomized Controlled Trial", "Retracted Publication"], "X")

    assert evidence.retracted
    assert evidence.retraction_reason == "publication type: Retracted Publication"
    assert evidence.level == "randomized-trial"  # what it claimed, for information
    assert not evidence.is_strong
    assert evidence.strength == 0.0
    assert evidence.rank > max(
        Evidence(level, "").rank for level in LEVELS
    )  # below every unretracted level
    assert evidence.badge == "Retracted (Randomised trial)"


def test_a_retraction_link_flags_the_record() -> None:
    evidence = assess_evidence(
        ["Meta-Analysis"],
        "X",
        comments_corrections=[CommentCorrection("RetractionIn", "91000009", "J. 2020")],
    )

    assert evidence.retracted
    assert evidence.retraction_reason == "a retraction notice is linked (PMID 91000009)"
    assert evidence.strength == 0.0


def test_an_erratum_link_is_not_a_retraction() -> None:
    evidence = assess_evidence(
        ["Meta-Analysis"], "X", comments_corrections=[CommentCorrection("ErratumIn")]
    )

    assert not evidence.retracted
    assert evidence.is_strong


@pytest.mark.parametrize("title", ["RETRACTED: Effect of X", "[Retracted] Effect of X"])
def test_a_title_marked_retracted_flags_the_record(title: str) -> None:
    evidence = assess_evidence(["Journal Article"], title)

    assert evidence.retracted
    assert evidence.retraction_reason is not None
    assert "title says" in evidence.retraction_reason


def test_strength_orders_the_levels_and_only_three_are_strong() -> None:
    strengths = [Evidence(level, "").strength for level in LEVELS]

    assert strengths == sorted(strengths, reverse=True)
    assert [level for level in LEVELS if Evidence(level, "").is_strong] == [
        "guideline",
        "systematic-review",
        "randomized-trial",
    ]


def test_real_records_are_assessed_from_their_indexing() -> None:
    observational = parse_file(BIOPYTHON / "pubmed4.xml").records[0]
    review = parse_file(BIOPYTHON / "pubmed1.xml").records[0]
    retracted = parse_file(EDGE / "update_file.xml").records[0]

    assert assess_record(observational).level == "observational"
    assert assess_record(review).level == "narrative-review"
    assessed = assess_record(retracted)
    assert assessed.retracted
    assert assessed.level == "randomized-trial"
    assert "not yet indexed" in assessed.reason
