"""Benchmark: an audit packet with 100 certificates, built as the background worker builds it.

Run with ``LIFELONG_DATA_DIR=var/bench .venv/bin/python bench/audit_packet.py [--runs N]``.
It builds a throwaway SQLite database and media directory in the data directory, creates a
Texas LPC license with 100 activities in its current cycle, each with its own certificate
(70 PDFs of one to three pages, 30 JPEG or PNG photos of paper certificates of 1 to 3 MB;
about 57 MB in all), then times ``lifelong.licensure.audit.build_stored_packet``: the
transcript worked out, the PDF written, every certificate streamed from storage into the zip,
the zip saved to storage and progress recorded. Target: at most 10 s per packet; the exit
status is 0 when the slowest run meets it. It also prints how long the plan (queries and the
rules engine) and the transcript PDF take on their own, and the most memory one build
allocates (tracemalloc).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import shutil
import statistics
import sys
import time
import tracemalloc
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(os.environ.setdefault("LIFELONG_DATA_DIR", "var/bench")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASE = DATA_DIR / "bench-audit-packet.sqlite3"
MEDIA = DATA_DIR / "bench-audit-packet-media"
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.settings")

import django  # noqa: E402

django.setup()

import hashlib  # noqa: E402

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from fpdf import FPDF  # noqa: E402
from PIL import Image  # noqa: E402

from lifelong.accounts.models import User  # noqa: E402
from lifelong.credits.models import Activity, Certificate  # noqa: E402
from lifelong.licensure import audit  # noqa: E402
from lifelong.licensure.models import AuditPacket, License  # noqa: E402

TARGET_SECONDS = 10.0
CERTIFICATES = 100
EXPIRES = date(2027, 1, 31)  # Texas LPC: the cycle runs from 2025-02-01
PROVIDERS = ["PESI", "American Psychological Association", "NASW Texas", "Relias", "CE4Less"]
TOPICS = ["ethics", "cultural-competence", "trauma", "clinical-practice", "suicide-prevention"]


def certificate_pdf(rng: random.Random, number: int, title: str, provider: str) -> bytes:
    """A certificate of completion of one to three pages, like the ones providers send."""
    pdf = FPDF(orientation="landscape")
    pdf.set_font("Helvetica", size=12)
    for page in range(rng.randint(1, 3)):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 28)
        pdf.cell(0, 20, "Certificate of Completion", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=14)
        lines = [
            "This certifies that Olivia Owner, LPC",
            f"has completed {title}",
            f"offered by {provider}",
            f"for {rng.choice([1, 1.5, 2, 3, 6])} clock hours of continuing education.",
            f"Certificate number {number:06d}-{page}",
            "Approved by the Texas Behavioral Health Executive Council; NBCC ACEP No. 6361.",
        ]
        for line in lines:
            pdf.multi_cell(0, 10, line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(rng.randrange(256), 90, 120)
        for inset in range(8):
            pdf.rect(8 + inset, 8 + inset, pdf.w - 16 - 2 * inset, pdf.h - 16 - 2 * inset)
    return bytes(pdf.output())


def certificate_photo(rng: random.Random, kind: str) -> bytes:
    """A phone photo of a paper certificate: noisy pixels that do not compress much."""
    width, height = 1200, 900  # ~1.0 MB as JPEG, ~3.2 MB as PNG: noise hardly compresses
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG" if kind == "jpg" else "PNG", quality=90)
    return buffer.getvalue()


def make_owner() -> tuple[User, License]:
    owner = User.objects.create_user(email="bench@example.org", password=None, name="Olivia Owner")
    license = License.objects.create(
        user=owner, ruleset_id="us-tx-lpc", expires_on=EXPIRES, label="LPC", number="TX-12345"
    )
    rng = random.Random(3)
    start = EXPIRES - timedelta(days=700)
    for number in range(CERTIFICATES):
        provider = rng.choice(PROVIDERS)
        title = f"Workshop {number}: {rng.choice(TOPICS).replace('-', ' ')} in practice"
        activity = Activity.objects.create(
            user=owner,
            title=title,
            provider=provider,
            completed_on=start + timedelta(days=rng.randrange(690)),
            hours=Decimal(rng.choice(["1", "1.5", "2", "3", "6"])),
            format=rng.choice(["in-person", "live-online", "self-study"]),
            kind="course",
            topics=[{"slug": rng.choice(TOPICS), "hours": None}],
            approvals=[{"body": "nbcc", "number": "6361"}],
        )
        kind = "pdf" if number % 10 < 7 else rng.choice(["jpg", "png"])
        data = (
            certificate_pdf(rng, number, title, provider)
            if kind == "pdf"
            else certificate_photo(rng, kind)
        )
        content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}[kind]
        certificate = Certificate(
            owner=owner,
            original_name=f"certificate-{number}.{kind}",
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        certificate.file.save(f"upload.{kind}", ContentFile(data), save=False)
        certificate.save()
        activity.certificates.add(certificate)
    return owner, license


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed packets (default 5)")
    args = parser.parse_args(argv)

    DATABASE.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(MEDIA, ignore_errors=True)
    MEDIA.mkdir(parents=True)
    with override_settings(MEDIA_ROOT=MEDIA):
        call_command("migrate", verbosity=0)
        owner, license = make_owner()
        stored = sum(Certificate.objects.values_list("size", flat=True))

        start = time.perf_counter()
        plan = audit.plan_packet(license, None, holder=owner)
        plan_seconds = time.perf_counter() - start
        start = time.perf_counter()
        pdf = audit.transcript_pdf(plan)
        pdf_seconds = time.perf_counter() - start
        assert len(plan.certificates) == CERTIFICATES
        # The zip alone: the same plan written with the transcript PDF already made.
        made = audit.transcript_pdf
        audit.transcript_pdf = lambda plan: pdf  # type: ignore[assignment]
        start = time.perf_counter()
        with open(DATA_DIR / "bench-audit-packet.zip", "wb") as output:
            audit.write_packet(plan, output)
        zip_seconds = time.perf_counter() - start
        audit.transcript_pdf = made

        timings = []
        for _ in range(args.runs):
            packet = AuditPacket.objects.create(
                owner=owner,
                license=license,
                cycle_end=EXPIRES,
                expires_at=django.utils.timezone.now() + timedelta(days=7),
            )
            start = time.perf_counter()
            status = audit.build_stored_packet(packet.pk)
            timings.append(time.perf_counter() - start)
            packet.refresh_from_db()
            assert status == AuditPacket.READY, packet.error
            with default_storage.open(packet.file.name, "rb") as built:
                archive = zipfile.ZipFile(built)
                assert archive.testzip() is None
                names = archive.namelist()
            assert len([name for name in names if name.startswith("certificates/")]) == 100
            size = packet.size or 0
            packet.delete()

        # One more build under tracemalloc: the most Python memory it held at once.
        packet = AuditPacket.objects.create(
            owner=owner,
            license=license,
            cycle_end=EXPIRES,
            expires_at=django.utils.timezone.now() + timedelta(days=7),
        )
        tracemalloc.start()
        audit.build_stored_packet(packet.pk)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    print(f"date:     {date.today().isoformat()}")
    print(f"machine:  {platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs · "
          f"Python {platform.python_version()} · {platform.platform()}")  # fmt: skip
    print(
        f"data:     1 license, {CERTIFICATES} activities with a certificate each "
        f"({stored / 1e6:.1f} MB stored); zip {size / 1e6:.1f} MB; {args.runs} runs"
    )
    print(
        f"packet:   median {statistics.median(timings):.2f} s, slowest {max(timings):.2f} s "
        f"(target <= {TARGET_SECONDS:.0f} s)"
    )
    print(
        f"parts:    plan (queries + engine) {plan_seconds * 1000:.0f} ms; first "
        f"transcript PDF of the process {pdf_seconds * 1000:.0f} ms ({len(pdf) / 1000:.0f} KB); "
        f"the zip without the PDF {zip_seconds * 1000:.0f} ms"
    )
    print(
        f"memory:   at most {traced_peak / 1e6:.1f} MB allocated during a build, for "
        f"{stored / 1e6:.1f} MB of certificates (streamed, not loaded)"
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load:     {load} (1, 5, 15 min: other work on the machine slows the wall clock)")
    ok = max(timings) <= TARGET_SECONDS
    print(f"result:   {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
