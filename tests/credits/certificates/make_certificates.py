"""Certificate fixtures: ten PDF layouts written with fpdf2 that mirror the structure of real CE
providers' certificates (every name, number and organization is made up), two images, and the
hostile files uploads must refuse.

Run it to look at them: ``python tests/credits/certificates/make_certificates.py OUT_DIR``.
Tests build them into a temporary folder (``certificate_files`` fixture); what each PDF should
read as is written down, independently, in ``expected_fields.json``.

Only the PDF core fonts are used (Helvetica, Times, Courier: Latin-1 text), so the files are
the same on every machine.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def long_date(day: date) -> str:
    """March 3, 2026"""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def ordinal_date(day: date) -> str:
    """March 3rd, 2026"""
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{MONTHS[day.month - 1]} {day.day}{suffix}, {day.year}"


def short_month_date(day: date) -> str:
    """Mar 3, 2026"""
    return f"{MONTHS[day.month - 1][:3]} {day.day}, {day.year}"


def us_date(day: date) -> str:
    """03/03/2026"""
    return f"{day:%m/%d/%Y}"


def day_month_year(day: date) -> str:
    """3 March 2026"""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def hours_text(hours: float) -> str:
    return f"{hours:.1f}"


@dataclass(frozen=True)
class Details:
    """What varies from one certificate to another of the same layout."""

    participant: str
    title: str
    provider: str
    completed_on: date
    hours: float


class Sheet(FPDF):
    """fpdf2 with a few helpers for centred lines and label/value rows."""

    def line_center(self, text: str, size: float, style: str = "", family: str = "") -> None:
        self.set_font(family or self.font_family, style, size)
        self.cell(0, size * 0.55, text, align="C", new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, size: float = 9, style: str = "", align: str = "J") -> None:
        self.set_font(self.font_family, style, size)
        self.multi_cell(0, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")

    def row(self, *cells: tuple[str, float], size: float = 11, height: float = 7) -> None:
        """Cells side by side, each ``(text, width)``; a width of 0 runs to the margin."""
        self.set_font(self.font_family, "", size)
        for text, width in cells:
            self.cell(width, height, text)
        self.ln(height)

    def gap(self, height: float) -> None:
        self.ln(height)

    def frame(self) -> None:
        self.set_line_width(1.2)
        self.rect(8, 8, self.w - 16, self.h - 16)
        self.set_line_width(0.3)
        self.rect(11, 11, self.w - 22, self.h - 22)


def _output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


# The layouts. Each writes the details in its provider's own structure and wording.


def apa_sponsor(d: Details) -> bytes:
    """A psychology CE sponsor's landscape certificate: "This certifies that ... has completed",
    CE credits, and the APA sponsor statement with no number (APA does not number sponsors)."""
    pdf = Sheet(orientation="L", format="Letter")
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    pdf.frame()
    pdf.set_font("Times")
    pdf.gap(6)
    pdf.line_center(d.provider, 16, "B")
    pdf.gap(4)
    pdf.line_center("CERTIFICATE OF COMPLETION", 28, "B")
    pdf.gap(4)
    pdf.line_center("This certifies that", 14, "I")
    pdf.gap(2)
    pdf.line_center(d.participant, 26, "B")
    pdf.gap(2)
    pdf.line_center("has completed the continuing education program", 14, "I")
    pdf.gap(1)
    pdf.line_center(d.title, 18, "B")
    pdf.gap(1)
    pdf.line_center(
        f"presented in person in Boston, Massachusetts, on {long_date(d.completed_on)},", 13
    )
    pdf.line_center(f"and is awarded {hours_text(d.hours)} CE credits.", 13)
    pdf.gap(8)
    pdf.paragraph(
        f"{d.provider} is approved by the American Psychological Association to sponsor "
        f"continuing education for psychologists. {d.provider} maintains responsibility for "
        "this program and its content.",
        10,
        align="C",
    )
    pdf.gap(8)
    pdf.row(("____________________________", 120), ("____________________________", 0))
    pdf.row(("Ellen Park, PhD", 120), ("Issued " + long_date(date(2026, 3, 10)), 0), size=10)
    pdf.row(("Director of Continuing Education", 120), ("Certificate no. NPI-26-0415", 0), size=9)
    return _output(pdf)


def nbcc_home_study(d: Details) -> bytes:
    """A home-study company's portrait certificate: a label/value table, NBCC clock hours and
    the ACEP statement with its number."""
    pdf = Sheet(format="Letter")
    pdf.set_margins(22, 18, 22)
    pdf.add_page()
    pdf.set_font("Helvetica")
    pdf.line_center(d.provider.upper(), 20, "B")
    pdf.line_center("Continuing Education for Behavioral Health Professionals", 10)
    pdf.gap(10)
    pdf.line_center("Certificate of Completion", 22, "B")
    pdf.gap(10)
    rows = [
        ("Participant Name:", d.participant),
        ("Course Title:", d.title),
        ("Course #:", "96510"),
        ("Date Completed:", us_date(d.completed_on)),
        ("Credits Awarded:", f"{hours_text(d.hours)} NBCC clock hours"),
        ("Format:", "Home study (online course)"),
        ("Special Approvals:", "This course meets the ethics requirement."),
    ]
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(45, 8, label)
        pdf.set_font("Helvetica", "", 11)
        pdf.cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")
    pdf.gap(10)
    pdf.paragraph(
        f"{d.provider} has been approved by NBCC as an Approved Continuing Education Provider, "
        f"ACEP No. 6361. Programs that do not qualify for NBCC credit are clearly identified. "
        f"{d.provider} is solely responsible for all aspects of the programs.",
        9,
    )
    pdf.gap(6)
    pdf.paragraph("Keep this certificate for at least four years. Verification: 1-800-555-0142.", 8)
    return _output(pdf)


def aswb_webinar(d: Details) -> bytes:
    """A social-work academy's certificate for a live interactive webinar: ACE provider
    number, course level, approval period dates that are not the completion date."""
    pdf = Sheet(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.frame()
    pdf.set_font("Helvetica")
    pdf.gap(8)
    pdf.line_center("Certificate of Attendance", 24, "B")
    pdf.line_center(d.provider, 13)
    pdf.gap(10)
    pdf.row(("Awarded to:", 35), (d.participant, 0), size=13)
    pdf.gap(2)
    pdf.paragraph("for participating in the live interactive webinar", 11, align="L")
    pdf.line_center(d.title, 15, "B")
    pdf.gap(4)
    pdf.row(("Date:", 35), (d.completed_on.isoformat(), 0))
    pdf.row(("Course level:", 35), ("Intermediate", 0))
    pdf.row(("Instructor:", 35), ("Dana Whitfield, LICSW", 0))
    pdf.row(("Continuing education credits:", 62), (hours_text(d.hours), 0))
    pdf.gap(8)
    pdf.paragraph(
        f"{d.provider}, provider #1234, is approved as an ACE provider to offer social work "
        "continuing education by the Association of Social Work Boards (ASWB) Approved "
        "Continuing Education (ACE) program. Regulatory boards are the final authority on "
        "courses accepted for continuing education credit. ACE provider approval period: "
        f"01/15/2025 - 01/15/2028. Social workers completing this course receive "
        f"{hours_text(d.hours)} clinical continuing education credits.",
        9,
    )
    return _output(pdf)


def ny_sed(d: Details) -> bytes:
    """A New York counseling institute: one sentence with name, title, date and hours, and the
    State Education Department's provider statement with its #MHC- number."""
    pdf = Sheet(format="Letter")
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    pdf.set_font("Times")
    pdf.line_center(d.provider, 18, "B")
    pdf.line_center("Certificate of Continuing Education", 14, "I")
    pdf.gap(14)
    pdf.paragraph(
        f"This is to certify that {d.participant} completed {d.title} on "
        f"{day_month_year(d.completed_on)}, earning {hours_text(d.hours)} contact hours.",
        13,
        align="L",
    )
    pdf.gap(4)
    pdf.row(("Mode of delivery:", 45), ("In-person training, New York, NY", 0), size=12)
    pdf.gap(10)
    pdf.paragraph(
        f"{d.provider} is recognized by the New York State Education Department's State Board "
        "for Mental Health Practitioners as an approved provider of continuing education for "
        "licensed mental health counselors. #MHC-0123.",
        10,
    )
    pdf.gap(16)
    pdf.row(("Samuel Greene, LMHC, Education Director", 0), size=10)
    return _output(pdf)


