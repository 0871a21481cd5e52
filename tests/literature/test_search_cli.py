"""``lifelong literature search QUERY --user EMAIL``: text and JSON output, filters, errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lifelong.accounts.models import User
from lifelong.cli import app
from tests.literature.feed_helpers import make_article, save_to_reading_list

runner = CliRunner()
pytestmark = pytest.mark.django_db


@pytest.fixture
def library(owner: User) -> None:
    trial = make_article(
        "EMDR versus exposure for PTSD",
        evidence_level="randomized-trial",
        evidence_reason="publication type: Randomized Controlled Trial",
        journal="J Trauma Stress",
        published_year=2025,
        published_month=4,
        pmid="39000001",
    )
    make_article("EMDR case in a child", evidence_level="case-report", published_year=2018)
    make_article("Retracted EMDR paper", retracted=True, published_year=2024)
    save_to_reading_list(owner, trial, status="reading")


def test_it_prints_the_best_matches_with_evidence_and_reading_state(library: None) -> None:
    result = runner.invoke(
        app, ["literature", "search", "emdr ptsd", "--user", "owner@example.org"]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:6] == [
        "1-1 of 1 articles for 'emdr ptsd':",
        "",
        "1. EMDR versus exposure for PTSD",
        "   J Trauma Stress · 2025-04",
        "   Evidence: Randomised trial (publication type: Randomized Controlled Trial)",
        "   On your reading list: reading",
    ]
    assert "https://pubmed.ncbi.nlm.nih.gov/39000001/" in result.stdout


def test_retracted_articles_are_flagged(library: None) -> None:
    result = runner.invoke(
        app, ["literature", "search", "retracted", "--user", "owner@example.org"]
    )

    assert "1. [RETRACTED] Retracted EMDR paper" in result.stdout


def test_json_output_with_filters(library: None) -> None:
    result = runner.invoke(
        app,
        [
            "literature",
            "search",
            "emdr",
            "--user",
            "Owner@Example.org",
            "--json",
            "--evidence",
            "randomized-trial",
            "--evidence",
            "case-report",
            "--from",
            "2019-01-01",
            "--limit",
            "5",
        ],
    )

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["count"] == 1
    assert body["count_capped"] is False
    [item] = body["items"]
    assert item["title"] == "EMDR versus exposure for PTSD"
    assert item["evidence_level"] == "randomized-trial"
    assert item["reading_status"] == "reading"
    assert item["score"] > 0


def test_the_to_date_and_paging(library: None) -> None:
    result = runner.invoke(
        app,
        [
            "literature",
            "search",
            "emdr",
            "--user",
            "owner@example.org",
            "--json",
            "--to",
            "2024-12-31",
            "--limit",
            "1",
            "--offset",
            "1",
        ],
    )

    body = json.loads(result.stdout)
    assert body["count"] == 2
    assert body["offset"] == 1
    assert len(body["items"]) == 1


def test_nothing_found_is_not_an_error(library: None) -> None:
    result = runner.invoke(
        app, ["literature", "search", "astrology", "--user", "owner@example.org"]
    )

    assert result.exit_code == 0
    assert result.stdout == "No articles found for 'astrology'.\n"


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "AND", "🙂"])
def test_hostile_queries_do_not_fail(library: None, query: str) -> None:
    result = runner.invoke(app, ["literature", "search", query, "--user", "owner@example.org"])

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--user", "nobody@example.org"],
            "no account with the email address 'nobody@example.org'",
        ),
        (
            ["--user", "owner@example.org", "--evidence", "astrology"],
            "unknown evidence level astrology",
        ),
        (["--user", "owner@example.org", "--from", "2025-13-01"], "--from must be a date"),
        (
            ["--user", "owner@example.org", "--from", "2025-02-01", "--to", "2025-01-01"],
            "--from is after --to",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message(
    library: None, arguments: list[str], message: str
) -> None:
    result = runner.invoke(app, ["literature", "search", "emdr", *arguments])

    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
