"""The hash chain on its own (pure): canonical bytes, and every kind of change detected."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

from lifelong.supervision.chain import (
    GENESIS,
    SignedEntry,
    SignedPeriod,
    canonical,
    period_hash,
    verify_chain,
)


def _chain(count: int) -> list[SignedPeriod]:
    periods: list[SignedPeriod] = []
    previous = GENESIS
    for number in range(1, count + 1):
        period = SignedPeriod(
            sequence=number,
            supervisee_id=7,
            supervision_id=3,
            starts_on=date(2026, number, 1),
            ends_on=date(2026, number, 28),
            signed_by_name="Sam Supervisor",
            signed_by_email="sam@example.org",
            signed_at=datetime(2026, number, 28, 9, 30, 0, 123456, tzinfo=UTC),
            entries=(
                SignedEntry(
                    10 * number, date(2026, number, 2), Decimal("6.5"), "direct-clinical", ""
                ),
                SignedEntry(
                    10 * number + 1,
                    date(2026, number, 3),
                    Decimal("1"),
                    "group-supervision",
                    "Clinic",
                ),
            ),
        )
        digest = period_hash(period, previous)
        periods.append(dataclasses.replace(period, previous_hash=previous, hash=digest))
        previous = digest
    return periods


def test_an_untouched_chain_is_intact() -> None:
    report = verify_chain(_chain(4))

    assert report.intact
    assert report.checked == 4


def test_the_bytes_do_not_depend_on_the_order_of_entries_or_how_hours_are_written() -> None:
    period = _chain(1)[0]
    shuffled = dataclasses.replace(
        period,
        entries=tuple(
            dataclasses.replace(entry, hours=Decimal(f"{entry.hours:.3f}"))
            for entry in reversed(period.entries)
        ),
    )

    assert canonical(period, GENESIS) == canonical(shuffled, GENESIS)
    assert b'"6.50"' in canonical(period, GENESIS)


def test_changed_hours_in_a_period_are_found_at_that_period() -> None:
    periods = _chain(4)
    first, *rest = periods[2].entries
    periods[2] = dataclasses.replace(
        periods[2], entries=(dataclasses.replace(first, hours=Decimal("7.5")), *rest)
    )

    report = verify_chain(periods)

    assert not report.intact
    assert report.checked == 2
    assert report.broken is not None
    assert report.broken.sequence == 3
    assert "differs from what was signed" in report.broken.reason


def test_a_removed_entry_a_new_signer_or_a_new_date_are_found() -> None:
    for change in (
        {"entries": _chain(2)[1].entries[:1]},
        {"signed_by_name": "Someone Else"},
        {"signed_at": datetime(2026, 2, 28, tzinfo=UTC)},
        {"ends_on": date(2026, 2, 27)},
    ):
        periods = _chain(3)
        periods[1] = dataclasses.replace(periods[1], **change)  # type: ignore[arg-type]
        report = verify_chain(periods)
        assert report.broken is not None, change
        assert report.broken.sequence == 2


def test_a_rewritten_hash_breaks_the_next_link() -> None:
    periods = _chain(3)
    # Someone recomputes period 2 after changing it: its own hash is consistent again...
    changed = dataclasses.replace(periods[1], signed_by_name="Forger")
    periods[1] = dataclasses.replace(changed, hash=period_hash(changed, changed.previous_hash))

    report = verify_chain(periods)

    # ...but period 3 still points to the old hash.
    assert report.broken is not None
    assert report.broken.sequence == 3
    assert "does not point" in report.broken.reason


def test_a_deleted_period_is_found() -> None:
    periods = _chain(3)
    del periods[1]

    report = verify_chain(periods)

    assert report.broken is not None
    assert report.broken.sequence == 3
    assert "number 2 is missing" in report.broken.reason
