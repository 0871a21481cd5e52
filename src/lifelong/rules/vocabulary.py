"""The CE vocabulary shared by rule sets, CSV files, the API and the CLI (DESIGN.md section 4)."""

from __future__ import annotations

from typing import Final, Literal, get_args

Format = Literal["in-person", "live-online", "self-study"]
Kind = Literal[
    "course",
    "conference",
    "academic-course",
    "teaching",
    "publication",
    "peer-consultation",
    "supervision-received",
    "exam",
    "other",
]
Topic = Literal[
    "ethics",
    "laws-and-rules",
    "law-and-ethics",
    "cultural-competence",
    "implicit-bias",
    "health-equity",
    "suicide-prevention",
    "supervision",
    "domestic-violence",
    "child-abuse",
    "elder-abuse",
    "human-trafficking",
    "medical-errors",
    "sexual-harassment-prevention",
    "hiv-aids",
    "telehealth",
    "pain-management",
    "substance-use",
    "trauma",
    "assessment",
    "self-care",
    "clinical-practice",
    "other",
]
ApprovalBody = Literal[
    "apa", "aswb-ace", "nbcc", "aamft", "nasw", "ny-sed", "board", "university", "other"
]
CreditUnit = Literal["clock-hour", "semester-hour", "quarter-hour"]

FORMATS: Final[tuple[str, ...]] = get_args(Format)
KINDS: Final[tuple[str, ...]] = get_args(Kind)
TOPICS: Final[tuple[str, ...]] = get_args(Topic)
APPROVAL_BODIES: Final[tuple[str, ...]] = get_args(ApprovalBody)
CREDIT_UNITS: Final[tuple[str, ...]] = get_args(CreditUnit)
LIVE_FORMATS: Final[tuple[str, ...]] = ("in-person", "live-online")

FORMAT_LABELS: Final[dict[str, str]] = {
    "in-person": "In person",
    "live-online": "Live online (synchronous, interactive)",
    "self-study": "Self-study (recorded, reading, home study)",
}
KIND_LABELS: Final[dict[str, str]] = {
    "course": "Course or workshop",
    "conference": "Conference",
    "academic-course": "Academic course",
    "teaching": "Teaching or presenting",
    "publication": "Publication",
    "peer-consultation": "Peer consultation",
    "supervision-received": "Supervision received",
    "exam": "Exam",
    "other": "Other",
}
APPROVAL_LABELS: Final[dict[str, str]] = {
    "apa": "APA",
    "aswb-ace": "ASWB ACE",
    "nbcc": "NBCC",
    "aamft": "AAMFT",
    "nasw": "NASW",
    "ny-sed": "New York State Education Department",
    "board": "The licensing board",
    "university": "University",
    "other": "Other",
}


def topic_label(slug: str) -> str:
    """A readable name for a topic slug: ``law-and-ethics`` -> ``Law and ethics``."""
    special = {"hiv-aids": "HIV/AIDS", "laws-and-rules": "Laws and rules"}
    return special.get(slug, slug.replace("-", " ").capitalize())
