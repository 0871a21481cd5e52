"""CE ledger work that touches several rows at once: importing a CSV file of activities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from lifelong.accounts.models import User
from lifelong.credits.activity_csv import ActivityCsvError, CsvProblem, parse_activities_csv
from lifelong.credits.models import Activity

BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class ImportResult:
    imported: int
    skipped_duplicates: int


def import_activities(
    user: User, data: bytes | str, *, today: date | None = None, source: str = "upload"
) -> ImportResult:
    """Add every activity in an activities CSV file to ``user``'s ledger, or none of them.

    Raises ActivityCsvError listing every problem when any row is wrong (or the file holds no
    activities). Rows that repeat an activity already in the ledger (same title, provider, date
    and hours) are skipped, so importing the same file twice adds nothing the second time;
    rows repeating each other within one file are all kept (two sessions of one course).
    """
    parsed = parse_activities_csv(data, source, not_after=today)
    if not parsed:
        raise ActivityCsvError(
            [CsvProblem(None, None, "the file has a header row but no activities", source)]
        )
    activities = [Activity(user=user, **Activity.fields_from_rules(item)) for item in parsed]
    start = min(activity.completed_on for activity in activities)
    end = max(activity.completed_on for activity in activities)
    with transaction.atomic():
        # Lock the user's row so that two imports of one file at the same moment cannot both
        # find no duplicates (a no-op on SQLite, where writers queue anyway).
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        existing = Activity.objects.for_user(user).duplicate_keys(start, end)
        new = [activity for activity in activities if activity.duplicate_key() not in existing]
        Activity.objects.bulk_create(new, batch_size=BATCH_SIZE)
    return ImportResult(imported=len(new), skipped_duplicates=len(activities) - len(new))
