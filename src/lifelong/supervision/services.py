"""Supervised experience: invitations, the hours log, sign-off requests, signing (locking and
chaining), verification of the history, and progress toward licensure."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lifelong.accounts.models import EmailKind, EmailPreferences, User
from lifelong.core.mail import absolute_url, subscription_email
from lifelong.core.notifications import NewNotification, notify
from lifelong.credits.certificate_services import clean_file_name, read_upload
from lifelong.credits.certificates.validation import CertificateRefused, check_certificate_file
from lifelong.rules.experience import (
    Category,
    ExperienceEntry,
    ExperienceRuleSet,
    ExperienceVerdict,
    evaluate_experience,
    load_experience_catalog,
)
from lifelong.supervision.chain import (
    GENESIS,
    ChainReport,
    SignedPeriod,
    entries_fingerprint,
    period_hash,
    verify_chain,
)
from lifelong.supervision.models import (
    ExperienceTrack,
    LogEntry,
    PeriodLocked,
    SignOffPeriod,
    Supervision,
)

logger = logging.getLogger(__name__)

__all__ = ["PeriodLocked", "SupervisionError"]


class SupervisionError(ValueError):
    """A request that cannot be carried out; the message says why, in words."""


# --------------------------------------------------------------------------------------------
# Notifications and emails
# --------------------------------------------------------------------------------------------


def _tell(user: User, kind: str, title: str, message: str, path: str, key: str) -> None:
    """An in-app notification, and an email when the user wants supervision emails."""
    notify(user, NewNotification(kind=kind, title=title, body=message, url=path, dedupe_key=key))
    if user.email and EmailPreferences.for_user(user).wants(EmailKind.SUPERVISION):
        email = subscription_email(
            user,
            EmailKind.SUPERVISION,
            title,
            "supervision_notice",
            {
                "subject": title,
                "message": message,
                "action_url": absolute_url(path),
                "action_label": "Open in Lifelong",
            },
        )
        try:
            email.send()
        except Exception:  # the in-app notification is kept; the mail server may be down
            logger.exception("could not send the supervision email to user %s", user.pk)


# --------------------------------------------------------------------------------------------
# The rule set an associate works toward
# --------------------------------------------------------------------------------------------


def set_track(user: User, ruleset_id: str) -> ExperienceTrack:
    if ruleset_id not in load_experience_catalog():
        raise SupervisionError(f"There is no experience rule set {ruleset_id!r}.")
    track, _ = ExperienceTrack.objects.update_or_create(
        owner=user, defaults={"ruleset_id": ruleset_id}
    )
    return track


def track_ruleset(user: User) -> ExperienceRuleSet | None:
    track = ExperienceTrack.objects.filter(owner=user).first()
    if track is None:
        return None
    return load_experience_catalog().get(track.ruleset_id)


# --------------------------------------------------------------------------------------------
# Relationships
# --------------------------------------------------------------------------------------------


def invite_supervisor(
    supervisee: User,
    *,
    email: str,
    name: str = "",
    started_on: date,
    period_kind: str = Supervision.PeriodKind.MONTH,
    setting: str = "",
) -> Supervision:
    email = email.strip()
    if email.lower() == supervisee.email.lower():
        raise SupervisionError("You cannot supervise yourself: enter your supervisor's email.")
    if (
        Supervision.objects.for_supervisee(supervisee)
        .filter(
            supervisor_email__iexact=email,
            status__in=[Supervision.Status.INVITED, Supervision.Status.ACTIVE],
        )
        .exists()
    ):
        raise SupervisionError(f"{email} is already your supervisor or already invited.")
    supervision = Supervision.objects.create(
        supervisee=supervisee,
        supervisor_email=email,
        supervisor_name=name.strip(),
        started_on=started_on,
        period_kind=period_kind,
        setting=setting.strip(),
    )
    path = reverse("supervision:overview")
    existing = User.objects.filter(email__iexact=email, is_active=True).first()
    who = supervisee.name or supervisee.email
    if existing is not None:
        _tell(
            existing,
            "supervision-invitation",
            f"{who} asks you to be their supervisor",
            f"{who} invited you to supervise their experience toward licensure. Accept or "
            "decline on your supervision page.",
            path,
            f"supervision-invitation-{supervision.pk}",
        )
    else:
        body = render_to_string(
            "emails/supervision_invitation.txt",
            {
                "supervisee_name": who,
                "supervisee_email": supervisee.email,
                "supervisor_email": email,
                "period_word": "week" if period_kind == Supervision.PeriodKind.WEEK else "month",
                "site_name": settings.SITE_NAME,
                "base_url": settings.LIFELONG_BASE_URL,
                "action_url": absolute_url(path),
            },
        )
        message = EmailMessage(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{who} asks you to be their supervisor",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        try:
            message.send()
        except Exception:
            logger.exception("could not send the supervision invitation %s", supervision.pk)
    return supervision


def respond_to_invitation(supervision: Supervision, user: User, *, accept: bool) -> None:
    """The invited supervisor accepts or declines (the invitation was found by their email)."""
    with transaction.atomic():
        changed = Supervision.objects.filter(
            pk=supervision.pk, status=Supervision.Status.INVITED
        ).update(
            status=Supervision.Status.ACTIVE if accept else Supervision.Status.DECLINED,
            supervisor=user if accept else None,
            supervisor_name=(user.name or supervision.supervisor_name) if accept else "",
        )
    if not changed:
        raise SupervisionError("This invitation was already answered.")
    who = user.name or user.email
    notify(
        supervision.supervisee,
        NewNotification(
            kind="supervision-invitation",
            title=f"{who} {'accepted' if accept else 'declined'} your supervision invitation",
            body="You can now ask them to sign your logged hours."
            if accept
            else "Invite another supervisor if you need one.",
            url=reverse("supervision:overview"),
            dedupe_key=f"supervision-answer-{supervision.pk}",
        ),
    )


def end_supervision(supervision: Supervision, today: date) -> None:
    if supervision.status == Supervision.Status.ENDED:
        return
    Supervision.objects.filter(pk=supervision.pk).update(
        status=Supervision.Status.ENDED, ended_on=today
    )


def store_agreement(supervision: Supervision, upload: UploadedFile) -> None:
    """The signed supervision agreement (PDF, PNG or JPEG), checked by content and size like a
    certificate; replaces an earlier one."""
    data = read_upload(upload)
    if data is None:
        raise SupervisionError("The file is too large for an agreement.")
    try:
        checked = check_certificate_file(
            data, name=upload.name or "", declared_type=upload.content_type or ""
        )
    except CertificateRefused as refused:
        raise SupervisionError(refused.message) from refused
    old = supervision.agreement.name or None
    supervision.agreement_content_type = checked.content_type
    supervision.agreement_name = clean_file_name(upload.name or "agreement")
    supervision.agreement_uploaded_at = timezone.now()
    supervision.agreement.save(supervision.agreement_name, ContentFile(data), save=True)
    if old:
        storage = supervision.agreement.storage
        transaction.on_commit(lambda: storage.delete(old))


# --------------------------------------------------------------------------------------------
# The log
# --------------------------------------------------------------------------------------------


def save_entry(entry: LogEntry) -> LogEntry:
    """Add or change an entry (PeriodLocked when its day is in a signed period)."""
    if entry.supervision.supervisee_id != entry.owner_id:
        raise SupervisionError("That supervision is not yours.")
    if entry.supervision.status != Supervision.Status.ACTIVE and entry.pk is None:
        raise SupervisionError("Log hours under an active supervision (accepted and not ended).")
    if entry.worked_on < entry.supervision.started_on:
        raise SupervisionError(
            f"This supervision started on {entry.supervision.started_on:%b %-d, %Y}."
        )
    entry.save()
    return entry


def delete_entry(entry: LogEntry) -> None:
    entry.delete()


# --------------------------------------------------------------------------------------------
# Sign-off
# --------------------------------------------------------------------------------------------


def period_entries(supervision: Supervision, starts_on: date, ends_on: date) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            supervision=supervision, worked_on__gte=starts_on, worked_on__lte=ends_on
        ).order_by("worked_on", "category", "pk")
    )


def request_sign_off(supervision: Supervision, day: date, today: date) -> SignOffPeriod:
    """Ask the supervisor to sign the period that contains ``day``."""
    if supervision.status != Supervision.Status.ACTIVE or supervision.supervisor is None:
        raise SupervisionError("Your supervisor has not accepted the invitation yet.")
    starts_on, ends_on = supervision.period_bounds(day)
    if starts_on > today:
        raise SupervisionError("This period has not started yet.")
    if not period_entries(supervision, starts_on, ends_on):
        raise SupervisionError("There are no hours logged in this period.")
    with transaction.atomic():
        period, created = SignOffPeriod.objects.get_or_create(
            supervision=supervision,
            starts_on=starts_on,
            defaults={
                "supervisee": supervision.supervisee,
                "ends_on": ends_on,
                "requested_at": timezone.now(),
            },
        )
        if not created:
            if period.is_signed:
                raise SupervisionError("This period is already signed.")
            if period.status == SignOffPeriod.Status.REQUESTED:
                return period
            period.status = SignOffPeriod.Status.REQUESTED
            period.requested_at = timezone.now()
            period.save(update_fields=["status", "requested_at"])
    who = supervision.supervisee.name or supervision.supervisee.email
    _tell(
        supervision.supervisor,
        "supervision-sign-off",
        f"{who} asks you to sign {starts_on:%b %-d} to {ends_on:%b %-d, %Y}",
        f"{who} logged hours under your supervision and asks you to review and sign them.",
        reverse("supervision:supervisee_detail", args=[supervision.pk]),
        f"supervision-sign-off-{period.pk}-{period.requested_at.timestamp()}",
    )
    return period


def fingerprint(period: SignOffPeriod) -> str:
    return entries_fingerprint(
        [
            entry.to_signed()
            for entry in period_entries(period.supervision, period.starts_on, period.ends_on)
        ]
    )


def _as_signed(period: SignOffPeriod, entries: list[LogEntry]) -> SignedPeriod:
    if period.sequence is None or period.signed_at is None:
        raise ValueError("only a signed period is part of the chain")
    return SignedPeriod(
        sequence=period.sequence,
        supervisee_id=period.supervisee_id,
        supervision_id=period.supervision_id,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        signed_by_name=period.signed_by_name,
        signed_by_email=period.signed_by_email,
        signed_at=period.signed_at,
        entries=tuple(entry.to_signed() for entry in entries),
        previous_hash=period.previous_hash,
        hash=period.hash,
    )


def sign_period(period: SignOffPeriod, supervisor: User, seen: str) -> SignOffPeriod:
    """Sign a requested period: lock it and add it to the supervisee's hash chain.

    ``seen`` is the fingerprint of the entries the supervisor reviewed: if the associate
    changed them in between, nothing is signed."""
    with transaction.atomic():
        # One signer at a time per supervisee: the chain has one head.
        User.objects.select_for_update().filter(pk=period.supervisee_id).first()
        current = (
            SignOffPeriod.objects.select_related("supervision")
            .filter(pk=period.pk, supervision__supervisor=supervisor)
            .first()
        )
        if current is None or current.status != SignOffPeriod.Status.REQUESTED:
            raise SupervisionError("This period is not waiting for your signature.")
        if current.supervision.status != Supervision.Status.ACTIVE:
            raise SupervisionError("This supervision has ended.")
        entries = period_entries(current.supervision, current.starts_on, current.ends_on)
        if entries_fingerprint([entry.to_signed() for entry in entries]) != seen:
            raise SupervisionError(
                "The hours in this period changed since you opened it. Review them again."
            )
        head = (
            SignOffPeriod.objects.filter(
                supervisee_id=current.supervisee_id, sequence__isnull=False
            )
            .order_by("-sequence")
            .values_list("sequence", "hash")
            .first()
        )
        sequence, previous = ((head[0] or 0) + 1, head[1]) if head else (1, GENESIS)
        current.status = SignOffPeriod.Status.SIGNED
        current.signed_at = timezone.now()
        current.signed_by_name = supervisor.name or supervisor.email
        current.signed_by_email = supervisor.email.lower()
        current.sequence = sequence
        current.previous_hash = previous
        current.return_note = ""
        current.hash = period_hash(_as_signed(current, entries), previous)
        current.save()
    _tell(
        current.supervisee,
        "supervision-signed",
        f"{current.signed_by_name} signed "
        f"{current.starts_on:%b %-d} to {current.ends_on:%b %-d, %Y}",
        "The period is locked: its hours count toward your progress and can no longer change.",
        reverse("supervision:overview"),
        f"supervision-signed-{current.pk}",
    )
    return current


def return_period(period: SignOffPeriod, supervisor: User, note: str) -> None:
    changed = SignOffPeriod.objects.filter(
        pk=period.pk, supervision__supervisor=supervisor, status=SignOffPeriod.Status.REQUESTED
    ).update(status=SignOffPeriod.Status.RETURNED, return_note=note.strip()[:1000])
    if not changed:
        raise SupervisionError("This period is not waiting for your signature.")
    _tell(
        period.supervisee,
        "supervision-returned",
        f"Your supervisor returned {period.starts_on:%b %-d} to {period.ends_on:%b %-d, %Y}",
        f"Their note: {note.strip() or '(none)'}. Correct the hours and ask again.",
        reverse("supervision:overview"),
        f"supervision-returned-{period.pk}-{timezone.now().timestamp()}",
    )


def verify_history(user: User | int) -> ChainReport:
    """Recompute the supervisee's chain from what is stored now (two queries)."""
    user_id = user if isinstance(user, int) else user.pk
    periods = list(
        SignOffPeriod.objects.filter(supervisee_id=user_id, sequence__isnull=False).order_by(
            "sequence"
        )
    )
    by_supervision: dict[int, list[LogEntry]] = defaultdict(list)
    if periods:
        entries = LogEntry.objects.filter(
            supervision_id__in={period.supervision_id for period in periods}
        )
        for entry in entries:
            by_supervision[entry.supervision_id].append(entry)
    signed = [
        _as_signed(
            period,
            [
                entry
                for entry in by_supervision[period.supervision_id]
                if period.starts_on <= entry.worked_on <= period.ends_on
            ],
        )
        for period in periods
    ]
    return verify_chain(signed)


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    ruleset: ExperienceRuleSet
    signed: ExperienceVerdict  # what supervisors signed: what a board will see
    logged: ExperienceVerdict  # every logged hour, as if all were signed
    signed_hours: Decimal
    pending_hours: Decimal