def florida_ce_broker(d: Details) -> bytes:
    """A Florida provider that reports to CE Broker: provider and tracking numbers, the
    participant's license number, and the subject area with its hours."""
    pdf = Sheet(format="Letter")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica")
    pdf.line_center(d.provider, 17, "B")
    pdf.line_center("CE Broker Provider #50-1635", 10)
    pdf.gap(10)
    pdf.line_center("CERTIFICATE OF COMPLETION", 20, "B")
    pdf.gap(8)
    pdf.row(("Participant:", 45), (d.participant, 0))
    pdf.row(("License #:", 45), ("MH12345", 0))
    pdf.row(("Course:", 45), (d.title, 0))
    pdf.row(("Completion Date:", 45), (short_month_date(d.completed_on), 0))
    pdf.row(("Contact Hours:", 45), (hours_text(d.hours), 0))
    pdf.row(("Subject area:", 45), (f"Laws and Rules ({hours_text(d.hours)} hrs)", 0))
    pdf.row(("Delivery method:", 45), ("Self-paced online course (home study)", 0))
    pdf.row(("Tracking #:", 45), ("20-987654", 0))
    pdf.gap(8)
    pdf.paragraph(
        f"{d.provider} is an approved provider of the Florida Board of Clinical Social Work, "
        "Marriage and Family Therapy and Mental Health Counseling. Completion has been "
        "reported to CE Broker.",
        9,
    )
    return _output(pdf)


