"""The certificate of attendance a group's facilitator issues for a meeting (PDF, fpdf2
through ``lifelong.core.pdf``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lifelong.accounts.models import User
from lifelong.community.models import Attendance, Meeting
from lifelong.core.pdf import PdfDocument
from lifelong.rules.vocabulary import topic_label


def attendance_certificate(
    meeting: Meeting, attendance: Attendance, facilitators: Sequence[User], made_at: datetime
) -> bytes:
    group = meeting.group
    attendee = attendance.user
    document = PdfDocument(
        title="Certificate of attendance",
        author=", ".join(f.get_full_name() for f in facilitators),
        subject=f"{group.name}, {meeting.held_on:%Y-%m-%d}",
        footer_note=f"Issued with Lifelong on {made_at:%Y-%m-%d}",
        created_at=made_at,
    )
    document.title("Certificate of attendance", group.get_kind_display())
    document.paragraph(
        f"This certifies that {attendee.get_full_name()} attended the meeting of "
        f"{group.name} on {meeting.held_on:%B %-d, %Y}."
    )
    document.key_values(
        [
            ("Attendee", f"{attendee.get_full_name()} ({attendee.email})"),
            ("Group", group.name),
            ("Date", f"{meeting.held_on:%Y-%m-%d}"),
            ("Duration", f"{meeting.duration_minutes} minutes ({meeting.hours:g} clock hours)"),
            ("Format", meeting.get_format_display()),
            ("Kind of activity", "Peer consultation"),
            ("Topics", ", ".join(topic_label(s) for s in meeting.topics) or "—"),
            (
                "Attendance confirmed",
                f"{attendance.confirmed_at:%Y-%m-%d}" if attendance.confirmed_at else "no",
            ),
            ("Facilitator", ", ".join(f.get_full_name() for f in facilitators) or "—"),
        ]
    )
    document.space()
    document.paragraph(
        "Peer consultation is not an approved CE course: whether and how many of these hours "
        "count depends on the attendee's licensing board.",
    )
    return document.to_bytes()
