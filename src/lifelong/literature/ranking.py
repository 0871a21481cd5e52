"""Ranking new articles for one reader: relevance to their interests, strength of evidence and
recency, with a reason a person can read ("matches PTSD, EMDR · meta-analysis · 3 weeks old").

PURE: plain dataclasses in and out, no Django. The feed, the weekly digest and the API adapt
models to :class:`Candidate` and :class:`InterestQuery` and call :func:`rank`.

How a candidate is scored
-------------------------
1. **Relevance.** Every interest is a query made of phrases (its free-text terms, or its label
   when it has none) and MeSH descriptors. Each phrase is scored with BM25F over three fields
   of the article: title, abstract and the text of its MeSH descriptors (field weights
   :attr:`RankingSettings.field_weights`; length normalisation per field; inverse document
   frequency over the candidate set, with Lucene's always-positive form). A phrase matches
   only where its words follow each other. Words are compared by their English Snowball stem,
   accents and case ignored, so "depressive" matches "depression". A MeSH term of an interest
   matches a MeSH descriptor of the article *exactly* (case-insensitive) and adds a boost,
   larger when the descriptor is a major topic. An interest's score is saturated
   (``s / (s + saturation)``) and multiplied by its weight; the relevance is the sum over
   interests, so two matching interests beat one.
2. **Evidence.** A factor from the evidence level: guideline and systematic review (or
   meta-analysis) first, then randomised trial, observational study, case report, narrative
   review and editorial. A retracted article gets a tiny factor: it sinks, and its reason says
   "RETRACTED" first.
3. **Recency.** Exponential decay with a half-life in weeks, from the article's publication
   date (the end of the known period: "2024" counts as 31 December 2024) or, when that is
   later or unknown, the day it reached the library.

``score = relevance * evidence * recency``. Articles that match no interest keep a small floor
relevance when one of the reader's own sources brought them (they asked for that journal),
and are left out otherwise.

BM25 is written out here rather than taken from a library because interests are *phrases*
scored across weighted fields over a small candidate set, which the BM25 packages (built for
large bag-of-words corpora) do not do.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import snowballstemmer

# --------------------------------------------------------------------------------------------
# Evidence levels (the vocabulary of literature.evidence)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvidenceTier:
    level: str
    label: str
    factor: float
    rank: int  # 1 is the strongest


EVIDENCE_TIERS: dict[str, EvidenceTier] = {
    tier.level: tier
    for tier in (
        EvidenceTier("guideline", "Guideline", 1.0, 1),
        EvidenceTier("systematic-review", "Systematic review", 1.0, 1),
        EvidenceTier("randomized-trial", "Randomised trial", 0.85, 2),
        EvidenceTier("observational", "Observational study", 0.7, 3),
        EvidenceTier("case-report", "Case report", 0.55, 4),
        EvidenceTier("narrative-review", "Narrative review", 0.45, 5),
        EvidenceTier("editorial", "Editorial or comment", 0.4, 5),
        EvidenceTier("other", "Not classified", 0.6, 6),
    )
}
UNCLASSIFIED = EVIDENCE_TIERS["other"]
RETRACTED_LABEL = "Retracted"


def evidence_tier(level: str) -> EvidenceTier:
    """The tier of an evidence level; unknown or empty levels are "not classified"."""
    return EVIDENCE_TIERS.get(level, UNCLASSIFIED)


_PUBLICATION_TYPE_REASON = re.compile(r"^publication types?:\s*(?P<types>.+)$", re.IGNORECASE)


def evidence_short_label(level: str, reason: str = "") -> str:
    """The evidence in a few lower-case words for a reason line: the publication type that
    decided it when the reason names one ("meta-analysis"), else the level's label
    ("randomised trial"); empty when the article is not classified."""
    match = _PUBLICATION_TYPE_REASON.match(reason.strip())
    if match:
        first = re.split(r"[,;]", match.group("types"))[0].strip().strip("'\"")
        if first:
            return first.lower()
    tier = evidence_tier(level)
    return "" if tier is UNCLASSIFIED else tier.label.lower()


# --------------------------------------------------------------------------------------------
# Text: tokens and stems
# --------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# Combining marks (accents) that NFKD splits off letters.
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_TERM_SEPARATORS = re.compile(r"[,;\n]+")
_STOPWORDS_TEXT = """
a an and are as at be by for from in into is it of on or that the their this to with without
was were
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_stemmer = snowballstemmer.stemmer("english")


