"""Well-being over the API: instruments, results (answers in, scores out), check-ins and the
overview; every object is the caller's own (a peer's token gets 404s), bad input is a 422."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from tests.api.conftest import ApiClient

from lifelong.accounts.models import User
from lifelong.wellbeing.models import CheckIn, InstrumentResult

pytestmark = pytest.mark.django_db
NOW = "2026-03-02 20:00Z"


def proqol_answers(value: int) -> list[dict[str, int]]:
    return [{"item": number, "answer": value} for number in range(1, 31)]


def test_the_instruments_come_with_items_bands_and_credits(owner_api: ApiClient) -> None:
    response = owner_api.get("/api/wellbeing/instruments")

    assert response.status_code == 200
    instruments = {item["id"]: item for item in response.json()}
    assert set(instruments) == {"proqol-5", "cbi"}
    proqol = instruments["proqol-5"]
    assert len(proqol["items"]) == 30
    assert proqol["attribution_url"] == "https://proqol.org/"
    assert "Center for Victims of Torture" in proqol["attribution"]
    assert [band["lower"] for band in proqol["subscales"][1]["bands"]] == [10, 23, 42]


def test_taking_a_self_check_returns_its_scores(owner_api: ApiClient, owner: User) -> None:
    with time_machine.travel(NOW, tick=False):
        response = owner_api.send(
            "POST",
            "/api/wellbeing/results",
            {"instrument": "proqol-5", "answers": proqol_answers(2)},
        )

    assert response.status_code == 201
    body = response.json()
    # Every 2: compassion satisfaction 20 (low), burnout 5 x 2 + 5 x (6 - 2) = 30, STS 20.
    assert [(s["subscale"], s["score"], s["band"]) for s in body["scores"]] == [
        ("compassion-satisfaction", 20, "low"),
        ("burnout", 30, "moderate"),
        ("secondary-traumatic-stress", 20, "low"),
    ]
    assert body["taken_on"] == "2026-03-02"
    assert owner_api.get(f"/api/wellbeing/results/{body['id']}").json() == body
    listed = owner_api.get("/api/wellbeing/results?instrument=proqol-5").json()
    assert listed["count"] == 1
    assert listed["items"][0]["id"] == body["id"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"instrument": "cbi", "answers": [{"item": 1, "answer": 6}]}, "not one of the answers"),
        ({"instrument": "cbi", "answers": [{"item": 20, "answer": 1}]}, "has no item 20"),
        (
            {"instrument": "cbi", "answers": [{"item": 1, "answer": 1}, {"item": 1, "answer": 2}]},
            "item 1 twice",
        ),
        ({"instrument": "cbi", "taken_on": "2026-03-03", "answers": []}, "future"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(
    owner_api: ApiClient, payload: dict[str, Any], message: str
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = owner_api.send("POST", "/api/wellbeing/results", payload)

    assert response.status_code == 422
    assert message in str(response.json())
    assert not InstrumentResult.objects.exists()


def test_an_unknown_instrument_or_extra_field_is_a_422(owner_api: ApiClient) -> None:
    unknown = owner_api.send("POST", "/api/wellbeing/results", {"instrument": "mbi", "answers": []})
    extra = owner_api.send(
        "POST", "/api/wellbeing/results", {"instrument": "cbi", "answers": [], "client": "x"}
    )
    assert unknown.status_code == 422
    assert extra.status_code == 422


def test_check_ins_and_the_overview(owner_api: ApiClient, owner: User) -> None:
    with time_machine.travel(NOW, tick=False):
        for day, value in (("2026-02-16", 5), ("2026-02-23", 4), (None, 3)):
            body = {"energy": value, "engagement": value, "sleep": value}
            body |= {"workload": value, "connection": value}
            if day:
                body["taken_on"] = day
            response = owner_api.send("POST", "/api/wellbeing/check-ins", body)
            assert response.status_code == 201
        overview = owner_api.get("/api/wellbeing/overview").json()

    assert [c["score"] for c in owner_api.get("/api/wellbeing/check-ins").json()["items"]] == [
        100,
        75,
        50,
    ]
    assert overview["today"] == "2026-03-02"
    assert [w["kind"] for w in overview["warnings"]] == ["rising-strain"]
    parts = {part["key"]: part for part in overview["resilience"]["parts"]}
    assert parts["checkins"]["score"] == 75  # mean of 100, 75, 50
    assert parts["checkins"]["effective_weight"] == 100  # the only part with data
    assert overview["resilience"]["score"] == 75
    assert overview["resilience"]["band"] == "moderate"


def test_a_check_in_answer_outside_1_to_5_is_a_422(owner_api: ApiClient) -> None:
    body = {"energy": 6, "engagement": 3, "sleep": 3, "workload": 3, "connection": 3}
    assert owner_api.send("POST", "/api/wellbeing/check-ins", body).status_code == 422
    assert not CheckIn.objects.exists()


def test_a_peer_token_gets_404_and_an_anonymous_caller_401(
    owner: User, peer_api: ApiClient, anonymous_api: ApiClient, owner_api: ApiClient
) -> None:
    result = InstrumentResult.objects.create(
        user=owner, instrument="cbi", version="2005", taken_on=date(2026, 1, 1),
        answers={}, scores=[], attribution="x",
    )  # fmt: skip
    checkin = CheckIn.objects.create(
        user=owner, taken_on=date(2026, 1, 1), energy=1, engagement=1, sleep=1, workload=1,
        connection=1, score=0,
    )  # fmt: skip
    paths = [f"/api/wellbeing/results/{result.pk}", f"/api/wellbeing/check-ins/{checkin.pk}"]
    for path in paths:
        assert peer_api.get(path).status_code == 404
        assert peer_api.delete(path).status_code == 404
        assert anonymous_api.get(path).status_code == 401
    assert peer_api.get("/api/wellbeing/results").json()["count"] == 0
    assert peer_api.get("/api/wellbeing/check-ins").json()["count"] == 0
    assert peer_api.get("/api/wellbeing/overview").json()["latest"] == []
    for path in ("/api/wellbeing/results", "/api/wellbeing/check-ins", "/api/wellbeing/overview"):
        assert anonymous_api.get(path).status_code == 401
    assert InstrumentResult.objects.filter(pk=result.pk).exists()
    for path in paths:
        assert owner_api.delete(path).status_code == 204
    assert not InstrumentResult.objects.exists()
    assert not CheckIn.objects.exists()


def test_the_overview_runs_a_bounded_number_of_queries(
    owner_api: ApiClient, owner: User, django_assert_max_num_queries: Any
) -> None:
    def add(count: int, start: int) -> None:
        first = date(2025, 1, 1).toordinal()
        for index in range(start, start + count):
            CheckIn.objects.create(
                user=owner, taken_on=date.fromordinal(first + index),
                energy=3, engagement=3, sleep=3, workload=3, connection=3, score=50,
            )  # fmt: skip

    add(2, 0)
    with django_assert_max_num_queries(10):
        assert owner_api.get("/api/wellbeing/overview").status_code == 200
    add(100, 2)
    with django_assert_max_num_queries(10):
        assert owner_api.get("/api/wellbeing/overview").status_code == 200
