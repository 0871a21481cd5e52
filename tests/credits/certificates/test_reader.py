"""Reading certificates: every field of every fixture layout, against the expected table
written by hand (expected_fields.json), and the reader's rules on short texts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.credits.certificates.reader import (
    Approval,
    CertificateReading,
    TopicShare,
    confidence_label,
    find_dates,
    read_certificate,
    read_pdf,
    read_text,
)
from lifelong.rules.vocabulary import APPROVAL_BODIES, TOPICS
from tests.credits.certificates.conftest import EXPECTED_FIELDS
from tests.credits.certificates.make_certificates import LAYOUTS, certificate_pdf

FIELDS = [
    "title",
    "provider",
    "participant",
    "completed_on",
    "hours",
    "unit",
    "format",
    "kind",
    "approvals",
    "topics",
]


def test_the_expected_table_covers_every_layout_and_every_field() -> None:
    assert set(EXPECTED_FIELDS) == set(LAYOUTS)
    assert len(LAYOUTS) >= 8
    for expected in EXPECTED_FIELDS.values():
        assert sorted(expected) == sorted(FIELDS)


@pytest.mark.parametrize("layout", sorted(EXPECTED_FIELDS))
def test_it_reads_every_field_of_each_layout(
    layout: str, certificate_files: dict[str, Path]
) -> None:
    reading = read_pdf(certificate_files[layout].read_bytes()).to_dict()

    assert reading["fields"] == EXPECTED_FIELDS[layout]


@pytest.mark.parametrize("layout", sorted(EXPECTED_FIELDS))
def test_each_field_read_has_a_confidence_and_the_text_it_came_from(
    layout: str, certificate_files: dict[str, Path]
) -> None:
    reading = read_pdf(certificate_files[layout].read_bytes()).to_dict()

    for name in FIELDS:
        value = reading["fields"][name]
        confidence = reading["confidence"][name]
        if value in (None, []):
            assert (confidence, reading["evidence"][name]) == (0, ""), name
        else:
            assert 0 < confidence <= 1, name
            assert reading["evidence"][name], name
    # The core fields of these realistic layouts are all at least "likely".
    for name in ("title", "participant", "completed_on", "hours", "approvals"):
        assert reading["confidence"][name] >= 0.6, (name, reading["confidence"][name])


def test_evidence_is_the_text_the_value_came_from(certificate_files: dict[str, Path]) -> None:
    reading = read_pdf(certificate_files["nbcc_home_study"].read_bytes())

    assert reading.completed_on.evidence == "Date Completed: 03/03/2026"
    assert reading.hours.evidence == "Credits Awarded: 5.0 NBCC clock hours"
    assert "ACEP No. 6361" in reading.approvals.evidence
    assert confidence_label(reading.completed_on.confidence) == "sure"


def test_the_two_page_certificate_is_read_from_both_pages_without_the_agenda_misleading(
    certificate_files: dict[str, Path],
) -> None:
    reading = read_pdf(certificate_files["two_page_agenda"].read_bytes())

    assert reading.page_count == 2
    assert reading.hours.value == 12.0  # not an agenda segment's 1.5 hours
    assert reading.completed_on.value == date(2026, 4, 18)  # the range's last day


def test_other_details_of_a_layout_are_read_as_printed() -> None:
    data = certificate_pdf(
        "aswb_webinar",
        participant="Lee Wong",
        title="Ethics of Social Media in Social Work",
        completed_on=date(2025, 11, 4),
        hours=3.0,
    )

    reading = read_pdf(data)

    assert reading.participant.value == "Lee Wong"
    assert reading.title.value == "Ethics of Social Media in Social Work"
    assert reading.completed_on.value == date(2025, 11, 4)
    assert reading.hours.value == 3.0
    assert reading.topics.value == (TopicShare("ethics"),)


def test_a_reading_survives_a_trip_through_json(certificate_files: dict[str, Path]) -> None:
    reading = read_pdf(certificate_files["conference"].read_bytes())

    again = CertificateReading.from_dict(reading.to_dict(), page_count=reading.page_count)

    assert again == reading


def test_a_pdf_without_certificate_text_is_not_a_readable_certificate() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Grocery list: apples, bread, coffee")

    with pytest.raises(ValueError, match="no certificate fields found"):
        read_certificate(bytes(pdf.output()))


# The reader's rules, on short texts.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 3, 2026", date(2026, 3, 3)),
        ("Mar. 3rd 2026", date(2026, 3, 3)),
        ("3 March 2026", date(2026, 3, 3)),
        ("2026-03-03", date(2026, 3, 3)),
        ("03/03/2026", date(2026, 3, 3)),
        ("3/14/2026", date(2026, 3, 14)),
        ("14/03/2026", date(2026, 3, 14)),
        ("April 17-18, 2026", date(2026, 4, 18)),
        ("April 17, 2026 - April 18, 2026", date(2026, 4, 18)),
        ("Sept 9, 2025", date(2025, 9, 9)),
    ],
)
def test_it_reads_dates_in_the_formats_certificates_use(text: str, expected: date) -> None:
    assert [found.day for found in find_dates(text)] == [expected]


def test_it_ignores_impossible_dates() -> None:
    assert find_dates("February 30, 2026 and 13/13/2026") == []


@pytest.mark.parametrize(
    ("text", "hours", "unit"),
    [
        ("awarded 3.0 CE credits", 3.0, "clock-hour"),
        ("This program offers 1.5 contact hours.", 1.5, "clock-hour"),
        ("earning six (6) clock hours", 6.0, "clock-hour"),
        ("approved for 3 NBCC clock hours", 3.0, "clock-hour"),
        ("Total: 12.5 CE hours", 12.5, "clock-hour"),
        ("awarded 0.6 CEUs", 6.0, "clock-hour"),
        ("Credits: 3 semester hours", 3.0, "semester-hour"),
        ("CE Hours: 4", 4.0, "clock-hour"),
    ],
)
def test_it_reads_hours_and_credits(text: str, hours: float, unit: str) -> None:
    reading = read_text(text)

    assert (reading.hours.value, reading.unit.value) == (hours, unit)


def test_hours_given_to_a_topic_are_not_the_activity_hours() -> None:
    reading = read_text("This workshop is approved for 6 CE hours, including 2 hours of ethics.\n")

    assert reading.hours.value == 6.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Format: Live interactive webinar", "live-online"),
        ("This live webinar was held on Zoom.", "live-online"),
        ("Delivery: On-demand recorded webinar", "self-study"),
        ("A home study course", "self-study"),
        ("Self-paced online course", "self-study"),
        ("In-person workshop, Austin, TX", "in-person"),
        ("Format: Face-to-face training", "in-person"),
    ],
)
def test_it_maps_the_delivery_format_to_the_vocabulary(text: str, expected: str) -> None:
    assert read_text(text).format.value == expected


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "Acme Institute is approved by the American Psychological Association to sponsor "
            "continuing education for psychologists.",
            Approval("apa"),
        ),
        ("Acme Institute is an NBCC ACEP No. 6361.", Approval("nbcc", "6361")),
        (
            "Acme has been approved by NBCC as an Approved Continuing Education Provider (ACEP) "
            "No. 5951.",
            Approval("nbcc", "5951"),
        ),
        (
            "Acme, Provider #1234, is approved as a provider for social work continuing "
            "education by the Association of Social Work Boards (ASWB) www.aswb.org through "
            "the Approved Continuing Education (ACE) program.",
            Approval("aswb-ace", "1234"),
        ),
        (
            "Acme is recognized by the New York State Education Department's State Board for "
            "Social Work as an approved provider of continuing education for licensed social "
            "workers #SW-0456.",
            Approval("ny-sed", "SW-0456"),
        ),
        ("Acme is approved by CE Broker Provider #50-1635.", Approval("board", "50-1635")),
        (
            "Acme is a Texas Behavioral Health Executive Council provider, Provider No. 2047.",
            Approval("board", "2047"),
        ),
        (
            "Acme is an AAMFT Approved Provider of continuing education, Provider #1187.",
            Approval("aamft", "1187"),
        ),
        (
            "This program is Approved by the National Association of Social Workers (Approval "
            "# 886654321-1234) for 3 continuing education contact hours.",
            Approval("nasw", "886654321-1234"),
        ),
    ],
)
def test_it_reads_approval_statements_with_their_numbers(
    statement: str, expected: Approval
) -> None:
    reading = read_text(statement)

    assert reading.approvals.value == (expected,)
    assert reading.approvals.confidence >= 0.8


def test_a_mention_without_an_approval_is_not_an_approval() -> None:
    reading = read_text("Dr. Lee has taught NBCC exam preparation courses for ten years.")

    assert reading.approvals.value is None


def test_law_and_ethics_is_one_topic_not_two() -> None:
    reading = read_text("Course Title: California Law and Ethics for LMFTs")

    assert reading.topics.value == (TopicShare("law-and-ethics"),)


def test_a_stated_topic_with_hours_is_read_with_its_hours() -> None:
    reading = read_text(
        "Course: Practice Update\nSubject area: Cultural Competence (2.0 hrs)\nCE Hours: 6\n"
    )

    assert reading.topics.value == (TopicShare("cultural-competence", 2.0),)
    assert reading.topics.confidence >= 0.85


def test_dates_that_are_not_the_completion_date_are_left_out() -> None:
    reading = read_text(
        "Issued: 06/01/2026\nApproval period: 01/15/2025 - 01/15/2028\nDate completed: 05/15/2026\n"
    )

    assert reading.completed_on.value == date(2026, 5, 15)


def test_a_name_printed_last_name_first_is_turned_around_and_marked_less_sure() -> None:
    reading = read_text("Participant name: Kim, Alex\n")

    assert reading.participant.value == "Alex Kim"
    assert confidence_label(reading.participant.confidence) == "likely"


def test_disagreeing_candidates_lower_the_confidence() -> None:
    reading = read_text("Date: 03/03/2026\nDate: 04/04/2026\n")

    assert confidence_label(reading.completed_on.confidence) == "guessed"


def test_text_with_nothing_of_a_certificate_reads_as_nothing() -> None:
    reading: Any = read_text("Lorem ipsum dolor sit amet.")

    assert not reading.found_anything
    assert all(value in (None, []) for value in reading.to_dict()["fields"].values())


def test_topic_evidence_is_the_text_the_topics_came_from() -> None:
    reading = read_text(
        "Course Title: Law and Ethics for Counselors\n\n"
        "This course meets the qualifications for 6 hours of continuing education credit.\n"
    )

    assert reading.topics.value == (TopicShare("law-and-ethics"),)
    assert reading.topics.evidence == "Law and Ethics for Counselors"


CERTIFICATE_WORDS = [
    "Certificate",
    "of",
    "Completion",
    "This certifies that",
    "has completed",
    "Participant:",
    "Date:",
    "March 3, 2026",
    "03/03/2026",
    "2026-03-03",
    "3.0 CE credits",
    "contact hours",
    "NBCC",
    "ACEP No.",
    "Provider #",
    "approved by the",
    "American Psychological Association",
    "live webinar",
    "home study",
    "in person",
    "ethics",
    "Law and Ethics",
    ",",
    ".",
    ":",
    "(",
    ")",
    "   ",
    "\n",
    "\n\n",
]


@given(
    st.lists(st.one_of(st.sampled_from(CERTIFICATE_WORDS), st.text(max_size=12)), max_size=120).map(
        " ".join
    )
)
@settings(max_examples=300, deadline=None)
def test_any_text_reads_into_valid_fields_without_error(text: str) -> None:
    reading = read_text(text).to_dict()

    fields = reading["fields"]
    assert fields["format"] in (None, "in-person", "live-online", "self-study")
    assert fields["unit"] in (None, "clock-hour", "semester-hour", "quarter-hour")
    assert all(item["body"] in APPROVAL_BODIES for item in fields["approvals"])
    assert all(item["slug"] in TOPICS for item in fields["topics"])
    if fields["hours"] is not None:
        assert 0 < fields["hours"] <= 10_000
    for name, confidence in reading["confidence"].items():
        assert 0 <= confidence <= 1, name
        assert (confidence == 0) == (fields[name] in (None, [])), name


def test_a_huge_text_without_full_stops_is_read_in_bounded_pieces() -> None:
    text = "Acme Training Institute, provider " + "and more words " * 20_000

    reading = read_text(text)

    assert reading.approvals.value is None