_STEMS: dict[str, str] = {}
_MAX_CACHED_STEMS = 500_000


def stem(word: str) -> str:
    """The English Snowball stem of one lower-case word (cached: vocabularies repeat)."""
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) >= _MAX_CACHED_STEMS:
            _STEMS.clear()
        found = _STEMS[word] = str(_stemmer.stemWord(word))
    return found


def _fold(text: str) -> str:
    text = text.casefold()
    if text.isascii():
        return text
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text))


def tokenize(text: str) -> list[str]:
    """The stems of the words of ``text``, in order: case and accents folded, split on
    anything that is not a letter or digit ("post-traumatic" is two words)."""
    return [stem(word) for word in _WORD.findall(_fold(text))]


def split_terms(text: str) -> list[str]:
    """Free-text terms as a user types them: separated by commas, semicolons or new lines."""
    return [term.strip() for term in _TERM_SEPARATORS.split(text) if term.strip()]


def normalise_descriptor(descriptor: str) -> str:
    """MeSH descriptors compare case- and accent-insensitively, spacing collapsed."""
    return " ".join(_fold(descriptor).split())


# --------------------------------------------------------------------------------------------
# Inputs and outputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeshDescriptor:
    descriptor: str
    major: bool = False


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article that may appear in a feed. ``published_until`` is the last day of its known
    publication period (None when unknown); ``first_seen`` the day it reached the reader (their
    source) or the library; ``from_own_source``: one of the reader's sources brought it."""

    id: int
    title: str
    abstract: str = ""
    mesh: tuple[MeshDescriptor, ...] = ()
    evidence_level: str = ""
    evidence_reason: str = ""
    retracted: bool = False
    published_until: date | None = None
    first_seen: date | None = None
    from_own_source: bool = True


@dataclass(frozen=True, slots=True)
class InterestQuery:
    """One interest: free-text ``terms`` (phrases), exact ``mesh_terms``, a ``weight``."""

    id: int
    label: str
    terms: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()
    weight: float = 1.0

    @classmethod
    def from_text(
        cls, id: int, label: str, terms: str, mesh_terms: Iterable[str] = (), weight: float = 1.0
    ) -> InterestQuery:
        """An interest whose terms are typed as text ("PTSD, post-traumatic stress")."""
        return cls(id, label, tuple(split_terms(terms)), tuple(mesh_terms), weight)

    def phrases(self) -> tuple[str, ...]:
        """The phrases searched for: the terms, or the label when there are none and no MeSH
        terms either."""
        if self.terms:
            return self.terms
        return () if self.mesh_terms else (self.label,)


@dataclass(frozen=True, slots=True)
class RankingSettings:
    field_weights: Mapping[str, float] = field(
        default_factory=lambda: {"title": 3.0, "abstract": 1.0, "mesh": 2.0}
    )
    k1: float = 1.2
    b: float = 0.75
    mesh_major_boost: float = 4.0
    mesh_minor_boost: float = 2.5
    saturation: float = 3.0
    half_life_weeks: float = 4.0
    unmatched_relevance: float = 0.05
    retracted_factor: float = 0.02


DEFAULT_SETTINGS = RankingSettings()
FIELDS = ("title", "abstract", "mesh")


@dataclass(frozen=True, slots=True)
class InterestMatch:
    """How one interest matched: the phrases found (as the user typed them) with the fields
    they were found in, and the MeSH terms that equal a descriptor of the article."""

    interest_id: int
    label: str
    score: float
    terms: tuple[str, ...]
    fields: tuple[str, ...]
    mesh: tuple[str, ...]
    mesh_major: bool

    def describe(self) -> str:
        """``PTSD: "PTSD" in title, abstract; MeSH Stress Disorders, Post-Traumatic (major)``"""
        parts = []
        if self.terms:
            quoted = ", ".join(f"“{term}”" for term in self.terms)
            parts.append(f"{quoted} in {', '.join(self.fields)}")
        if self.mesh:
            parts.append(
                f"MeSH {', '.join(self.mesh)}" + (" (major topic)" if self.mesh_major else "")
            )
        return f"{self.label}: {'; '.join(parts)}"


@dataclass(frozen=True, slots=True)
class RankedItem:
    """A candidate with its score and why: ``reason`` is the one line shown under the title."""

    id: int
    score: float
    relevance: float
    evidence_factor: float
    recency_factor: float
    age_days: int
    matches: tuple[InterestMatch, ...]
    evidence_label: str
    retracted: bool
    reason: str

    @property
    def matched_labels(self) -> tuple[str, ...]:
        return tuple(match.label for match in self.matches)


