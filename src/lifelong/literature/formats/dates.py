"""Partial publication dates as the formats write them.

PubMed's ``PubDate`` is ``Year`` with an optional ``Month`` (``Sep``, ``09``, even ``nov``)
and ``Day``, or ``Year`` and ``Season``, or a free-text ``MedlineDate`` ("1998 Dec-1999 Jan",
"2000 Spring-Summer", "2015 Nov-Dec"). MEDLINE's ``DP`` uses the same text. RIS writes
``YYYY/MM/DD/other``; BibTeX ``year`` + ``month`` or biblatex ``date`` (ISO 8601 / EDTF);
CSL-JSON ``date-parts``. A range or a season keeps its start: the year, and the month when
one is named.
"""

from __future__ import annotations

import datetime
import functools
import re

from lifelong.literature.formats.model import PartialDate

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
SEASONS = frozenset({"spring", "summer", "autumn", "fall", "winter"})
MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

_FREE_TEXT_DATE = re.compile(
    r"\b(?P<year>\d{4})(?:\s+(?P<month>[A-Za-z]+)\.?(?:\s+(?P<day>\d{1,2})\b)?)?"
)
_SLASHED_DATE = re.compile(
    r"^\s*(?P<year>\d{4})(?:[/-](?P<month>\d{1,2})?(?:[/-](?P<day>\d{1,2})?)?)?"
)
_ISO_DATE = re.compile(r"^\s*(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")


def month_number(value: str | int | None) -> int | None:
    """``Sep``, ``sept``, ``September``, ``09``, ``9`` -> 9; anything else -> None."""
    if value is None:
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 12 else None
    cleaned = value.strip().rstrip(".").lower()
    if cleaned.isdigit():
        number = int(cleaned)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(cleaned)


def make_date(
    year: int | None, month: int | None = None, day: int | None = None, text: str = ""
) -> PartialDate | None:
    """A ``PartialDate`` with impossible parts dropped (month 13, February 30)."""
    if year is None or not 1000 <= year <= 9999:
        return None if not text else PartialDate(None, None, None, text)
    if month is not None and not 1 <= month <= 12:
        month = None
    if month is None:
        day = None
    if day is not None:
        try:
            datetime.date(year, month or 1, day)
        except ValueError:
            day = None
    return PartialDate(year, month, day, text or display_text(year, month, day))


def display_text(year: int, month: int | None, day: int | None) -> str:
    """PubMed's way of writing a date: "2019", "2019 Mar", "2019 Mar 5"."""
    parts = [str(year)]
    if month:
        parts.append(MONTH_ABBREVIATIONS[month - 1])
        if day:
            parts.append(str(day))
    return " ".join(parts)


def parse_free_text_date(text: str) -> PartialDate | None:
    """PubMed ``MedlineDate`` and MEDLINE ``DP``: "2002 Sep", "2006 Mar 1",
    "1998 Dec-1999 Jan", "2000 Spring", "1999-2000", "2000 Dec 23-30". Months are words in
    these texts; a season or an unknown word gives no month."""
    text = " ".join(text.split())
    match = _FREE_TEXT_DATE.search(text)
    if match is None:
        return PartialDate(None, None, None, text) if text else None
    month = month_number(match["month"]) if match["month"] else None
    day = int(match["day"]) if month is not None and match["day"] else None
    return make_date(int(match["year"]), month, day, text)


@functools.lru_cache(maxsize=4096)  # a baseline file repeats its journals' issue dates
def parse_pubmed_date(
    year: str | None,
    month: str | None = None,
    day: str | None = None,
    season: str | None = None,
    medline_date: str | None = None,
) -> PartialDate | None:
    """The parts of a PubMed ``PubDate`` (or ``ArticleDate``, ``PubMedPubDate``). The text
    is PubMed's display form ("2018 Sep 7") or the year and season ("1990 Spring")."""
    if medline_date:
        return parse_free_text_date(medline_date)
    if not year or not year.strip().isdigit():
        return None
    month_value = month_number(month)
    day_value = int(day) if day and day.strip().isdigit() and month_value else None
    date = make_date(int(year), month_value, day_value)
    if date is not None and season and season.strip():
        return PartialDate(date.year, None, None, f"{date.year} {season.strip()}")
    return date


def parse_slashed_date(text: str) -> PartialDate | None:
    """RIS ``PY``/``DA``/``Y1``: "1948/07//", "2019/03/05/", "2019", "2019-03-05"."""
    match = _SLASHED_DATE.match(text)
    if match is None:
        return parse_free_text_date(text)
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    return make_date(int(match["year"]), month, day)


def parse_iso_date(text: str) -> PartialDate | None:
    """biblatex ``date`` and CSL ``raw``: "2019", "2019-03", "2019-03-05", "2019-03/2019-05"
    (the start of a range)."""
    match = _ISO_DATE.match(text)
    if match is None:
        return parse_free_text_date(text)
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    return make_date(int(match["year"]), month, day)


def parse_date_parts(parts: object) -> PartialDate | None:
    """CSL-JSON ``date-parts``: ``[[2019, 3, 5]]`` (numbers or digit strings); the first
    element of a range."""
    if not isinstance(parts, list) or not parts:
        return None
    first = parts[0]
    if not isinstance(first, list) or not first:
        return None
    numbers: list[int | None] = []
    for value in first[:3]:
        if isinstance(value, bool):
            numbers.append(None)
        elif isinstance(value, int):
            numbers.append(value)
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            numbers.append(int(value))
        else:
            numbers.append(None)
    while len(numbers) < 3:
        numbers.append(None)
    return make_date(numbers[0], numbers[1], numbers[2])


def parse_timestamp_date(text: str) -> datetime.date | None:
    """MEDLINE ``EDAT``/``CRDT`` ("2002/09/17 10:00") and "2002-09-17" -> a date."""
    match = _SLASHED_DATE.match(text)
    if match is None or not match["month"] or not match["day"]:
        return None
    try:
        return datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None
