"""A large PubMed XML file is parsed in segments by several processes at once: the import is
exactly the one a parse of the whole file gives (rows, counts, notes with their lines,
deletions, problems), and a file that only looks malformed once cut is imported all the
same."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest

from lifelong.accounts.models import User
from lifelong.literature import services
from lifelong.literature.ingest import ARTICLE_ROW_FIELDS
from lifelong.literature.models import Article, Source
from lifelong.literature.parsing import split_point

pytestmark = pytest.mark.django_db

SAMPLES = sorted((Path(__file__).parent / "data" / "biopython").glob("pubmed*.xml"))
ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.DOTALL)
FIRST_PMID = re.compile(rb"<PMID[^>]*>(\d+)</PMID>")
HEADER = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
)
SEGMENT = 20_000  # bytes: a few records a segment
STORED = [name for name in ARTICLE_ROW_FIELDS if name not in ("created_at", "updated_at")]


def records() -> list[bytes]:
    return [block for path in SAMPLES for block in ARTICLE.findall(path.read_bytes())]


def baseline(copies: int = 3, before_each: bytes = b"") -> bytes:
    """The samples ``copies`` times, each copy with fresh PMIDs (its DOIs stay: later copies
    claim DOIs already taken, which the import notes with their lines), and a deletion;
    ``before_each`` goes before every record but the first."""
    blocks = []
    number = 0
    for _copy in range(copies):
        for block in records():
            number += 1
            found = FIRST_PMID.search(block)
            assert found is not None
            fresh = str(39_000_000 + number).encode()
            blocks.append(
                (before_each if blocks else b"")
                + block.replace(found.group(0), found.group(0).replace(found.group(1), fresh), 1)
            )
    deletion = b'<DeleteCitation>\n<PMID Version="1">39000002</PMID>\n</DeleteCitation>\n'
    return HEADER + b"\n".join(blocks) + b"\n" + deletion + b"</PubmedArticleSet>\n"


def write(tmp_path: Path, content: bytes, name: str = "pubmed25n0001.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def stored() -> list[dict[str, Any]]:
    return list(Article.objects.order_by("pmid").values(*STORED))


def import_whole(owner: User, path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    result = services.import_path(owner, path, parallel=False)
    rows = stored()
    Article.objects.all().delete()
    Source.objects.all().delete()
    return result.as_dict(), rows


def import_segmented(
    owner: User, path: Path, monkeypatch: pytest.MonkeyPatch, *, fallback: bool = False
) -> tuple[dict[str, Any], list[int]]:
    calls: list[int] = []
    segmented = services.parse_in_segments

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return segmented(*args, **kwargs)

    monkeypatch.setattr(services, "parse_in_segments", spy)
    if not fallback:

        def no_fallback(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the file was parsed whole")

        monkeypatch.setattr(services, "parse_in_background", no_fallback)
    seen: list[int] = []
    result = services.import_path(
        owner, path, parallel=True, parse_workers=2, segment_bytes=SEGMENT, on_read=seen.append
    )
    assert calls == [1]
    return result.as_dict(), seen


def test_a_file_parsed_in_segments_imports_exactly_as_the_whole_file(
    owner: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, baseline())
    assert path.stat().st_size > 6 * SEGMENT
    whole, whole_rows = import_whole(owner, path)

    segmented, progress = import_segmented(owner, path, monkeypatch)

    assert segmented == whole
    assert stored() == whole_rows
    assert segmented["added"] == 3 * len(records())
    assert segmented["deleted"] == 1
    assert segmented["notes"]  # DOIs claimed again, reported with the record's line...
    lines = path.read_bytes().split(b"\n")
    for note in segmented["notes"]:
        line = int(note.split(":")[1])
        assert lines[line - 1].startswith(b"<PubmedArticle>"), note  # ...the file's own line
    assert sum(progress) == path.stat().st_size


def test_a_malformed_record_late_in_the_file_rejects_it_with_the_whole_files_problem(
    owner: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = baseline()
    last_title = content.rindex(b"</ArticleTitle>")
    path = write(tmp_path, content[:last_title] + b"</ArticleTitel>" + content[last_title + 15 :])
    whole = services.import_path(owner, path, parallel=False)
    assert whole.rejected

    segmented, _ = import_segmented(owner, path, monkeypatch, fallback=True)

    assert segmented["rejected"]
    assert segmented["problems"] == whole.problems
    assert not Article.objects.exists()


def test_a_record_start_tag_inside_a_comment_does_not_change_the_import(
    owner: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every cut lands inside a comment: the segments are malformed, the whole file is not."""
    path = write(tmp_path, baseline(before_each=b"<!-- <PubmedArticle> is not a record -->\n"))
    whole, whole_rows = import_whole(owner, path)
    assert not whole["rejected"]

    segmented, _ = import_segmented(owner, path, monkeypatch, fallback=True)

    assert segmented == whole
    assert stored() == whole_rows


def test_only_plain_pubmed_files_with_a_simple_header_are_split(tmp_path: Path) -> None:
    content = baseline(copies=1)
    assert split_point(write(tmp_path, content)) == len(HEADER)
    assert split_point(write(tmp_path, gzip.compress(content), "pubmed.xml.gz")) is None
    with_entities = content.replace(
        b'pubmed_250101.dtd">', b'pubmed_250101.dtd" [<!ENTITY x "y">]>', 1
    )
    assert split_point(write(tmp_path, with_entities, "entities.xml")) is None
    other_root = content.replace(b"<PubmedArticleSet>\n", b"<Other>\n<PubmedArticleSet>\n", 1)
    assert split_point(write(tmp_path, other_root, "other.xml")) is None
    assert split_point(write(tmp_path, b"TY  - JOUR\nER  - \n", "refs.ris")) is None
