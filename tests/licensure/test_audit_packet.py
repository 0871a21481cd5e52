"""Building an audit packet: the zip's names and contents, the transcript PDF read back, the
CSV parsed again, certificates streamed from storage."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lifelong.accounts.models import User
from lifelong.credits.activity_csv import parse_activities_csv
from lifelong.licensure import audit
from lifelong.licensure.models import License
from tests.licensure.audit_factories import (
    add_certificate,
    certificate_jpeg,
    certificate_png,
    media_root_fixture,  # noqa: F401 (fixture)
    open_zip,
    pdf_text,
    stored_bytes,
)
from tests.licensure.factories import add_activity, complete_tx_cycle, make_license

pytestmark = pytest.mark.usefixtures("media_root")

EN_DASH = "\u2013"
APOSTROPHE = "\u2019"


def build(license: License, owner: User, deadline: date | None = None) -> zipfile.ZipFile:
    plan = audit.plan_packet(license, deadline, holder=owner)
    output = io.BytesIO()
    audit.write_packet(plan, output)
    return open_zip(output.getvalue())


def test_the_zip_holds_the_transcript_the_csv_the_readme_and_each_certificate(
    owner: User,
) -> None:
    license = make_license(owner, number="TX-1")
    ethics = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    trauma = add_activity(owner, "Trauma-focused CBT", 15, topics="trauma")
    add_certificate(owner, ethics)
    add_certificate(owner, trauma, data=certificate_png(), kind="png")

    archive = build(license, owner)

    assert archive.namelist() == [
        "README.txt",
        "transcript.pdf",
        "activities.csv",
        "certificates/2026-02-10_test-institute_ethics-in-counseling.pdf",
        "certificates/2026-02-10_test-institute_trauma-focused-cbt.png",
    ]


def test_certificates_are_copied_byte_for_byte_and_stored_without_recompression(
    owner: User,
) -> None:
    license = make_license(owner)
    activity = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    pdf = add_certificate(owner, activity)
    jpeg = add_certificate(owner, activity, data=certificate_jpeg(), kind="jpg")

    archive = build(license, owner)

    names = [name for name in archive.namelist() if name.startswith("certificates/")]
    contents = {name: archive.read(name) for name in names}
    assert sorted(contents.values()) == sorted([stored_bytes(pdf), stored_bytes(jpeg)])
    kinds = {info.filename: info.compress_type for info in archive.infolist()}
    assert kinds["transcript.pdf"] == zipfile.ZIP_STORED
    assert all(kinds[name] == zipfile.ZIP_STORED for name in names)
    assert kinds["activities.csv"] == zipfile.ZIP_DEFLATED
    assert kinds["README.txt"] == zipfile.ZIP_DEFLATED


def test_the_transcript_pdf_shows_the_license_cycle_requirements_exclusions_and_attestation(
    owner: User,
) -> None:
    license = make_license(owner, number="TX-12345", label="LPC Texas")
    complete_tx_cycle(owner)
    add_activity(owner, "Recorded webinar", 3, format="self-study", topics="ethics")

    text = pdf_text(build(license, owner).read("transcript.pdf"))

    assert "Olivia Owner" in text
    assert "LPC Texas" in text
    assert "TX-12345" in text
    assert "Texas" in text
    assert "Licensed Professional Counselor" in text
    assert f"February 1, 2025 {EN_DASH} January 31, 2027" in text
    assert "Renewal deadline January 31, 2027" in text
    for requirement in ("Ethics", "Cultural diversity", "Total"):
        assert requirement in text
    assert "Ethics in counseling" in text
    assert "Trauma-focused CBT" in text
    assert "Required 6 h · counted 6 h · missing 0 h" in text
    assert "Hours that do not count" in text
    assert "Recorded webinar" in text
    assert "over the self-study cap" in text
    assert "Carried over to the next cycle" in text
    assert "Pass the jurisprudence exam: not attested" in text
    assert "https://texreg.sos.state.tx.us/" in text.replace(" ", "")
    assert "verified on" in text
    assert "I attest that the activities listed were completed as stated." in text
    assert "Signature ____" in text
    assert "Date ____" in text
    assert "Page 1 of" in text
    assert "Generated on June 15, 2026" in text


def test_the_transcript_pdf_says_what_is_missing_when_not_compliant(owner: User) -> None:
    license = make_license(owner)
    add_activity(owner, "Ethics in counseling", 2, topics="ethics")

    text = pdf_text(build(license, owner).read("transcript.pdf"))

    assert "NOT COMPLIANT" in text
    assert "Ethics — 4 h missing" in text
    assert "No activity counted toward this requirement." in text


def test_the_csv_parses_back_to_the_activities_of_the_cycle(owner: User) -> None:
    license = make_license(owner)
    add_activity(owner, "Ethics in counseling", 6, topics="ethics=3;clinical-practice")
    add_activity(owner, "Cultural humility", 1.5, topics="cultural-competence", approvals="apa")
    add_activity(owner, "Course from 2022", 5, completed_on=date(2022, 5, 1))

    activities = parse_activities_csv(build(license, owner).read("activities.csv"))

    assert [(activity.title, activity.hours) for activity in activities] == [
        ("Cultural humility", 1.5),
        ("Ethics in counseling", 6.0),
    ]
    ethics = activities[1]
    assert [(share.slug, share.hours) for share in ethics.topics] == [
        ("ethics", 3.0),
        ("clinical-practice", None),
    ]
    assert [approval.body for approval in activities[0].approvals] == ["apa"]


def test_unicode_titles_print_in_the_pdf_and_get_ascii_file_names(owner: User) -> None:
    license = make_license(owner)
    title = f"Ética clínica — “trauma” & the Ñandú{APOSTROPHE}s care"
    activity = add_activity(owner, title, 6, topics="ethics")
    activity.provider = f"Institut Français d{APOSTROPHE}Études"
    activity.save()
    add_certificate(owner, activity)

    archive = build(license, owner)

    assert (
        "certificates/2026-02-10_institut-francais-detudes_etica-clinica-trauma-the-nandus-care.pdf"
        in archive.namelist()
    )
    assert title in pdf_text(archive.read("transcript.pdf"))
    assert title in archive.read("README.txt").decode("utf-8")
    assert parse_activities_csv(archive.read("activities.csv"))[0].title == title


def test_activities_without_a_certificate_are_named_in_the_readme_and_the_pdf(
    owner: User,
) -> None:
    license = make_license(owner)
    with_one = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    add_activity(owner, "Cultural humility", 3, topics="cultural-competence")
    add_certificate(owner, with_one)

    archive = build(license, owner)

    readme = archive.read("README.txt").decode("utf-8")
    missing = readme.split("Activities without a certificate (1)", 1)[1]
    assert "2026-02-10  Cultural humility — Test Institute — no certificate on file" in missing
    assert "Ethics in counseling" not in missing
    text = pdf_text(archive.read("transcript.pdf"))
    assert "no certificate on file" in text
    assert "2026-02-10_test-institute_ethics-in-counseling.pdf" in text.replace(" ", "")


def test_a_cycle_with_no_certificates_still_gives_a_complete_packet(owner: User) -> None:
    license = make_license(owner)
    add_activity(owner, "Ethics in counseling", 6, topics="ethics")

    archive = build(license, owner)

    assert archive.namelist() == ["README.txt", "transcript.pdf", "activities.csv"]
    assert "Activities without a certificate (1)" in archive.read("README.txt").decode()


def test_certificates_that_would_share_a_name_get_numbered(owner: User) -> None:
    license = make_license(owner)
    activity = add_activity(owner, "Ethics in counseling", 3, topics="ethics")
    twin = add_activity(owner, "Ethics in counseling", 3, topics="ethics")
    add_certificate(owner, activity)
    add_certificate(owner, activity)
    add_certificate(owner, twin)

    names = build(license, owner).namelist()[3:]

    assert names == [
        "certificates/2026-02-10_test-institute_ethics-in-counseling.pdf",
        "certificates/2026-02-10_test-institute_ethics-in-counseling-2.pdf",
        "certificates/2026-02-10_test-institute_ethics-in-counseling-3.pdf",
    ]


def test_a_certificate_backing_two_activities_is_included_once(owner: User) -> None:
    license = make_license(owner)
    first = add_activity(owner, "Day one", 3, completed_on=date(2026, 2, 10))
    second = add_activity(owner, "Day two", 3, completed_on=date(2026, 2, 11))
    add_certificate(owner, first, second)

    archive = build(license, owner)

    assert archive.namelist()[3:] == ["certificates/2026-02-10_test-institute_day-one.pdf"]
    readme = archive.read("README.txt").decode()
    assert "for: Day one (2026-02-10); Day two (2026-02-11)" in readme
    assert "Activities without a certificate (0)" in readme


def test_certificates_of_activities_outside_the_cycle_are_left_out(owner: User) -> None:
    license = make_license(owner)
    old = add_activity(owner, "Course from 2022", 5, completed_on=date(2022, 5, 1))
    add_certificate(owner, old)

    archive = build(license, owner)

    assert not [name for name in archive.namelist() if name.startswith("certificates/")]
    assert "Course from 2022" not in archive.read("activities.csv").decode()


def test_a_certificate_of_another_user_linked_by_mistake_is_never_included(
    owner: User, peer: User
) -> None:
    license = make_license(owner)
    activity = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    peer_activity = add_activity(peer, "Peer course", 6)
    foreign = add_certificate(peer, peer_activity)
    activity.certificates.add(foreign)  # bypassing the forms, which never allow this

    archive = build(license, owner)

    assert not [name for name in archive.namelist() if name.startswith("certificates/")]


def test_a_certificate_missing_from_storage_stops_the_packet_with_a_clear_message(
    owner: User, media_root: Path
) -> None:
    license = make_license(owner)
    activity = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    certificate = add_certificate(owner, activity, original_name="ethics-cert.pdf")
    Path(certificate.file.path).unlink()
    plan = audit.plan_packet(license, None, holder=owner)

    with pytest.raises(audit.PacketError, match=r"“ethics-cert\.pdf” could not be read"):
        audit.write_packet(plan, io.BytesIO())


def test_progress_is_reported_after_each_file(owner: User) -> None:
    license = make_license(owner)
    activity = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    add_certificate(owner, activity)
    add_certificate(owner, activity)
    plan = audit.plan_packet(license, None, holder=owner)
    calls: list[tuple[int, int]] = []

    audit.write_packet(plan, io.BytesIO(), progress=lambda done, total: calls.append((done, total)))

    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


class _WriteOnly(io.RawIOBase):
    """An output that cannot seek, like a socket or a pipe."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.data.extend(data)
        return len(data)


