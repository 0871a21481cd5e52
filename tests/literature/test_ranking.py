"""The pure ranking of new articles: relevance to interests, evidence, recency, and the reason
shown for each item. No database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lifelong.literature.ranking import (
    EVIDENCE_TIERS,
    Candidate,
    InterestQuery,
    MeshDescriptor,
    RankedItem,
    age_text,
    evidence_short_label,
    evidence_tier,
    rank,
    split_terms,
    tokenize,
)

TODAY = date(2026, 11, 27)
PTSD = InterestQuery.from_text(
    1, "PTSD", "PTSD, posttraumatic stress disorder", ["Stress Disorders, Post-Traumatic"]
)
EMDR = InterestQuery.from_text(2, "EMDR", "EMDR, eye movement desensitization")
INSOMNIA = InterestQuery.from_text(3, "Insomnia", "insomnia, sleep problems")


def candidate(id: int, title: str, **fields: object) -> Candidate:
    values: dict[str, object] = {"first_seen": TODAY, "evidence_level": "other"}
    values.update(fields)
    return Candidate(id, title, **values)  # type: ignore[arg-type]


def by_id(items: list[RankedItem]) -> dict[int, RankedItem]:
    return {item.id: item for item in items}


def order(items: list[RankedItem]) -> list[int]:
    return [item.id for item in items]


# -- reasons -------------------------------------------------------------------------------


def test_the_reason_names_the_interests_the_evidence_and_the_age() -> None:
    meta = candidate(
        1,
        "EMDR versus prolonged exposure for PTSD: a meta-analysis",
        abstract="Eye movement desensitization reduced posttraumatic stress disorder symptoms.",
        mesh=(MeshDescriptor("Stress Disorders, Post-Traumatic", major=True),),
        evidence_level="systematic-review",
        evidence_reason="publication type: Meta-Analysis",
        first_seen=TODAY - timedelta(days=22),
    )

    [item] = rank([meta], [PTSD, EMDR], TODAY)

    assert item.reason == "matches PTSD, EMDR · meta-analysis · 3 weeks old"
    assert item.matched_labels == ("PTSD", "EMDR")


def test_each_match_says_which_terms_were_found_where() -> None:
    article = candidate(
        1,
        "Treating PTSD in veterans",
        abstract="Posttraumatic stress disorder is common after deployment.",
        mesh=(MeshDescriptor("Stress Disorders, Post-Traumatic", major=True),),
    )

    [item] = rank([article], [PTSD], TODAY)

    [match] = item.matches
    assert match.terms == ("PTSD", "posttraumatic stress disorder")
    assert match.fields == ("title", "abstract")
    assert match.mesh == ("Stress Disorders, Post-Traumatic",)
    assert match.mesh_major is True
    assert match.describe() == (
        "PTSD: “PTSD”, “posttraumatic stress disorder” in title, abstract; "
        "MeSH Stress Disorders, Post-Traumatic (major topic)"
    )


def test_interests_are_listed_strongest_first() -> None:
    article = candidate(
        1, "Insomnia in PTSD", abstract="Insomnia, insomnia and sleep problems, insomnia."
    )

    [item] = rank([article], [PTSD, INSOMNIA], TODAY)

    assert item.matched_labels == ("Insomnia", "PTSD")


def test_an_unclassified_article_has_no_evidence_part_in_its_reason() -> None:
    [item] = rank([candidate(1, "PTSD in nurses", first_seen=TODAY)], [PTSD], TODAY)

    assert item.reason == "matches PTSD · today"
    assert item.evidence_label == ""


def test_items_from_own_sources_that_match_nothing_say_so() -> None:
    article = candidate(1, "Knee surgery outcomes", evidence_level="randomized-trial")

    [item] = rank([article], [PTSD], TODAY)

    assert item.reason == "from your sources, no interest matched · randomised trial · today"
    assert item.matches == ()


def test_without_interests_every_item_is_from_your_sources() -> None:
    [item] = rank([candidate(1, "Anything", first_seen=TODAY - timedelta(days=3))], [], TODAY)

    assert item.reason == "from your sources · 3 days old"


def test_a_retracted_article_says_so_first() -> None:
    article = candidate(1, "PTSD and EMDR", retracted=True, evidence_level="randomized-trial")

    [item] = rank([article], [PTSD], TODAY)

    assert item.reason.startswith("RETRACTED · matches PTSD")
    assert item.retracted is True


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "today"),
        (1, "1 day old"),
        (13, "13 days old"),
        (14, "2 weeks old"),
        (22, "3 weeks old"),
        (60, "8 weeks old"),
        (61, "2 months old"),
        (400, "13 months old"),
        (800, "2 years old"),
    ],
)
def test_ages_read_naturally(days: int, text: str) -> None:
    assert age_text(days) == text


@pytest.mark.parametrize(
    ("level", "reason", "label"),
    [
        ("systematic-review", "publication type: Meta-Analysis", "meta-analysis"),
        (
            "systematic-review",
            "publication types: Systematic Review, Meta-Analysis",
            "systematic review",
        ),
        ("randomized-trial", "title says 'randomized' (not yet indexed)", "randomised trial"),
        ("guideline", "", "guideline"),
        ("editorial", "", "editorial or comment"),
        ("other", "", ""),
        ("", "", ""),
        ("made-up", "", ""),
    ],
)
def test_the_evidence_part_prefers_the_deciding_publication_type(
    level: str, reason: str, label: str
) -> None:
    assert evidence_short_label(level, reason) == label


# -- relevance -----------------------------------------------------------------------------


def test_phrases_match_only_with_their_words_in_order() -> None:
    in_order = candidate(1, "Sleep problems in children")
    scattered = candidate(2, "Problems of sleep in children")

    ranked = by_id(
        rank([in_order, scattered], [InterestQuery(9, "Sleep", ("sleep problems",))], TODAY)
    )

    assert ranked[1].matched_labels == ("Sleep",)
    assert ranked[2].matches == ()


def test_word_forms_and_case_and_accents_are_folded() -> None:
    article = candidate(1, "Depressive symptoms after naïve TRAUMATIC exposure")

    [item] = rank(
        [article], [InterestQuery(1, "Depression", ("depression", "naive traumatic"))], TODAY
    )

    assert item.matches[0].terms == ("depression", "naive traumatic")


def test_an_interest_without_terms_searches_for_its_label() -> None:
    [item] = rank([candidate(1, "Grief after suicide loss")], [InterestQuery(1, "Grief")], TODAY)

    assert item.matched_labels == ("Grief",)


def test_stop_word_only_terms_match_nothing() -> None:
    [item] = rank([candidate(1, "The end")], [InterestQuery(1, "Odd", ("the", "of the"))], TODAY)

    assert item.matches == ()


def test_a_title_match_beats_an_abstract_match() -> None:
    title = candidate(1, "Insomnia in adolescents", abstract="We studied teenagers.")
    abstract = candidate(2, "Adolescent health", abstract="Insomnia was measured at baseline.")

    assert order(rank([abstract, title], [INSOMNIA], TODAY)) == [1, 2]


def test_two_matching_interests_beat_one() -> None:
    both = candidate(1, "EMDR for PTSD")
    one = candidate(2, "PTSD in refugees")

    assert order(rank([one, both], [PTSD, EMDR], TODAY)) == [1, 2]


def test_a_heavier_interest_counts_more() -> None:
    ptsd_article = candidate(1, "PTSD in refugees")
    sleep_article = candidate(2, "Insomnia in refugees")
    heavy_sleep = InterestQuery.from_text(3, "Insomnia", "insomnia", weight=3.0)

    assert order(rank([ptsd_article, sleep_article], [PTSD, heavy_sleep], TODAY)) == [2, 1]
    assert order(rank([ptsd_article, sleep_article], [PTSD, INSOMNIA], TODAY)) in ([1, 2], [2, 1])


def test_a_zero_weight_interest_contributes_nothing() -> None:
    muted = InterestQuery.from_text(3, "Insomnia", "insomnia", weight=0)

    [item] = rank([candidate(1, "Insomnia")], [muted], TODAY)

    assert item.matches == ()


def test_mesh_interests_match_descriptors_exactly_with_a_boost() -> None:
    tagged = candidate(
        1, "Veterans' outcomes", mesh=(MeshDescriptor("Stress Disorders, Post-Traumatic"),)
    )
    near_miss = candidate(
        2, "Veterans' outcomes", mesh=(MeshDescriptor("Stress Disorders, Traumatic, Acute"),)
    )
    mesh_only = InterestQuery(1, "PTSD", (), ("stress disorders, post-traumatic",))

    ranked = by_id(rank([tagged, near_miss], [mesh_only], TODAY))

    assert ranked[1].matches[0].mesh == ("stress disorders, post-traumatic",)
    assert ranked[1].matches[0].mesh_major is False
    assert ranked[2].matches == ()


def test_a_major_mesh_topic_counts_more_than_a_minor_one() -> None:
    major = candidate(1, "A", mesh=(MeshDescriptor("Anxiety", major=True),))
    minor = candidate(2, "B", mesh=(MeshDescriptor("Anxiety"),))
    anxiety = InterestQuery(1, "Anxiety", (), ("Anxiety",))

    assert order(rank([minor, major], [anxiety], TODAY)) == [1, 2]


def test_terms_also_match_the_text_of_mesh_descriptors() -> None:
    article = candidate(
        1, "Outcomes", mesh=(MeshDescriptor("Sleep Initiation and Maintenance Disorders"),)
    )

    [item] = rank([article], [InterestQuery(1, "Sleep", ("sleep",))], TODAY)

    assert item.matches[0].fields == ("mesh",)


def test_library_items_that_match_no_interest_are_left_out() -> None:
    mine = candidate(1, "Knee surgery", from_own_source=True)
    library = candidate(2, "Hip surgery", from_own_source=False)
    relevant_library = candidate(3, "PTSD after surgery", from_own_source=False)

    assert sorted(order(rank([mine, library, relevant_library], [PTSD], TODAY))) == [1, 3]


# -- evidence and retraction ---------------------------------------------------------------


def test_evidence_orders_equally_relevant_articles_of_the_same_age() -> None:
    levels = [
        "editorial",
        "narrative-review",
        "case-report",
        "observational",
        "randomized-trial",
        "systematic-review",
    ]
    articles = [
        candidate(number, "PTSD treatment outcomes", evidence_level=level)
        for number, level in enumerate(levels, start=1)
    ]

    ranked = rank(articles, [PTSD], TODAY)

    assert [item.id for item in ranked] == [6, 5, 4, 3, 2, 1]


def test_guidelines_and_systematic_reviews_share_the_top_tier() -> None:
    assert evidence_tier("guideline").rank == evidence_tier("systematic-review").rank == 1
    ranks = [tier.rank for tier in EVIDENCE_TIERS.values()]
    assert min(ranks) == 1
    assert evidence_tier("randomized-trial").factor > evidence_tier("observational").factor
    assert evidence_tier("observational").factor > evidence_tier("case-report").factor
    assert evidence_tier("case-report").factor > evidence_tier("narrative-review").factor
    assert evidence_tier("unknown-level") is EVIDENCE_TIERS["other"]


def test_a_retracted_guideline_sinks_below_a_fresh_case_report() -> None:
    retracted = candidate(1, "PTSD guideline", evidence_level="guideline", retracted=True)
    case = candidate(2, "PTSD case", evidence_level="case-report")

    ranked = rank([retracted, case], [PTSD], TODAY)

    assert order(ranked) == [2, 1]
    assert ranked[1].evidence_factor < 0.1


# -- recency -------------------------------------------------------------------------------


def test_newer_articles_rank_higher_with_a_four_week_half_life() -> None:
    new = candidate(1, "PTSD", first_seen=TODAY)
    month_old = candidate(2, "PTSD", first_seen=TODAY - timedelta(days=28))

    ranked = by_id(rank([month_old, new], [PTSD], TODAY))

    assert order(rank([month_old, new], [PTSD], TODAY)) == [1, 2]
    assert ranked[1].recency_factor == 1.0
    assert ranked[2].recency_factor == pytest.approx(0.5)


def test_age_counts_from_publication_when_it_came_before_the_article_reached_you() -> None:
    old_paper = candidate(
        1, "PTSD", published_until=date(2024, 12, 31), first_seen=TODAY - timedelta(days=2)
    )
    ahead_of_print = candidate(
        2, "PTSD", published_until=date(2027, 3, 31), first_seen=TODAY - timedelta(days=2)
    )

    ranked = by_id(rank([old_paper, ahead_of_print], [PTSD], TODAY))

    assert ranked[1].age_days == (TODAY - date(2024, 12, 31)).days
    assert ranked[1].reason.endswith("· 23 months old")
    assert ranked[2].age_days == 2


def test_a_much_stronger_older_study_can_still_beat_a_fresh_editorial() -> None:
    review = candidate(
        1,
        "EMDR for PTSD",
        evidence_level="systematic-review",
        first_seen=TODAY - timedelta(days=14),
    )
    editorial = candidate(2, "EMDR for PTSD", evidence_level="editorial", first_seen=TODAY)

    assert order(rank([editorial, review], [PTSD, EMDR], TODAY)) == [1, 2]


def test_ties_go_to_the_newer_then_the_later_added_article() -> None:
    first = candidate(1, "PTSD", first_seen=TODAY)
    second = candidate(2, "PTSD", first_seen=TODAY)

    assert order(rank([first, second], [PTSD], TODAY)) == [2, 1]


def test_no_candidates_rank_to_nothing() -> None:
    assert rank([], [PTSD], TODAY) == []


# -- text helpers --------------------------------------------------------------------------


def test_terms_are_separated_by_commas_semicolons_or_new_lines() -> None:
    assert split_terms("PTSD, post-traumatic stress;\nEMDR ,, ") == [
        "PTSD",
        "post-traumatic stress",
        "EMDR",
    ]


def test_tokens_are_stems_of_folded_words() -> None:
    assert tokenize("Post-traumatic STRESS, naïve therapies") == [
        "post",
        "traumat",
        "stress",
        "naiv",
        "therapi",
    ]
