"""/api/rulesets: the catalog and the caller's own rule sets, and one rule set in full."""

from __future__ import annotations

from tests.api.conftest import ApiClient, make_own_ruleset

from lifelong.accounts.models import User
from lifelong.rules.loader import load_catalog


def test_the_list_has_the_catalog(owner_api: ApiClient) -> None:
    body = owner_api.get("/api/rulesets").json()

    assert [item["id"] for item in body] == sorted(load_catalog())
    lmft = next(item for item in body if item["id"] == "us-ca-lmft")
    assert lmft["title"] == "California LMFT"
    assert lmft["jurisdiction"] == "US-CA"
    assert lmft["board"].startswith("California Board of Behavioral Sciences")
    assert lmft["verified_on"] == "2026-11-27"
    assert lmft["source"] == "catalog"
    # The rule set's own uncertain facts, and those of its requirements by title.
    assert lmft["uncertain"][: len(load_catalog()["us-ca-lmft"].uncertain)] == list(
        load_catalog()["us-ca-lmft"].uncertain
    )
    assert any(fact.startswith("Telehealth (once): ") for fact in lmft["uncertain"])


def test_the_list_adds_the_callers_own_rule_sets(owner: User, owner_api: ApiClient) -> None:
    make_own_ruleset(owner, "my-tx-lpc")

    body = owner_api.get("/api/rulesets").json()

    mine = next(item for item in body if item["id"] == "my-tx-lpc")
    assert mine["source"] == "own"
    assert len(body) == len(load_catalog()) + 1


def test_an_own_rule_set_replaces_the_catalog_entry_with_its_id(
    owner: User, owner_api: ApiClient
) -> None:
    document = make_own_ruleset(owner, "us-tx-lpc")
    document.text = document.text.replace('title = "Texas LPC"', 'title = "Texas LPC (edited)"')
    document.save()

    listed = next(
        item for item in owner_api.get("/api/rulesets").json() if item["id"] == "us-tx-lpc"
    )
    full = owner_api.get("/api/rulesets/us-tx-lpc").json()

    assert listed["source"] == "own"
    assert listed["title"] == full["title"] == "Texas LPC (edited)"


def test_it_gives_a_rule_set_in_full(owner_api: ApiClient) -> None:
    response = owner_api.get("/api/rulesets/us-tx-lpc")

    assert response.status_code == 200
    assert response.json() == load_catalog()["us-tx-lpc"].model_dump(mode="json")


def test_it_gives_the_callers_own_rule_set(owner: User, owner_api: ApiClient) -> None:
    make_own_ruleset(owner, "my-tx-lpc")

    body = owner_api.get("/api/rulesets/my-tx-lpc").json()

    assert body["id"] == "my-tx-lpc"
    assert body["total_hours"] == 24


def test_an_unknown_rule_set_is_404(owner_api: ApiClient) -> None:
    response = owner_api.get("/api/rulesets/us-xx-nothing")

    assert response.status_code == 404
    assert "unknown rule set 'us-xx-nothing'" in response.json()["detail"]