def test_the_zip_can_be_written_to_an_output_that_cannot_seek(owner: User) -> None:
    license = make_license(owner)
    activity = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    certificate = add_certificate(owner, activity)
    plan = audit.plan_packet(license, None, holder=owner)
    output = _WriteOnly()

    audit.write_packet(plan, output)  # type: ignore[arg-type]

    archive = open_zip(bytes(output.data))
    assert archive.read(archive.namelist()[3]) == stored_bytes(certificate)


def test_the_plan_takes_a_fixed_number_of_queries(
    owner: User, django_assert_num_queries: Any
) -> None:
    license = make_license(owner)
    for number in range(30):
        activity = add_activity(owner, f"Course {number}", 1)
        add_certificate(owner, activity)

    with django_assert_num_queries(3):
        plan = audit.plan_packet(license, None, holder=owner)

    assert len(plan.certificates) == 30


def test_a_past_cycle_has_its_own_activities(owner: User) -> None:
    license = make_license(owner)
    add_activity(owner, "Course of the last cycle", 5, completed_on=date(2024, 6, 1))
    add_activity(owner, "Course of this cycle", 5)

    archive = build(license, owner, date(2025, 1, 31))

    csv_text = archive.read("activities.csv").decode()
    assert "Course of the last cycle" in csv_text
    assert "Course of this cycle" not in csv_text
    text = pdf_text(archive.read("transcript.pdf"))
    assert f"February 1, 2023 {EN_DASH} January 31, 2025" in text