def california_bbs(d: Details) -> bytes:
    """A California law and ethics course: the BBS qualification sentence and a BBS provider
    number, an ordinal date, and a live webinar."""
    pdf = Sheet(orientation="L", format="Letter")
    pdf.set_margins(25, 18, 25)
    pdf.add_page()
    pdf.frame()
    pdf.set_font("Helvetica")
    pdf.gap(4)
    pdf.line_center("Certificate of Completion", 26, "B")
    pdf.line_center(d.provider, 14)
    pdf.gap(8)
    pdf.line_center(d.participant, 22, "B")
    pdf.line_center("License: LMFT 98765", 10)
    pdf.gap(4)
    pdf.line_center("has successfully completed", 12, "I")
    pdf.line_center(d.title, 16, "B")
    pdf.gap(6)
    pdf.row(("Completed: " + ordinal_date(d.completed_on), 90), (f"Hours: {d.hours:g}", 0))
    pdf.row(("Format: Live webinar (synchronous, interactive)", 0))
    pdf.gap(6)
    pdf.paragraph(
        f"This course meets the qualifications for {d.hours:g} hours of continuing education "
        "credit for LMFTs, LCSWs, LPCCs, and LEPs as required by the California Board of "
        f"Behavioral Sciences. {d.provider}, BBS Provider #PCE 4321.",
        10,
        align="C",
    )
    return _output(pdf)


