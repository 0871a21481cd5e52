"""The weekly research digest: content, exactly once per user and ISO week, unsubscribe, the
page in the app and the worker's task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import EmailKind, EmailPreferences, User, read_unsubscribe_token
from lifelong.literature import digest as digests
from lifelong.literature.digest import (
    build_digest,
    iso_week,
    send_digest,
    send_weekly_digests,
    send_weekly_digests_task,
)
from lifelong.literature.models import DigestDelivery
from tests.literature.feed_helpers import bring, make_article, make_interest, make_source

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # a Monday (also in Los Angeles), week 48
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _memory_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def reader(owner: User) -> User:
    """The owner, with an interest and two new articles from a source, one retracted."""
    make_interest(owner, "PTSD", "PTSD, posttraumatic stress")
    source = make_source(owner)
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        bring(
            source,
            make_article(
                "EMDR for PTSD: a meta-analysis",
                title_html="EMDR for <i>PTSD</i>: a meta-analysis",
                evidence_level="systematic-review",
                evidence_reason="publication type: Meta-Analysis",
            ),
        )
        bring(source, make_article("PTSD data that was retracted", retracted=True))
    with time_machine.travel(NOW - timedelta(days=12), tick=False):
        bring(source, make_article("PTSD article of last week"))
    return owner


def test_iso_weeks_are_named_like_2026_w48() -> None:
    assert iso_week(NOW.date()) == "2026-W48"
    assert iso_week(datetime(2027, 1, 1).date()) == "2026-W53"


def test_the_digest_holds_this_weeks_best_items_without_retracted_ones(reader: User) -> None:
    built = build_digest(reader, now=NOW)

    assert [item.article.title for item in built.items] == ["EMDR for PTSD: a meta-analysis"]
    assert built.iso_week == "2026-W48"
    assert built.items[0].ranked.reason == "matches PTSD · meta-analysis · 2 days old"


def test_the_email_has_text_html_the_reasons_and_a_working_unsubscribe(reader: User) -> None:
    assert send_digest(reader, now=NOW) == "sent"

    [message] = mail.outbox
    assert message.to == ["owner@example.org"]
    assert message.subject == "[Lifelong] Your research digest: 1 new article"
    assert "EMDR for PTSD: a meta-analysis" in message.body
    assert "Evidence: Systematic review (publication type: Meta-Analysis)" in message.body
    assert "Why: matches PTSD · meta-analysis · 2 days old" in message.body
    html, mime = message.alternatives[0]  # type: ignore[attr-defined]
    assert mime == "text/html"
    assert "EMDR for <i>PTSD</i>: a meta-analysis" in html
    assert "retracted" not in message.body.lower()
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body
    token = unsubscribe.rstrip("/").rsplit("/", 1)[-1]
    assert read_unsubscribe_token(token) == (reader, EmailKind.LITERATURE_DIGEST)


def test_the_unsubscribe_link_turns_the_digest_off(reader: User, client: Client) -> None:
    send_digest(reader, now=NOW)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = "/" + link.split("/", 3)[3]

    response = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    preferences = EmailPreferences.objects.get(user=reader)
    assert preferences.literature_digest is False
    assert preferences.reminder_emails is True
    reader = User.objects.get(pk=reader.pk)
    with time_machine.travel(NOW + timedelta(weeks=1), tick=False):
        bring(make_source(reader, "New"), make_article("PTSD next week"))
        assert send_digest(reader, now=NOW + timedelta(weeks=1)) == "unsubscribed"
    assert len(mail.outbox) == 1


def test_a_week_is_sent_once_however_often_it_runs(reader: User) -> None:
    assert send_digest(reader, now=NOW) == "sent"
    assert send_digest(reader, now=NOW + timedelta(hours=3)) == "already-sent"
    assert send_digest(reader, now=NOW + timedelta(days=6)) == "already-sent"

    assert len(mail.outbox) == 1
    delivery = DigestDelivery.objects.get(owner=reader)
    assert (delivery.iso_week, delivery.article_count) == ("2026-W48", 1)


def test_a_second_worker_that_lost_the_race_sends_nothing(
    reader: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both workers saw no delivery; the first claims the week; the second's insert fails."""
    real_filter = DigestDelivery.objects.filter
    calls = {"n": 0}

    def racing_filter(*args: Any, **kwargs: Any) -> Any:
        query = real_filter(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 1:  # the second worker's check ran before the first one's claim
            DigestDelivery.objects.create(owner=reader, iso_week="2026-W48", article_count=1)
            return real_filter(pk=-1)
        return query

    monkeypatch.setattr(DigestDelivery.objects, "filter", racing_filter)

    assert send_digest(reader, now=NOW) == "already-sent"
    assert mail.outbox == []
    assert DigestDelivery.objects.count() == 1


def test_a_failed_send_releases_the_week_for_the_next_run(
    reader: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_send(self: Any, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    assert send_digest(reader, now=NOW) == "failed"
    assert not DigestDelivery.objects.exists()

    monkeypatch.undo()
    assert send_digest(reader, now=NOW) == "sent"
    assert len(mail.outbox) == 1


def test_the_next_week_gets_its_own_digest(reader: User) -> None:
    send_digest(reader, now=NOW)
    later = NOW + timedelta(weeks=1)
    with time_machine.travel(later - timedelta(days=1), tick=False):
        bring(make_source(reader, "More"), make_article("PTSD in week 49"))

    assert send_digest(reader, now=later) == "sent"

    assert sorted(DigestDelivery.objects.values_list("iso_week", flat=True)) == [
        "2026-W48",
        "2026-W49",
    ]
    assert "PTSD in week 49" in mail.outbox[1].body
    assert "EMDR for PTSD" not in mail.outbox[1].body


def test_a_week_with_nothing_new_sends_and_claims_nothing(owner: User) -> None:
    make_interest(owner, "PTSD")

    assert send_digest(owner, now=NOW) == "empty"
    assert mail.outbox == []
    assert not DigestDelivery.objects.exists()


def test_inactive_users_get_no_digest(reader: User) -> None:
    reader.is_active = False
    reader.save()

    assert send_digest(reader, now=NOW) == "unsubscribed"


def test_the_weekly_run_sends_each_reader_once(reader: User, peer: User, outsider: User) -> None:
    """The peer has a source but nothing new; the outsider has neither sources nor interests."""
    make_source(peer)

    first = send_weekly_digests(now=NOW)
    second = send_weekly_digests(now=NOW)

    assert first.outcomes == {"sent": 1, "empty": 1}
    assert second.outcomes == {"already-sent": 1, "empty": 1}
    assert [message.to for message in mail.outbox] == [["owner@example.org"]]


def test_the_worker_task_runs_the_weekly_send(reader: User, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    with time_machine.travel(NOW, tick=False):
        result = send_weekly_digests_task.enqueue()

    assert result.return_value == {"sent": 1}
    assert len(mail.outbox) == 1


def test_the_weekly_job_is_registered_with_the_scheduler() -> None:
    from lifelong.core import schedule

    schedule.autodiscover()
    [job] = [job for job in schedule.registered_jobs() if job.name == "literature.weekly-digest"]

    assert job.period_start(NOW) == NOW.replace(hour=6)  # Mondays at 06:00 UTC
    assert job.every == timedelta(weeks=1)


# -- the page ------------------------------------------------------------------------------

URL = reverse("literature:digest")


def test_the_page_shows_this_weeks_digest(owner_client: Client, reader: User) -> None:
    with time_machine.travel(NOW, tick=False):
        response = owner_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "EMDR for <i>PTSD</i>: a meta-analysis" in html
    assert "matches PTSD · meta-analysis · 2 days old" in html
    assert "PTSD data that was retracted" not in html
    assert "2026-W48" in html


def test_the_page_says_when_the_email_went_out(owner_client: Client, reader: User) -> None:
    send_digest(reader, now=NOW)

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        html = owner_client.get(URL).content.decode()

    assert "Emailed on Monday, November 23 (1 article)" in html


def test_a_peer_sees_their_own_empty_digest(peer_client: Client, reader: User) -> None:
    with time_machine.travel(NOW, tick=False):
        html = peer_client.get(URL).content.decode()

    assert "EMDR for" not in html
    assert "Nothing new this week" in html


def test_an_outsider_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_digest_size_is_bounded(owner: User) -> None:
    source = make_source(owner)
    for number in range(digests.DIGEST_SIZE + 5):
        bring(source, make_article(f"Article {number}"), days_ago=1)

    assert len(build_digest(owner).items) == digests.DIGEST_SIZE