# Names (pure) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "slug"),
    [
        ("Trauma-Focused CBT: Level 2", 60, "trauma-focused-cbt-level-2"),
        ("“Ética” — Trauma & Care", 60, "etica-trauma-care"),
        ("Motivational interviewing for adolescents", 25, "motivational-interviewing"),
        ("Supercalifragilisticexpialidocious", 10, "supercalif"),
        ("认知行为疗法", 60, ""),
        ("", 60, ""),
    ],
)
def test_ascii_slugs_are_short_and_plain(text: str, limit: int, slug: str) -> None:
    assert audit.ascii_slug(text, limit) == slug


def test_file_names_fall_back_when_nothing_ascii_is_left() -> None:
    name = audit.certificate_file_name(date(2026, 3, 1), "", "认知行为疗法", "png")

    assert name == "2026-03-01_provider_activity.png"


def test_long_titles_and_providers_are_cut_to_a_bounded_name() -> None:
    name = audit.certificate_file_name(date(2026, 3, 1), "P " * 80, "word " * 80, "pdf")

    assert len(name) <= len("2026-03-01__.pdf") + audit.MAX_PROVIDER_SLUG + audit.MAX_TITLE_SLUG


def test_duplicate_names_are_numbered_ignoring_case() -> None:
    assert audit.deduplicated(["a.pdf", "A.pdf", "a.pdf", "b.png", "a-2.pdf"]) == [
        "a.pdf",
        "A-2.pdf",
        "a-3.pdf",
        "b.png",
        "a-2-2.pdf",
    ]
