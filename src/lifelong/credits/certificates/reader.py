"""Reading a CE certificate: from a PDF's text to the fields of an activity, each with how sure
the reading is (0 to 1) and the text it came from.

Pure (no Django). :func:`read_pdf` extracts the text with pypdf in layout mode (which keeps a
row's cells apart with runs of spaces) and :func:`read_text` reads it:

- *cells*: each line is cut at runs of three or more spaces, so ``Date:      2026-03-03`` is a
  label and its value, and a table row is a list of cells under its header's;
- *labelled values* (``Course Title: ...``, ``Awarded to: ...``) are the surest source;
- *sentences* (paragraphs joined, cut at full stops) carry the rest: "This certifies that ...
  has completed ...", "... is approved by the American Psychological Association to sponsor
  continuing education ...", "earning 6 contact hours";
- every field collects candidates with a confidence and keeps the best; when good candidates
  disagree the confidence drops, so the page says "check".

Confidence reads as: 0.85 and up "sure", 0.6 and up "likely", above 0 "a guess", 0 "not found".
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Generic, TypeVar

from pypdf import PdfReader

from lifelong.credits.certificates.validation import CertificateRefused, open_pdf

T = TypeVar("T")

SURE: Final = 0.85
LIKELY: Final = 0.6
MAX_EVIDENCE: Final = 240
MAX_TEXT_CHARS: Final = 200_000  # a certificate's text is a few thousand characters
MAX_SENTENCE: Final = 1_000  # characters of one sentence or cell the field rules look at

FIELD_NAMES: Final = (
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
)


def confidence_label(confidence: float) -> str:
    """How a confidence reads on a page: sure, likely, guessed or not found."""
    if confidence >= SURE:
        return "sure"
    if confidence >= LIKELY:
        return "likely"
    if confidence > 0:
        return "guessed"
    return "not found"


# What a reading holds.


@dataclass(frozen=True, slots=True)
class Approval:
    body: str  # an approval-body slug of DESIGN.md: apa, nbcc, aswb-ace, ny-sed, board...
    number: str = ""


@dataclass(frozen=True, slots=True)
class TopicShare:
    slug: str
    hours: float | None = None  # None: the whole activity


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    """One field as read: its value (None when not found), confidence and evidence."""

    value: T | None = None
    confidence: float = 0.0
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class CertificateReading:
    title: Found[str] = field(default_factory=Found)
    provider: Found[str] = field(default_factory=Found)
    participant: Found[str] = field(default_factory=Found)
    completed_on: Found[date] = field(default_factory=Found)
    hours: Found[float] = field(default_factory=Found)
    unit: Found[str] = field(default_factory=Found)
    format: Found[str] = field(default_factory=Found)
    kind: Found[str] = field(default_factory=Found)
    approvals: Found[tuple[Approval, ...]] = field(default_factory=Found)
    topics: Found[tuple[TopicShare, ...]] = field(default_factory=Found)
    page_count: int = 0

    @property
    def found_anything(self) -> bool:
        """Whether any of the fields that make a certificate was read."""
        core = ("title", "participant", "completed_on", "hours", "approvals")
        return any(getattr(self, name).confidence > 0 for name in core)

    def to_dict(self) -> dict[str, Any]:
        """``{"fields": ..., "confidence": ..., "evidence": ...}`` with JSON values: dates as
        ISO text, hours as a number, approvals and topics as lists of objects."""
        fields: dict[str, Any] = {}
        confidence: dict[str, float] = {}
        evidence: dict[str, str] = {}
        for name in FIELD_NAMES:
            found: Found[Any] = getattr(self, name)
            fields[name] = _json_value(name, found.value)
            confidence[name] = round(found.confidence, 2)
            evidence[name] = found.evidence
        return {"fields": fields, "confidence": confidence, "evidence": evidence}

    @classmethod
    def from_dict(cls, data: dict[str, Any], page_count: int = 0) -> CertificateReading:
        """The reverse of :meth:`to_dict` (for readings stored as JSON)."""
        fields = data.get("fields") or {}
        confidence = data.get("confidence") or {}
        evidence = data.get("evidence") or {}
        values: dict[str, Any] = {}
        for name in FIELD_NAMES:
            value = _python_value(name, fields.get(name))
            values[name] = Found(value, float(confidence.get(name, 0)), evidence.get(name, ""))
        return cls(**values, page_count=page_count)


def _json_value(name: str, value: Any) -> Any:
    if value is None:
        return [] if name in ("approvals", "topics") else None
    if name == "completed_on":
        return value.isoformat()
    if name == "approvals":
        return [{"body": item.body, "number": item.number} for item in value]
    if name == "topics":
        return [{"slug": item.slug, "hours": item.hours} for item in value]
    return value


def _python_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "completed_on":
        return date.fromisoformat(value)
    if name == "approvals":
        return tuple(Approval(item["body"], item.get("number", "")) for item in value) or None
    if name == "topics":
        return tuple(TopicShare(item["slug"], item.get("hours")) for item in value) or None
    if name == "hours":
        return float(value)
    return value


class UnreadableCertificate(ValueError):
    """A file that is not a readable certificate (no text, nothing found); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# PDF text.


def pdf_text(data: bytes | PdfReader) -> list[str]:
    """Each page's text in layout mode (columns kept apart by runs of spaces)."""
    reader = data if isinstance(data, PdfReader) else open_pdf(data)
    pages: list[str] = []
    total = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for page in reader.pages:
                text = page.extract_text(extraction_mode="layout")
                total += len(text)
                if total > MAX_TEXT_CHARS:
                    break
                pages.append(text)
    except CertificateRefused:
        raise
    except Exception:  # pypdf raises many kinds of errors on broken content streams
        raise CertificateRefused(
            "malformed", "The PDF's pages are damaged and their text cannot be read."
        ) from None
    return pages


def read_pdf(data: bytes | PdfReader) -> CertificateReading:
    """Read a PDF certificate (already checked by ``check_certificate_file``)."""
    pages = pdf_text(data)
    reading = read_text("\n\f\n".join(pages))
    return CertificateReading(
        **{name: getattr(reading, name) for name in FIELD_NAMES}, page_count=len(pages)
    )


# Text into lines, cells, labelled values and sentences.

CELL_GAP = re.compile(r" {3,}")
SPACES = re.compile(r"\s+")
DASHES = re.compile(r"[\u2010-\u2015\u2212]")
QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "}
LABEL = re.compile(r"^(?P<label>[A-Za-z][A-Za-z #()/'&.-]{0,40}?)\s*:\s*(?P<value>.*)$")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = DASHES.sub("-", text)
    for fancy, plain in QUOTES.items():
        text = text.replace(fancy, plain)
    return text


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    cells: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.cells)


