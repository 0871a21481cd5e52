"""Benchmark of certificate reading: a 2-page PDF certificate from its bytes to the fields of an
activity, as the upload does it (the content checks, then the reader), target at most 300 ms.

Run: ``.venv/bin/python bench/certificate_reading.py`` (options: ``--runs``, ``--layout``).

The certificate is the two-page fixture (a workshop certificate with an agenda page) written by
``tests/credits/certificates/make_certificates.py``; ``--layout all`` times every fixture layout.
Each run parses the PDF from scratch (no state is kept between runs). Timed separately: the
checks (``check_certificate_file``: pypdf opens the file, counts the pages and walks every
object looking for scripts) and the reading (``read_pdf``: text in layout mode, then the
fields). Pure Python, no database.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fpdf import FPDF  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402
from tests.credits.certificates.make_certificates import LAYOUTS, certificate_pdf  # noqa: E402

from lifelong.credits.certificates.reader import read_pdf  # noqa: E402
from lifelong.credits.certificates.validation import check_certificate_file  # noqa: E402

TARGET_MS = 300.0


def with_background(data: bytes) -> bytes:
    """The certificate printed over a full-page photographic background (a 2400 x 1850 JPEG,
    as decorated certificates have), so the file is hundreds of kilobytes, not two."""
    image = Image.new("RGB", (2400, 1850), "ivory")
    draw = ImageDraw.Draw(image)
    for step in range(0, 2400, 6):
        draw.line((step, 0, 2400 - step, 1850), fill=(200 + step % 50, 180, 140 + step % 90))
    photo = io.BytesIO()
    image.save(photo, format="JPEG", quality=90)
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        background = FPDF(unit="pt", format=(width, height))
        background.add_page()
        background.image(io.BytesIO(photo.getvalue()), x=0, y=0, w=width, h=height)
        base = writer.add_page(PdfReader(io.BytesIO(bytes(background.output()))).pages[0])
        base.merge_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def time_layout(layout: str, runs: int, background: bool = False) -> dict[str, float]:
    data = certificate_pdf(layout)
    if background:
        data = with_background(data)
    checks: list[float] = []
    reads: list[float] = []
    totals: list[float] = []
    pages = 0
    for _ in range(runs):
        start = time.perf_counter()
        checked = check_certificate_file(data, name=f"{layout}.pdf")
        middle = time.perf_counter()
        reading = read_pdf(data)
        end = time.perf_counter()
        assert reading.found_anything
        pages = checked.page_count or 0
        checks.append((middle - start) * 1000)
        reads.append((end - middle) * 1000)
        totals.append((end - start) * 1000)
    totals.sort()
    return {
        "pages": pages,
        "bytes": len(data),
        "check_median": statistics.median(checks),
        "read_median": statistics.median(reads),
        "median": statistics.median(totals),
        "p95": totals[int(0.95 * (len(totals) - 1))],
        "max": totals[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--layout", default="two_page_agenda", help="a layout name, or 'all'")
    parser.add_argument(
        "--background", action="store_true", help="print each certificate over a large JPEG"
    )
    arguments = parser.parse_args()
    layouts = sorted(LAYOUTS) if arguments.layout == "all" else [arguments.layout]
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} cores, load {load:.1f}; {arguments.runs} runs per layout"
    )
    print(
        f"{'layout':<20} {'pages':>5} {'check':>8} {'read':>8} {'median':>8} {'p95':>8} {'max':>8}"
    )
    worst = 0.0
    for layout in layouts:
        result = time_layout(layout, arguments.runs, arguments.background)
        worst = max(worst, result["p95"])
        print(
            f"{layout:<20} {result['pages']:>5.0f} {result['bytes'] / 1024:>6.0f} "
            f"{result['check_median']:>6.1f}ms "
            f"{result['read_median']:>6.1f}ms {result['median']:>6.1f}ms "
            f"{result['p95']:>6.1f}ms {result['max']:>6.1f}ms"
        )
    verdict = "PASS" if worst <= TARGET_MS else "FAIL"
    print(f"{verdict}: p95 {worst:.1f} ms against a target of {TARGET_MS:.0f} ms per certificate")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
