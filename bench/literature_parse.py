"""Benchmark of the PubMed XML parse stage against bare ``lxml.etree.iterparse`` and
pubmed_parser, on the same 30,000-citation baseline-format file.

Run: ``.venv/bin/python bench/literature_parse.py`` (options: ``--citations``, ``--runs``,
``--data-dir``). pubmed_parser comes from the ``bench`` extra:
``.venv/bin/pip install -e '.[bench]'``.

1. **The file.** The eight ``PubmedArticle`` records of the Biopython samples in
   ``tests/literature/data/biopython`` (structured abstracts, ``<i>``/``<sub>``/``<sup>``,
   MathML, 22-author lists, 49 ``CommentsCorrections``, a 49-item ``ReferenceList``...) are
   copied byte for byte, in turn, each with a fresh PMID (its ``MedlineCitation/PMID`` and
   ``ArticleId IdType="pubmed"``), into a ``PubmedArticleSet`` under the 2025 baseline
   DOCTYPE, with a ``DeleteCitation`` of 100 PMIDs at the end as update files have. It is
   written as ``.xml`` and ``.xml.gz`` (baseline files are distributed gzipped, and
   pubmed_parser 0.5.1 only opens gzip files) under ``var/bench/``.
2. **Three parsers, each in its own process** (so that peak memory, ``ru_maxrss``, is its own):
   (a) bare iterparse: ``etree.iterparse(tag="PubmedArticle")``, counting the elements and
   clearing each (and removing its predecessors) — the floor any streaming lxml parser pays;
   (b) Lifelong: ``lifelong.literature.formats.iter_pubmed_xml``, every record built
   (titles and abstracts as text and sanitised HTML, authors, MeSH, links...);
   (c) ``pubmed_parser.parse_medline_xml`` with its defaults. Each runs ``--runs`` times; the
   best run counts (the machine is shared), all are printed.
3. **Correctness** on the inline-markup cases: the same passages from Lifelong and from
   pubmed_parser, printed as a table; and the deletions each reports.

Targets: Lifelong's parse stage at least half the throughput of bare iterparse, and faster
than pubmed_parser. The script exits 0 when both are met.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "literature" / "data" / "biopython"
SAMPLE_FILES = (
    "pubmed1.xml",
    "pubmed2.xml",
    "pubmed4.xml",
    "pubmed5.xml",
    "pubmed6.xml",
    "pubmed7.xml",
)
HEADER = (
    '<?xml version="1.0" ?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    "<PubmedArticleSet>\n"
)
FIRST_PMID = 40_000_000
DELETIONS = 100
PARSERS = ("bare-iterparse", "lifelong", "pubmed_parser")
_ARTICLE = re.compile(r"<PubmedArticle>.*?</PubmedArticle>", re.DOTALL)
_CITATION_PMID = re.compile(r'(<MedlineCitation[^>]*>\s*<PMID Version="\d+">)(\d+)(</PMID>)')
_PUBMED_ID = re.compile(r'(<ArticleIdList>\s*<ArticleId IdType="pubmed">)(\d+)(</ArticleId>)')


def sample_articles() -> list[str]:
    articles = []
    for name in SAMPLE_FILES:
        articles.extend(_ARTICLE.findall((SAMPLES / name).read_text(encoding="utf-8")))
    return articles


def build_file(directory: Path, citations: int) -> tuple[Path, Path]:
    """The baseline-format file, plain and gzipped (built once per size)."""
    directory.mkdir(parents=True, exist_ok=True)
    plain = directory / f"pubmed-baseline-{citations}.xml"
    compressed = directory / f"pubmed-baseline-{citations}.xml.gz"
    if plain.exists() and compressed.exists():
        return plain, compressed
    articles = sample_articles()
    with plain.open("w", encoding="utf-8") as output:
        output.write(HEADER)
        for index in range(citations):
            pmid = str(FIRST_PMID + index)
            article = articles[index % len(articles)]
            article = _CITATION_PMID.sub(rf"\g<1>{pmid}\g<3>", article, count=1)
            article = _PUBMED_ID.sub(rf"\g<1>{pmid}\g<3>", article, count=1)
            output.write(article)
            output.write("\n")
        output.write("<DeleteCitation>\n")
        for index in range(DELETIONS):
            output.write(f'<PMID Version="1">{FIRST_PMID - 1 - index}</PMID>\n')
        output.write("</DeleteCitation>\n</PubmedArticleSet>\n")
    with plain.open("rb") as source, gzip.open(compressed, "wb", compresslevel=6) as target:
        while chunk := source.read(1 << 20):
            target.write(chunk)
    return plain, compressed


# ---------------------------------------------------------------------------------------------
# One parser in a child process
# ---------------------------------------------------------------------------------------------


def run_bare(path: Path) -> tuple[int, int]:
    from lxml import etree

    opener = gzip.open if path.suffix == ".gz" else open
    count = 0
    with opener(path, "rb") as stream:
        for _event, element in etree.iterparse(
            stream,
            events=("end",),
            tag="PubmedArticle",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            count += 1
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    return count, 0


def run_lifelong(path: Path) -> tuple[int, int]:
    from lifelong.literature.formats import Deletion, Record, iter_pubmed_xml

    opener = gzip.open if path.suffix == ".gz" else open
    count = deletions = 0
    with opener(path, "rb") as stream:
        for event in iter_pubmed_xml(stream, str(path)):
            if isinstance(event, Record):
                count += 1
            elif isinstance(event, Deletion):
                deletions += 1
            else:
                raise SystemExit(f"problem: {event}")
    return count, deletions


def run_pubmed_parser(path: Path) -> tuple[int, int]:
    import pubmed_parser

    count = deletions = 0
    for article in pubmed_parser.parse_medline_xml(str(path)):
        if article.get("delete"):
            deletions += 1
        else:
            count += 1
    return count, deletions


def child(parser: str, path: Path) -> None:
    runner = {
        "bare-iterparse": run_bare,
        "lifelong": run_lifelong,
        "pubmed_parser": run_pubmed_parser,
    }[parser]
    # imports first, so that their memory is in the baseline, not in the parse
    if parser == "lifelong":
        import lifelong.literature.formats  # noqa: F401
    elif parser == "pubmed_parser":
        import pubmed_parser  # noqa: F401
    from lxml import etree  # noqa: F401

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall_start = time.perf_counter()
    cpu_start = time.process_time()
    count, deletions = runner(path)
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "count": count,
                "deletions": deletions,
                "wall": wall,
                "cpu": cpu,
                "rss_before_kb": before,
                "rss_peak_kb": peak,
            }
        )
    )


def measure(parser: str, path: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", parser, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        return {"error": (result.stderr.strip().splitlines() or ["failed"])[-1]}
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


# ---------------------------------------------------------------------------------------------
# Correctness on inline markup
# ---------------------------------------------------------------------------------------------

CASES = (
    # file, field, a passage that starts the comparison, label
    ("pubmed4.xml", "title", "Leucocyte telomere", "<i>TERT</i> in the title"),
    ("pubmed6.xml", "abstract", "maximal oxygen uptake", "MathML V̇O2max in the abstract"),
    ("pubmed7.xml", "abstract", "(1)", "MathML ³He/¹²⁹Xe in the abstract"),
    ("pubmed5.xml", "abstract", "compared with normal TSH", "<u>&lt;</u> (≤) in the abstract"),
)


def excerpt(text: str, start: str, length: int = 60) -> str:
    text = " ".join(text.split())
    position = text.find(start)
    if position < 0:
        return f"(not found: {start!r})"
    return text[position : position + length]


def correctness(directory: Path) -> list[tuple[str, str, str]]:
    from lifelong.literature.formats import parse_pubmed_xml

    try:
        import pubmed_parser
    except ImportError:
        pubmed_parser = None
    rows = []
    for name, field, start, label in CASES:
        record = parse_pubmed_xml(SAMPLES / name).records[0]
        ours = record.title if field == "title" else record.abstract_text
        theirs = "(pubmed_parser not installed)"
        if pubmed_parser is not None:
            compressed = directory / f"{name}.gz"
            compressed.write_bytes(gzip.compress((SAMPLES / name).read_bytes()))
            article = next(iter(pubmed_parser.parse_medline_xml(str(compressed))))
            theirs = excerpt(str(article["title" if field == "title" else "abstract"]), start)
        rows.append((label, excerpt(ours, start), theirs))
    return rows


def paired_ratios(
    runs: dict[tuple[str, str], list[dict[str, Any]]], ours: str, theirs: str, file_name: str
) -> list[float]:
    """Throughput of ``ours`` relative to ``theirs`` in each round (CPU time), same file."""
    mine = runs.get((ours, file_name), [])
    other = runs.get((theirs, file_name), [])
    return [them["cpu"] / us["cpu"] for us, them in zip(mine, other, strict=False)]


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--citations", type=int, default=30_000)
    arguments.add_argument("--runs", type=int, default=3)
    arguments.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench")
    arguments.add_argument("--child", nargs=2, metavar=("PARSER", "FILE"), help=argparse.SUPPRESS)
    options = arguments.parse_args()
    if options.child:
        child(options.child[0], Path(options.child[1]))
        return 0

    plain, compressed = build_file(options.data_dir, options.citations)
    print(
        f"File: {plain.name} ({plain.stat().st_size / 1e6:.1f} MB), "
        f"{compressed.name} ({compressed.stat().st_size / 1e6:.1f} MB): "
        f"{options.citations:,} citations, {DELETIONS} deletions"
    )
    print(
        f"Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    # Rounds: every parser on every file once per round, so that each round's figures are
    # taken under the same load; ratios are computed within a round, then the median taken.
    jobs = [(parser, path) for path in (compressed, plain) for parser in PARSERS]
    jobs = [
        (parser, path) for parser, path in jobs if not (parser == "pubmed_parser" and path is plain)
    ]
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for _round in range(options.runs):
        for parser, path in jobs:
            result = measure(parser, path)
            if "error" in result:
                print(f"{parser:15} {path.name}: {result['error']}")
                continue
            if result["count"] != options.citations:
                print(f"{parser:15} {path.name}: read {result['count']} citations")
                continue
            runs.setdefault((parser, path.name), []).append(result)
    for (parser, file_name), results in runs.items():
        rates = ", ".join(f"{options.citations / run['cpu']:,.0f}" for run in results)
        cpu = statistics.median(run["cpu"] for run in results)
        wall = statistics.median(run["wall"] for run in results)
        peak = max(run["rss_peak_kb"] for run in results) / 1024
        before = max(run["rss_before_kb"] for run in results) / 1024
        print(
            f"{parser:15} {file_name:34} median CPU {cpu:6.2f} s "
            f"= {options.citations / cpu:7,.0f} citations/s (wall {wall:.2f} s; "
            f"runs: {rates}); RSS {before:.0f} MB after imports, peak {peak:.0f} MB; "
            f"deletions {results[0]['deletions']}"
        )

    print("\nInline markup (the same passage from each parser):\n")
    print("| case | Lifelong | pubmed_parser |")
    print("|---|---|---|")
    for label, ours, theirs in correctness(options.data_dir):
        print(f"| {label} | {ours} | {theirs} |")

    verdicts = []
    for file_name in (compressed.name, plain.name):
        ratios = paired_ratios(runs, "lifelong", "bare-iterparse", file_name)
        if ratios:
            ratio = statistics.median(ratios)
            met = ratio >= 0.5
            verdicts.append(met)
            print(
                f"\n{file_name}: Lifelong runs at {ratio:.0%} of bare iterparse's throughput "
                f"(median of the rounds: {', '.join(f'{value:.0%}' for value in ratios)}; "
                f"target: at least 50%): {'met' if met else 'NOT met'}"
            )
    speedups = paired_ratios(runs, "lifelong", "pubmed_parser", compressed.name)
    if speedups:
        speedup = statistics.median(speedups)
        met = speedup > 1
        verdicts.append(met)
        print(
            f"{compressed.name}: pubmed_parser runs at {1 / speedup:.0%} of Lifelong's throughput; "
            f"Lifelong is {speedup:.2f}x as fast (target: faster): {'met' if met else 'NOT met'}"
        )
    else:
        print("pubmed_parser was not measured: install it with pip install -e '.[bench]'")
        verdicts.append(False)
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