@dataclass(frozen=True, slots=True)
class Labelled:
    label: str  # lower case, single spaces, no trailing '#'
    value: str
    evidence: str
    line: int


@dataclass
class Document:
    lines: list[Line]
    labelled: list[Labelled]
    paragraphs: list[str]  # blocks of lines joined with single spaces
    sentences: list[str]

    @property
    def flat(self) -> str:
        return " ".join(self.paragraphs)

    @property
    def sentence_paragraphs(self) -> Iterator[tuple[str, str]]:
        """Each sentence with the paragraph it belongs to."""
        for paragraph in self.paragraphs:
            for sentence in _sentences([paragraph]):
                yield sentence, paragraph


def parse_document(text: str) -> Document:
    lines: list[Line] = []
    paragraphs: list[str] = []
    block: list[str] = []
    for number, raw in enumerate(normalize(text).splitlines()):
        stripped = raw.strip()
        if not stripped or stripped == "\f":
            if block:
                paragraphs.append(" ".join(block))
                block = []
            continue
        cells = tuple(
            SPACES.sub(" ", cell)[:MAX_SENTENCE]
            for cell in CELL_GAP.split(stripped)
            if cell.strip()
        )
        lines.append(Line(number, cells))
        block.append(" ".join(cells))
    if block:
        paragraphs.append(" ".join(block))
    return Document(lines, _labelled_values(lines), paragraphs, _sentences(paragraphs))


def _labelled_values(lines: list[Line]) -> list[Labelled]:
    found: list[Labelled] = []
    for index, line in enumerate(lines):
        for position, cell in enumerate(line.cells):
            match = LABEL.match(cell)
            if not match:
                continue
            label = SPACES.sub(" ", match["label"].lower()).strip().rstrip("#").strip()
            value = match["value"].strip()
            if not value and position + 1 < len(line.cells):
                value = line.cells[position + 1]
            elif not value and position == len(line.cells) - 1 and index + 1 < len(lines):
                following = lines[index + 1]
                if following.number == line.number + 1 and not LABEL.match(following.cells[0]):
                    value = following.cells[0]
            if value:
                found.append(Labelled(label, value, f"{match['label'].strip()}: {value}", index))
    return found


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z#(])")


def _sentences(paragraphs: list[str]) -> list[str]:
    """The sentences of each paragraph, each cut to MAX_SENTENCE characters: a certificate's
    sentences are short, and the field rules then run in bounded time on any text."""
    sentences: list[str] = []
    for paragraph in paragraphs:
        sentences.extend(
            part.strip()[:MAX_SENTENCE] for part in SENTENCE_END.split(paragraph) if part.strip()
        )
    return sentences


