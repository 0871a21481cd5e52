"""The demo account: a California LMFT who also holds a Texas LPC-S and the NBCC NCC.

Plain data below, and :func:`create_demo_account` to store it. Dates are relative to the day
the demo is created, so the story is the same whenever it is run:

- California LMFT, renewing at the end of the birth month about five months ahead: short of
  law and ethics hours (and a few hours overall) — a clear deficit with a deadline;
- Texas LPC with the supervisor role, renewing in about 14 months: in progress, supervision
  hours still missing;
- NBCC National Certified Counselor, recertifying in about two years: compliant.

Activity dates keep clear of each license's cycle start, so that month lengths never move an
activity from one cycle to another.
"""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.credits.activity_csv import parse_approvals, parse_topics
from lifelong.credits.models import Activity
from lifelong.licensure.models import License
from lifelong.wellbeing.demo import add_demo_wellbeing

DEMO_EMAIL = "demo@lifelong.local"
DEMO_NAME = "Dana Rivera"
DEMO_TIME_ZONE = "America/Los_Angeles"


@dataclass(frozen=True, slots=True)
class DemoActivity:
    """One CE activity; ``topics`` and ``approvals`` use the CSV syntax of DESIGN.md."""

    days_ago: int
    title: str
    provider: str
    hours: str
    format: str
    kind: str
    topics: str = ""
    approvals: str = ""


@dataclass(frozen=True, slots=True)
class DemoLicense:
    """A license whose deadline is ``expires_in_days`` ahead (moved to the end of that month
    when ``end_of_month``: birth-month boards)."""

    ruleset_id: str
    kind: str
    label: str
    number: str
    issued_on: date
    expires_in_days: int
    end_of_month: bool = False
    roles: tuple[str, ...] = ()
    attest_conditions: tuple[str, ...] = ()


LICENSES: tuple[DemoLicense, ...] = (
    DemoLicense(
        ruleset_id="us-ca-lmft",
        kind="license",
        label="California LMFT",
        number="LMFT 104872",
        issued_on=date(2013, 4, 9),
        expires_in_days=150,
        end_of_month=True,
    ),
    DemoLicense(
        ruleset_id="us-tx-lpc",
        kind="license",
        label="Texas LPC-S",
        number="LPC 78214",
        issued_on=date(2019, 8, 22),
        expires_in_days=420,
        roles=("supervisor",),
        attest_conditions=("jurisprudence-exam",),
    ),
    DemoLicense(
        ruleset_id="nbcc-ncc",
        kind="certification",
        label="NCC",
        number="NCC 318560",
        issued_on=date(2012, 10, 1),
        expires_in_days=800,
        attest_conditions=("ethics-attestation",),
    ),
)

