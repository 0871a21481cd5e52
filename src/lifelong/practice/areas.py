"""PURE: the controlled vocabulary of a caseload profile (no Django imports).

Every area belongs to one dimension (presenting concern, population, cultural and linguistic
context, modality) and says how Lifelong recognises training in it: CE topics that cover it and
words that name it in an activity's title. Each area also carries the words and MeSH terms of
the literature interest it suggests for the research feed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Area:
    dimension: str
    key: str
    label: str
    ce_topics: tuple[str, ...] = ()
    title_words: tuple[str, ...] = ()
    mesh: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """``concern:depression``: unique across dimensions."""
        return f"{self.dimension}:{self.key}"

    def covers(self, title: str, topics: Iterable[str]) -> bool:
        """Whether an activity with this title and these CE topics trains in this area."""
        if self.ce_topics and set(self.ce_topics) & set(topics):
            return True
        folded = title.casefold()
        return any(word in folded for word in self.title_words)


DIMENSIONS: Final[dict[str, str]] = {
    "concern": "Presenting concerns",
    "population": "Populations",
    "context": "Cultural and linguistic contexts",
    "modality": "Modalities",
}

CULTURAL_TOPICS: Final[tuple[str, ...]] = ("cultural-competence", "implicit-bias", "health-equity")

_AREAS: tuple[Area, ...] = (
    # Presenting concerns
    Area("concern", "depression", "Depression", (), ("depress", "mood"), ("Depression",)),
    Area("concern", "anxiety", "Anxiety", (), ("anxiety", "panic", "phobi", "worry"), ("Anxiety",)),
    Area(
        "concern",
        "trauma-ptsd",
        "Trauma and PTSD",
        ("trauma",),
        ("trauma", "ptsd", "emdr"),
        ("Stress Disorders, Post-Traumatic",),
    ),
    Area(
        "concern",
        "substance-use",
        "Substance use",
        ("substance-use",),
        ("substance", "addiction", "alcohol", "opioid"),
        ("Substance-Related Disorders",),
    ),
    Area(
        "concern",
        "couples-family-conflict",
        "Couples and family conflict",
        ("domestic-violence",),
        ("couple", "family", "marital", "relationship"),
        ("Family Conflict",),
    ),
    Area("concern", "grief", "Grief", (), ("grief", "bereave", "loss"), ("Grief",)),
    Area(
        "concern",
        "eating-disorders",
        "Eating disorders",
        (),
        ("eating", "anorexi", "bulimi"),
        ("Feeding and Eating Disorders",),
    ),
    Area("concern", "psychosis", "Psychosis", (), ("psychos", "schizo"), ("Psychotic Disorders",)),
    Area(
        "concern",
        "suicidality-self-harm",
        "Suicidality and self-harm",
        ("suicide-prevention",),
        ("suicid", "self-harm", "self harm"),
        ("Suicide", "Self-Injurious Behavior"),
    ),
    Area(
        "concern",
        "personality",
        "Personality disorders",
        (),
        ("personality", "borderline", "dbt"),
        ("Personality Disorders",),
    ),
    Area(
        "concern",
        "neurodevelopmental",
        "Neurodevelopmental (ADHD, autism)",
        (),
        ("adhd", "autis", "neurodevelopment", "neurodiverg"),
        ("Neurodevelopmental Disorders",),
    ),
    Area(
        "concern",
        "chronic-illness-pain",
        "Chronic illness and pain",
        ("pain-management",),
        ("chronic pain", "chronic illness", "pain"),
        ("Chronic Pain",),
    ),
    Area("concern", "obsessive-compulsive", "Obsessive-compulsive", (), ("ocd", "obsessive"), ()),
    Area("concern", "bipolar", "Bipolar disorder", (), ("bipolar",), ("Bipolar Disorder",)),
    Area("concern", "other", "Other concerns"),
    # Populations
    Area("population", "children", "Children", ("child-abuse",), ("child", "play therap"), ()),
    Area("population", "adolescents", "Adolescents", (), ("adolescen", "teen", "youth"), ()),
    Area("population", "adults", "Adults"),
    Area(
        "population",
        "older-adults",
        "Older adults",
        ("elder-abuse",),
        ("older adult", "aging", "geriatr", "late life"),
        ("Aged",),
    ),
    Area("population", "couples", "Couples", (), ("couple",), ("Couples Therapy",)),
    Area("population", "families", "Families", (), ("family",), ("Family Therapy",)),
    Area(
        "population",
        "groups",
        "Groups",
        (),
        ("group therap", "group work"),
        ("Psychotherapy, Group",),
    ),
    # Cultural and linguistic contexts: every cultural-competence hour counts for each of them,
    # since a course in cultural humility serves all; the title words name the specific ones.
    Area(
        "context",
        "language-access",
        "Sessions in another language or with an interpreter",
        (),
        ("interpreter", "bilingual", "language", "limited english"),
        (),
    ),
    Area(
        "context",
        "cultural-communities",
        "Racial, ethnic and cultural communities",
        CULTURAL_TOPICS,
        ("racial", "ethnic", "cultur", "bipoc", "anti-racis"),
        ("Cultural Competency",),
    ),
    Area(
        "context",
        "lgbtq",
        "LGBTQ+",
        (),
        ("lgbt", "queer", "gender identity", "sexual minorit", "transgender"),
        ("Sexual and Gender Minorities",),
    ),
    Area(
        "context",
        "faith",
        "Faith and spirituality",
        (),
        ("faith", "spiritual", "religio"),
        ("Spirituality",),
    ),
    Area(
        "context",
        "disability",
        "Disability",
        (),
        ("disabilit", "deaf", "accessib"),
        ("Persons with Disabilities",),
    ),
    Area(
        "context",
        "veterans",
        "Veterans and military families",
        (),
        ("veteran", "military"),
        ("Veterans",),
    ),
    Area(
        "context",
        "immigrants-refugees",
        "Immigrants and refugees",
        (),
        ("immigra", "refugee", "asylum"),
        ("Refugees",),
    ),
    # Modalities
    Area(
        "modality",
        "cbt",
        "Cognitive behavioural therapy",
        (),
        ("cbt", "cognitive behavio"),
        ("Cognitive Behavioral Therapy",),
    ),
    Area(
        "modality",
        "dbt",
        "Dialectical behaviour therapy",
        (),
        ("dbt", "dialectical"),
        ("Dialectical Behavior Therapy",),
    ),
    Area(
        "modality",
        "act",
        "Acceptance and commitment therapy",
        (),
        ("acceptance and commitment",),
        ("Acceptance and Commitment Therapy",),
    ),
    Area("modality", "emdr", "EMDR", (), ("emdr",), ("Eye Movement Desensitization Reprocessing",)),
    Area(
        "modality",
        "psychodynamic",
        "Psychodynamic therapy",
        (),
        ("psychodynamic", "psychoanaly"),
        ("Psychotherapy, Psychodynamic",),
    ),
    Area(
        "modality",
        "family-systems",
        "Family systems therapy",
        (),
        ("family systems", "structural family", "systemic"),
        ("Family Therapy",),
    ),
    Area(
        "modality",
        "motivational-interviewing",
        "Motivational interviewing",
        (),
        ("motivational interviewing",),
        ("Motivational Interviewing",),
    ),
    Area(
        "modality", "mindfulness", "Mindfulness-based therapy", (), ("mindful",), ("Mindfulness",)
    ),
    Area("modality", "play-therapy", "Play therapy", (), ("play therap",), ("Play Therapy",)),
    Area("modality", "other", "Other modalities"),
)

AREAS: Final[dict[str, Area]] = {area.slug: area for area in _AREAS}


def areas_of(dimension: str) -> list[Area]:
    return [area for area in _AREAS if area.dimension == dimension]


def get_area(slug: str) -> Area:
    """The area for ``concern:depression``; ``KeyError`` for an unknown slug."""
    return AREAS[slug]
