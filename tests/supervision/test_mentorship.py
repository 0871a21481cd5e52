"""Mentorship: the pure scorer, profiles, suggestions, request/accept/decline/end, private
notes; pages for the mentee, the mentor, a peer and an anonymous visitor."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from lifelong.accounts.models import User
from lifelong.core.models import Notification
from lifelong.supervision import mentorship as services
from lifelong.supervision.matching import MentorCandidate, score, suggest
from lifelong.supervision.models import Mentorship, MentorshipNote


def _candidate(user_id: int, areas: tuple[str, ...], active: int = 0) -> MentorCandidate:
    return MentorCandidate(user_id, f"Mentor {user_id}", areas, active, 2)


def test_the_scorer_ranks_by_shared_areas_and_room_and_says_why() -> None:
    wanted = ["trauma", "supervision", "ethics"]
    ranked = suggest(
        wanted,
        [
            _candidate(1, ("trauma",)),
            _candidate(2, ("trauma", "supervision")),
            _candidate(3, ("trauma", "supervision", "ethics"), active=2),
            _candidate(4, ("self-care",)),
        ],
    )

    assert [s.candidate.user_id for s in ranked] == [2, 1, 3]
    assert ranked[0].reasons == (
        "shares 2 of your 3 areas: Trauma, Supervision",
        "has room for a new mentee",
    )
    assert "already mentors 2 (their limit)" in ranked[2].reasons
    assert score([], _candidate(5, ("trauma",))) is None


@pytest.fixture
def mentor(db: None) -> User:
    from tests.conftest import make_user

    user = make_user("mentor@example.org", name="Morgan Mentor")
    services.save_profile(
        user, is_mentor=True, is_mentee=False, areas=["trauma", "supervision"], about="", capacity=2
    )
    return user


@pytest.fixture
def mentee(owner: User) -> User:
    services.save_profile(
        owner, is_mentor=False, is_mentee=True, areas=["trauma"], about="", capacity=2
    )
    return owner


def test_request_accept_notes_stay_private_and_end(
    mentor: User, mentee: User, peer: User, peer_client: Client, owner_client: Client
) -> None:
    assert [s.candidate.user_id for s in services.suggestions(mentee)] == [mentor.pk]

    mentorship = services.request_mentorship(mentee, mentor.pk, "Hello")
    assert Notification.objects.filter(user=mentor, kind="mentorship-request").exists()
    assert services.suggestions(mentee) == []
    with pytest.raises(services.MentorshipError, match="already"):
        services.request_mentorship(mentee, mentor.pk, "")
    with pytest.raises(services.MentorshipError, match="does not offer"):
        services.request_mentorship(mentee, peer.pk, "")
    with pytest.raises(services.MentorshipError, match="accepted"):
        services.add_note(mentorship, mentee, date(2026, 5, 1), "too early")

    services.respond(mentorship, mentor, accept=True)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE
    services.add_note(mentorship, mentor, date(2026, 5, 1), "Mentor's own thoughts")
    response = owner_client.post(
        f"/mentorship/{mentorship.pk}/", {"met_on": "2026-05-01", "text": "Mentee's own note"}
    )
    assert response.status_code == 302

    page = owner_client.get(f"/mentorship/{mentorship.pk}/").content.decode()
    assert "Mentee&#x27;s own note" in page or "Mentee's own note" in page
    assert "own thoughts" not in page
    assert peer_client.get(f"/mentorship/{mentorship.pk}/").status_code == 404
    mentor_note = MentorshipNote.objects.get(author=mentor)
    assert owner_client.post(f"/mentorship/notes/{mentor_note.pk}/delete/").status_code == 404
    assert peer_client.post(f"/mentorship/{mentorship.pk}/end/").status_code == 404
    assert (
        peer_client.post(f"/mentorship/{mentorship.pk}/respond/", {"answer": "accept"}).status_code
        == 404
    )

    owner_client.post(f"/mentorship/{mentorship.pk}/end/")
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    assert MentorshipNote.objects.count() == 2


def test_the_page_suggests_and_requests_and_needs_sign_in(
    mentor: User, mentee: User, owner_client: Client, django_assert_max_num_queries: object
) -> None:
    assert Client().get("/mentorship/").status_code == 302
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        page = owner_client.get("/mentorship/").content.decode()
    assert "Morgan Mentor" in page
    assert "shares 1 of your 1 areas: Trauma" in page

    owner_client.post(f"/mentorship/request/{mentor.pk}/", {"message": "Could we talk?"})

    assert Mentorship.objects.get().message == "Could we talk?"


def test_declining(mentor: User, mentee: User) -> None:
    mentorship = services.request_mentorship(mentee, mentor.pk, "")
    services.respond(mentorship, mentor, accept=False)
    with pytest.raises(services.MentorshipError):
        services.respond(mentorship, mentor, accept=True)
    assert Mentorship.objects.get().status == Mentorship.Status.DECLINED
    assert [s.candidate.user_id for s in services.suggestions(mentee)] == [mentor.pk]


def test_the_api_for_mentee_mentor_peer_and_anonymous(
    mentor: User, owner: User, peer: User
) -> None:
    from tests.api.conftest import ApiClient, token_for

    mentee_api, mentor_api = ApiClient(token_for(owner)), ApiClient(token_for(mentor))
    peer_api, anonymous = ApiClient(token_for(peer)), ApiClient()
    profile = mentee_api.send(
        "put", "/api/mentorship/profile", {"is_mentee": True, "areas": ["trauma", "ethics"]}
    )
    assert profile.json()["areas"] == ["trauma", "ethics"]
    assert mentee_api.send("put", "/api/mentorship/profile", {"areas": ["nope"]}).status_code == 422
    suggestions = mentee_api.get("/api/mentorship/suggestions").json()
    assert [(s["user_id"], s["shared_areas"]) for s in suggestions] == [(mentor.pk, ["trauma"])]

    created = mentee_api.send("post", "/api/mentorship/mentorships", {"mentor_id": mentor.pk})
    assert created.status_code == 201
    mentorship_id = created.json()["id"]
    again = mentee_api.send("post", "/api/mentorship/mentorships", {"mentor_id": mentor.pk})
    assert again.status_code == 409

    answer_url = f"/api/mentorship/mentorships/{mentorship_id}/answer"
    assert mentee_api.send("post", answer_url, {"answer": "accept"}).status_code == 404
    assert peer_api.send("post", answer_url, {"answer": "accept"}).status_code == 404
    assert anonymous.send("post", answer_url, {"answer": "accept"}).status_code == 401
    assert mentor_api.send("post", answer_url, {"answer": "accept"}).json()["status"] == "active"

    notes_url = f"/api/mentorship/mentorships/{mentorship_id}/notes"
    note = {"met_on": "2026-05-01", "text": "Only mine"}
    assert mentee_api.send("post", notes_url, note).status_code == 201
    assert peer_api.send("post", notes_url, note).status_code == 404
    assert [n["text"] for n in mentee_api.get(notes_url).json()] == ["Only mine"]
    assert mentor_api.get(notes_url).json() == []
    assert peer_api.get(notes_url).status_code == 404
    assert anonymous.get(notes_url).status_code == 401
    assert [m["role"] for m in mentor_api.get("/api/mentorship/mentorships").json()] == ["mentor"]
    assert peer_api.get("/api/mentorship/mentorships").json() == []
    end_url = f"/api/mentorship/mentorships/{mentorship_id}/end"
    assert peer_api.post(end_url).status_code == 404
    assert mentee_api.post(end_url).json()["status"] == "ended"


def test_mentorship_data_is_exported_and_deleted_with_the_account(
    mentor: User, mentee: User
) -> None:
    from lifelong.accounts.services import export_user_data

    mentorship = services.request_mentorship(mentee, mentor.pk, "Hi")
    services.respond(mentorship, mentor, accept=True)
    services.add_note(mentorship, mentee, date(2026, 5, 1), "Mine")
    services.add_note(mentorship, mentor, date(2026, 5, 1), "Theirs")

    data = export_user_data(mentee)

    assert data["mentor_profile"][0]["areas"] == ["trauma"]
    assert [m["mentor__email"] for m in data["mentorships"]] == ["mentor@example.org"]
    assert [n["text"] for n in data["mentorship_notes"]] == ["Mine"]
    assert [m["mentee__email"] for m in export_user_data(mentor)["mentorships"]] == [mentee.email]

    mentee.delete()

    assert not Mentorship.objects.exists()
    assert not MentorshipNote.objects.exists()