def two_page_agenda(d: Details) -> bytes:
    """A two-day workshop: the certificate on page 1, the agenda with times, dates and segment
    hours on page 2; an AAMFT approved provider number."""
    pdf = Sheet(orientation="L", format="Letter")
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    pdf.frame()
    pdf.set_font("Times")
    pdf.gap(6)
    pdf.line_center("Certificate of Attendance", 28, "B")
    pdf.gap(4)
    pdf.line_center("Presented to", 13, "I")
    pdf.line_center(d.participant, 24, "B")
    pdf.line_center("for attending", 13, "I")
    pdf.line_center(d.title, 17, "B")
    pdf.gap(2)
    start = d.completed_on - timedelta(days=1)
    pdf.line_center(
        f"held in person in Chicago, Illinois, on {long_date(start)} - {long_date(d.completed_on)}",
        12,
    )
    pdf.line_center(f"Total: {d.hours:g} CE hours", 14, "B")
    pdf.gap(8)
    pdf.paragraph(
        f"{d.provider} is an AAMFT Approved Provider of continuing education, Provider #1187. "
        "See the agenda on the next page.",
        10,
        align="C",
    )
    pdf.line_center(d.provider, 12, "B")

    pdf.add_page()
    pdf.set_font("Times")
    pdf.line_center("Workshop agenda", 18, "B")
    pdf.gap(4)
    for day, label in ((start, "Day 1"), (d.completed_on, "Day 2")):
        pdf.set_font("Times", "B", 12)
        pdf.cell(0, 8, f"{label} - {long_date(day)}", new_x="LMARGIN", new_y="NEXT")
        for times, segment, hours in (
            ("8:30 AM - 10:00 AM", "Attachment science and the cycle of distress", "1.5"),
            ("10:15 AM - 12:00 PM", "Assessment and de-escalation", "1.75"),
            ("1:00 PM - 3:00 PM", "Live demonstration and discussion", "2.0"),
            ("3:15 PM - 4:00 PM", "Practice in triads", "0.75"),
        ):
            pdf.row((times, 55), (segment, 150), (f"{hours} hours", 0), size=11)
    return _output(pdf)


def university_course(d: Details) -> bytes:
    """A university registrar's course completion record: a transcript-like table with course
    code, semester hours and grade."""
    pdf = Sheet(format="Letter")
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.set_font("Courier")
    pdf.line_center(d.provider.upper(), 15, "B")
    pdf.line_center("Office of the Registrar", 11)
    pdf.line_center("Course Completion Record (unofficial transcript)", 11)
    pdf.gap(8)
    pdf.row(("Student:", 40), (d.participant, 0), size=10)
    pdf.row(("Student ID:", 40), ("00123456", 0), size=10)
    pdf.row(("Program:", 40), ("M.A. Clinical Mental Health Counseling", 0), size=10)
    pdf.gap(6)
    pdf.set_font("Courier", "B", 10)
    header = [("Term", 30), ("Course", 28), ("Title", 95), ("Credits", 18), ("Grade", 0)]
    for text, width in header:
        pdf.cell(width, 7, text)
    pdf.ln(7)
    pdf.row(
        ("Spring 2026", 30),
        ("COUN 6320", 28),
        (d.title, 95),
        (f"{d.hours:.1f}", 18),
        ("A", 0),
        size=9,
    )
    pdf.gap(6)
    pdf.row(("Credit unit: semester hours", 0), size=10)
    pdf.row(("Instruction mode: In person", 0), size=10)
    pdf.row(("Date completed: " + us_date(d.completed_on), 0), size=10)
    pdf.gap(8)
    pdf.paragraph(
        f"The {d.provider} is accredited by the Higher Learning Commission. This record lists "
        "a graduate course taken for academic credit.",
        9,
    )
    pdf.row(("Issued: 06/01/2026", 0), size=9)
    return _output(pdf)


def conference(d: Details) -> bytes:
    """A state association's annual conference: several sessions with their hours, a total,
    and an NBCC ACEP number."""
    pdf = Sheet(format="Letter")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica")
    pdf.line_center(d.title, 16, "B")
    pdf.line_center("Certificate of Attendance", 20, "B")
    pdf.gap(6)
    pdf.row(("Name:", 30), (d.participant, 0), size=12)
    start = d.completed_on - timedelta(days=2)
    pdf.row(
        ("Dates:", 30),
        (
            f"{MONTHS[start.month - 1]} {start.day}-{d.completed_on.day}, {d.completed_on.year}"
            if start.month == d.completed_on.month
            else f"{MONTHS[start.month - 1]} {start.day} - {long_date(d.completed_on)}",
            0,
        ),
        size=12,
    )
    pdf.row(("Location:", 30), ("Colorado Convention Center, Denver, Colorado", 0), size=12)
    pdf.gap(4)
    pdf.set_font("Helvetica", "B", 10)
    for text, width in (("Date", 30), ("Session", 120), ("CE hours", 0)):
        pdf.cell(width, 7, text)
    pdf.ln(7)
    sessions = [
        (start, "Keynote: The Counselor as Lifelong Learner", "1.5"),
        (start + timedelta(days=1), "Ethics in Rural and Small-Community Practice", "3.0"),
        (d.completed_on, "Motivational Interviewing for Co-occurring Disorders", "3.0"),
    ]
    for day, session, hours in sessions:
        pdf.row((f"{day:%m/%d/%Y}", 30), (session, 120), (hours, 0), size=10)
    pdf.gap(3)
    pdf.row(("Total CE hours earned:", 150), (hours_text(d.hours), 0), size=11)
    pdf.row(("Includes 3.0 hours of ethics.", 0), size=10)
    pdf.gap(6)
    pdf.paragraph(
        f"{d.provider} is an NBCC Approved Continuing Education Provider (ACEP) No. 5951 and "
        "may offer NBCC-approved clock hours for events that meet NBCC requirements. The ACEP "
        f"is solely responsible for all aspects of the program. Sponsored by {d.provider}.",
        9,
    )
    return _output(pdf)