def evidence_text(text: str) -> str:
    text = SPACES.sub(" ", text).strip()
    return text if len(text) <= MAX_EVIDENCE else text[: MAX_EVIDENCE - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Candidate(Generic[T]):
    value: T
    confidence: float
    evidence: str


def best(candidates: Iterable[Candidate[T]], *, disagreement: float = 0.1) -> Found[T]:
    """The most confident candidate; when another value is nearly as confident, the reading is
    less sure. Candidates with the same value confirm each other."""
    ranked = sorted(candidates, key=lambda candidate: -candidate.confidence)
    if not ranked:
        return Found()
    top = ranked[0]
    confidence = top.confidence
    others = [item for item in ranked[1:] if item.value != top.value]
    if others and others[0].confidence >= top.confidence - disagreement:
        confidence = min(confidence, 0.5)
    elif any(item.value == top.value and item.evidence != top.evidence for item in ranked[1:]):
        confidence = min(1.0, confidence + 0.05)
    return Found(top.value, round(confidence, 2), evidence_text(top.evidence))


# Dates.

MONTH_NAMES: Final = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH = r"(?P<{}>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?)"
DAY = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th)?"
YEAR = r"(?P<{}>(?:19|20)\d\d)"
DATE_PATTERNS: Final = [
    # April 17-18, 2026 / October 8 - 10, 2026 (a range: the last day counts)
    re.compile(
        rf"\b{MONTH.format('m1')}\s+{DAY.format('d1')}\s*-\s*{DAY.format('d2')},?\s+"
        rf"{YEAR.format('y')}\b",
        re.IGNORECASE,
    ),
    # March 3, 2026 / Mar. 3rd 2026
    re.compile(
        rf"\b{MONTH.format('m')}\s+{DAY.format('d')},?\s+{YEAR.format('y')}\b", re.IGNORECASE
    ),
    # 3 March 2026
    re.compile(rf"\b{DAY.format('d')}\s+{MONTH.format('m')},?\s+{YEAR.format('y')}\b", re.I),
    # 2026-03-03
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<n>\d{1,2})-(?P<d>\d{1,2})\b"),
    # 03/03/2026, 3/3/2026, 03-03-2026, 03.03.2026 (US order unless the first number is > 12)
    re.compile(r"\b(?P<a>\d{1,2})([/.-])(?P<b>\d{1,2})\2(?P<y>(?:19|20)\d\d)\b"),
]
RANGE_JOIN = re.compile(r"^\s*(?:-|to|through|until)\s*$", re.IGNORECASE)
COMPLETION_LABELS: Final = {
    "completion date",
    "date completed",
    "date of completion",
    "completed",
    "completed on",
    "date course completed",
    "course completion date",
    "date passed",
}
DATE_LABELS: Final = {
    "date",
    "dates",
    "date(s)",
    "course date",
    "event date",
    "event dates",
    "session date",
    "date of course",
    "date of event",
    "program date",
    "date attended",
    "attendance date",
    "date of attendance",
    "webinar date",
    "workshop date",
    "conference dates",
    "date of program",
    "activity date",
    "date of activity",
    "end date",
}
NOT_COMPLETION = re.compile(
    r"issued|issue date|printed|expir|valid (?:until|through)|approval period|approved (?:from|"
    r"through|until)|birth|\bdob\b|generated|renew|period:|effective",
    re.IGNORECASE,
)
COMPLETION_WORDS = re.compile(
    r"(?:completed|completion|attended|participated|finished|passed|held|presented|earned|"
    r"took place)\b[^.]{0,120}$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateMatch:
    day: date
    start: int
    end: int
    is_range: bool
    ambiguous: bool  # 03/04/2026: read as March 4 (US order)


def find_dates(text: str) -> list[DateMatch]:
    """Every date in ``text``, in order; a range of two dates joined by a dash or "to" counts
    as one, its last day."""
    matches: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            parsed = _date_from(match)
            if parsed is None:
                continue
            day, ambiguous, is_range = parsed
            matches.append(DateMatch(day, match.start(), match.end(), is_range, ambiguous))
            taken.append((match.start(), match.end()))
    matches.sort(key=lambda item: item.start)
    joined: list[DateMatch] = []
    for item in matches:
        if joined and RANGE_JOIN.match(text[joined[-1].end : item.start]):
            first = joined.pop()
            if first.day <= item.day:
                item = DateMatch(item.day, first.start, item.end, True, item.ambiguous)
        joined.append(item)
    return joined


def _date_from(match: re.Match[str]) -> tuple[date, bool, bool] | None:
    groups = match.groupdict()
    try:
        year = int(groups["y"])
        if groups.get("m1"):
            month = MONTH_NAMES.get(groups["m1"].lower().rstrip("."), 0)
            if not month or int(groups["d1"]) > int(groups["d2"]):
                return None
            return date(year, month, int(groups["d2"])), False, True
        if groups.get("m"):
            month = MONTH_NAMES.get(groups["m"].lower().rstrip("."), 0)
            if not month:
                return None
            return date(year, month, int(groups["d"])), False, False
        if groups.get("n"):
            return date(year, int(groups["n"]), int(groups["d"])), False, False
        first, second = int(groups["a"]), int(groups["b"])
        if first > 12:
            return date(year, second, first), False, False
        return date(year, first, second), second <= 12 and first != second, False
    except ValueError:
        return None


def read_completed_on(document: Document) -> Found[date]:
    candidates: list[Candidate[date]] = []
    labelled_lines: set[int] = set()
    for item in document.labelled:
        if NOT_COMPLETION.search(item.label):
            labelled_lines.add(item.line)
            continue
        if item.label in COMPLETION_LABELS:
            base = 0.95
        elif item.label in DATE_LABELS:
            base = 0.9
        else:
            continue
        for found in find_dates(item.value):
            labelled_lines.add(item.line)
            confidence = base - (0.05 if found.ambiguous else 0)
            candidates.append(Candidate(found.day, confidence, item.evidence))
    for sentence in document.sentences:
        for found in find_dates(sentence):
            before = sentence[max(0, found.start - 60) : found.start]
            if NOT_COMPLETION.search(before):
                continue
            if COMPLETION_WORDS.search(before):
                confidence = 0.85 if found.is_range or re.search(r"\bon\s*$", before) else 0.8
            elif re.search(r"\b(?:on|dated)\s*$", before, re.IGNORECASE):
                confidence = 0.7
            else:
                confidence = 0.35
            if found.ambiguous:
                confidence -= 0.05
            candidates.append(Candidate(found.day, confidence, sentence))
    if not any(candidate.confidence >= LIKELY for candidate in candidates):
        # Unlabelled dates on their own lines (a table of sessions): the last one, as a guess.
        loose = [
            Candidate(found.day, 0.4, line.text)
            for index, line in enumerate(document.lines)
            if index not in labelled_lines and not NOT_COMPLETION.search(line.text)
            for found in find_dates(line.text)
        ]
        if loose:
            candidates.append(max(loose, key=lambda candidate: candidate.value))
    return best(candidates)


# Hours.

NUMBER = r"(?P<number>\d{1,4}(?:\.\d{1,2})?|\.\d{1,2})"
NUMBER_WORDS: Final = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "eighteen": 18,
    "twenty": 20,
    "twenty-four": 24,
    "thirty": 30,
    "thirty-six": 36,
    "forty": 40,
}
# "3.0 CE credits", "5 NBCC clock hours", "1.5 clinical continuing education credits",
# "6 hours of continuing education credit", "2 Social Work continuing education contact hours".
HOURS_PHRASE = re.compile(
    rf"(?:\b(?P<word>{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})\s*\(\s*)?"
    rf"(?<![\d#.-]){NUMBER}\s*\)?\s*"
    r"(?P<unit>(?:(?:total|nbcc|ce|cme|ceu|apa|aswb|ace|clinical|general|social work|"
    r"continuing education|contact|clock|credit|semester|quarter|academic|instructional)[ -]?)*"
    r"(?:hours?|hrs?\.?|credits?|ceus?|units?)(?:\s+of\s+(?:continuing education|ce)"
    r"(?:\s+credits?)?)?)\b",
    re.IGNORECASE,
)
HOURS_LABELS: Final = {
    "hours",
    "ce hours",
    "contact hours",
    "clock hours",
    "credit hours",
    "credits",
    "credit",
    "ce credits",
    "ce credit",
    "credits awarded",
    "hours awarded",
    "ce hours awarded",
    "continuing education credits",
    "continuing education hours",
    "number of hours",
    "number of credits",
    "number of ce hours",
    "ceus",
    "ce units",
    "total hours",
    "total ce hours",
    "total credits",
    "total ce credits",
    "total ce hours earned",
    "total hours earned",
    "total contact hours",
    "total",
    "credits earned",
    "hours earned",
    "ce hours earned",
    "nbcc clock hours",
    "semester hours",
    "length",
}
TOPIC_HOURS_AFTER = re.compile(r"^\s*(?:of|in|toward|towards|for the)\s+(?!continuing|ce\b)\w")
AWARD_WORDS = re.compile(
    r"(?:award|earn|receive|grant|qualif|approved for|for|total|worth|eligible for|offers?)"
    r"\w*\W+(?:\w+\W+){0,4}$",
    re.IGNORECASE,
)
AGENDA_TIME = re.compile(r"\b\d{1,2}:\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hours:
    value: float
    unit: str  # clock-hour, semester-hour or quarter-hour


def hours_in(text: str) -> Iterator[tuple[re.Match[str], Hours]]:
    for match in HOURS_PHRASE.finditer(text):
        number = match["number"]
        value = float(number)
        if match["word"]:
            value = float(NUMBER_WORDS[match["word"].lower()])
        unit_text = match["unit"].lower()
        unit = "clock-hour"
        if "semester" in unit_text:
            unit = "semester-hour"
        elif "quarter" in unit_text:
            unit = "quarter-hour"
        elif re.search(r"\bceus?\b", unit_text) and "hour" not in unit_text:
            value *= 10  # one continuing education unit (CEU) is ten contact hours
        if 0 < value <= 1000:
            yield match, Hours(round(value, 2), unit)


def _number_value(text: str) -> float | None:
    match = re.match(rf"^\s*{NUMBER}\b", text)
    if match:
        return float(match["number"])
    word = text.strip().split(" ")[0].lower()
    return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else None


def read_hours(document: Document) -> tuple[Found[float], list[Candidate[str]]]:
    """The hours, and evidence for their unit (semester or quarter hours for academic credit)."""
    candidates: list[Candidate[float]] = []
    units: list[Candidate[str]] = []
    for item in document.labelled:
        if item.label not in HOURS_LABELS:
            continue
        base = 0.95 if item.label.startswith("total") else 0.9
        phrases = list(hours_in(item.value))
        if phrases:
            match, hours = phrases[0]
            candidates.append(Candidate(hours.value, base, item.evidence))
            if hours.unit != "clock-hour":
                units.append(Candidate(hours.unit, base, item.evidence))
        elif (value := _number_value(item.value)) is not None and 0 < value <= 1000:
            if "ceu" in item.label:
                value *= 10
            candidates.append(Candidate(round(value, 2), base, item.evidence))
            if "semester" in item.label:
                units.append(Candidate("semester-hour", base, item.evidence))
    for sentence in document.sentences:
        for match, hours in hours_in(sentence):
            after = sentence[match.end() : match.end() + 40]
            before = sentence[max(0, match.start() - 80) : match.start()]
            if TOPIC_HOURS_AFTER.match(after) or re.search(r"\(\s*$", before):
                continue  # "3.0 hours of ethics", "Laws and Rules (3.0 hrs)": a topic's share
            if AGENDA_TIME.search(sentence[max(0, match.start() - 120) : match.start()]):
                confidence = 0.3  # a segment of an agenda
            elif re.search(r"\btotal\b", before[-40:], re.IGNORECASE):
                confidence = 0.95
            elif AWARD_WORDS.search(before):
                confidence = 0.85
            elif re.search(r"hours?|credits?|ceus?", match["unit"], re.IGNORECASE) and (
                re.search(
                    r"\b(?:ce|continuing education|contact|clock|credit)", match["unit"], re.I
                )
            ):
                confidence = 0.6
            else:
                confidence = 0.35
            candidates.append(Candidate(hours.value, confidence, sentence))
            if hours.unit != "clock-hour":
                units.append(Candidate(hours.unit, confidence, sentence))
    candidates.extend(_table_hours(document, units))
    for sentence in document.sentences:
        academic = re.search(
            r"\b(semester|quarter)[ -](?:credit )?(?:hours?|units?|credits?)\b", sentence, re.I
        )
        if academic:
            units.append(Candidate(f"{academic[1].lower()}-hour", 0.85, sentence))
    return best(candidates), units


TABLE_HOURS_HEADERS: Final = {
    "credits",
    "credit",
    "hours",
    "ce hours",
    "credit hours",
    "units",
    "contact hours",
    "clock hours",
    "cr",
    "cr.",
}


def table_rows(document: Document, header: str) -> Iterator[tuple[Line, Line, int]]:
    """(header line, row, column) for each row under a header cell named ``header`` (any of
    its names, separated by ``|``), in a table whose rows have as many cells as its header."""
    names = set(header.split("|"))
    for index, line in enumerate(document.lines):
        lowered = [cell.lower() for cell in line.cells]
        columns = [position for position, cell in enumerate(lowered) if cell in names]
        if not columns or len(line.cells) < 3:
            continue
        for row in document.lines[index + 1 : index + 40]:
            if len(row.cells) != len(line.cells):
                break
            yield line, row, columns[0]


def _table_hours(document: Document, units: list[Candidate[str]]) -> list[Candidate[float]]:
    found: list[Candidate[float]] = []
    headers = "|".join(TABLE_HOURS_HEADERS)
    rows = list(table_rows(document, headers))
    for header, row, column in rows:
        value = _number_value(row.cells[column])
        if value is None or not 0 < value <= 1000:
            continue
        # One row (a transcript line) is what the certificate is for; several are sessions.
        single = sum(1 for other in rows if other[0] is header) == 1
        evidence = f"{header.text} / {row.text}"
        found.append(Candidate(value, 0.85 if single else 0.3, evidence))
    return found


def read_unit(units: list[Candidate[str]], hours: Found[float]) -> Found[str]:
    if hours.value is None:
        return Found()
    if units:
        return best(units)
    return Found("clock-hour", min(hours.confidence, 0.8), hours.evidence)


# People and names.

NAME = re.compile(
    r"^(?:(?:Dr|Mr|Mrs|Ms|Mx)\.?\s+)?[A-Z][A-Za-z'.-]*(?:\s+[A-Z][A-Za-z'.-]*){0,4}"
    r"(?:,\s*[A-Za-z][A-Za-z.-]*(?:\s+[A-Za-z][A-Za-z.-]*)?){0,3}$"
)
CREDENTIAL = re.compile(r"^[A-Z][A-Za-z]{0,3}[A-Z](?:-[A-Z]+)?\.?$|^(?:PhD|PsyD|EdD|MEd|MA|MS)$")
PARTICIPANT_LABELS: Final = {
    "participant",
    "participant name",
    "name",
    "name of participant",
    "attendee",
    "attendee name",
    "awarded to",
    "presented to",
    "issued to",
    "student",
    "student name",
    "learner",
    "learner name",
    "licensee",
    "licensee name",
    "recipient",
    "certificate holder",
    "clinician",
}
NOT_A_NAME = re.compile(
    r"\b(?:certificate|completion|attendance|continuing|education|course|program|hours?|"
    r"credits?|provider|approved|institute|association|university|academy|training|center|"
    r"board|license|director|date|webinar|workshop|conference)\b",
    re.IGNORECASE,
)


def clean_name(text: str) -> tuple[str, float] | None:
    """A person's name as printed (credentials after a comma kept), or as "First Last" when
    printed "Last, First" (a little less sure). None when it does not look like a name."""
    text = text.strip().strip(",.;:").strip()
    if not NAME.match(text) or NOT_A_NAME.search(text) or len(text) > 80:
        return None
    words = text.split(",")[0].split()
    if len(words) < 2:
        # "Kim, Alex": last name, first name.
        parts = [part.strip() for part in text.split(",")]
        if len(parts) >= 2 and parts[1] and not CREDENTIAL.match(parts[1].split()[0]):
            credentials = [part for part in parts[2:] if part]
            name = f"{parts[1]} {parts[0]}"
            return (", ".join([name, *credentials]), 0.8)
        return None
    return text, 1.0


def read_participant(document: Document) -> Found[str]:
    candidates: list[Candidate[str]] = []
    for item in document.labelled:
        if item.label in PARTICIPANT_LABELS and (name := clean_name(item.value)):
            candidates.append(Candidate(name[0], 0.9 * name[1], item.evidence))
    certify = re.compile(
        r"(?:certif(?:y|ies)|confirms?|acknowledges?)\s+that\s+(?P<name>.+?)\s+"
        r"(?:has\s+|have\s+)?(?:successfully\s+|satisfactorily\s+)?"
        r"(?:completed|attended|participated|fulfilled|earned|finished)\b",
        re.IGNORECASE,
    )
    for sentence in document.sentences:
        match = certify.search(sentence)
        if match and (name := clean_name(match["name"])):
            candidates.append(Candidate(name[0], 0.9 * name[1], sentence))
    # "This certifies that" / "Presented to" on a line of its own, the name on the next.
    lead = re.compile(
        r"^(?:this\s+(?:is\s+to\s+)?certif(?:y|ies)\s+that|this\s+certificate\s+is\s+"
        r"(?:awarded|presented)\s+to|presented\s+to|awarded\s+to|in\s+recognition\s+of|"
        r"is\s+hereby\s+granted\s+to|we\s+certify\s+that)$",
        re.IGNORECASE,
    )
    for index, line in enumerate(document.lines[:-1]):
        if lead.match(line.text):
            following = document.lines[index + 1]
            if name := clean_name(following.text):
                evidence = f"{line.text} / {following.text}"
                candidates.append(Candidate(name[0], 0.9 * name[1], evidence))
    # A name on its own line just above "has successfully completed" (a license line between).
    for index, line in enumerate(document.lines):
        if not (COMPLETED_LEAD.match(line.text) and len(line.cells) == 1):
            continue
        for above in reversed(document.lines[max(0, index - 3) : index]):
            if LABEL.match(above.text):
                continue
            if name := clean_name(above.text):
                evidence = f"{above.text} / {line.text}"
                candidates.append(Candidate(name[0], 0.8 * name[1], evidence))
            break
    return best(candidates)


# Titles.

TITLE_LABELS: Final = {
    "course title",
    "course",
    "course name",
    "title",
    "program",
    "program title",
    "program name",
    "activity",
    "activity title",
    "event",
    "event title",
    "workshop",
    "workshop title",
    "webinar",
    "webinar title",
    "session title",
    "training",
    "training title",
    "presentation",
    "presentation title",
    "seminar",
    "title of program",
    "title of course",
    "course/program title",
}
DEGREE = re.compile(
    r"^(?:M\.?A\.?|M\.?S\.?W?\.?|M\.?Ed\.?|Ph\.?D\.?|Psy\.?D\.?|B\.?A\.?|B\.?S\.?|Ed\.?D\.?|"
    r"Master|Bachelor|Doctor|Certificate program)\b"
)
GENERIC_HEADING = re.compile(
    r"^(?:certificate|certification|this certifies|this is to certify|continuing education|"
    r"awarded|presented|has|for|of|and|in|on|with)\b",
    re.IGNORECASE,
)
COMPLETED_LEAD = re.compile(
    r"(?:has\s+)?(?:successfully\s+|satisfactorily\s+)?(?:completed|attended|participated\s+in|"
    r"for\s+(?:attending|participating\s+in|completing|completion\s+of))"
    r"(?:\s+the)?(?:\s+(?:live|interactive|online|in-person|recorded|on-demand|home\s+study|"
    r"continuing\s+education|ce|accredited))*"
    r"(?:\s+(?:program|course|webinar|workshop|training|seminar|activity|conference|session|"
    r"presentation|module))?(?:\s+(?:entitled|titled|called))?:?$",
    re.IGNORECASE,
)
EVENT_NAME = re.compile(
    r"\b(?:conference|convention|summit|symposium|annual meeting|congress)\b", re.I
)


def _plausible_title(text: str) -> bool:
    text = text.strip()
    return (
        3 <= len(text) <= 300
        and not GENERIC_HEADING.match(text)
        and not DEGREE.match(text)
        and not find_dates(text)
        and bool(re.search(r"[A-Za-z]{3}", text))
    )


def read_title(document: Document) -> Found[str]:
    candidates: list[Candidate[str]] = []
    for item in document.labelled:
        if item.label in TITLE_LABELS and _plausible_title(item.value):
            confidence = 0.9 if "title" in item.label or item.label == "course" else 0.85
            candidates.append(Candidate(item.value.strip(' "'), confidence, item.evidence))
    for header, row, column in table_rows(document, "title|course title|course name"):
        if _plausible_title(row.cells[column]):
            candidates.append(Candidate(row.cells[column], 0.85, f"{header.text} / {row.text}"))
    # "has completed the continuing education program" on one line, the title on the next.
    for index, line in enumerate(document.lines[:-1]):
        if COMPLETED_LEAD.search(line.text) and len(line.cells) == 1:
            following = document.lines[index + 1].text
            if _plausible_title(following):
                candidates.append(
                    Candidate(following.strip(' "'), 0.85, f"{line.text} / {following}")
                )
    # One sentence: "... certify that NAME completed TITLE on DATE ..." or a quoted title.
    inline = re.compile(
        r"\b(?:completed|attended|participated\s+in)\s+(?:the\s+)?(?:(?:course|program|"
        r"workshop|webinar|training)\s+)?(?:(?:entitled|titled)\s+)?"
        r"(?P<quote>\")?(?P<title>[A-Z][^\"]{2,200}?)(?(quote)\")\s*,?\s+"
        r"(?:on|held|dated|from|in|at|,)\s",
        re.IGNORECASE,
    )
    for sentence in document.sentences:
        match = inline.search(sentence)
        if match and _plausible_title(match["title"]):
            confidence = 0.85 if match["quote"] else 0.8
            candidates.append(Candidate(match["title"].strip(), confidence, sentence))
    # An event named in a heading: "... 2026 Annual Conference".
    for line in document.lines[:6]:
        if EVENT_NAME.search(line.text) and ":" not in line.text and _plausible_title(line.text):
            candidates.append(Candidate(line.text, 0.75, line.text))
    return best(candidates)


# Providers.

PROVIDER_LABELS: Final = {
    "provider",
    "provider name",
    "sponsor",
    "sponsored by",
    "presented by",
    "offered by",
    "issued by",
    "training provider",
    "ce provider",
    "organization",
    "organizer",
    "hosted by",
    "accredited provider",
}
ORGANIZATION_WORDS = re.compile(
    r"\b(?:institute|center|centre|association|university|college|academy|society|inc|llc|"
    r"ltd|foundation|collaborative|network|training|education|school|ce|learning|partners|"
    r"group|council|alliance|consortium|clinic|seminars?|workshops?|press|pesi|"
    r"counseling|psychological|therapy)\b",
    re.IGNORECASE,
)
STATEMENT_SUBJECT = re.compile(
    r"^(?:the\s+)?(?P<org>[A-Z][\w&'.,\- ]{1,100}?)(?:,\s*(?:an?\s+)?[\w\s]*?(?:provider|acep)"
    r"\s*(?:#|no\.?|number)?\s*[\w-]+,)?\s+(?:is|has\s+been|are)\s+(?:an?\s+)?(?:approved|"
    r"recognized|accredited|nbcc|aamft|aswb|ace\b|apa\b|authorized|certified\s+by)",
    re.IGNORECASE,
)
SPONSORED_BY = re.compile(
    r"\b(?i:sponsored|presented|offered|provided|hosted)\s+by\s+(?i:the\s+)?"
    r"(?P<org>[A-Z][\w&'.\- ]{2,100}?)(?:[.,;]|$)"
)


def _organization(text: str) -> str | None:
    text = text.strip().strip(",.;:").strip()
    if text.lower().startswith("the "):
        text = text[4:]
    if not text or not text[0].isupper() or len(text) > 120:
        return None
    if re.match(r"^(?:this|it|we|they|our|all|programs?|courses?|events?)\b", text, re.I):
        return None
    return text


def _same(first: str, second: str) -> bool:
    return first.casefold() == second.casefold()


def read_provider(document: Document) -> Found[str]:
    candidates: list[Candidate[str]] = []
    for item in document.labelled:
        if item.label in PROVIDER_LABELS and (org := _organization(item.value)):
            candidates.append(Candidate(org, 0.9, item.evidence))
    for sentence in document.sentences:
        match = STATEMENT_SUBJECT.match(sentence)
        if match and (org := _organization(match["org"])):
            candidates.append(Candidate(org, 0.85, sentence))
        for match in SPONSORED_BY.finditer(sentence):
            if org := _organization(match["org"]):
                candidates.append(Candidate(org, 0.8, sentence))
    # A heading that names an organization, among the first lines.
    for line in document.lines[:5]:
        text = line.text
        if (
            len(line.cells) == 1
            and ":" not in text
            and ORGANIZATION_WORDS.search(text)
            and not GENERIC_HEADING.match(text)
            and not EVENT_NAME.search(text)
            and not find_dates(text)
            and len(text) <= 100
        ):
            org = _organization(text)
            if org is None:
                continue
            # Headings are often in capitals; a statement may spell the name properly.
            spelled = next((item.value for item in candidates if _same(item.value, org)), None)
            if spelled is not None:
                candidates.append(Candidate(spelled, 0.8, text))
            elif len(_organization_mentions(document, org)) > 1:
                candidates.append(Candidate(org, 0.8, text))
            else:
                candidates.append(Candidate(org, 0.6, text))
            break
    return best(candidates, disagreement=0.05)


def _organization_mentions(document: Document, org: str) -> list[str]:
    """Every mention of ``org`` in the text (more than one confirms a heading)."""
    pattern = re.compile(rf"\b{re.escape(org)}\b", re.IGNORECASE)
    return [match[0] for match in pattern.finditer(document.flat)]


# Format.

FORMAT_PHRASES: Final[list[tuple[str, str, float]]] = [
    # (pattern, format, weight); the most specific first.
    (r"live[ -]interactive[ -](?:webinar|online|virtual)", "live-online", 0.95),
    (
        r"(?:live|real[- ]time)[ -](?:webinar|online|virtual|stream(?:ed|ing)?|broadcast)",
        "live-online",
        0.9,
    ),
    (
        r"(?:virtual|online)[ -]live|live[ -]via[ -]zoom|interactive[ -]webinar|synchronous",
        "live-online",
        0.85,
    ),
    (r"(?<!a)(?<!non-)(?<!non )synchronous", "live-online", 0.8),
    (
        r"(?:recorded|archived|on[- ]demand|pre-recorded)[ -]"
        r"(?:webinar|video|course|presentation|session)",
        "self-study",
        0.95,
    ),
    (
        r"home[ -]study|self[ -]study|self[ -]paced|independent[ -]study|correspondence|"
        r"asynchronous|enduring[ -]material",
        "self-study",
        0.9,
    ),
    (r"on[- ]demand|recorded", "self-study", 0.75),
    (
        r"online[ -](?:course|module|training|program)|e-learning|distance[ -]learning",
        "self-study",
        0.65,
    ),
    (r"in[- ]person|face[- ]to[- ]face|on[- ]site|classroom|onsite", "in-person", 0.9),
    (r"convention[ -]cent(?:er|re)|\bheld\s+at\b|\blocation\s*:", "in-person", 0.7),
    (r"\bwebinar\b", "live-online", 0.6),
    (r"\bzoom\b|\bvirtual\b", "live-online", 0.5),
    (r"\b(?:conference|workshop|seminar|symposium|convention)\b", "in-person", 0.5),
]
FORMAT_LABELS: Final = {
    "format",
    "delivery method",
    "delivery format",
    "mode of delivery",
    "instruction mode",
    "instructional method",
    "instructional format",
    "method of delivery",
    "modality",
    "course type",
    "type",
    "learning format",
    "activity type",
    "type of activity",
    "delivery",
    "course format",
    "program format",
}
COMPILED_FORMATS = [
    (re.compile(pattern, re.I), slug, weight) for pattern, slug, weight in FORMAT_PHRASES
]


def read_format(document: Document) -> Found[str]:
    candidates: list[Candidate[str]] = []
    for item in document.labelled:
        if item.label in FORMAT_LABELS:
            for pattern, slug, weight in COMPILED_FORMATS:
                if pattern.search(item.value):
                    candidates.append(Candidate(slug, min(0.95, weight + 0.1), item.evidence))
                    break
    labelled_lines = {item.line for item in document.labelled if item.label in FORMAT_LABELS}
    texts = [line.text for index, line in enumerate(document.lines) if index not in labelled_lines]
    for text in texts:
        consumed: list[tuple[int, int]] = []
        for pattern, slug, weight in COMPILED_FORMATS:
            for match in pattern.finditer(text):
                if any(start < match.end() and match.start() < end for start, end in consumed):
                    continue
                consumed.append(match.span())
                candidates.append(Candidate(slug, weight - 0.05, text))
    return best(candidates, disagreement=0.05)


# Kind.


def read_kind(document: Document, title: Found[str], units: Found[str]) -> Found[str]:
    candidates: list[Candidate[str]] = []
    if units.value in ("semester-hour", "quarter-hour"):
        candidates.append(Candidate("academic-course", 0.85, units.evidence))
    academic = re.compile(r"\b(?:registrar|transcript|grade|semester|quarter)\b", re.I)
    for line in document.lines[:12]:
        if academic.search(line.text):
            candidates.append(Candidate("academic-course", 0.75, line.text))
            break
    if title.value and EVENT_NAME.search(title.value):
        candidates.append(Candidate("conference", 0.8, title.evidence))
    elif title.value:
        candidates.append(Candidate("course", 0.6, title.evidence))
    return best(candidates, disagreement=0.0)


# Approvals.


@dataclass(frozen=True, slots=True)
class ApprovalRule:
    body: str
    mention: re.Pattern[str]  # the body named in an approval sentence
    number: re.Pattern[str] | None  # its provider or approval number, in the same sentence
    needs: re.Pattern[str] | None = None  # words that make the mention an approval


APPROVED = re.compile(r"approv|accredit|recogni[sz]ed|sponsor|acep|\bace\b|provider", re.I)
APPROVAL_RULES: Final = [
    ApprovalRule(
        "apa",
        re.compile(
            r"American Psychological Association\b(?:\s*\(APA\))?[^.]{0,40}sponsor|"
            r"\bAPA[- ]approved\s+sponsor|approved\s+by\s+the\s+American\s+Psychological\s+"
            r"Association",
            re.I,
        ),
        None,
    ),
    ApprovalRule(
        "nbcc",
        re.compile(r"\bNBCC\b|National Board for Certified Counselors", re.I),
        re.compile(
            r"(?:ACEP|Provider|NBCC)\)?\s*(?:No\.?|Number|#)\s*:?\s*(?P<number>\d{3,6})\b", re.I
        ),
        re.compile(r"ACEP|Approved Continuing Education Provider|approved", re.I),
    ),
    ApprovalRule(
        "aswb-ace",
        re.compile(r"\bASWB\b|Association of Social Work Boards", re.I),
        re.compile(r"(?:provider|ACE)\s*(?:#|No\.?|number)\s*:?\s*(?P<number>\d{3,6})\b", re.I),
        re.compile(r"\bACE\b|Approved Continuing Education", re.I),
    ),
    ApprovalRule(
        "ny-sed",
        re.compile(r"New York State Education Department|\bNYSED\b", re.I),
        re.compile(
            r"#\s*(?P<number>(?:MHC|SW|PSY|LMFT|MFT|CAT|LMHC|LCSW)-?\s?\d{3,5})\b|"
            r"provider\s*(?:#|No\.?|number)\s*:?\s*(?P<plain>[A-Z]*-?\d{3,5})\b",
            re.I,
        ),
    ),
    ApprovalRule(
        "nasw",
        re.compile(r"National Association of Social Workers|\bNASW\b", re.I),
        re.compile(r"Approval\s*(?:#|No\.?|number)\s*:?\s*(?P<number>\d[\d-]{4,20}\d)", re.I),
    ),
    ApprovalRule(
        "aamft",
        re.compile(r"\bAAMFT\b|American Association for Marriage and Family Therapy", re.I),
        re.compile(r"Provider\s*(?:#|No\.?|number)\s*:?\s*(?P<number>\d{3,6})\b", re.I),
    ),
    ApprovalRule(
        "board",
        re.compile(r"CE\s?Broker\s+Provider", re.I),
        re.compile(r"Provider\s*(?:#|No\.?|number)\s*:?\s*(?P<number>\d{2}-\d{2,7})\b", re.I),
    ),
    ApprovalRule(
        "board",
        re.compile(r"\bBHEC\b|Behavioral Health Executive Council", re.I),
        re.compile(r"provider\s*(?:#|No\.?|number)\s*:?\s*(?P<number>[A-Z]*-?\d{2,7})\b", re.I),
        re.compile(r"provider|approv", re.I),
    ),
    ApprovalRule(
        "board",
        re.compile(r"\bBBS\s+Provider|Board of Behavioral Sciences\s+Provider", re.I),
        re.compile(r"Provider\s*(?:#|No\.?|number)\s*:?\s*(?P<number>(?:PCE\s*)?\d{2,7})\b", re.I),
    ),
    ApprovalRule(
        "board",
        re.compile(
            r"approved\s+(?:continuing\s+education\s+)?provider\s+(?:of|by|for|with)\s+the\s+"
            r"(?:[A-Z][\w,]*\s+){0,3}(?:State\s+)?Board\s+of|approved\s+by\s+the\s+"
            r"(?:[A-Z][\w,]*\s+){0,3}(?:State\s+)?Board\s+of",
            re.I,
        ),
        re.compile(r"provider\s*(?:#|No\.?|number)\s*:?\s*(?P<number>[A-Z]*-?\d{2,7})\b", re.I),
    ),
    ApprovalRule(
        "university",
        re.compile(
            r"(?:regionally\s+)?accredited\s+by\s+the\s+(?:Higher Learning Commission|Middle "
            r"States Commission|New England Commission|Northwest Commission|Southern "
            r"Association of Colleges|WASC|WSCUC|Western Association)|regionally\s+accredited",
            re.I,
        ),
        None,
    ),
]


def read_approvals(document: Document) -> Found[tuple[Approval, ...]]:
    found: dict[str, tuple[Approval, float, str]] = {}
    for sentence, paragraph in document.sentence_paragraphs:
        for rule in APPROVAL_RULES:
            if not rule.mention.search(sentence):
                continue
            if rule.needs is not None and not rule.needs.search(sentence):
                continue
            if rule.body != "university" and not APPROVED.search(sentence):
                continue
            number = ""
            if rule.number is not None:
                # The number is in the statement, or just after it ("... counselors. #MHC-0123.").
                match = rule.number.search(sentence)
                if match is None:
                    start = max(paragraph.find(sentence), 0)
                    rest = paragraph[start : start + len(sentence) + 200]
                    match = rule.number.search(rest)
                    if match is not None:
                        sentence = rest[: match.end()].rstrip(".") + "."
                if match:
                    number = SPACES.sub(
                        " ", match["number"] or match.groupdict().get("plain") or ""
                    )
            confidence = 0.95 if number or rule.number is None else 0.8
            if rule.body == "university":
                confidence = 0.8
            previous = found.get(rule.body)
            if previous is None or (number and not previous[0].number):
                found[rule.body] = (Approval(rule.body, number), confidence, sentence)
    if not found:
        return Found()
    order = [rule.body for rule in APPROVAL_RULES]
    items = sorted(found.values(), key=lambda item: order.index(item[0].body))
    approvals = tuple(item[0] for item in items)
    confidence = min(item[1] for item in items)
    evidence = " … ".join(dict.fromkeys(evidence_text(item[2]) for item in items))
    return Found(approvals, confidence, evidence_text(evidence) if len(items) == 1 else evidence)


# Topics.

TOPIC_PATTERNS: Final[list[tuple[str, str]]] = [
    (r"\blaws?\s+(?:and|&)\s+ethics\b", "law-and-ethics"),
    (r"\blaws?\s+(?:and|&)\s+rules\b|\bjurisprudence\b", "laws-and-rules"),
    (r"\bethic(?:s|al)\b", "ethics"),
    (r"\bimplicit\s+bias\b", "implicit-bias"),
    (r"\bhealth\s+equity\b", "health-equity"),
    (
        r"\bcultural(?:ly)?\s+(?:competen\w*|humility|responsive\w*|diversity)|\bmulticultural\b|"
        r"\bdiversity\b",
        "cultural-competence",
    ),
    (r"\bsuicid\w*", "suicide-prevention"),
    (r"\bsupervis(?:ion|ors?|ing|ee)\b", "supervision"),
    (r"\bdomestic\s+violence\b|\bintimate\s+partner\s+violence\b", "domestic-violence"),
    (r"\bchild\s+(?:abuse|maltreatment)\b", "child-abuse"),
    (r"\belder\s+abuse\b", "elder-abuse"),
    (r"\bhuman\s+trafficking\b", "human-trafficking"),
    (r"\bmedical\s+errors?\b", "medical-errors"),
    (r"\bsexual\s+harassment\b", "sexual-harassment-prevention"),
    (r"\bHIV\b|\bAIDS\b", "hiv-aids"),
    (r"\btele(?:health|mental\s+health|therapy|practice|psychology)\b", "telehealth"),
    (r"\bpain\s+management\b", "pain-management"),
    (r"\bsubstance\s+use|\baddiction|\bopioid|\balcohol\s+use|\bco-occurring\b", "substance-use"),
    (r"\btrauma\w*|\bPTSD\b", "trauma"),
    (r"(?<!risk )\bassessment\b|\bdiagnos\w+", "assessment"),
    (r"\bself-care\b|\bburnout\b|\bcompassion\s+fatigue\b", "self-care"),
]
COMPILED_TOPICS = [(re.compile(pattern, re.I), slug) for pattern, slug in TOPIC_PATTERNS]
TOPIC_LABELS: Final = {
    "subject area",
    "subject areas",
    "subject",
    "topic",
    "topics",
    "content area",
    "content areas",
    "course category",
    "category",
    "special approvals",
    "special approval",
    "requirement",
    "meets requirement",
    "ce category",
}
TOPIC_HOURS = re.compile(
    r"\(\s*(?P<number>\d{1,3}(?:\.\d{1,2})?)\s*(?:hours?|hrs?\.?|credits?)\s*\)|"
    r":\s*(?P<after_colon>\d{1,3}(?:\.\d{1,2})?)\s*(?:hours?|hrs?\.?)",
    re.I,
)


def topics_in(text: str) -> list[tuple[str, re.Match[str]]]:
    """Topic slugs named in ``text``, once each; a longer phrase hides the topics inside it
    ("law and ethics" is not also "ethics")."""
    found: list[tuple[str, re.Match[str]]] = []
    taken: list[tuple[int, int]] = []
    for pattern, slug in COMPILED_TOPICS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            if slug not in {item[0] for item in found}:
                found.append((slug, match))
    return found


def read_topics(document: Document, title: Found[str]) -> Found[tuple[TopicShare, ...]]:
    shares: dict[str, TopicShare] = {}
    evidence: list[str] = []
    explicit = False
    statements: list[str] = [
        item.evidence for item in document.labelled if item.label in TOPIC_LABELS
    ]
    statements += [
        sentence
        for sentence in document.sentences
        if re.search(
            r"meets?\s+the\s+[\w\s,/-]{2,60}requirement|\bincludes?\s+[\d.]+\s+hours?\s+of\b|"
            r"\bhours?\s+(?:of|in)\s+[\w\s-]{3,40}(?:content|credit|training)\b",
            sentence,
            re.I,
        )
    ]
    for statement in statements:
        hours_after = re.compile(rf"{NUMBER}\s*(?:hours?|hrs?\.?)\s+(?:of|in)\s+$", re.I)
        for slug, match in topics_in(statement):
            hours: float | None = None
            after = statement[match.end() : match.end() + 24]
            before = statement[max(0, match.start() - 24) : match.start()]
            if near := TOPIC_HOURS.match(after.lstrip()):
                hours = float(near["number"] or near["after_colon"])
            elif near_before := hours_after.search(before):
                hours = float(near_before["number"])
            if slug not in shares or (hours is not None and shares[slug].hours is None):
                shares[slug] = TopicShare(slug, hours)
            explicit = True
            if statement not in evidence:
                evidence.append(statement)
    if title.value:
        for slug, _ in topics_in(title.value):
            if slug not in shares:
                shares[slug] = TopicShare(slug)
                if title.value not in evidence:
                    evidence.append(title.value)
    if not shares:
        return Found()
    confidence = 0.85 if explicit else 0.6
    return Found(tuple(shares.values()), confidence, evidence_text(" … ".join(evidence)))


# The whole reading.


def read_text(text: str) -> CertificateReading:
    """Read a certificate's text (from a PDF, or typed) into fields."""
    document = parse_document(text[:MAX_TEXT_CHARS])
    title = read_title(document)
    hours, units = read_hours(document)
    unit = read_unit(units, hours)
    return CertificateReading(
        title=title,
        provider=read_provider(document),
        participant=read_participant(document),
        completed_on=read_completed_on(document),
        hours=hours,
        unit=unit,
        format=read_format(document),
        kind=read_kind(document, title, unit),
        approvals=read_approvals(document),
        topics=read_topics(document, title),
    )


def read_certificate(data: bytes | PdfReader) -> CertificateReading:
    """Read a PDF, or raise :class:`UnreadableCertificate` when it has no text (a scan) or no
    certificate fields at all."""
    reading = read_pdf(data)
    if not reading.found_anything:
        raise UnreadableCertificate(
            "no certificate fields found in the PDF's text (is it a scan? enter it by hand)"
        )
    return reading


__all__ = [
    "Approval",
    "CertificateReading",
    "Found",
    "TopicShare",
    "UnreadableCertificate",
    "confidence_label",
    "read_certificate",
    "read_pdf",
    "read_text",
]