def progress(user: User) -> Progress | None:
    """Progress toward the user's experience rule set (three queries), or None without one."""
    ruleset = track_ruleset(user)
    if ruleset is None:
        return None
    entries = list(
        LogEntry.objects.for_user(user).only("worked_on", "hours", "category", "supervision_id")
    )
    signed_ranges: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for supervision_id, starts_on, ends_on in SignOffPeriod.objects.filter(
        supervisee=user, status=SignOffPeriod.Status.SIGNED
    ).values_list("supervision_id", "starts_on", "ends_on"):
        signed_ranges[supervision_id].append((starts_on, ends_on))

    def is_signed(entry: LogEntry) -> bool:
        return any(
            start <= entry.worked_on <= end for start, end in signed_ranges[entry.supervision_id]
        )

    signed_entries = [entry for entry in entries if is_signed(entry)]
    as_rules = [
        ExperienceEntry(entry.worked_on, float(entry.hours), Category(entry.category))
        for entry in entries
    ]
    signed_rules = [
        ExperienceEntry(entry.worked_on, float(entry.hours), Category(entry.category))
        for entry in signed_entries
    ]
    signed_hours = sum((Decimal(entry.hours) for entry in signed_entries), Decimal(0))
    total_hours = sum((Decimal(entry.hours) for entry in entries), Decimal(0))
    return Progress(
        ruleset=ruleset,
        signed=evaluate_experience(ruleset, signed_rules),
        logged=evaluate_experience(ruleset, as_rules),
        signed_hours=signed_hours,
        pending_hours=total_hours - signed_hours,
    )
