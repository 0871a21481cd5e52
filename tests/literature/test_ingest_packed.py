"""Records parsed in another process arrive packed (identifiers normalised, title key
computed, JSON fields encoded): they merge exactly as the records themselves do."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from lifelong.literature.ingest import ARTICLE_ROW_FIELDS, ArticleFields, LibraryMerger
from lifelong.literature.models import Article
from lifelong.literature.parsing import (
    CONTENT_FIELDS,
    JSON_FIELDS,
    PackedFields,
    iter_file_batches,
    normalise_doi,
    normalise_pmid,
    pack,
    title_key,
)

pytestmark = pytest.mark.django_db

SAMPLES = sorted((Path(__file__).parent / "data" / "biopython").glob("pubmed*.xml"))
STORED = [name for name in ARTICLE_ROW_FIELDS if name not in ("created_at", "updated_at")]


def parsed(*, packed: bool = False) -> list[Any]:
    records: list[Any] = []
    for path in SAMPLES:
        with path.open("rb") as raw:
            for batch in iter_file_batches(raw, path.name, 1000, packed=packed):
                records.extend(batch.records)
    return records


def stored() -> list[dict[str, Any]]:
    return list(Article.objects.order_by("pmid").values(*STORED))


def test_the_row_of_a_new_article_fills_every_column() -> None:
    columns = {field.name for field in Article._meta.concrete_fields if not field.primary_key}
    assert sorted(ARTICLE_ROW_FIELDS) == sorted(columns)
    json_columns = {
        field.name
        for field in Article._meta.concrete_fields
        if isinstance(field, type(Article._meta.get_field("abstract")))
    }
    assert json_columns == {*JSON_FIELDS, "sources_seen"}


def test_packing_keeps_every_field_of_every_sample_record() -> None:
    records = parsed()
    assert len(records) >= 8

    for record in records:
        packed = pack(record)

        assert packed.unpack() == dataclasses.replace(
            record, pmid=normalise_pmid(record.pmid), doi=normalise_doi(record.doi)
        )
        assert packed.key == title_key(record.title, record.published_year)
        assert packed.retracts() == record.retracts()
        for name, value in zip(CONTENT_FIELDS, packed.content, strict=True):
            if name in JSON_FIELDS:
                assert value == json.dumps(getattr(record, name))


def test_packed_records_store_the_same_rows_as_the_records_themselves() -> None:
    LibraryMerger().merge(parsed())
    from_records = stored()
    Article.objects.all().delete()

    merger = LibraryMerger()
    merger.merge(parsed(packed=True))

    assert stored() == from_records
    assert merger.summary.added == len(from_records) >= 8
    assert Article.objects.filter(abstract__0__label="OBJECTIVE").exists()


def test_packed_records_of_stored_articles_update_them_or_count_as_unchanged() -> None:
    LibraryMerger().merge(parsed())
    records = parsed(packed=True)
    changed = records[0].unpack()
    changed.title = "A corrected title that says what the trial found in its patients"

    merger = LibraryMerger()
    merger.merge([pack(changed), *records[1:]])

    assert merger.summary.updated == 1
    assert merger.summary.unchanged == len(records) - 1
    assert Article.objects.get(pmid=changed.pmid).title == changed.title


def test_a_packed_record_claiming_a_new_articles_doi_is_kept_without_it() -> None:
    first = ArticleFields(
        title="Exposure therapy for veterans with chronic PTSD: a randomised trial",
        pmid="101",
        doi="10.1000/shared",
        published_year=2024,
        source_kind="pubmed",
        location="update.xml:10",
    )
    second = dataclasses.replace(
        first, title="Another paper that the publisher tagged with the same DOI", pmid="102"
    )
    second.location = "update.xml:90"

    merger = LibraryMerger()
    merger.merge([pack(first), pack(second)])

    assert Article.objects.get(pmid="101").doi == "10.1000/shared"
    assert Article.objects.get(pmid="102").doi is None
    assert merger.summary.notes == [
        "update.xml:90: DOI 10.1000/shared is already on another article; kept there"
    ]


def test_a_packed_record_without_a_title_is_skipped_with_its_location() -> None:
    merger = LibraryMerger()
    merger.merge([pack(ArticleFields(title=" ", pmid="7", location="f.xml:3"))])

    assert not Article.objects.exists()
    assert merger.summary.skipped == ["f.xml:3: a record without a title"]
    assert isinstance(pack(ArticleFields(title="x")), PackedFields)
