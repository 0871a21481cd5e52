from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.licensure.models import License, RuleSetDocument
from lifelong.rules.loader import load_catalog
from tests.licensure.factories import custom_ruleset_text, make_document, make_license


def _messages(response: object) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ruleset_detail", "ruleset_edit", "ruleset_delete"])
def test_a_peer_gets_404_for_the_owners_rule_set(
    name: str, owner: User, peer_client: Client
) -> None:
    make_document(owner, "my-tx-lpc")
    url = reverse(f"licensure:{name}", args=["my-tx-lpc"])
    assert peer_client.get(url).status_code == 404
    assert peer_client.post(url, {"text": custom_ruleset_text("hijacked")}).status_code == 404
    document = RuleSetDocument.objects.get()
    assert document.ruleset_id == "my-tx-lpc"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("ruleset_list", []),
        ("ruleset_add", []),
        ("ruleset_detail", ["us-tx-lpc"]),
        ("ruleset_detail", ["my-tx-lpc"]),
        ("ruleset_edit", ["my-tx-lpc"]),
        ("ruleset_delete", ["my-tx-lpc"]),
    ],
)
def test_anonymous_visitors_must_sign_in_for_rule_sets(
    name: str, args: list[str], owner: User, anonymous_client: Client
) -> None:
    make_document(owner, "my-tx-lpc")
    url = reverse(f"licensure:{name}", args=args)
    for response in (anonymous_client.get(url), anonymous_client.post(url, {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert RuleSetDocument.objects.count() == 1


def test_an_unknown_rule_set_is_404(owner_client: Client) -> None:
    assert (
        owner_client.get(reverse("licensure:ruleset_detail", args=["nowhere"])).status_code == 404
    )


# --- list and detail -------------------------------------------------------------------------


def test_the_list_shows_the_catalog_and_only_the_users_own_rule_sets(
    owner: User, peer: User, owner_client: Client
) -> None:
    make_document(owner, "my-tx-lpc")
    RuleSetDocument.objects.create(
        owner=peer, ruleset_id="peer-rules", title="Peer rules", text="x"
    )
    make_license(owner, "my-tx-lpc")

    response = owner_client.get(reverse("licensure:ruleset_list"))

    html = response.content.decode()
    assert response.context["nav_section"] == "rulesets"
    for ruleset in load_catalog().values():
        assert reverse("licensure:ruleset_detail", args=[ruleset.id]) in html
    assert "My Texas LPC" in html
    assert "1 license" in html
    assert "Peer rules" not in html


def test_a_catalog_rule_set_is_described_in_plain_words(owner_client: Client) -> None:
    response = owner_client.get(reverse("licensure:ruleset_detail", args=["us-tx-lpc"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Texas LPC</h1>" in html
    assert "24 h every 24 months" in html
    assert "The expiration date printed on your license, every 2 years." in html
    assert "Up to 10 h beyond the total may count in the next cycle." in html
    assert "Applies only if this describes you: Supervisor." in html
    assert "Every renewal cycle." in html
    assert "Applies to self-study activities." in html
    assert "At most 1 h count toward the total." in html
    assert "Applies to activities approved by NBCC, APA" in html
    assert "At least 50% of the hours counted must be of this kind." in html
    assert "Pass the jurisprudence exam" in html
    assert 'class="uncertain small"><strong>Uncertain:</strong>' in html
    assert "Verified on November 27, 2026." in html
    assert '<a href="https://texreg.sos.state.tx.us/' in html
    assert "Copy as a rule set of my own" in html


def test_one_time_and_first_renewal_rules_are_described(owner_client: Client) -> None:
    html = owner_client.get(
        reverse("licensure:ruleset_detail", args=["us-ca-lmft"])
    ).content.decode()

    assert "Once (a one-time requirement)." in html
    assert "Applies only at your first renewal after licensure." in html
    assert "Your first renewal needs 18 h instead of 36 h." in html
    assert "The last day of your birth month, every 2 years." in html
    assert "No carry-over" in html


def test_a_fixed_date_rule_is_described(owner_client: Client) -> None:
    html = owner_client.get(
        reverse("licensure:ruleset_detail", args=["us-fl-lmhc"])
    ).content.decode()

    assert "March 31 of odd years, every 2 years." in html
    assert "No CE is required for your first renewal after licensure." in html


def test_the_owner_sees_their_own_rule_set_with_its_licenses(
    owner: User, owner_client: Client
) -> None:
    make_document(owner, "my-tx-lpc")
    make_license(owner, "my-tx-lpc", label="My LPC")

    response = owner_client.get(reverse("licensure:ruleset_detail", args=["my-tx-lpc"]))

    html = response.content.decode()
    assert "my rule set" in html
    assert "My LPC" in html
    assert "The rule set as TOML" in html
    assert reverse("licensure:ruleset_edit", args=["my-tx-lpc"]) in html


def test_a_stored_rule_set_that_no_longer_validates_lists_its_problems(
    owner: User, owner_client: Client
) -> None:
    RuleSetDocument.objects.create(
        owner=owner, ruleset_id="old-rules", title="Old rules", text='id = "old-rules"\n'
    )

    response = owner_client.get(reverse("licensure:ruleset_detail", args=["old-rules"]))

    assert response.status_code == 200
    assert "This rule set cannot be used" in response.content.decode()
    assert response.context["problems"]


# --- add ---------------------------------------------------------------------------------------


def test_a_valid_rule_set_is_saved_with_its_title(owner: User, owner_client: Client) -> None:
    text = custom_ruleset_text("my-tx-lpc")

    response = owner_client.post(reverse("licensure:ruleset_add"), {"text": text})

    document = RuleSetDocument.objects.get(owner=owner)
    assert response["Location"] == reverse("licensure:ruleset_detail", args=["my-tx-lpc"])
    assert document.ruleset_id == "my-tx-lpc"
    assert document.title == "Texas LPC"
    assert document.text == text


def test_every_problem_is_shown_with_its_line_and_field(owner: User, owner_client: Client) -> None:
    text = custom_ruleset_text("my-tx-lpc").replace("total_hours = 24", "total_hours = -24")
    text = text.replace('deadline = "license-expiration"', 'deadline = "whenever"')
    lines = text.splitlines()
    total_line = lines.index("total_hours = -24") + 1
    deadline_line = lines.index('deadline = "whenever"') + 1

    response = owner_client.post(reverse("licensure:ruleset_add"), {"text": text})

    assert response.status_code == 200
    assert not RuleSetDocument.objects.exists()
    problems = response.context["form"].problems
    assert {(problem.line, problem.field) for problem in problems} == {
        (total_line, "total_hours"),
        (deadline_line, "cycle.deadline"),
    }
    html = response.content.decode()
    assert "The rule set has 2 problems" in html
    assert f'<td class="number">{total_line}</td><td><code>total_hours</code></td>' in html
    assert f'<td class="number">{deadline_line}</td><td><code>cycle.deadline</code></td>' in html
    assert "total_hours = -24" in html  # the text is kept for fixing


def test_a_toml_syntax_error_is_shown_with_its_line(owner_client: Client) -> None:
    response = owner_client.post(reverse("licensure:ruleset_add"), {"text": 'id = "x"\ntitle = \n'})

    (problem,) = response.context["form"].problems
    assert problem.line == 2
    assert "TOML syntax error" in problem.message


def test_an_own_rule_set_cannot_take_a_catalog_id(owner_client: Client) -> None:
    text = custom_ruleset_text("us-tx-lpc")

    response = owner_client.post(reverse("licensure:ruleset_add"), {"text": text})

    assert not RuleSetDocument.objects.exists()
    (problem,) = response.context["form"].problems
    assert problem.field == "id"
    assert problem.line == text.splitlines().index('id = "us-tx-lpc"') + 1
    assert "catalog rule set" in problem.message


def test_two_own_rule_sets_cannot_share_an_id(owner: User, owner_client: Client) -> None:
    make_document(owner, "my-tx-lpc")

    response = owner_client.post(
        reverse("licensure:ruleset_add"), {"text": custom_ruleset_text("my-tx-lpc")}
    )

    assert RuleSetDocument.objects.count() == 1
    (problem,) = response.context["form"].problems
    assert "already have a rule set" in problem.message


def test_a_peers_id_does_not_clash(owner: User, peer: User, owner_client: Client) -> None:
    make_document(peer, "my-tx-lpc")

    owner_client.post(reverse("licensure:ruleset_add"), {"text": custom_ruleset_text("my-tx-lpc")})

    assert RuleSetDocument.objects.filter(owner=owner, ruleset_id="my-tx-lpc").exists()


def test_empty_input_is_refused(owner_client: Client) -> None:
    response = owner_client.post(reverse("licensure:ruleset_add"), {"text": "  "})
    assert response.status_code == 200
    assert "Paste a rule set or upload a .toml file." in response.content.decode()


def test_a_toml_file_can_be_uploaded(owner: User, owner_client: Client) -> None:
    upload = SimpleUploadedFile("mine.toml", custom_ruleset_text("my-upload").encode())

    response = owner_client.post(reverse("licensure:ruleset_add"), {"text": "", "upload": upload})

    assert response.status_code == 302
    assert RuleSetDocument.objects.get(owner=owner).ruleset_id == "my-upload"


def test_an_uploaded_file_with_problems_is_put_in_the_editor(owner_client: Client) -> None:
    text = custom_ruleset_text("my-upload").replace("total_hours = 24", "total_hours = -1")
    upload = SimpleUploadedFile("mine.toml", text.encode())

    response = owner_client.post(reverse("licensure:ruleset_add"), {"upload": upload})

    (problem,) = response.context["form"].problems
    assert problem.source == "mine.toml"
    assert "total_hours = -1" in response.content.decode()


def test_a_file_that_is_too_large_is_refused(owner_client: Client, settings: object) -> None:
    settings.LIFELONG_RULESET_MAX_BYTES = 2048  # type: ignore[attr-defined]
    upload = SimpleUploadedFile("big.toml", b"# padding\n" * 300)

    response = owner_client.post(reverse("licensure:ruleset_add"), {"upload": upload})

    assert not RuleSetDocument.objects.exists()
    assert "a rule set may be at most 2 KB" in response.context["form"].errors["upload"][0]


def test_pasted_text_that_is_too_large_is_refused(owner_client: Client, settings: object) -> None:
    settings.LIFELONG_RULESET_MAX_BYTES = 2048  # type: ignore[attr-defined]

    response = owner_client.post(reverse("licensure:ruleset_add"), {"text": "# x\n" * 1000})

    assert "longer than 2 KB" in response.context["form"].errors["text"][0]


def test_a_file_that_is_not_utf8_is_refused(owner_client: Client) -> None:
    upload = SimpleUploadedFile("latin1.toml", 'title = "Général"\n'.encode("latin-1"))

    response = owner_client.post(reverse("licensure:ruleset_add"), {"upload": upload})

    assert not RuleSetDocument.objects.exists()
    assert "not UTF-8 text" in response.context["form"].errors["upload"][0]


def test_starting_from_a_catalog_rule_set_prefills_it_with_a_new_id(owner_client: Client) -> None:
    response = owner_client.get(reverse("licensure:ruleset_add"), {"from": "us-ca-lmft"})

    text = response.context["form"].initial["text"]
    assert 'id = "us-ca-lmft-custom"' in text
    assert 'title = "California LMFT"' in text
    assert "us-ca-lmft-custom" in response.content.decode()


def test_starting_from_an_unknown_catalog_rule_set_says_so(owner_client: Client) -> None:
    response = owner_client.get(reverse("licensure:ruleset_add"), {"from": "nowhere"})

    assert response.status_code == 200
    assert _messages(response) == ["There is no catalog rule set “nowhere”."]


# --- edit and delete ---------------------------------------------------------------------------


def test_editing_a_rule_set_with_a_new_id_moves_its_licenses_along(
    owner: User, peer: User, owner_client: Client
) -> None:
    make_document(owner, "my-tx-lpc")
    license = make_license(owner, "my-tx-lpc")
    make_document(peer, "my-tx-lpc")
    peer_license = make_license(peer, "my-tx-lpc")
    url = reverse("licensure:ruleset_edit", args=["my-tx-lpc"])

    page = owner_client.get(url)
    response = owner_client.post(url, {"text": custom_ruleset_text("my-tx-lpc-2027")})

    assert "id = &quot;my-tx-lpc&quot;" in page.content.decode()
    assert response["Location"] == reverse("licensure:ruleset_detail", args=["my-tx-lpc-2027"])
    license.refresh_from_db()
    peer_license.refresh_from_db()
    assert license.ruleset_id == "my-tx-lpc-2027"
    assert peer_license.ruleset_id == "my-tx-lpc"


def test_editing_with_problems_changes_nothing(owner: User, owner_client: Client) -> None:
    document = make_document(owner, "my-tx-lpc")
    url = reverse("licensure:ruleset_edit", args=["my-tx-lpc"])

    response = owner_client.post(url, {"text": "total_hours = 'many'"})

    assert response.status_code == 200
    assert response.context["form"].problems
    assert RuleSetDocument.objects.get().text == document.text


def test_deleting_a_rule_set_in_use_is_refused(owner: User, owner_client: Client) -> None:
    make_document(owner, "my-tx-lpc")
    make_license(owner, "my-tx-lpc", label="My LPC")
    url = reverse("licensure:ruleset_delete", args=["my-tx-lpc"])

    page = owner_client.get(url)
    response = owner_client.post(url)

    assert "You cannot delete this rule set" in page.content.decode()
    assert 'type="submit"' not in page.content.decode().split("<main", 1)[1]
    assert RuleSetDocument.objects.filter(ruleset_id="my-tx-lpc").exists()
    assert response["Location"] == reverse("licensure:ruleset_detail", args=["my-tx-lpc"])
    (message,) = _messages(response)
    assert message.startswith(
        "Not deleted: 1 of your licenses use the rule set 'my-tx-lpc' (My LPC)"
    )


def test_deleting_an_unused_rule_set_asks_first(owner: User, owner_client: Client) -> None:
    make_document(owner, "my-tx-lpc")
    url = reverse("licensure:ruleset_delete", args=["my-tx-lpc"])

    owner_client.get(url)
    assert RuleSetDocument.objects.exists()
    response = owner_client.post(url)

    assert response["Location"] == reverse("licensure:ruleset_list")
    assert not RuleSetDocument.objects.exists()
    assert License.objects.count() == 0


@pytest.mark.parametrize("ruleset_id", sorted(load_catalog()))
def test_every_catalog_rule_set_has_a_detail_page_and_a_license_form(
    ruleset_id: str, owner_client: Client
) -> None:
    ruleset = load_catalog()[ruleset_id]

    detail = owner_client.get(reverse("licensure:ruleset_detail", args=[ruleset_id]))
    form = owner_client.get(reverse("licensure:license_add"), {"ruleset": ruleset_id})

    assert detail.status_code == 200
    assert form.status_code == 200
    for requirement in ruleset.requirements:
        assert f'id="requirement-{requirement.id}"' in detail.content.decode()
    assert form.context["form"].ruleset == ruleset


def test_the_list_runs_a_fixed_number_of_queries(
    owner: User, owner_client: Client, django_assert_max_num_queries: object
) -> None:
    for number in range(12):
        make_document(owner, f"my-rules-{number}")
        make_license(owner, f"my-rules-{number}")

    with django_assert_max_num_queries(4):  # type: ignore[operator]
        response = owner_client.get(reverse("licensure:ruleset_list"))

    assert response.content.decode().count("1 license") == 12