def nasw_recorded(d: Details) -> bytes:
    """A social-work collaborative's recorded course: the NASW approval number and contact
    hours in one sentence, the name written last name first."""
    pdf = Sheet(format="A4")
    pdf.set_margins(22, 22, 22)
    pdf.add_page()
    pdf.frame()
    pdf.set_font("Helvetica")
    pdf.gap(6)
    pdf.line_center(d.provider, 15, "B")
    pdf.gap(6)
    pdf.line_center("CERTIFICATE", 26, "B")
    pdf.line_center("of continuing education", 12, "I")
    pdf.gap(10)
    pdf.row(("Participant name:", 50), (d.participant, 0), size=12)
    pdf.row(("Program:", 50), (d.title, 0), size=12)
    pdf.row(("Format:", 50), ("Self-study (recorded webinar)", 0), size=12)
    pdf.row(("Date of completion:", 50), (long_date(d.completed_on), 0), size=12)
    pdf.gap(8)
    pdf.paragraph(
        f"This program is Approved by the National Association of Social Workers (Approval "
        f"# 886123456-7890) for {d.hours:g} Social Work continuing education contact hours.",
        10,
    )
    return _output(pdf)


LAYOUTS: dict[str, tuple[Callable[[Details], bytes], Details]] = {
    "apa_sponsor": (
        apa_sponsor,
        Details(
            "Jordan A. Rivera",
            "Evidence-Based Treatment of Insomnia: CBT-I in Practice",
            "Northbridge Psychological Institute",
            date(2026, 3, 3),
            3.0,
        ),
    ),
    "nbcc_home_study": (
        nbcc_home_study,
        Details(
            "Morgan Lee, LPC",
            "Ethical Dilemmas in Telehealth Counseling",
            "ClearPath CE",
            date(2026, 3, 3),
            5.0,
        ),
    ),
    "aswb_webinar": (
        aswb_webinar,
        Details(
            "Samira Haddad, LCSW",
            "Suicide Risk Assessment and Safety Planning",
            "Harborview Social Work Academy",
            date(2026, 3, 3),
            1.5,
        ),
    ),
    "ny_sed": (
        ny_sed,
        Details(
            "Daniel Okafor",
            "Trauma-Informed Care with Adolescents",
            "Empire Counseling Institute",
            date(2026, 3, 3),
            6.0,
        ),
    ),
    "florida_ce_broker": (
        florida_ce_broker,
        Details(
            "Ana Ruiz, LMHC",
            "Florida Laws and Rules for Mental Health Professionals",
            "Sunshine Behavioral Education",
            date(2026, 2, 11),
            3.0,
        ),
    ),
    "california_bbs": (
        california_bbs,
        Details(
            "Taylor Nguyen",
            "Law and Ethics: Dual Relationships and Mandated Reporting",
            "Pacific Coast Therapy Training",
            date(2026, 1, 22),
            6.0,
        ),
    ),
    "two_page_agenda": (
        two_page_agenda,
        Details(
            "Chris Morgan",
            "Emotionally Focused Couple Therapy: Core Skills",
            "Midwest Institute for Couples Therapy",
            date(2026, 4, 18),
            12.0,
        ),
    ),
    "university_course": (
        university_course,
        Details(
            "Riley Chen",
            "Multicultural Counseling and Social Justice",
            "University of Westbrook",
            date(2026, 5, 15),
            3.0,
        ),
    ),
    "conference": (
        conference,
        Details(
            "Jamie Patel",
            "Rocky Mountain Counseling Association 2026 Annual Conference",
            "Rocky Mountain Counseling Association",
            date(2026, 10, 10),
            7.5,
        ),
    ),
    "nasw_recorded": (
        nasw_recorded,
        Details(
            "Kim, Alex",
            "Clinical Supervision Essentials for New Supervisors",
            "Bayside Social Work Collaborative",
            date(2026, 2, 14),
            2.0,
        ),
    ),
}


