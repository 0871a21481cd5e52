from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.licensure.models import License
from tests.licensure.factories import TX_EXPIRES, make_document, make_license


def _messages(response: object) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def _tx_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "ruleset_id": "us-tx-lpc",
        "shown_ruleset": "us-tx-lpc",
        "kind": "license",
        "label": "LPC-S",
        "number": "TX-778",
        "issued_on": "2015-01-20",
        "expires_on": "2027-01-31",
        "first_renewal": "False",
        "roles": ["supervisor"],
        "attested": ["jurisprudence-exam"],
        "carry_over_in_hours": "",
    }
    data.update(overrides)
    return data


# --- access: owner, peer (404), anonymous (sign in) -------------------------------------------


@pytest.mark.parametrize(
    "name", ["license_detail", "license_edit", "license_delete", "license_renew", "transcript"]
)
def test_a_peer_gets_404_for_the_owners_license(
    name: str, owner: User, peer_client: Client
) -> None:
    license = make_license(owner)
    assert peer_client.get(reverse(f"licensure:{name}", args=[license.pk])).status_code == 404


@pytest.mark.parametrize("name", ["license_edit", "license_delete", "license_renew"])
def test_a_peer_cannot_post_to_the_owners_license(
    name: str, owner: User, peer_client: Client
) -> None:
    license = make_license(owner)
    response = peer_client.post(
        reverse(f"licensure:{name}", args=[license.pk]), {**_tx_form(), "confirm": "on"}
    )
    assert response.status_code == 404
    license.refresh_from_db()
    assert license.expires_on == TX_EXPIRES
    assert license.label == "US-TX-LPC"