# --------------------------------------------------------------------------------------------
# Ranking
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Document:
    """A candidate's fields as stems: the positions of the stems the interests look for, and
    each field's length in words."""

    positions: dict[str, dict[str, list[int]]]
    lengths: dict[str, int]
    descriptors: dict[str, bool]  # normalised descriptor -> major


def _field_words(candidate: Candidate) -> dict[str, list[str]]:
    """The folded words of each field (not stemmed yet)."""
    return {
        "title": _WORD.findall(_fold(candidate.title)),
        "abstract": _WORD.findall(_fold(candidate.abstract)),
        "mesh": _WORD.findall(_fold(" ; ".join(h.descriptor for h in candidate.mesh))),
    }


def _index(
    candidate: Candidate, fields: dict[str, list[str]], wanted_words: dict[str, str]
) -> _Document:
    """``wanted_words`` maps each word whose stem an interest looks for to that stem."""
    positions: dict[str, dict[str, list[int]]] = {}
    lengths: dict[str, int] = {}
    for name, words in fields.items():
        lengths[name] = len(words)
        found: dict[str, list[int]] = defaultdict(list)
        if not wanted_words.keys().isdisjoint(words):
            for position, word in enumerate(words):
                token = wanted_words.get(word)
                if token is not None:
                    found[token].append(position)
        positions[name] = found
    descriptors: dict[str, bool] = {}
    for heading in candidate.mesh:
        key = normalise_descriptor(heading.descriptor)
        descriptors[key] = descriptors.get(key, False) or heading.major
    return _Document(positions, lengths, descriptors)


def _phrase_frequency(found: dict[str, list[int]], phrase: tuple[str, ...]) -> int:
    """How often the stems of ``phrase`` occur one after the other."""
    first = found.get(phrase[0])
    if not first:
        return 0
    if len(phrase) == 1:
        return len(first)
    following = [set(found.get(token, ())) for token in phrase[1:]]
    if not all(following):
        return 0
    return sum(
        1
        for start in first
        if all(start + offset + 1 in positions for offset, positions in enumerate(following))
    )


def _phrase_stems(phrase: str) -> tuple[str, ...]:
    stems = tuple(tokenize(phrase))
    if not stems or all(word in STOPWORDS for word in stems):
        return ()
    return stems


def _age_days(candidate: Candidate, today: date) -> int:
    """Days since the article was new: its publication (end of the known period) or, when that
    is later or unknown, the day it reached the reader."""
    reference = candidate.first_seen or today
    if candidate.published_until is not None and candidate.published_until < reference:
        reference = candidate.published_until
    return max(0, (today - reference).days)


def age_text(days: int) -> str:
    """``today``, ``3 days old``, ``3 weeks old``, ``5 months old``, ``2 years old``."""
    if days <= 0:
        return "today"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} old"
    if days < 61:
        return f"{days // 7} weeks old"
    if days < 730:
        return f"{days // 30} months old"
    return f"{days // 365} years old"


def _reason(
    retracted: bool, matches: Sequence[InterestMatch], evidence: str, days: int, has_interests: bool
) -> str:
    parts = []
    if retracted:
        parts.append("RETRACTED")
    if matches:
        parts.append("matches " + ", ".join(match.label for match in matches))
    elif has_interests:
        parts.append("from your sources, no interest matched")
    else:
        parts.append("from your sources")
    if evidence:
        parts.append(evidence)
    parts.append(age_text(days))
    return " · ".join(parts)


