"""The audit packet: one zip with everything a board asks for when it audits a license cycle.

Inside:

- ``transcript.pdf``: the license and its holder, the cycle, each requirement with the
  activities counted toward it, the hours that do not count and why, carry-over, totals,
  conditions, the rule set's sources and uncertain facts, and an attestation line to sign;
- ``certificates/YYYY-MM-DD_provider_title.pdf|png|jpg``: every certificate of the activities
  counted or listed in the cycle;
- ``activities.csv``: those activities in the activities CSV format (DESIGN.md section 4);
- ``README.txt``: what is inside, and the activities with no certificate on file.

:func:`plan_packet` reads what goes in (a fixed number of queries); :func:`write_packet` writes
the zip to any binary file, streaming certificates from storage one at a time. Small packets are
written during the request (:func:`builds_in_request`); larger ones become an
:class:`~lifelong.licensure.models.AuditPacket` built by the worker
(:func:`start_packet`, :func:`build_stored_packet`) and deleted after a few days
(:func:`prune_audit_packets`).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import time
import unicodedata
import zipfile
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from lifelong.core.pdf import Column, PdfDocument
from lifelong.credits.activity_csv import write_activities_csv
from lifelong.credits.models import CERTIFICATE_EXTENSIONS, FORMAT_SHORT_LABELS, Activity
from lifelong.licensure.describe import hours_text, long_date
from lifelong.licensure.models import (
    AuditPacket,
    License,
    audit_packet_upload_to,
    packet_download_name,
)
from lifelong.licensure.services import Transcript, transcript, user_rulesets
from lifelong.rules import model as rules
from lifelong.rules.schema import RuleSet

logger = logging.getLogger(__name__)

# Built during the request up to this many certificates and bytes; beyond, by the worker.
IN_REQUEST_MAX_CERTIFICATES = 20
IN_REQUEST_MAX_BYTES = 25 * 1024 * 1024
# A packet still queued or building after this long was lost (a worker stopped): failed.
STALE_AFTER = timedelta(hours=6)
# Progress is written to the database at most this often (seconds), and at the end.
PROGRESS_INTERVAL = 0.5
COPY_CHUNK = 1024 * 1024

MAX_PROVIDER_SLUG = 40
MAX_TITLE_SLUG = 60
ATTESTATION = "I attest that the activities listed were completed as stated."
SIGNATURE_LINE = "Signature ______________________________     Date ________________"
NO_CERTIFICATE = "no certificate on file"


class PacketError(Exception):
    """The packet cannot be built; the message says why, in words for the user."""


# --------------------------------------------------------------------------------------------
# Names inside the zip (pure)
# --------------------------------------------------------------------------------------------


def ascii_slug(text: str, max_length: int) -> str:
    """``“Ética” — Trauma & Care`` -> ``etica-trauma-care``: ASCII letters and digits joined by
    hyphens, cut at a hyphen to at most ``max_length`` characters ('' when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            if not slug:  # one word longer than the limit: cut it
                slug = word[:max_length]
            break
        slug = candidate
    return slug


def certificate_file_name(completed_on: date, provider: str, title: str, extension: str) -> str:
    """``2026-02-10_pesi_trauma-focused-cbt.pdf``: date, provider and title, ASCII only."""
    provider_slug = ascii_slug(provider, MAX_PROVIDER_SLUG) or "provider"
    title_slug = ascii_slug(title, MAX_TITLE_SLUG) or "activity"
    return f"{completed_on.isoformat()}_{provider_slug}_{title_slug}.{extension}"


def deduplicated(names: Iterable[str]) -> list[str]:
    """The names in order, the second ``a.pdf`` renamed ``a-2.pdf``, the third ``a-3.pdf``
    (compared without case: some file systems do not tell ``A.pdf`` from ``a.pdf``)."""
    taken: set[str] = set()
    result: list[str] = []
    for name in names:
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        candidate, number = name, 1
        while candidate.lower() in taken:
            number += 1
            candidate = f"{stem}-{number}{dot}{extension}"
        taken.add(candidate.lower())
        result.append(candidate)
    return result


# --------------------------------------------------------------------------------------------
# What goes in
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PacketCertificate:
    """A certificate file to copy into the zip, with the activities it backs."""

    certificate_id: int
    storage_name: str
    original_name: str
    content_type: str
    size: int
    archive_name: str
    activity_ids: tuple[str, ...]


@dataclass(frozen=True)
class PacketPlan:
    """Everything the packet holds, read from the database once."""

    transcript: Transcript
    holder_name: str
    time_zone: str
    generated_at: datetime
    activities: list[rules.Activity]
    certificates: list[PacketCertificate]
    certificates_by_activity: dict[str, list[str]] = field(default_factory=dict)

    @property
    def license(self) -> License:
        return self.transcript.license

    @property
    def ruleset(self) -> RuleSet:
        return self.transcript.ruleset

    @property
    def verdict(self) -> rules.Verdict:
        return self.transcript.verdict

    @property
    def without_certificate(self) -> list[rules.Activity]:
        """The activities listed in the packet that have no certificate on file."""
        return [
            activity
            for activity in self.activities
            if not self.certificates_by_activity.get(activity.id)
        ]

    @property
    def certificate_bytes(self) -> int:
        return sum(certificate.size for certificate in self.certificates)

    @property
    def total_steps(self) -> int:
        """One step per file written: transcript, CSV, README and each certificate."""
        return 3 + len(self.certificates)

    @property
    def download_name(self) -> str:
        return packet_download_name(str(self.license), self.transcript.deadline)

    @property
    def generated_text(self) -> str:
        local = timezone.localtime(self.generated_at, _zone(self.time_zone))
        return f"{long_date(local.date())}, {local:%H:%M} ({self.time_zone})"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def listed_activities(cycle: Transcript) -> list[rules.Activity]:
    """The activities the packet lists: those completed in the cycle, and earlier ones counted
    in it (one-time and rolling requirements), by date then title."""
    counted = {
        used.activity_id for result in cycle.verdict.requirements for used in result.activities
    }
    start, end = cycle.verdict.cycle.start, cycle.verdict.cycle.end
    activities = [
        activity
        for activity in cycle.activities.values()
        if start <= activity.completed_on <= end or activity.id in counted
    ]
    return sorted(
        activities, key=lambda activity: (activity.completed_on, activity.title, activity.id)
    )


def _certificates(
    user_id: int, activities: Sequence[rules.Activity]
) -> tuple[list[PacketCertificate], dict[str, list[str]]]:
    """The owner's certificates of ``activities`` (one query), each once, named after the
    earliest activity it backs; and the archive names of each activity's certificates."""
    by_id = {activity.id: activity for activity in activities}
    order = {activity.id: index for index, activity in enumerate(activities)}
    links = (
        Activity.certificates.through.objects.filter(
            activity_id__in=[int(activity_id) for activity_id in by_id],
            certificate__owner_id=user_id,
        )
        .order_by("certificate_id", "activity_id")
        .values_list(
            "activity_id",
            "certificate_id",
            "certificate__file",
            "certificate__original_name",
            "certificate__content_type",
            "certificate__size",
        )
    )
    found: dict[int, dict[str, Any]] = {}
    for activity_pk, certificate_id, name, original, content_type, size in links:
        entry = found.setdefault(
            certificate_id,
            {"file": name, "original": original, "type": content_type, "size": size, "ids": []},
        )
        entry["ids"].append(str(activity_pk))
    entries = []
    for certificate_id, entry in found.items():
        ids = sorted(entry["ids"], key=order.__getitem__)
        first = by_id[ids[0]]
        extension = CERTIFICATE_EXTENSIONS.get(entry["type"], "bin")
        name = certificate_file_name(first.completed_on, first.provider, first.title, extension)
        entries.append((order[ids[0]], certificate_id, name, entry, tuple(ids)))
    entries.sort(key=lambda item: (item[0], item[1]))
    names = deduplicated(f"certificates/{item[2]}" for item in entries)
    certificates = [
        PacketCertificate(
            certificate_id=certificate_id,
            storage_name=entry["file"],
            original_name=entry["original"],
            content_type=entry["type"],
            size=entry["size"],
            archive_name=archive_name,
            activity_ids=ids,
        )
        for (_, certificate_id, _, entry, ids), archive_name in zip(entries, names, strict=True)
    ]
    by_activity: dict[str, list[str]] = {}
    for certificate in certificates:
        for activity_id in certificate.activity_ids:
            by_activity.setdefault(activity_id, []).append(certificate.archive_name)
    return certificates, by_activity


def plan_packet(
    license: License,
    deadline: date | None = None,
    *,
    holder: Any,
    custom: dict[str, RuleSet] | None = None,
    generated_at: datetime | None = None,
) -> PacketPlan:
    """What the packet for the cycle of ``license`` ending ``deadline`` holds (default: the
    current cycle), in three queries: the owner's rule sets, activities and certificates.

    ``holder`` is the license's owner (a User: their name and time zone go on the transcript).
    Raises UnknownRuleSet when the license's rule set is gone and ValueError for a cycle that
    cannot be worked out.
    """
    if custom is None:
        custom = user_rulesets(license.user_id)
    cycle = transcript(license, custom, deadline)
    activities = listed_activities(cycle)
    certificates, by_activity = _certificates(license.user_id, activities)
    return PacketPlan(
        transcript=cycle,
        holder_name=holder.get_full_name(),
        time_zone=getattr(holder, "time_zone", "UTC") or "UTC",
        generated_at=generated_at or timezone.now(),
        activities=activities,
        certificates=certificates,
        certificates_by_activity=by_activity,
    )


def builds_in_request(plan: PacketPlan) -> bool:
    """Whether the packet is small enough to write while the user waits for the response."""
    return (
        len(plan.certificates) <= IN_REQUEST_MAX_CERTIFICATES
        and plan.certificate_bytes <= IN_REQUEST_MAX_BYTES
    )


# --------------------------------------------------------------------------------------------
# The files
# --------------------------------------------------------------------------------------------


def _span(cycle: rules.CyclePeriod) -> str:
    """``February 1, 2025 to January 31, 2027``, with an en dash between the dates."""
    return f"{long_date(cycle.start)} \u2013 {long_date(cycle.end)}"


def _day(day: date) -> str:
    return day.strftime("%b %d, %Y").replace(" 0", " ")


def transcript_pdf(plan: PacketPlan) -> bytes:
    """``transcript.pdf``: the cycle's compliance, activity by activity, ready to sign."""
    cycle, verdict, ruleset, license = plan.transcript, plan.verdict, plan.ruleset, plan.license
    activities = cycle.activities
    document = PdfDocument(
        title=f"CE transcript — {license} — cycle ending {verdict.cycle.end.isoformat()}",
        author=plan.holder_name,
        subject=f"Continuing education audit packet: {ruleset.title}",
        footer_note=f"Generated on {plan.generated_text} by Lifelong",
        created_at=plan.generated_at,
    )
    document.title(
        "Continuing education transcript",
        f"{ruleset.title} · cycle {_span(verdict.cycle)}",
    )
    status = "COMPLIANT" if verdict.compliant else "NOT COMPLIANT"
    if not verdict.compliant:
        status += f" — {hours_text(verdict.deficit_hours)} h missing"
    facts = [
        ("License holder", plan.holder_name),
        ("License", str(license)),
        ("License number", license.number or "—"),
        ("Credential", ruleset.credential),
        ("Rule set", f"{ruleset.title} ({ruleset.id})"),
        ("Board", ruleset.board),
        ("Cycle", _span(verdict.cycle)),
        ("Renewal deadline", long_date(cycle.deadline)),
        ("Status", status),
        (
            "Total counted",
            f"{hours_text(verdict.total.counted_hours)} of "
            f"{hours_text(verdict.total.required_hours)} hours",
        ),
        ("Carried over into this cycle", f"{hours_text(verdict.carry_over_in_hours)} hours"),
        ("Carried over to the next cycle", f"{hours_text(verdict.carry_over_out_hours)} hours"),
    ]
    if verdict.cycle.number:
        facts.insert(8, ("Renewal number", str(verdict.cycle.number)))
    document.key_values(facts)

    document.heading("Requirements and the activities counted toward them")
    counted_columns = [
        Column("Completed", 1.1),
        Column("Activity", 3.0),
        Column("Provider", 1.8),
        Column("Hours counted", 0.9, "RIGHT"),
    ]
    for result in verdict.requirements:
        state = "met" if result.met else f"{hours_text(result.deficit_hours)} h missing"
        document.heading(f"{result.title} — {state}", level=2)
        line = (
            f"Required {hours_text(result.required_hours)} h · counted "
            f"{hours_text(result.counted_hours)} h · missing {hours_text(result.deficit_hours)} h"
        )
        if result.topics:
            line += f" · topics: {', '.join(result.topics)}"
        if not result.counts_toward_total:
            line += " · on top of the total"
        document.paragraph(line, small=True)
        if result.status_note:
            document.paragraph(result.status_note, small=True, muted=True)
        rows = []
        for used in result.activities:
            activity = activities.get(used.activity_id)
            rows.append(
                [
                    _day(activity.completed_on) if activity else "",
                    used.title,
                    activity.provider if activity else "",
                    hours_text(used.hours),
                ]
            )
        if rows:
            document.table(counted_columns, rows)
        else:
            document.paragraph("No activity counted toward this requirement.", small=True)

    document.heading("Hours that do not count")
    exclusions = cycle.exclusions
    if exclusions:
        document.table(
            [
                Column("Completed", 1.1),
                Column("Activity", 2.6),
                Column("Hours", 0.7, "RIGHT"),
                Column("Why not", 3.0),
            ],
            [
                [
                    _day(activity.completed_on) if activity else "",
                    exclusion.title,
                    hours_text(exclusion.hours),
                    exclusion.reason,
                ]
                for exclusion, activity in exclusions
            ],
        )
    else:
        document.paragraph("Every hour of this cycle\u2019s activities counts.", small=True)

    document.heading("Activities and certificates in this packet")
    document.paragraph(
        "Certificate files are in the packet's certificates folder, under the names below.",
        small=True,
    )
    document.table(
        [
            Column("Completed", 1.1),
            Column("Activity", 2.5),
            Column("Provider", 1.5),
            Column("Format", 0.9),
            Column("Hours", 0.7, "RIGHT"),
            Column("Certificate", 2.5),
        ],
        [
            [
                _day(activity.completed_on),
                activity.title,
                activity.provider,
                FORMAT_SHORT_LABELS.get(activity.format, activity.format),
                hours_text(activity.hours)
                + ("" if activity.unit == "clock-hour" else f" {activity.unit}s"),
                "\n".join(
                    name.removeprefix("certificates/")
                    for name in plan.certificates_by_activity.get(activity.id, [])
                )
                or NO_CERTIFICATE,
            ]
            for activity in plan.activities
        ],
    )
    if not plan.activities:
        document.paragraph("No activity was completed or counted in this cycle.", small=True)

    if verdict.conditions:
        document.heading("Conditions")
        document.bullets(
            f"{condition.title}: {'attested' if condition.attested else 'not attested'}"
            for condition in verdict.conditions
        )
    if verdict.notes:
        document.heading("Notes")
        document.bullets(verdict.notes, small=True)

    document.heading("The rule set and its sources")
    document.paragraph(
        f"{ruleset.title}, as summarised by Lifelong from the sources below; verified on "
        f"{long_date(ruleset.verified_on)}.",
        small=True,
    )
    document.bullets(
        (f"{source.title} — {source.url} (retrieved {long_date(source.retrieved)})")
        for source in ruleset.sources
    )
    facts_uncertain = cycle.uncertain_facts
    if facts_uncertain:
        document.paragraph("Uncertain facts (check them with the board):", small=True, bold=True)
        document.bullets(facts_uncertain, small=True)

    document.heading("Attestation")
    document.paragraph(f"License holder: {plan.holder_name}")
    document.space(2)
    document.paragraph(ATTESTATION)
    document.space(8)
    document.paragraph(SIGNATURE_LINE)
    return document.to_bytes()


def activities_csv(plan: PacketPlan) -> str:
    """``activities.csv``: the packet's activities in the activities CSV format."""
    return write_activities_csv(plan.activities)


def readme_text(plan: PacketPlan) -> str:
    """``README.txt``: what is inside, and which activities have no certificate on file."""
    verdict, license = plan.verdict, plan.license
    lines = [
        f"Audit packet: {license} — {plan.ruleset.title}",
        f"License holder: {plan.holder_name}",
        f"License number: {license.number or '—'}",
        f"Cycle: {_span(verdict.cycle)} (renewal deadline {long_date(plan.transcript.deadline)})",
        f"Status: {'compliant' if verdict.compliant else 'not compliant'}",
        f"Generated on {plan.generated_text} by Lifelong.",
        "",
        "Contents",
        "--------",
        "transcript.pdf   The CE transcript of this cycle: each requirement with the activities",
        "                 counted toward it, hours that do not count and why, carry-over,",
        "                 conditions, the rule set's sources, and an attestation line to sign.",
        f"activities.csv   The {len(plan.activities)} activities of this cycle "
        "(columns: title, provider,",
        "                 completed_on, hours, format, kind, topics, approvals).",
        f"certificates/    {len(plan.certificates)} certificate file(s), named "
        "date_provider_title:",
    ]
    by_id = {activity.id: activity for activity in plan.activities}
    for certificate in plan.certificates:
        backs = "; ".join(
            f"{by_id[activity_id].title} ({by_id[activity_id].completed_on.isoformat()})"
            for activity_id in certificate.activity_ids
        )
        lines.append(f"  {certificate.archive_name}")
        lines.append(f"      for: {backs} — uploaded as “{certificate.original_name}”")
    missing = plan.without_certificate
    lines += ["", f"Activities without a certificate ({len(missing)})", "-" * 40]
    if missing:
        lines += [
            f"  {activity.completed_on.isoformat()}  {activity.title}"
            + (f" — {activity.provider}" if activity.provider else "")
            + f" — {NO_CERTIFICATE}"
            for activity in missing
        ]
    else:
        lines.append("  None: every activity listed has a certificate.")
    return "\r\n".join(lines) + "\r\n"


ProgressCallback = Callable[[int, int], None]


def _zip_info(name: str, when: datetime, compress_type: int) -> zipfile.ZipInfo:
    stamp = timezone.localtime(when, zoneinfo.ZoneInfo("UTC"))
    info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
    info.compress_type = compress_type
    info.external_attr = 0o644 << 16
    return info


def write_packet(
    plan: PacketPlan,
    output: IO[bytes],
    *,
    storage: Storage | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """Write the zip to ``output`` (a binary file opened for writing; seekable or not).

    Certificates are copied from ``storage`` (default: the default storage) a chunk at a time;
    ``progress(done, total)`` is called after each file. Raises PacketError when a certificate
    cannot be read from storage.
    """
    storage = storage or default_storage
    total = plan.total_steps
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    when = plan.generated_at
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr(_zip_info("README.txt", when, zipfile.ZIP_DEFLATED), readme_text(plan))
        step()
        archive.writestr(
            _zip_info("transcript.pdf", when, zipfile.ZIP_STORED), transcript_pdf(plan)
        )
        step()
        archive.writestr(
            _zip_info("activities.csv", when, zipfile.ZIP_DEFLATED), activities_csv(plan)
        )
        step()
        for certificate in plan.certificates:
            info = _zip_info(certificate.archive_name, when, zipfile.ZIP_STORED)
            info.file_size = certificate.size  # lets zipfile choose zip64 up front if needed
            try:
                source = storage.open(certificate.storage_name, "rb")
            except OSError as error:
                raise PacketError(
                    f"The certificate “{certificate.original_name}” could not be read from "
                    "storage (it may have been deleted). Upload it again, or remove it from its "
                    "activity, then build the packet again."
                ) from error
            with source, archive.open(info, "w") as target:
                shutil.copyfileobj(source, target, COPY_CHUNK)
            step()


# --------------------------------------------------------------------------------------------
# Packets built by the worker
# --------------------------------------------------------------------------------------------


def keep_days() -> int:
    """How many days a built packet is kept (``LIFELONG_AUDIT_PACKET_KEEP_DAYS``, at least 1)."""
    return max(int(settings.AUDIT_PACKET_KEEP_DAYS), 1)


def start_packet(license: License, plan: PacketPlan, *, build_now: bool = False) -> AuditPacket:
    """The packet for ``plan``'s cycle: one already queued or building for it, or a new one,
    built by the worker (or here and now with ``build_now``, for small packets)."""
    from lifelong.licensure.tasks import build_audit_packet  # the task module imports this one

    deadline = plan.transcript.deadline
    existing = (
        AuditPacket.objects.for_user(license.user_id)
        .unfinished()
        .filter(license=license, cycle_end=deadline)
        .first()
    )
    if existing is not None:
        return existing
    now = timezone.now()
    packet = AuditPacket.objects.create(
        owner_id=license.user_id,
        license=license,
        cycle_end=deadline,
        progress_total=plan.total_steps,
        created_at=now,
        expires_at=now + timedelta(days=keep_days()),
    )
    if build_now:
        with contextlib.suppress(Exception):  # logged, and recorded on the packet
            build_stored_packet(packet.pk)
    else:
        result = build_audit_packet.enqueue(packet.pk)
        AuditPacket.objects.filter(pk=packet.pk).update(task_id=str(result.id)[:64])
    packet.refresh_from_db()
    return packet


class _ProgressRecorder:
    """Writes a packet's progress to its row, at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, packet_id: int) -> None:
        self.packet_id = packet_id
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        AuditPacket.objects.filter(pk=self.packet_id, status=AuditPacket.BUILDING).update(
            progress_done=done, progress_total=total
        )


UNEXPECTED_ERROR = (
    "Something went wrong while building the packet. Try again; if it fails again, tell the "
    "administrator of this site (the error is in the worker's log)."
)


def _fail(packet_id: int, message: str) -> None:
    AuditPacket.objects.filter(pk=packet_id).update(
        status=AuditPacket.FAILED, error=message, finished_at=timezone.now()
    )


def build_stored_packet(packet_id: int, *, storage: Storage | None = None) -> str:
    """Build a queued packet into storage and return its final status.

    Claims the packet first (queued -> building) so that a second worker given the same job
    does nothing. Expected problems (a missing certificate file, a rule set that is gone) fail
    the packet with a message for the user; anything else fails it with a general message and
    is raised again for the worker's log.
    """
    storage = storage or default_storage
    now = timezone.now()
    claimed = AuditPacket.objects.filter(pk=packet_id, status=AuditPacket.QUEUED).update(
        status=AuditPacket.BUILDING, started_at=now
    )
    if not claimed:
        return "skipped"
    packet = AuditPacket.objects.select_related("license", "owner").get(pk=packet_id)
    saved_name = ""
    try:
        try:
            plan = plan_packet(
                packet.license, packet.cycle_end, holder=packet.owner, generated_at=now
            )
        except (LookupError, ValueError) as error:  # UnknownRuleSet is a LookupError
            raise PacketError(
                f"The transcript for this cycle cannot be worked out: {error}"
            ) from error
        recorder = _ProgressRecorder(packet_id)
        recorder(0, plan.total_steps)
        with tempfile.TemporaryFile() as spool:
            write_packet(plan, spool, storage=storage, progress=recorder)
            size = spool.tell()
            spool.seek(0)
            saved_name = storage.save(audit_packet_upload_to(packet, "packet.zip"), File(spool))
        finished = timezone.now()
        updated = AuditPacket.objects.filter(pk=packet_id, status=AuditPacket.BUILDING).update(
            status=AuditPacket.READY,
            file=saved_name,
            size=size,
            progress_done=plan.total_steps,
            progress_total=plan.total_steps,
            finished_at=finished,
            expires_at=finished + timedelta(days=keep_days()),
        )
        if not updated:  # deleted (with its license) or failed as stale meanwhile
            storage.delete(saved_name)
            return "gone"
        return AuditPacket.READY
    except PacketError as error:
        _discard(storage, saved_name)
        _fail(packet_id, str(error))
        return AuditPacket.FAILED
    except Exception:
        logger.exception("Audit packet %s failed", packet_id)
        _discard(storage, saved_name)
        _fail(packet_id, UNEXPECTED_ERROR)
        raise


def _discard(storage: Storage, name: str) -> None:
    if name:
        storage.delete(name)


def prune_audit_packets(now: datetime | None = None) -> tuple[int, int]:
    """Fail packets lost by a stopped worker, delete expired ones with their files.

    Returns (packets marked failed, packets deleted).
    """
    now = now or timezone.now()
    stale = AuditPacket.objects.unfinished().filter(created_at__lte=now - STALE_AFTER)
    failed = stale.update(
        status=AuditPacket.FAILED,
        error="The packet was not built in time (the background worker may have stopped). "
        "Build it again.",
        finished_at=now,
    )
    # Deleted one by one by Django (a post_delete receiver is connected), which removes each
    # packet's file once the deletion is committed.
    deleted, _ = AuditPacket.objects.expired(now).delete()
    return failed, deleted
