"""The tamper-evident history of signed periods: a SHA-256 hash chain. Pure (no Django).

When a supervisor signs a period, the period is written out canonically (:func:`canonical`:
JSON with sorted keys, no spaces, hours as text with two decimals, entries in a fixed order),
together with its place in the supervisee's chain (``sequence``) and the hash of the period
signed before it (``previous``). The SHA-256 of those bytes is stored with the period. Changing
anything afterwards (an entry's hours, date or category, an entry added to or removed from a
signed period, who signed and when, the order of the periods, a stored hash) makes
:func:`verify_chain` report the first link that no longer holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

GENESIS = "0" * 64
CHAIN_VERSION = 1


@dataclass(frozen=True, slots=True)
class SignedEntry:
    entry_id: int
    worked_on: date
    hours: Decimal
    category: str
    setting: str


@dataclass(frozen=True, slots=True)
class SignedPeriod:
    """A signed period as the chain sees it: what was signed, by whom, when, and its hashes."""

    sequence: int
    supervisee_id: int
    supervision_id: int
    starts_on: date
    ends_on: date
    signed_by_name: str
    signed_by_email: str
    signed_at: datetime
    entries: tuple[SignedEntry, ...]
    previous_hash: str = ""
    hash: str = ""


def canonical(period: SignedPeriod, previous_hash: str) -> bytes:
    """The bytes that are hashed: the same period always gives the same bytes."""
    entries = sorted(
        period.entries,
        key=lambda entry: (entry.worked_on, entry.category, entry.entry_id),
    )
    document = {
        "version": CHAIN_VERSION,
        "sequence": period.sequence,
        "previous": previous_hash,
        "supervisee": period.supervisee_id,
        "supervision": period.supervision_id,
        "period": [period.starts_on.isoformat(), period.ends_on.isoformat()],
        "signed_by": {"name": period.signed_by_name, "email": period.signed_by_email.lower()},
        "signed_at": period.signed_at.isoformat(timespec="microseconds"),
        "entries": [
            [
                entry.entry_id,
                entry.worked_on.isoformat(),
                f"{Decimal(entry.hours):.2f}",
                entry.category,
                entry.setting,
            ]
            for entry in entries
        ],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def period_hash(period: SignedPeriod, previous_hash: str) -> str:
    return hashlib.sha256(canonical(period, previous_hash)).hexdigest()


def entries_fingerprint(entries: Sequence[SignedEntry]) -> str:
    """A short digest of a period's entries as shown to the supervisor: signing checks that
    nothing changed between the page and the click."""
    ordered = sorted(entries, key=lambda entry: (entry.worked_on, entry.category, entry.entry_id))
    text = json.dumps(
        [
            [e.entry_id, e.worked_on.isoformat(), f"{Decimal(e.hours):.2f}", e.category, e.setting]
            for e in ordered
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class BrokenLink:
    sequence: int
    starts_on: date
    ends_on: date
    reason: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify_chain(periods: Sequence[SignedPeriod]) -> ChainReport:
    """Check every link in sequence order; report the first one that does not hold."""
    expected_previous = GENESIS
    ordered = sorted(periods, key=lambda period: period.sequence)
    for position, period in enumerate(ordered, start=1):
        reason = ""
        if period.sequence != position:
            reason = (
                f"period number {position} is missing: the next one stored is {period.sequence}"
            )
        elif period.previous_hash != expected_previous:
            reason = "it does not point to the period signed before it"
        elif period_hash(period, period.previous_hash) != period.hash:
            reason = "what is stored now differs from what was signed"
        if reason:
            return ChainReport(
                position - 1, BrokenLink(period.sequence, period.starts_on, period.ends_on, reason)
            )
        expected_previous = period.hash
    return ChainReport(len(ordered), None)