# Newest first. California's current cycle began about 530-600 days ago, Texas's about
# 300-320 days ago and the NBCC's about 1010-1040 days ago: no activity falls in those bands.
ACTIVITIES: tuple[DemoActivity, ...] = (
    # California's current renewal period (the last ~17 months).
    DemoActivity(
        14, "Clinical Supervision Refresher: Feedback, Evaluation and Gatekeeping",
        "Texas Counseling Association", "3", "live-online", "course", "supervision", "nbcc",
    ),
    DemoActivity(
        27, "Research Roundup: Digital CBT for Depression (recorded)",
        "Psychotherapy Networker", "1", "self-study", "course", "clinical-practice",
        "apa;nbcc",
    ),
    DemoActivity(
        40, "Working with Interpreters in Therapy Sessions", "American Psychological Association",
        "1", "live-online", "course", "cultural-competence", "apa",
    ),
    DemoActivity(
        65, "Cultural Humility in Couple and Family Therapy",
        "American Association for Marriage and Family Therapy", "3", "live-online", "course",
        "cultural-competence", "aamft",
    ),
    DemoActivity(
        95, "Law and Ethics Update: Confidentiality, Minors and Mandated Reporting",
        "California Association of Marriage and Family Therapists", "3", "live-online",
        "course", "law-and-ethics", "other",
    ),
    DemoActivity(
        130, "Perinatal Mental Health: Screening and Treatment Essentials",
        "Postpartum Support International", "3", "live-online", "course", "clinical-practice",
        "apa;nbcc",
    ),
    DemoActivity(
        160, "Working with Clients Facing Climate Distress",
        "Climate Psychology Alliance North America", "1", "live-online", "course",
        "clinical-practice", "other",
    ),
    DemoActivity(
        175, "Acceptance and Commitment Therapy for Anxiety in Everyday Practice",
        "Psychotherapy Networker", "3", "self-study", "course", "clinical-practice",
        "apa;nbcc",
    ),
    DemoActivity(
        215, "Couples case consultation group (spring series)",
        "East Bay Couples Consultation Group", "3", "in-person", "peer-consultation",
        "clinical-practice",
    ),
    DemoActivity(
        255, "Supporting Survivors of Suicide Loss",
        "American Foundation for Suicide Prevention", "1.5", "self-study", "course",
        "suicide-prevention;trauma", "other",
    ),
    DemoActivity(
        350, "Sleep and Mental Health: CBT-I Essentials for Therapists", "PESI", "2",
        "self-study", "course", "clinical-practice", "apa;nbcc:6361;aswb-ace",
    ),
    DemoActivity(
        390, "Safety Planning with Adolescents After a Crisis",
        "Suicide Prevention Resource Center", "1.5", "live-online", "course",
        "suicide-prevention", "other",
    ),
    DemoActivity(
        410, "Emotionally Focused Therapy: Working with Withdrawn Partners",
        "Sacramento Center for EFT", "2", "live-online", "course", "clinical-practice",
        "aamft",
    ),
    DemoActivity(
        450, "Trauma and the Body: A Home-Study Course", "PESI", "2", "self-study", "course",
        "trauma", "apa;nbcc:6361;aswb-ace",
    ),
    DemoActivity(
        470, "Screening for Substance Use in Couples and Families", "PESI", "1.5",
        "self-study", "course", "substance-use", "nbcc:6361",
    ),
    DemoActivity(
        505, "Mindful Self-Compassion for Clinicians", "Center for Mindful Self-Compassion",
        "1.5", "self-study", "course", "self-care", "other",
    ),
    # Earlier: California's previous period, still inside the NBCC cycle until ~1010 days ago.
    DemoActivity(
        610, "Assessing and Managing Suicide Risk (AMSR) for Outpatient Providers",
        "Education Development Center", "6.5", "live-online", "course",
        "suicide-prevention", "apa;nbcc",
    ),
    DemoActivity(
        630, "Anxiety in Children: Parent-Led CBT", "Child Mind Institute", "1", "live-online",
        "course", "clinical-practice", "apa",
    ),
    DemoActivity(
        650, "Telehealth for Mental Health Professionals: Law, Ethics and Practice",
        "Person-Centered Tech", "3", "self-study", "course", "telehealth", "apa;nbcc",
    ),
    DemoActivity(
        665, "Neurodiversity-Affirming Therapy with Autistic Adults",
        "Psychotherapy Networker", "3", "live-online", "course",
        "clinical-practice;cultural-competence=1", "apa;nbcc",
    ),
    DemoActivity(
        690, "ACA Conference & Expo", "American Counseling Association", "15", "in-person",
        "conference", "clinical-practice;ethics=3;cultural-competence=2", "nbcc",
    ),
    DemoActivity(
        705, "Ethics of Online Reviews, Texting and Social Media", "Zur Institute", "2",
        "self-study", "course", "ethics", "apa;nbcc",
    ),
    DemoActivity(
        730, "EFT Externship: Emotionally Focused Couple Therapy",
        "Sacramento Center for EFT", "28", "in-person", "course", "clinical-practice",
        "apa;aamft",
    ),
    DemoActivity(
        745, "Journal club: Measurement-Based Care in Private Practice",
        "East Bay Couples Consultation Group", "1.5", "in-person", "peer-consultation",
        "clinical-practice",
    ),
    DemoActivity(
        760, "Grief Work with Older Adults", "American Society on Aging", "1.5",
        "live-online", "course", "clinical-practice", "other",
    ),
    DemoActivity(
        780, "Law and Ethics: Boundaries, Dual Relationships and Documentation",
        "California Association of Marriage and Family Therapists", "6", "in-person",
        "course", "law-and-ethics", "other",
    ),
    DemoActivity(
        820, "Trauma-Focused CBT for Children and Adolescents", "PESI", "6", "live-online",
        "course", "trauma;child-abuse=1", "apa;nbcc:6361;aswb-ace",
    ),
    DemoActivity(
        845, "Psychodynamic Case Consultation (winter series)",
        "East Bay Couples Consultation Group", "4", "in-person", "peer-consultation",
        "clinical-practice",
    ),
    DemoActivity(
        860, "Presentation: Couples and Chronic Illness",
        "California Association of Marriage and Family Therapists", "1.5", "in-person",
        "teaching", "clinical-practice", "other",
    ),
    DemoActivity(
        880, "Intimate Partner Violence: Screening and Safety in Couples Work",
        "National Domestic Violence Hotline", "2", "live-online", "course",
        "domestic-violence", "other",
    ),
    DemoActivity(
        900, "Motivational Interviewing: Core Skills Workshop",
        "Motivational Interviewing Network of Trainers", "6", "in-person", "course",
        "substance-use=2;clinical-practice", "nbcc",
    ),
    DemoActivity(
        925, "Gottman Method Couples Therapy: Level 1 (recorded)", "The Gottman Institute",
        "12", "self-study", "course", "clinical-practice", "apa",
    ),
    DemoActivity(
        935, "Treating Hoarding Disorder: CBT Approaches", "International OCD Foundation", "2",
        "live-online", "course", "clinical-practice", "apa",
    ),
    DemoActivity(
        950, "HIPAA, Records and Technology: A Practical Ethics Course", "PESI", "3",
        "self-study", "course", "ethics", "apa;nbcc:6361;aswb-ace",
    ),
    DemoActivity(
        970, "Burnout and Compassion Fatigue in Helping Professionals", "PESI", "1.5",
        "live-online", "course", "self-care", "nbcc:6361",
    ),
    DemoActivity(
        990, "Dialectical Behavior Therapy Skills for Emotion Dysregulation", "PESI", "6",
        "live-online", "course", "clinical-practice", "apa;nbcc:6361;aswb-ace",
    ),
    # Before the NBCC cycle: California's previous period only.
    DemoActivity(
        1050, "Working with LGBTQ+ Couples and Families",
        "American Association for Marriage and Family Therapy", "3", "live-online",
        "course", "cultural-competence", "aamft",
    ),
    DemoActivity(
        1065, "Motivational Interviewing Practice Lab", "Motivational Interviewing Network of "
        "Trainers", "2", "live-online", "course", "substance-use", "nbcc",
    ),
    DemoActivity(
        1080, "Psychopharmacology Basics for Non-Prescribing Clinicians", "PESI", "4",
        "self-study", "course", "clinical-practice", "apa;nbcc:6361",
    ),
    DemoActivity(
        1090, "Elder Abuse: Recognition and Reporting for Therapists",
        "California Association of Marriage and Family Therapists", "1", "live-online",
        "course", "elder-abuse", "other",
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """The demo user, the password to sign in with (shown once) and what was created."""

    user: User
    password: str
    license_count: int
    activity_count: int


class DemoAccountExists(Exception):
    """The demo account is already there; delete it first to recreate it."""


def demo_account_exists() -> bool:
    return User.objects.filter(email__iexact=DEMO_EMAIL).exists()


def delete_demo_account() -> bool:
    """Delete the demo user and everything they own; False if there was none."""
    deleted, _ = User.objects.filter(email__iexact=DEMO_EMAIL).delete()
    return deleted > 0


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def license_deadline(spec: DemoLicense, today: date) -> date:
    deadline = today + timedelta(days=spec.expires_in_days)
    return end_of_month(deadline) if spec.end_of_month else deadline


def activity_fields(spec: DemoActivity, today: date) -> dict[str, Any]:
    """Model field values for one demo activity; its topic and approval text must be valid."""
    topics, topic_errors = parse_topics(spec.topics)
    approvals, approval_errors = parse_approvals(spec.approvals)
    if topic_errors or approval_errors:
        raise ValueError(f"demo activity {spec.title!r}: {topic_errors + approval_errors}")
    return {
        "title": spec.title,
        "provider": spec.provider,
        "completed_on": today - timedelta(days=spec.days_ago),
        "hours": Decimal(spec.hours),
        "format": spec.format,
        "kind": spec.kind,
        "topics": [{"slug": share.slug, "hours": share.hours} for share in topics],
        "approvals": [{"body": item.body, "number": item.number} for item in approvals],
    }


def create_demo_account(*, today: date | None = None, password: str | None = None) -> DemoAccount:
    """Create the demo user (email verified) with the licenses and activities above.

    The password is generated unless given. Raises DemoAccountExists if the account exists.
    """
    from allauth.account.models import EmailAddress

    today = today or timezone.localdate()
    password = password or secrets.token_urlsafe(12)
    birth_month = license_deadline(LICENSES[0], today).month  # California renews in it
    with transaction.atomic():
        if demo_account_exists():
            raise DemoAccountExists(DEMO_EMAIL)
        user = User.objects.create_user(
            email=DEMO_EMAIL,
            password=password,
            name=DEMO_NAME,
            time_zone=DEMO_TIME_ZONE,
            birth_month=birth_month,
        )
        EmailAddress.objects.create(user=user, email=DEMO_EMAIL, verified=True, primary=True)
        licenses = []
        for spec in LICENSES:
            deadline = license_deadline(spec, today)
            licenses.append(
                License(
                    user=user,
                    ruleset_id=spec.ruleset_id,
                    kind=spec.kind,
                    label=spec.label,
                    number=spec.number,
                    issued_on=spec.issued_on,
                    expires_on=deadline,
                    first_renewal=False,
                    roles=list(spec.roles),
                    attestations=(
                        {deadline.isoformat(): list(spec.attest_conditions)}
                        if spec.attest_conditions
                        else {}
                    ),
                )
            )
        License.objects.bulk_create(licenses)
        activities = Activity.objects.bulk_create(
            Activity(user=user, **activity_fields(spec, today)) for spec in ACTIVITIES
        )
        add_demo_wellbeing(user, today)
    return DemoAccount(user, password, len(licenses), len(activities))