def rank(
    candidates: Sequence[Candidate],
    interests: Sequence[InterestQuery],
    today: date,
    settings: RankingSettings = DEFAULT_SETTINGS,
) -> list[RankedItem]:
    """The candidates worth showing, best first (ties: newer first, then higher id)."""
    # Every phrase of every interest, as stems; the set of stems the documents are indexed by.
    interest_phrases: list[list[tuple[str, tuple[str, ...]]]] = []
    for interest in interests:
        phrases = []
        for phrase in interest.phrases():
            stems = _phrase_stems(phrase)
            if stems:
                phrases.append((phrase, stems))
        interest_phrases.append(phrases)
    wanted = frozenset(token for phrases in interest_phrases for _, s in phrases for token in s)
    unique_phrases = {stems for phrases in interest_phrases for _, stems in phrases}

    # Stem each distinct word of all the candidates once (words are cached across calls),
    # then find the interests' words in each field with set operations.
    candidate_fields = [_field_words(candidate) for candidate in candidates]
    vocabulary: set[str] = set()
    for field_words in candidate_fields:
        for words in field_words.values():
            vocabulary.update(words)
    wanted_words = {word: token for word in vocabulary if (token := stem(word)) in wanted}
    documents = [
        _index(candidate, field_words, wanted_words)
        for candidate, field_words in zip(candidates, candidate_fields, strict=True)
    ]
    count = len(documents)
    average_length = {
        name: (sum(document.lengths[name] for document in documents) / count if count else 0.0)
        or 1.0
        for name in FIELDS
    }

    # Per document, per phrase: the frequency in each field.
    frequencies: list[dict[tuple[str, ...], dict[str, int]]] = []
    document_frequency: dict[tuple[str, ...], int] = defaultdict(int)
    for document in documents:
        per_phrase: dict[tuple[str, ...], dict[str, int]] = {}
        for stems in unique_phrases:
            in_fields = {
                name: frequency
                for name in FIELDS
                if (frequency := _phrase_frequency(document.positions[name], stems))
            }
            if in_fields:
                per_phrase[stems] = in_fields
                document_frequency[stems] += 1
        frequencies.append(per_phrase)

    def phrase_score(
        document: _Document, in_fields: dict[str, int], stems: tuple[str, ...]
    ) -> float:
        weighted = 0.0
        for name, frequency in in_fields.items():
            length_ratio = document.lengths[name] / average_length[name]
            normaliser = 1 - settings.b + settings.b * length_ratio
            weighted += settings.field_weights[name] * frequency / normaliser
        matching = document_frequency[stems]
        idf = math.log(1 + (count - matching + 0.5) / (matching + 0.5))
        return idf * weighted * (settings.k1 + 1) / (weighted + settings.k1)

    ranked: list[tuple[RankedItem, date]] = []
    for candidate, document, per_phrase in zip(candidates, documents, frequencies, strict=True):
        matches: list[InterestMatch] = []
        relevance = 0.0
        for interest, phrases in zip(interests, interest_phrases, strict=True):
            raw = 0.0
            terms: list[str] = []
            fields: set[str] = set()
            for phrase, stems in phrases:
                found = per_phrase.get(stems)
                if found:
                    raw += phrase_score(document, found, stems)
                    terms.append(phrase)
                    fields.update(found)
            mesh_found: list[str] = []
            mesh_major = False
            for term in interest.mesh_terms:
                major = document.descriptors.get(normalise_descriptor(term))
                if major is None:
                    continue
                mesh_found.append(term)
                mesh_major = mesh_major or major
                raw += settings.mesh_major_boost if major else settings.mesh_minor_boost
            if raw <= 0:
                continue
            contribution = max(interest.weight, 0.0) * raw / (raw + settings.saturation)
            if contribution <= 0:
                continue
            relevance += contribution
            matches.append(
                InterestMatch(
                    interest_id=interest.id,
                    label=interest.label,
                    score=contribution,
                    terms=tuple(terms),
                    fields=tuple(name for name in FIELDS if name in fields),
                    mesh=tuple(mesh_found),
                    mesh_major=mesh_major,
                )
            )
        if not matches:
            if not candidate.from_own_source:
                continue
            relevance = settings.unmatched_relevance
        matches.sort(key=lambda match: (-match.score, match.label.casefold()))

        tier = evidence_tier(candidate.evidence_level)
        evidence_factor = settings.retracted_factor if candidate.retracted else tier.factor
        days = _age_days(candidate, today)
        recency = 0.5 ** (days / (7 * settings.half_life_weeks))
        evidence = evidence_short_label(candidate.evidence_level, candidate.evidence_reason)
        item = RankedItem(
            id=candidate.id,
            score=relevance * evidence_factor * recency,
            relevance=relevance,
            evidence_factor=evidence_factor,
            recency_factor=recency,
            age_days=days,
            matches=tuple(matches),
            evidence_label=evidence,
            retracted=candidate.retracted,
            reason=_reason(candidate.retracted, matches, evidence, days, bool(interests)),
        )
        ranked.append((item, today - timedelta(days=days)))
    ranked.sort(key=lambda pair: (-pair[0].score, -pair[1].toordinal(), -pair[0].id))
    return [item for item, _ in ranked]
