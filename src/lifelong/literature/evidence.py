"""The level of evidence of a citation, from its publication types and its title (pure).

Levels, strongest first: ``guideline``, ``systematic-review`` (with meta-analyses),
``randomized-trial``, ``observational`` (cohort, case-control, cross-sectional, and trials
whose randomisation is not stated), ``case-report`` (and case series),
``narrative-review``, ``editorial`` (with comments and letters), ``other``.

1. **Notices** come first: a retraction notice, an erratum, an expression of concern or a
   protocol is ``other``, whatever its title quotes ("Retraction: X: a randomized trial").
2. **Publication types** (PubMed's indexing) give the strongest level they name.
3. **Title cues** cover records whose indexing lags (new, In-Process and Publisher records
   carry only "Journal Article"; some guidelines are never typed as such): "systematic
   review", "meta-analysis", "randomised controlled trial", "practice guideline", "cohort
   study", "case report"... A cue in the subtitle (after the last colon, where authors
   declare the design) is preferred to one earlier in the title, quoted titles are ignored,
   and a title cue replaces the publication types only when it is stronger, except for
   comments and editorials (a comment on a trial is a comment).

Every assessment carries its reason ("publication type: Meta-Analysis", "title says
'randomized controlled trial' (not yet indexed)"): users see it on the badge.

Retractions are flagged separately and loudly: ``retracted`` is set from the "Retracted
Publication" type, a ``RetractionIn`` link, or a title that says "RETRACTED"; a retracted
record keeps its level for information but has no strength (``strength == 0``,
``is_strong`` false), so it is never ranked as strong evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from lifelong.literature.formats.model import (
    RETRACTED_PUBLICATION,
    RETRACTION_REF_TYPES,
    CommentCorrection,
    Record,
)

EvidenceLevel = Literal[
    "guideline",
    "systematic-review",
    "randomized-trial",
    "observational",
    "case-report",
    "narrative-review",
    "editorial",
    "other",
]
LEVELS: tuple[EvidenceLevel, ...] = (
    "guideline",
    "systematic-review",
    "randomized-trial",
    "observational",
    "case-report",
    "narrative-review",
    "editorial",
    "other",
)
RANK: dict[EvidenceLevel, int] = {level: index for index, level in enumerate(LEVELS)}
LABELS: dict[EvidenceLevel, str] = {
    "guideline": "Guideline",
    "systematic-review": "Systematic review",
    "randomized-trial": "Randomised trial",
    "observational": "Observational study",
    "case-report": "Case report",
    "narrative-review": "Narrative review",
    "editorial": "Editorial or comment",
    "other": "Other",
}
#: For ranking: how much a level weighs, 0..1. A retracted record weighs 0.
STRENGTH: dict[EvidenceLevel, float] = {
    "guideline": 1.0,
    "systematic-review": 0.95,
    "randomized-trial": 0.8,
    "observational": 0.55,
    "case-report": 0.3,
    "narrative-review": 0.3,
    "editorial": 0.1,
    "other": 0.1,
}
STRONG_LEVELS = frozenset({"guideline", "systematic-review", "randomized-trial"})

#: PubMed publication types (lower case) and the level each stands for.
PUBLICATION_TYPE_LEVELS: dict[str, EvidenceLevel] = {
    "practice guideline": "guideline",
    "guideline": "guideline",
    "consensus development conference": "guideline",
    "consensus development conference, nih": "guideline",
    "systematic review": "systematic-review",
    "meta-analysis": "systematic-review",
    "network meta-analysis": "systematic-review",
    "randomized controlled trial": "randomized-trial",
    "randomized controlled trial, veterinary": "randomized-trial",
    "equivalence trial": "randomized-trial",
    "pragmatic clinical trial": "randomized-trial",
    "observational study": "observational",
    "observational study, veterinary": "observational",
    "twin study": "observational",
    "clinical study": "observational",
    "clinical trial": "observational",
    "controlled clinical trial": "observational",
    "clinical trial, phase i": "observational",
    "clinical trial, phase ii": "observational",
    "clinical trial, phase iii": "observational",
    "clinical trial, phase iv": "observational",
    "clinical trial, veterinary": "observational",
    "adaptive clinical trial": "observational",
    "case reports": "case-report",
    "review": "narrative-review",
    "scoping review": "narrative-review",
    "editorial": "editorial",
    "comment": "editorial",
    "letter": "editorial",
    "news": "editorial",
    "newspaper article": "editorial",
    "interview": "editorial",
    "personal narrative": "editorial",
    "lecture": "editorial",
    "address": "editorial",
}
#: Trials typed without randomisation: observational, said so in the reason.
UNRANDOMISED_TRIALS = frozenset(
    name
    for name, level in PUBLICATION_TYPE_LEVELS.items()
    if level == "observational" and "trial" in name
)
#: Publication types of notices about other records: never read as a study design.
NOTICE_TYPES = {
    "retraction of publication": "a retraction notice",
    "published erratum": "a correction notice",
    "expression of concern": "an expression of concern",
    "clinical trial protocol": "a protocol, no results yet",
}
#: Publication types whose level a title cue never replaces (a comment on a trial).
COMMENTARY_TYPES = frozenset({"comment", "editorial", "news", "newspaper article"})
#: Publication types that say nothing about the design (research support, "Journal
#: Article"): a record with only these is "not yet indexed" for design.
GENERIC_TYPE_PREFIXES = (
    "journal article",
    "research support",
    "english abstract",
    "retracted publication",
)

_NOTICE_TITLE = re.compile(
    r"^\s*(?:\[?\s*(?:retraction(?: note| notice)?|notice of retraction|erratum|errata|"
    r"corrigendum|correction(?: to| notice)?|expression of concern)\b)",
    re.IGNORECASE,
)
_RETRACTED_TITLE = re.compile(r"^\s*\[?\s*(?:retracted|withdrawn)\b\s*[:\]]", re.IGNORECASE)
_PROTOCOL = re.compile(
    r"\b(?:study|trial|review|research|evaluation) protocol\b|\bprotocol (?:for|of) (?:a|an|the)\b"
    r"|:\s*(?:a\s+)?protocol\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|'[^']{12,}'")

Cue = tuple[EvidenceLevel, re.Pattern[str]]
#: Cues that decide alone when present: a case report "with a review of the literature" is
#: a case report; a secondary analysis of a trial, or a non-randomised trial, is not a
#: randomised trial.
OVERRIDING_CUES: tuple[Cue, ...] = (
    (
        "case-report",
        re.compile(r"\bcase (?:reports?|series)\b.{0,40}\b(?:and|with)\b.{0,40}\breview\b", re.I),
    ),
    (
        "observational",
        re.compile(
            r"\b(?:secondary|post[- ]hoc|exploratory|ancillary) analys[ie]s (?:of|from|using)"
            r"\b.{0,80}\btrials?\b|\bnon-?randomi[sz]ed\b",
            re.I,
        ),
    ),
)
TITLE_CUES: tuple[Cue, ...] = (
    (
        "guideline",
        re.compile(
            r"\b(?:clinical )?practice guidelines?\b|\bclinical guidelines?\b"
            r"|\bguidelines? (?:for|on) the (?:management|treatment|diagnosis|assessment|"
            r"prevention|care)\b|\bconsensus (?:statement|guidelines?|recommendations)\b",
            re.I,
        ),
    ),
    (
        "systematic-review",
        re.compile(
            r"\bsystematic(?:al)? (?:literature )?reviews?\b|\bmeta-?analy[sz](?:is|es)\b"
            r"|\bmeta-?regression\b|\bumbrella review\b|\bcochrane review\b",
            re.I,
        ),
    ),
    (
        "randomized-trial",
        re.compile(
            r"\brandomi[sz]ed\b[\w\s,-]{0,50}?\b(?:trials?|study)\b|\brcts?\b"
            r"|\brandomi[sz]ed,? (?:double|single|triple)[- ]blind",
            re.I,
        ),
    ),
    (
        "observational",
        re.compile(
            r"\b(?:(?:prospective|retrospective|longitudinal|population-based|birth|national) )?"
            r"cohort stud(?:y|ies)\b|\b(?:prospective|retrospective|longitudinal|"
            r"population-based|birth|national) cohort\b|\bcase[- ]control stud(?:y|ies)\b"
            r"|\bcross-sectional (?:study|survey|analysis)\b|\bobservational stud(?:y|ies)\b"
            r"|\bregistry-based stud(?:y|ies)\b",
            re.I,
        ),
    ),
    ("case-report", re.compile(r"\bcase (?:reports?|series)\b", re.I)),
    (
        "narrative-review",
        re.compile(
            r"\b(?:narrative|literature|scoping|integrative|rapid|critical|state[- ]of[- ]"
            r"the[- ]art) reviews?\b|\breview of (?:the )?(?:literature|evidence)\b"
            r"|:\s*(?:a|an) (?:(?:brief|short|comprehensive|updated|clinical) )?review\b",
            re.I,
        ),
    ),
    (
        "editorial",
        re.compile(
            r"^\s*(?:re:|reply\b|in reply\b|response to\b|comment on\b|commentary on\b)"
            r"|\bletter to the editor\b|\beditorial\b|:\s*(?:a )?commentary\s*\.?$",
            re.I,
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """How strong a record is as evidence, why, and whether it was retracted."""

    level: EvidenceLevel
    reason: str
    retracted: bool = False
    retraction_reason: str | None = None

    @property
    def label(self) -> str:
        return LABELS[self.level]

    @property
    def badge(self) -> str:
        """The badge text: the level, or "Retracted" above everything."""
        return f"Retracted ({self.label})" if self.retracted else self.label

    @property
    def strength(self) -> float:
        return 0.0 if self.retracted else STRENGTH[self.level]

    @property
    def is_strong(self) -> bool:
        return self.level in STRONG_LEVELS and not self.retracted

    @property
    def rank(self) -> int:
        """0 for the strongest level; a retracted record ranks below everything."""
        return len(LEVELS) if self.retracted else RANK[self.level]


def assess_record(record: Record) -> Evidence:
    return assess_evidence(
        record.publication_types, record.title, comments_corrections=record.comments_corrections
    )


def assess_evidence(
    publication_types: Iterable[str],
    title: str,
    *,
    comments_corrections: Iterable[CommentCorrection] = (),
) -> Evidence:
    """The evidence level of a citation from its publication types and its title."""
    types = [collapse_type(name) for name in publication_types if name and name.strip()]
    retracted, retraction_reason = _retraction(types, title, comments_corrections)
    level, reason = _level(types, title)
    return Evidence(level, reason, retracted, retraction_reason)


def collapse_type(name: str) -> str:
    return " ".join(name.split())


def _retraction(
    types: list[str], title: str, links: Iterable[CommentCorrection]
) -> tuple[bool, str | None]:
    if RETRACTED_PUBLICATION.lower() in (name.lower() for name in types):
        return True, f"publication type: {RETRACTED_PUBLICATION}"
    for link in links:
        if link.ref_type in RETRACTION_REF_TYPES:
            target = f" (PMID {link.pmid})" if link.pmid else ""
            return True, f"a retraction notice is linked{target}"
    match = _RETRACTED_TITLE.match(title)
    if match:
        return True, f"title says '{match.group(0).strip(' [:]')}'"
    return False, None


def _level(types: list[str], title: str) -> tuple[EvidenceLevel, str]:
    lowered = [name.lower() for name in types]
    for name, lower in zip(types, lowered, strict=True):
        if lower in NOTICE_TYPES:
            return "other", f"publication type: {name} ({NOTICE_TYPES[lower]})"
    notice = _NOTICE_TITLE.match(title)
    if notice:
        return "other", f"title says '{notice.group(0).strip(' [')}' (a notice)"

    type_level: EvidenceLevel | None = None
    type_name = ""
    for name, lower in zip(types, lowered, strict=True):
        level = PUBLICATION_TYPE_LEVELS.get(lower)
        if level is not None and (type_level is None or RANK[level] < RANK[type_level]):
            type_level, type_name = level, name
    commentary = any(lower in COMMENTARY_TYPES for lower in lowered)

    cue = None if (commentary and type_level == "editorial") else _title_cue(title)
    if cue is not None and (type_level is None or RANK[cue[0]] < RANK[type_level]):
        cue_level, phrase = cue
        indexed = [name for name in types if not name.lower().startswith(GENERIC_TYPE_PREFIXES)]
        context = f"publication types: {'; '.join(types)}" if indexed else "not yet indexed"
        return cue_level, f"title says '{phrase}' ({context})"
    if type_level is not None:
        reason = f"publication type: {type_name}"
        if type_name.lower() in UNRANDOMISED_TRIALS:
            reason += " (randomisation not stated)"
        return type_level, reason
    if _PROTOCOL.search(title):
        return "other", "title says 'protocol' (no results yet)"
    if types:
        return "other", f"publication types: {'; '.join(types)} (no study design indexed)"
    return "other", "no publication type and no design named in the title"


def _title_cue(title: str) -> tuple[EvidenceLevel, str] | None:
    """The design a title names, preferring its subtitle; ``None`` for protocols."""
    text = _QUOTED.sub(" ", " ".join(title.split()))
    if not text or _PROTOCOL.search(text):
        return None
    for level, pattern in OVERRIDING_CUES:
        match = pattern.search(text)
        if match:
            return level, _short(match.group(0))
    subtitle_start = text.rfind(":") + 1
    found: list[tuple[bool, int, EvidenceLevel, str]] = []
    for level, pattern in TITLE_CUES:
        for match in pattern.finditer(text):
            in_subtitle = subtitle_start > 0 and match.start() >= subtitle_start - 1
            phrase = match.group(0).strip(" :")
            found.append((in_subtitle, RANK[level], level, phrase))
            break
    if not found:
        return None
    subtitle_cues = [cue for cue in found if cue[0]]
    candidates = subtitle_cues or found
    _in_subtitle, _rank, level, phrase = min(candidates, key=lambda cue: (cue[1], cue[3]))
    return level, _short(phrase)


def _short(phrase: str, limit: int = 60) -> str:
    phrase = " ".join(phrase.split())
    return phrase if len(phrase) <= limit else phrase[: limit - 1] + "…"
