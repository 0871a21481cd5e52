"""Benchmark: importing a PubMed baseline-format file into the library, end to end, on SQLite.

Run with ``LIFELONG_DATA_DIR=var/bench .venv/bin/python bench/literature_import.py
[--citations 30000] [--also 90000]``.

It builds a baseline-format file (``<PubmedArticleSet>`` of ``<PubmedArticle>`` records, as
in ``pubmedNNn0001.xml``) by replicating the real records of ``tests/literature/data/
biopython/pubmed*.xml`` (Biopython's PubMed test files, 8 records: structured abstracts,
inline markup, MathML, group authors, long reference lists) with fresh PMIDs and DOIs, so
that every citation is a new paper. Then, in a **fresh subprocess** per measurement (so that
peak memory is that of the import alone, read with ``resource.getrusage(RUSAGE_SELF).
ru_maxrss``), it migrates a new SQLite database, creates a user and times
``services.import_path`` on the file: parsing (in segments, by one process per core, while
this one merges, as ``import_path`` does for files of 8 MiB or more), evidence levels,
matching, inserts of articles and source items (and the search index's triggers), one
transaction for the file. CPU time is reported per stage: the merging process's own and the
parsing processes' (``RUSAGE_CHILDREN``), and so is peak memory. A second import of the same
file into the same database measures the update path (every citation matched by PMID).

Targets: at least 3,000 citations per second end to end, peak memory at most 300 MB whatever
the file size (``--also`` runs a larger file to show memory does not grow with it). Exit 0 when
every run meets both.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every PubmedArticle of Biopython's PubMed test files (8 records, 3.9 to 43.8 KB).
SAMPLES = sorted((ROOT / "tests/literature/data/biopython").glob("pubmed*.xml"))
TARGET_RATE = 3000.0
TARGET_PEAK_MB = 300.0
ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.DOTALL)
FIRST_PMID = re.compile(rb"<PMID[^>]*>(\d+)</PMID>")
# The article's own DOI: in ELocationID, or else the first ArticleId (those of the references
# come after it, in ReferenceList).
OWN_DOI = re.compile(
    rb'<ELocationID EIdType="doi"[^>]*>([^<]+)</ELocationID>|<ArticleId IdType="doi">([^<]+)<'
)
HEADER = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
)


# How often each sample record is repeated. "heavy": every record equally (16.8 KB a record
# on average: the samples were chosen for their edge cases, e.g. a 44 KB record with 35
# grants and 49 comment links, MathML, 12 KB reference lists); "typical": the four compact
# records (under 8 KB, like most citations) five times for each large one (9.0 KB a record:
# a 30,000-citation file of 270 MB, within the range of PubMed's baseline files, 28-73 MB
# gzipped).
COMPACT_BYTES = 8 * 1024
MIXES = {"typical": 5, "heavy": 1}


def build_file(path: Path, citations: int, mix: str = "typical") -> None:
    """Write ``citations`` records, each a real sample with a fresh PMID (and DOI)."""
    samples = [block for sample in SAMPLES for block in ARTICLE.findall(sample.read_bytes())]
    templates = [
        block for block in samples for _ in range(MIXES[mix] if len(block) < COMPACT_BYTES else 1)
    ]
    with path.open("wb") as out:
        out.write(HEADER)
        for number in range(citations):
            block = templates[number % len(templates)]
            pmid_match = FIRST_PMID.search(block)
            assert pmid_match is not None
            fresh = str(40_000_000 + number).encode()
            block = block.replace(b">" + pmid_match.group(1) + b"<", b">" + fresh + b"<")
            doi_match = OWN_DOI.search(block)
            if doi_match:
                doi = doi_match.group(1) or doi_match.group(2)
                block = block.replace(doi, doi + b".bench" + fresh)
            out.write(block)
            out.write(b"\n")
        out.write(b"</PubmedArticleSet>\n")


def child(database: Path, file: Path, repeat: bool) -> None:
    """Runs in a fresh process: migrate, import (twice with ``repeat``), print JSON."""
    import resource

    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from lifelong.accounts.models import User
    from lifelong.literature import services
    from lifelong.literature.models import Article

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(email="bench@example.org", password="x")
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    runs = []
    for _ in range(2 if repeat else 1):
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = services.import_path(user, file)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        parser_cpu = (children_after.ru_utime + children_after.ru_stime) - (
            children.ru_utime + children.ru_stime
        )
        if result.rejected:
            raise SystemExit(f"import rejected: {result.problems}")
        summary = result.summary
        runs.append(
            {
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "parser_cpu_seconds": parser_cpu,
                "added": summary.added,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "received": summary.received,
            }
        )
    print(
        json.dumps(
            {
                "runs": runs,
                "articles": Article.objects.count(),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "parser_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                "before_import_mb": before_mb,
            }
        )
    )


def measure(citations: int, data_dir: Path, mix: str) -> dict[str, object]:
    file = data_dir / f"literature-import-{mix}-{citations}.xml"
    if not file.exists():
        build_file(file, citations, mix)
    database = data_dir / f"bench-literature-{citations}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    completed = subprocess.run(
        [sys.executable, __file__, "--child", str(database), str(file)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "LIFELONG_DATA_DIR": str(data_dir)},
    )
    report: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    report["citations"] = citations
    report["file_mb"] = file.stat().st_size / 1024 / 1024
    return report


def per_citation(run: dict[str, float], stage: str) -> str:
    seconds = run["cpu_seconds" if stage == "cpu" else "parser_cpu_seconds"]
    return f"{seconds / run['received'] * 1000:.3f} ms/citation"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citations", type=int, default=30_000)
    parser.add_argument("--also", type=int, nargs="*", default=[], help="more file sizes")
    parser.add_argument("--mix", choices=sorted(MIXES), default="typical")
    parser.add_argument("--child", nargs=2, metavar=("DATABASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), repeat=True)
        return 0
    data_dir = Path(os.environ.setdefault("LIFELONG_DATA_DIR", "var/bench")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    ok = True
    for citations in [args.citations, *args.also]:
        report = measure(citations, data_dir, args.mix)
        first, second = report["runs"]  # type: ignore[misc]
        rate = citations / first["seconds"]
        update_rate = citations / second["seconds"]
        peak = float(report["peak_mb"])  # type: ignore[arg-type]
        parser_peak = float(report["parser_peak_mb"])  # type: ignore[arg-type]
        met = rate >= TARGET_RATE and max(peak, parser_peak) <= TARGET_PEAK_MB
        ok = ok and met
        print(
            f"{citations:,} citations, {args.mix} mix ({report['file_mb']:.0f} MB): "
            f"import {first['seconds']:.2f} s = {rate:,.0f}/s "
            f"(CPU: merging {first['cpu_seconds']:.2f} s = {per_citation(first, 'cpu')}, "
            f"parsing {first['parser_cpu_seconds']:.2f} s = {per_citation(first, 'parser')}; "
            f"{first['added']:,} added); "
            f"re-import {second['seconds']:.2f} s = {update_rate:,.0f}/s "
            f"(CPU: merging {per_citation(second, 'cpu')}, parsing "
            f"{per_citation(second, 'parser')}; "
            f"{second['unchanged']:,} unchanged, {second['updated']:,} updated); "
            f"peak memory {peak:.0f} MB (before the import {report['before_import_mb']:.0f} MB;"
            f" the parsing processes {parser_peak:.0f} MB)"
            f" -> {'met' if met else 'MISSED'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