def certificate_pdf(layout: str, **changes: object) -> bytes:
    """One layout's PDF, with some of its default details changed (``completed_on=...``)."""
    write, details = LAYOUTS[layout]
    return write(replace(details, **changes))  # type: ignore[arg-type]


# Images: kept as evidence, entered by hand.


def certificate_image(format: str = "PNG", text: str = "Certificate of Completion") -> bytes:
    """A small scanned-looking certificate as a PNG or JPEG."""
    image = Image.new("RGB", (640, 420), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 629, 409), outline="navy", width=4)
    draw.text((200, 60), text, fill="black")
    draw.text((200, 160), "Awarded to Jordan A. Rivera", fill="black")
    draw.text((200, 220), "6 contact hours - March 3, 2026", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()


# Hostile files: each must be refused, leaving nothing behind.


def encrypted_pdf() -> bytes:
    """A certificate encrypted with an owner password (it opens without one)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(certificate_pdf("apa_sponsor"))))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def javascript_pdf() -> bytes:
    """A certificate whose OpenAction runs JavaScript when it is opened."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(certificate_pdf("apa_sponsor"))))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def truncated_pdf() -> bytes:
    """The first half of a certificate: no cross-reference table, no end."""
    data = certificate_pdf("nbcc_home_study")
    return data[: len(data) // 2]


def png_named_pdf() -> bytes:
    """A real PNG image, to be uploaded under a .pdf name."""
    return certificate_image("PNG")


def text_named_png() -> bytes:
    """Plain text, to be uploaded under a .png name."""
    return b"This is not an image.\nCertificate of Completion\n6 contact hours\n"


def decompression_bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid one-bit PNG of 400 million pixels that fits in a few kilobytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def oversized_pdf(size: int) -> bytes:
    """A readable certificate padded with a PDF comment to ``size`` bytes."""
    data = certificate_pdf("apa_sponsor")
    padding = size - len(data) - 2
    return data + b"\n%" + b"x" * max(padding, 0)


HOSTILE: dict[str, tuple[str, Callable[[], bytes]]] = {
    "encrypted": ("encrypted.pdf", encrypted_pdf),
    "javascript": ("javascript.pdf", javascript_pdf),
    "truncated": ("truncated.pdf", truncated_pdf),
    "png_named_pdf": ("scan.pdf", png_named_pdf),
    "text_named_png": ("certificate.png", text_named_png),
    "decompression_bomb": ("bomb.png", decompression_bomb_png),
}


def build(directory: Path) -> dict[str, Path]:
    """Write every layout (``<name>.pdf``), the images and the hostile files into
    ``directory``; returns the paths by name."""
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name in LAYOUTS:
        paths[name] = directory / f"{name}.pdf"
        paths[name].write_bytes(certificate_pdf(name))
    paths["image_png"] = directory / "scanned-certificate.png"
    paths["image_png"].write_bytes(certificate_image("PNG"))
    paths["image_jpeg"] = directory / "phone-photo.jpg"
    paths["image_jpeg"].write_bytes(certificate_image("JPEG"))
    for name, (filename, make) in HOSTILE.items():
        paths[name] = directory / filename
        paths[name].write_bytes(make())
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "certificates")
    for name, path in build(out).items():
        print(f"{name}: {path}")  # noqa: T201
