"""Instrument scoring against hand-worked examples from the published scoring rules, and
properties that hold for every possible answer set."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifelong.wellbeing.instruments import (
    AnswerError,
    InstrumentError,
    all_instruments,
    get_instrument,
    load_instrument,
    score_answers,
)
from lifelong.wellbeing.instruments.schema import InstrumentDefinition

PROQOL = get_instrument("proqol-5")
CBI = get_instrument("cbi")
assert PROQOL is not None
assert CBI is not None


def test_both_instruments_ship_with_their_credits() -> None:
    assert set(all_instruments()) == {"proqol-5", "cbi"}
    assert "Center for Victims of Torture" in PROQOL.attribution
    assert "www.ProQOL.org" in PROQOL.attribution
    assert str(PROQOL.attribution_url) == "https://proqol.org/"
    assert "not sold" in PROQOL.licence
    assert "Kristensen" in CBI.attribution
    assert PROQOL.recall_period == "the last 30 days"
    assert PROQOL.remind_every_days == 30
    assert CBI.remind_every_days == 90


def test_proqol_has_30_items_in_three_subscales_with_the_published_reversals() -> None:
    assert len(PROQOL.items) == 30
    members = {sub.id: [i.number for i in PROQOL.items_of(sub.id)] for sub in PROQOL.subscales}
    assert members == {
        "compassion-satisfaction": [3, 6, 12, 16, 18, 20, 22, 24, 27, 30],
        "burnout": [1, 4, 8, 10, 15, 17, 19, 21, 26, 29],
        "secondary-traumatic-stress": [2, 5, 7, 9, 11, 13, 14, 23, 25, 28],
    }
    assert [item.number for item in PROQOL.items if item.reverse] == [1, 4, 15, 17, 29]
    assert PROQOL.items[0].text == "I am happy."
    assert PROQOL.items[29].text == "I am happy that I chose to do this work."


def test_cbi_has_19_items_with_item_13_reversed() -> None:
    assert len(CBI.items) == 19
    counts = {sub.id: len(CBI.items_of(sub.id)) for sub in CBI.subscales}
    assert counts == {"personal": 6, "work": 7, "client": 6}
    assert [item.number for item in CBI.items if item.reverse] == [13]
    assert "energy for family and friends" in CBI.items[12].text


def test_proqol_hand_worked_example() -> None:
    answers = {
        # compassion satisfaction: 5+4+5+4+4+5+5+4+4+5 = 45 -> high
        3: 5, 6: 4, 12: 5, 16: 4, 18: 4, 20: 5, 22: 5, 24: 4, 27: 4, 30: 5,
        # burnout: reversed 1,4,15,17,29 (6 - answer): 4+4+5+4+3, plus 3+4+5+5+4 = 41
        1: 2, 4: 2, 8: 3, 10: 4, 15: 1, 17: 2, 19: 5, 21: 5, 26: 4, 29: 3,
        # secondary traumatic stress: ten 2s = 20 -> low
        2: 2, 5: 2, 7: 2, 9: 2, 11: 2, 13: 2, 14: 2, 23: 2, 25: 2, 28: 2,
    }  # fmt: skip
    scores = score_answers(PROQOL, answers).by_id()

    assert (scores["compassion-satisfaction"].score, scores["compassion-satisfaction"].band) == (
        45,
        "high",
    )
    assert (scores["burnout"].score, scores["burnout"].band) == (41, "moderate")
    assert (
        scores["secondary-traumatic-stress"].score,
        scores["secondary-traumatic-stress"].band,
    ) == (
        20,
        "low",
    )


@pytest.mark.parametrize(
    ("total", "band"), [(22, "low"), (23, "moderate"), (41, "moderate"), (42, "high")]
)
def test_proqol_cut_scores_on_the_raw_sum(total: int, band: str) -> None:
    # Secondary traumatic stress answered so that its ten items sum to ``total``.
    items = [i.number for i in PROQOL.items_of("secondary-traumatic-stress")]
    values = [total // 10] * 10
    for index in range(total % 10):
        values[index] += 1
    answers = dict(zip(items, values, strict=True))

    score = score_answers(PROQOL, answers).by_id()["secondary-traumatic-stress"]

    assert (score.score, score.band) == (total, band)


def test_proqol_with_a_missing_answer_leaves_that_subscale_unscored() -> None:
    answers = {item.number: 3 for item in PROQOL.items if item.number != 19}

    scores = score_answers(PROQOL, answers).by_id()

    assert scores["burnout"].score is None
    assert scores["burnout"].band is None
    assert "9 of 10" in scores["burnout"].note
    assert scores["compassion-satisfaction"].score == 30


def test_cbi_hand_worked_example() -> None:
    answers = {
        # personal: 100, 75, 50, 25, 75, 50 -> 375 / 6 = 62.5 -> high
        1: 1, 2: 2, 3: 3, 4: 4, 5: 2, 6: 3,
        # work: 75, 50, 25, 75, 25, 0, and item 13 "Always" (100) reversed to 0 -> 250 / 7
        7: 2, 8: 3, 9: 4, 10: 2, 11: 4, 12: 5, 13: 1,
        # client: only three answered (100, 50, 0) -> the minimum of 3 -> mean 50 -> high
        14: 1, 15: 3, 16: 5,
    }  # fmt: skip
    scores = score_answers(CBI, answers).by_id()

    assert (scores["personal"].score, scores["personal"].band) == (62.5, "high")
    assert (scores["work"].score, scores["work"].band) == (35.7, "low")
    assert (scores["client"].score, scores["client"].band) == (50, "high")
    assert scores["client"].answered == 3


def test_cbi_non_responders_below_the_published_minimums() -> None:
    answers = {1: 1, 2: 1, 7: 1, 8: 1, 9: 1, 14: 1, 15: 1}  # 2 personal, 3 work, 2 client

    scores = score_answers(CBI, answers).by_id()

    assert all(score.score is None for score in scores.values())
    assert "4 needed" in scores["work"].note


def test_an_answer_outside_the_scale_is_an_error() -> None:
    with pytest.raises(AnswerError, match="item 1"):
        score_answers(PROQOL, {1: 6})
    with pytest.raises(AnswerError, match="no item 31"):
        score_answers(PROQOL, {31: 3})


def _answer_sets(definition: InstrumentDefinition) -> st.SearchStrategy[dict[int, int]]:
    return st.fixed_dictionaries(
        {},
        optional={
            item.number: st.sampled_from(
                [option.value for option in definition.scale(item.scale).options]
            )
            for item in definition.items
        },
    )


@given(answers=_answer_sets(PROQOL) | _answer_sets(CBI), use_proqol=st.booleans())
def test_every_possible_answer_set_scores_inside_the_range(
    answers: dict[int, int], use_proqol: bool
) -> None:
    definition = PROQOL if use_proqol else CBI
    answers = {
        number: value for number, value in answers.items() if number <= len(definition.items)
    }
    for score in score_answers(definition, answers).subscales:
        subscale = definition.subscale(score.subscale_id)
        if score.answered < subscale.min_answered:
            assert score.score is None
            assert score.band is None
            continue
        assert score.score is not None
        assert score.minimum <= score.score <= score.maximum
        assert score.band in {band.id for band in subscale.bands}


def test_a_broken_instrument_file_names_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(
        """
id = "broken"
version = "1"
name = "Broken"
short_name = "B"
recall_period = "the last week"
instructions = "Answer."
minutes = 1
remind_every_days = 7
licence = "ours"
attribution = "us"
sources = [{ citation = "none" }]

[[scales]]
id = "yes-no"
options = [{ value = 1, label = "No", score = 0 }, { value = 2, label = "Yes", score = 1 }]

[[subscales]]
id = "all"
name = "All"
method = "sum"
min_answered = 3
higher_is = "worse"
bands = [{ id = "low", label = "Low", lower = 1 }]
bands_source = "none"

[[items]]
number = 1
text = "Q1"
scale = "yes-no"
subscale = "all"

[[items]]
number = 3
text = "Q3"
scale = "maybe"
subscale = "all"
""",
        encoding="utf-8",
    )
    with pytest.raises(InstrumentError) as error:
        load_instrument(path)

    message = str(error.value)
    assert "numbered 1, 2, 3" in message
    assert "unknown scale 'maybe'" in message
    assert "min_answered is more than" in message
