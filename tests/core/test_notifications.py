"""In-app notifications: one per event, the unread count in the navigation, the list (newest
first, a page at a time), marking read; owner-scoped."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.core import notifications
from lifelong.core.models import Notification

LIST_URL = reverse("core:notifications")
READ_ALL_URL = reverse("core:notification_read_all")


def message(number: int = 1, **fields: Any) -> notifications.NewNotification:
    values = {
        "kind": "reminder",
        "title": f"Reminder {number}",
        "body": f"Body {number}\nsecond line",
        "url": "/dashboard/",
        "dedupe_key": f"event:{number}",
    }
    values.update(fields)
    return notifications.NewNotification(**values)


def read_url(notification: Notification) -> str:
    return reverse("core:notification_read", args=[notification.pk])


def unread_count(user: User) -> int:
    return User.objects.get(pk=user.pk).unread_notification_count


# --- the service ----------------------------------------------------------------------------------


def test_the_same_event_notifies_once(owner: User) -> None:
    first = notifications.notify(owner, message(1))
    again = notifications.notify(owner, message(1, title="Changed"))

    assert first is not None
    assert again is None
    assert Notification.objects.get().title == "Reminder 1"
    assert unread_count(owner) == 1


def test_the_same_event_may_notify_two_users(owner: User, peer: User) -> None:
    notifications.notify(owner, message(1))
    notifications.notify(peer.pk, message(1))

    assert Notification.objects.count() == 2
    assert (unread_count(owner), unread_count(peer)) == (1, 1)


def test_marking_read_keeps_the_count_right(owner: User) -> None:
    first = notifications.notify(owner, message(1))
    notifications.notify(owner, message(2))
    notifications.notify(owner, message(3))
    assert first is not None

    assert notifications.mark_read(first) is True
    assert notifications.mark_read(first) is False  # already read: no double decrement
    assert unread_count(owner) == 2

    assert notifications.mark_all_read(owner) == 2
    assert unread_count(owner) == 0
    assert not Notification.objects.unread().exists()


def test_recount_repairs_a_drifted_counter(owner: User) -> None:
    notifications.notify(owner, message(1))
    User.objects.filter(pk=owner.pk).update(unread_notification_count=7)
    owner.refresh_from_db()

    assert notifications.recount(owner) == 1
    assert unread_count(owner) == 1


# --- the navigation -------------------------------------------------------------------------------


def test_the_navigation_shows_the_unread_count(owner: User, owner_client: Client) -> None:
    for number in range(3):
        notifications.notify(owner, message(number))

    html = owner_client.get(reverse("accounts:profile")).content.decode()

    assert '<span class="nav-count">3<span class="visually-hidden"> unread</span></span>' in html


def test_without_unread_notifications_there_is_no_count(owner_client: Client) -> None:
    html = owner_client.get(reverse("accounts:profile")).content.decode()

    assert "Notifications" in html
    assert "nav-count" not in html


# --- the page -------------------------------------------------------------------------------------


def test_the_list_shows_the_newest_first(owner: User, owner_client: Client) -> None:
    older = notifications.notify(owner, message(1))
    assert older is not None
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=2))
    notifications.notify(owner, message(2))

    response = owner_client.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Reminder 2") < html.index("Reminder 1")
    assert "2 unread." in html
    assert "Body 1<br>second line" in html
    assert 'aria-current="page"' in html


def test_the_list_is_paginated(owner: User, owner_client: Client) -> None:
    for number in range(25):
        notifications.notify(owner, message(number))

    first = owner_client.get(LIST_URL).content.decode()
    second = owner_client.get(LIST_URL, {"page": 2}).content.decode()

    assert first.count('class="card notification') == 20
    assert second.count('class="card notification') == 5
    assert "Page 2 of 2" in second
    assert owner_client.get(LIST_URL, {"page": "nonsense"}).status_code == 200


def test_the_list_shows_only_the_users_own(owner: User, peer: User, owner_client: Client) -> None:
    notifications.notify(peer, message(1, title="Peer's reminder"))

    html = owner_client.get(LIST_URL).content.decode()

    assert "Peer&#x27;s reminder" not in html
    assert "No notifications yet" in html


def test_the_page_repairs_the_count_in_the_navigation(owner: User, owner_client: Client) -> None:
    notifications.notify(owner, message(1))
    User.objects.filter(pk=owner.pk).update(unread_notification_count=5)

    html = owner_client.get(LIST_URL).content.decode()

    assert '<span class="nav-count">1<span' in html


def test_the_page_takes_a_fixed_number_of_queries(
    owner: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        notifications.notify(owner, message(number))

    with django_assert_max_num_queries(5):
        owner_client.get(LIST_URL)


def test_the_owner_marks_one_read(owner: User, owner_client: Client) -> None:
    notification = notifications.notify(owner, message(1))
    assert notification is not None

    response = owner_client.post(read_url(notification), {"next": f"{LIST_URL}?page=1"})

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?page=1"
    notification.refresh_from_db()
    assert notification.is_read
    assert unread_count(owner) == 0


def test_the_owner_marks_all_read(owner: User, owner_client: Client) -> None:
    for number in range(3):
        notifications.notify(owner, message(number))

    response = owner_client.post(READ_ALL_URL)

    assert response["Location"] == LIST_URL
    assert not Notification.objects.unread().exists()


def test_marking_read_never_redirects_to_another_site(owner: User, owner_client: Client) -> None:
    notification = notifications.notify(owner, message(1))
    assert notification is not None

    response = owner_client.post(read_url(notification), {"next": "https://evil.example/"})

    assert response["Location"] == LIST_URL


def test_a_peer_cannot_mark_the_owners_notification(
    owner: User, peer: User, peer_client: Client
) -> None:
    notification = notifications.notify(owner, message(1))
    assert notification is not None
    notifications.notify(peer, message(1))

    assert peer_client.post(read_url(notification)).status_code == 404
    peer_client.post(READ_ALL_URL)

    notification.refresh_from_db()
    assert not notification.is_read
    assert unread_count(owner) == 1
    assert unread_count(peer) == 0


def test_anonymous_visitors_must_sign_in(owner: User) -> None:
    notification = notifications.notify(owner, message(1))
    assert notification is not None
    client = Client()

    for response in (
        client.get(LIST_URL),
        client.post(read_url(notification)),
        client.post(READ_ALL_URL),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    notification.refresh_from_db()
    assert not notification.is_read


def test_marking_read_needs_a_post(owner: User, owner_client: Client) -> None:
    notification = notifications.notify(owner, message(1))
    assert notification is not None

    assert owner_client.get(read_url(notification)).status_code == 405
    assert owner_client.get(READ_ALL_URL).status_code == 405