@pytest.mark.parametrize(
    "name", ["license_detail", "license_edit", "license_delete", "license_renew", "transcript"]
)
def test_anonymous_visitors_must_sign_in_to_see_a_license(
    name: str, owner: User, anonymous_client: Client
) -> None:
    license = make_license(owner)
    url = reverse(f"licensure:{name}", args=[license.pk])
    for response in (anonymous_client.get(url), anonymous_client.post(url, {"confirm": "on"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert License.objects.filter(pk=license.pk).exists()


@pytest.mark.parametrize("name", ["license_list", "license_add"])
def test_anonymous_visitors_must_sign_in_to_list_or_add(
    name: str, anonymous_client: Client
) -> None:
    response = anonymous_client.get(reverse(f"licensure:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- list ---------------------------------------------------------------------------------------


def test_the_list_shows_only_the_owners_licenses_with_rule_set_titles(
    owner: User, peer: User, owner_client: Client, django_assert_max_num_queries: object
) -> None:
    make_license(owner, label="Owner LPC", number="TX-1")
    make_license(owner, "us-ca-lmft", label="Owner LMFT", expires_on=date(2026, 9, 30))
    make_license(peer, label="Peer LPC")

    with django_assert_max_num_queries(4):  # type: ignore[operator]
        response = owner_client.get(reverse("licensure:license_list"))

    html = response.content.decode()
    assert response.context["nav_section"] == "licenses"
    assert "Owner LPC" in html
    assert "Owner LMFT" in html
    assert "California LMFT" in html
    assert "Texas LPC" in html
    assert "Peer LPC" not in html


# --- add: choose a rule set, then the details ---------------------------------------------------


def test_adding_starts_with_a_grouped_choice_of_rule_sets(
    owner: User, owner_client: Client
) -> None:
    make_document(owner, "my-tx-lpc")

    response = owner_client.get(reverse("licensure:license_add"))

    html = response.content.decode()
    assert 'optgroup label="Catalog"' in html
    assert 'optgroup label="My rule sets"' in html
    assert "California LMFT (us-ca-lmft)" in html
    assert "My Texas LPC (my-tx-lpc)" in html
    assert "Step 1 of 2" in html


def test_an_unknown_rule_set_is_refused_with_a_message(owner_client: Client) -> None:
    response = owner_client.get(reverse("licensure:license_add"), {"ruleset": "nowhere"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "form" not in response.context


def test_the_details_offer_the_chosen_rule_sets_roles_and_conditions(owner_client: Client) -> None:
    response = owner_client.get(reverse("licensure:license_add"), {"ruleset": "us-tx-lpc"})

    html = response.content.decode()
    form = response.context["form"]
    assert set(form.fields) >= {"roles", "attested"}
    assert "completed_once" not in form.fields  # Texas has no one-time requirements
    assert 'value="supervisor"' in html
    assert "Pass the jurisprudence exam" in html
    assert "The expiration date printed on your license, every 2 years." in html


def test_one_time_requirements_of_the_rule_set_are_offered(owner_client: Client) -> None:
    response = owner_client.get(reverse("licensure:license_add"), {"ruleset": "us-ca-lmft"})

    html = response.content.decode()
    assert 'value="suicide-prevention"' in html
    assert 'value="telehealth"' in html
    assert response.context["form"].option_values["completed_once"] == {
        "hiv-aids", "suicide-prevention", "telehealth", "spousal-partner-abuse",
    }  # fmt: skip
    assert "The last day of your birth month, every 2 years." in html
    assert "Add your birth month in Settings" in html


def test_adding_a_license_stores_roles_conditions_and_redirects_to_it(
    owner: User, owner_client: Client
) -> None:
    response = owner_client.post(reverse("licensure:license_add"), _tx_form())

    license = License.objects.get(user=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("licensure:license_detail", args=[license.pk])
    assert license.ruleset_id == "us-tx-lpc"
    assert license.label == "LPC-S"
    assert license.number == "TX-778"
    assert license.issued_on == date(2015, 1, 20)
    assert license.expires_on == date(2027, 1, 31)
    assert license.first_renewal is False
    assert license.roles == ["supervisor"]
    assert license.attestations == {"2027-01-31": ["jurisprudence-exam"]}
    assert license.carry_over_in_hours is None
    assert _messages(response) == ["Saved LPC-S."]


def test_first_renewal_may_stay_unknown(owner: User, owner_client: Client) -> None:
    owner_client.post(reverse("licensure:license_add"), _tx_form(first_renewal=""))
    assert License.objects.get(user=owner).first_renewal is None


def test_a_date_that_does_not_fit_the_boards_deadline_rule_is_saved_with_a_warning(
    owner: User, owner_client: Client
) -> None:
    data = _tx_form(ruleset_id="us-fl-lmhc", shown_ruleset="us-fl-lmhc", expires_on="2026-03-31")
    data.pop("roles")
    data.pop("attested")

    response = owner_client.post(reverse("licensure:license_add"), data)

    assert License.objects.get(user=owner).expires_on == date(2026, 3, 31)
    (_saved, warning) = _messages(response)
    assert "March 31 of odd years" in warning
    assert "2026-03-31" in warning


def test_the_birth_month_rule_uses_the_birth_month_from_the_profile(
    owner: User, owner_client: Client
) -> None:
    owner.birth_month = 5
    owner.save()
    data = {
        "ruleset_id": "us-ca-lmft",
        "shown_ruleset": "us-ca-lmft",
        "kind": "license",
        "expires_on": "2026-03-31",
    }

    page = owner_client.get(reverse("licensure:license_add"), {"ruleset": "us-ca-lmft"})
    response = owner_client.post(reverse("licensure:license_add"), data)

    assert "Your birth month (in Settings) is May." in page.content.decode()
    assert any("birth month (May)" in message for message in _messages(response))


def test_bad_input_is_refused_and_what_was_typed_is_kept(owner: User, owner_client: Client) -> None:
    data = _tx_form(expires_on="", carry_over_in_hours="-3", roles=["astronaut"])

    response = owner_client.post(reverse("licensure:license_add"), data)

    assert response.status_code == 200
    assert not License.objects.exists()
    errors = response.context["form"].errors
    assert set(errors) == {"expires_on", "carry_over_in_hours", "roles"}
    html = response.content.decode()
    assert 'value="TX-778"' in html
    assert 'value="LPC-S"' in html


def test_choosing_another_rule_set_shows_its_options_before_saving(
    owner: User, owner_client: Client
) -> None:
    data = _tx_form(ruleset_id="us-ca-lmft")  # the user saw Texas' options, then picked CA

    response = owner_client.post(reverse("licensure:license_add"), data)

    assert response.status_code == 200
    assert not License.objects.exists()
    form = response.context["form"]
    assert form.refreshed
    assert form.ruleset.id == "us-ca-lmft"
    html = response.content.decode()
    assert "Showing the options of California LMFT" in html
    assert 'value="graduate-study-before-2004"' in html
    assert 'value="supervisor"' not in html
    assert 'name="shown_ruleset" value="us-ca-lmft"' in html
    assert 'value="TX-778"' in html  # typed values are kept


def test_the_htmx_refresh_returns_the_new_options_without_saving(
    owner: User, owner_client: Client
) -> None:
    data = _tx_form(ruleset_id="us-ca-lmft", refresh="1")

    response = owner_client.post(reverse("licensure:license_add"), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert not License.objects.exists()
    assert 'id="ruleset-options"' in response.content.decode()
    assert response.context["form"].ruleset.id == "us-ca-lmft"


def test_a_license_can_use_the_users_own_rule_set(owner: User, owner_client: Client) -> None:
    make_document(owner, "my-tx-lpc")
    data = _tx_form(ruleset_id="my-tx-lpc", shown_ruleset="my-tx-lpc")

    response = owner_client.post(reverse("licensure:license_add"), data)

    assert response.status_code == 302
    assert License.objects.get(user=owner).ruleset_id == "my-tx-lpc"


def test_a_peers_rule_set_cannot_be_chosen(owner: User, peer: User, owner_client: Client) -> None:
    make_document(peer, "peer-rules")
    data = _tx_form(ruleset_id="peer-rules", shown_ruleset="peer-rules")

    response = owner_client.post(reverse("licensure:license_add"), data)

    assert response.status_code == 200
    assert not License.objects.exists()
    assert "peer-rules" not in response.content.decode().split("<main", 1)[1].split("<select")[1]


# --- detail, edit ------------------------------------------------------------------------------


def test_the_detail_page_shows_the_deadline_rule_and_status(
    owner: User, owner_client: Client, django_assert_max_num_queries: object
) -> None:
    license = make_license(owner, label="LPC", roles=["supervisor"], number="TX-9")

    # session, user, license, then its owner's activities, rule sets and plans
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        response = owner_client.get(reverse("licensure:license_detail", args=[license.pk]))

    html = response.content.decode()
    assert "The expiration date printed on your license, every 2 years." in html
    assert "NOT COMPLIANT" in html
    assert "Supervisor" in html
    assert "TX-9" in html
    assert reverse("licensure:transcript", args=[license.pk]) in html


def test_editing_keeps_the_attestations_of_other_cycles(owner: User, owner_client: Client) -> None:
    license = make_license(
        owner,
        attestations={"2025-01-31": ["jurisprudence-exam"], "2027-01-31": ["jurisprudence-exam"]},
    )
    url = reverse("licensure:license_edit", args=[license.pk])

    page = owner_client.get(url)
    response = owner_client.post(url, _tx_form(attested=[], carry_over_in_hours="4.5"))

    assert page.context["form"].initial["attested"] == ["jurisprudence-exam"]
    assert response.status_code == 302
    license.refresh_from_db()
    assert license.attestations == {"2025-01-31": ["jurisprudence-exam"]}
    assert license.carry_over_in_hours == Decimal("4.5")


def test_editing_to_another_rule_set_drops_options_it_does_not_have(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner, roles=["supervisor"])
    url = reverse("licensure:license_edit", args=[license.pk])
    data = _tx_form(ruleset_id="nbcc-ncc", shown_ruleset="nbcc-ncc", expires_on="2029-05-31")
    data.pop("roles")
    data.pop("attested")

    response = owner_client.post(url, data)

    assert response.status_code == 302
    license.refresh_from_db()
    assert license.ruleset_id == "nbcc-ncc"
    assert license.roles == []


# --- delete, renew -----------------------------------------------------------------------------


def test_deleting_asks_first_then_deletes(owner: User, owner_client: Client) -> None:
    license = make_license(owner, label="Old LPC")
    url = reverse("licensure:license_delete", args=[license.pk])

    page = owner_client.get(url)
    assert "Delete Old LPC?" in page.content.decode()
    assert License.objects.filter(pk=license.pk).exists()

    response = owner_client.post(url)
    assert response["Location"] == reverse("licensure:license_list")
    assert not License.objects.filter(pk=license.pk).exists()


def test_renewing_shows_the_next_deadline_and_needs_a_confirmation(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner, carry_over_in_hours=Decimal("3"), first_renewal=True)
    url = reverse("licensure:license_renew", args=[license.pk])

    page = owner_client.get(url)
    refused = owner_client.post(url, {})

    assert "January 31, 2029" in page.content.decode()
    assert refused.status_code == 200
    assert "confirm" in refused.context["form"].errors
    license.refresh_from_db()
    assert license.expires_on == TX_EXPIRES


def test_renewing_moves_the_license_to_the_next_deadline(owner: User, owner_client: Client) -> None:
    license = make_license(owner, carry_over_in_hours=Decimal("3"), first_renewal=True)

    response = owner_client.post(
        reverse("licensure:license_renew", args=[license.pk]), {"confirm": "on"}
    )

    assert response.status_code == 302
    license.refresh_from_db()
    assert license.expires_on == date(2029, 1, 31)
    assert license.carry_over_in_hours is None
    assert license.first_renewal is False
    assert "January 31, 2029" in _messages(response)[0]


def test_renewing_under_a_birth_month_rule_lands_on_the_birth_month(
    owner: User, owner_client: Client
) -> None:
    owner.birth_month = 3
    owner.save()
    license = make_license(owner, "us-ca-lmft", expires_on=date(2026, 3, 31))

    owner_client.post(reverse("licensure:license_renew", args=[license.pk]), {"confirm": "on"})

    license.refresh_from_db()
    assert license.expires_on == date(2028, 3, 31)
