"""One library, no duplicates: matching by PMID, DOI and title + year; updates; deletions;
retractions; bounded queries per batch."""

from __future__ import annotations

from typing import Any

import pytest

from lifelong.accounts.models import User
from lifelong.literature.ingest import ArticleFields, LibraryMerger
from lifelong.literature.models import (
    Article,
    ReadingListEntry,
    Source,
    SourceItem,
    normalise_doi,
    normalise_title,
    title_key,
)

pytestmark = pytest.mark.django_db

TITLE = "Leucocyte telomere length, genetic variants at the TERT gene region and risk of cancer"


def paper(**fields: Any) -> ArticleFields:
    values: dict[str, Any] = {"title": TITLE, "published_year": 2017, "source_kind": "pubmed"}
    values.update(fields)
    return ArticleFields(**values)


def merge(*records: ArticleFields, source: Source | None = None) -> LibraryMerger:
    merger = LibraryMerger(source)
    merger.merge(list(records))
    return merger


def feed_source(owner: User, name: str = "Gut feed") -> Source:
    return Source.objects.create(
        owner=owner, kind=Source.Kind.FEED, name=name, url="https://example.org/rss"
    )


def test_titles_normalise_across_case_accents_markup_and_punctuation() -> None:
    assert normalise_title("Café  <i>au</i>-lait: A Study!") == "cafe i au i lait a study"
    assert title_key("The Réduction of PTSD: A trial", 2020) == title_key(
        "the reduction of ptsd -- a TRIAL.", 2020
    )
    assert title_key("The reduction of PTSD: a trial", 2020) != title_key(
        "The reduction of PTSD: a trial", 2021
    )


def test_short_generic_titles_have_no_title_key() -> None:
    assert title_key("Erratum.", 2020) == ""
    assert title_key("Editorial comment", 2020) == ""


def test_dois_are_lowercased_and_stripped_of_their_resolver() -> None:
    assert (
        normalise_doi("https://doi.org/10.1136/GUTJNL-2016-312510") == "10.1136/gutjnl-2016-312510"
    )
    assert normalise_doi("doi: 10.1037/CCP0000901") == "10.1037/ccp0000901"
    assert normalise_doi("not a doi") is None


def test_a_new_record_becomes_an_article() -> None:
    merger = merge(paper(pmid="27797938", doi="10.1136/GUTJNL-2016-312510"))

    article = Article.objects.get()
    assert (article.pmid, article.doi) == ("27797938", "10.1136/gutjnl-2016-312510")
    assert article.sources_seen == ["pubmed"]
    assert merger.summary.added == 1


def test_the_same_paper_by_pmid_is_updated_not_duplicated() -> None:
    merge(paper(pmid="27797938", keywords=["telomere"]))

    merger = merge(paper(pmid="27797938", keywords=["telomere", "TERT"], volume="66"))

    article = Article.objects.get()
    assert article.keywords == ["telomere", "TERT"]
    assert article.volume == "66"
    assert (merger.summary.updated, merger.summary.added) == (1, 0)


def test_an_identical_record_counts_as_unchanged() -> None:
    merge(paper(pmid="27797938"))

    merger = merge(paper(pmid="27797938"))

    assert (merger.summary.unchanged, merger.summary.updated) == (1, 0)


def test_a_record_with_only_a_doi_matches_by_doi_and_keeps_both_identifiers() -> None:
    merge(paper(doi="10.1136/gutjnl-2016-312510", source_kind="feed", title="A feed's title"))

    merge(paper(pmid="27797938", doi="https://doi.org/10.1136/GUTJNL-2016-312510"))

    article = Article.objects.get()
    assert (article.pmid, article.doi) == ("27797938", "10.1136/gutjnl-2016-312510")
    assert article.title == TITLE
    assert article.sources_seen == ["feed", "pubmed"]


def test_a_record_without_identifiers_matches_by_title_and_year() -> None:
    merge(paper(pmid="27797938", doi="10.1136/gutjnl-2016-312510"))

    merge(paper(title=TITLE.upper() + ".", source_kind="ris", volume="66"))

    article = Article.objects.get()
    assert article.sources_seen == ["pubmed", "ris"]
    assert article.volume == "66", "an empty field is filled from the thinner record"


def test_the_same_title_in_another_year_is_another_paper() -> None:
    merge(paper(pmid="1"))
    merge(paper(published_year=2019, source_kind="ris"))

    assert Article.objects.count() == 2


def test_two_papers_with_one_title_but_different_pmids_stay_apart() -> None:
    merge(paper(pmid="111"), paper(pmid="222"))

    assert sorted(Article.objects.values_list("pmid", flat=True)) == ["111", "222"]


def test_a_title_shared_by_two_stored_papers_matches_neither() -> None:
    merge(paper(pmid="111"), paper(pmid="222"))

    merge(paper(source_kind="ris", volume="9"))

    assert Article.objects.count() == 3
    assert Article.objects.filter(volume="9", pmid__isnull=True).count() == 1


def test_different_dois_never_match_by_title() -> None:
    merge(paper(doi="10.1000/a", source_kind="ris"))
    merge(paper(doi="10.1000/b", source_kind="ris"))

    assert Article.objects.count() == 2


def test_two_papers_claiming_one_doi_keep_it_on_the_first() -> None:
    """A data error (an erratum given its paper's DOI): both papers are kept."""
    merger = merge(
        paper(pmid="1", doi="10.1/shared"),
        paper(
            pmid="2",
            doi="10.1/SHARED",
            title="Erratum for the telomere length paper",
            location="f.xml:9",
        ),
    )
    merge(paper(pmid="3", doi="10.1/shared", title="A third paper citing the same DOI wrongly"))

    assert list(Article.objects.order_by("pmid").values_list("pmid", "doi")) == [
        ("1", "10.1/shared"),
        ("2", None),
        ("3", None),
    ]
    assert merger.summary.notes == [
        "f.xml:9: DOI 10.1/shared is already on another article; kept there"
    ]


def test_a_thin_source_does_not_overwrite_what_pubmed_supplied() -> None:
    merge(
        paper(pmid="27797938", doi="10.1/x", abstract=[{"label": "", "text": "Full.", "html": ""}])
    )

    merge(paper(doi="10.1/x", title="Shorter feed title for the paper", source_kind="feed"))

    article = Article.objects.get()
    assert article.title == TITLE
    assert article.abstract[0]["text"] == "Full."


def test_a_newer_pubmed_record_replaces_the_stored_fields() -> None:
    merge(paper(pmid="9", mesh=[{"descriptor": "Telomere", "major": True, "qualifiers": []}]))

    merge(paper(pmid="9", title="Corrected title of this particular paper", mesh=[]))

    article = Article.objects.get()
    assert article.title == "Corrected title of this particular paper"
    assert article.mesh == []


def test_duplicates_within_one_input_are_merged_and_counted() -> None:
    merger = merge(
        paper(pmid="5", volume="1"),
        paper(pmid="5", volume="2"),
        paper(title="Another paper about therapist burnout", source_kind="feed"),
        paper(title="Another paper about therapist burnout!", source_kind="feed"),
    )

    assert Article.objects.count() == 2
    assert Article.objects.get(pmid="5").volume == "2", "the later record wins"
    assert merger.summary.duplicates == 2
    assert merger.summary.added == 2


def test_duplicates_across_batches_of_one_input_are_counted() -> None:
    merger = LibraryMerger()
    merger.merge([paper(pmid="5")])
    merger.merge([paper(pmid="5")])

    assert merger.summary.duplicates == 1
    assert Article.objects.count() == 1


def test_records_without_a_title_are_skipped_with_their_location() -> None:
    merger = merge(paper(title="  ", location="update.xml:40"), paper(pmid="7"))

    assert merger.summary.skipped == ["update.xml:40: a record without a title"]
    assert Article.objects.count() == 1


def test_a_record_proving_two_stored_rows_are_one_paper_merges_them(owner: User) -> None:
    """A feed gave the DOI only; a RIS file gave the PMID only; the PubMed record with both
    identifiers reveals they are the same paper."""
    source = feed_source(owner)
    merge(paper(doi="10.1/x", source_kind="feed", title="Feed title of a paper"), source=source)
    merge(paper(pmid="42", source_kind="ris"))
    from_ris = Article.objects.get(pmid="42")
    ReadingListEntry.objects.create(owner=owner, article=from_ris, notes="mine")

    merge(paper(pmid="42", doi="10.1/x"))

    article = Article.objects.get()
    assert (article.pmid, article.doi) == ("42", "10.1/x")
    assert SourceItem.objects.get().article == article
    assert ReadingListEntry.objects.get().article == article


def test_a_source_links_each_article_once(owner: User) -> None:
    source = feed_source(owner)
    first = merge(
        paper(pmid="1"), paper(pmid="2", title="A second distinct paper title"), source=source
    )
    again = merge(paper(pmid="1"), source=source)

    assert first.summary.new_for_source == 2
    assert again.summary.new_for_source == 0
    assert SourceItem.objects.filter(owner=owner).count() == 2


def test_one_paper_from_two_users_sources_is_stored_once(owner: User, peer: User) -> None:
    merge(paper(pmid="1"), source=feed_source(owner))
    merge(paper(pmid="1"), source=feed_source(peer))

    assert Article.objects.count() == 1
    assert list(Article.objects.for_user(owner)) == list(Article.objects.for_user(peer))


def test_a_deletion_removes_an_article_nobody_saved(owner: User) -> None:
    merge(paper(pmid="1"), source=feed_source(owner))

    merger = LibraryMerger()
    merger.delete(["1", "999"])

    assert not Article.objects.exists()
    assert not SourceItem.objects.exists()
    assert merger.summary.deleted == 1


def test_a_deleted_article_on_a_reading_list_is_kept_flagged_for_its_notes(owner: User) -> None:
    merge(paper(pmid="1"), source=feed_source(owner))
    entry = ReadingListEntry.objects.create(
        owner=owner, article=Article.objects.get(), notes="Used this with a client group."
    )

    merger = LibraryMerger()
    merger.delete(["1"])

    article = Article.objects.get()
    assert article.removed_at is not None
    assert not Article.objects.current().exists()
    assert not Article.objects.for_user(owner).exists()
    entry.refresh_from_db()
    assert entry.notes == "Used this with a client group."
    assert merger.summary.removed_kept == 1


def test_a_deleted_pmid_sent_again_is_restored(owner: User) -> None:
    merge(paper(pmid="1"))
    ReadingListEntry.objects.create(owner=owner, article=Article.objects.get())
    LibraryMerger().delete(["1"])

    merge(paper(pmid="1"))

    assert Article.objects.current().count() == 1


def test_a_retraction_notice_flags_the_article_it_retracts() -> None:
    merge(paper(pmid="100"))

    merger = merge(
        paper(
            pmid="200",
            title="Retraction notice: telomere length and pancreatic cancer risk",
            comments_corrections=[{"ref_type": "RetractionOf", "pmid": "100", "source": "Gut"}],
        )
    )

    assert Article.objects.get(pmid="100").retracted
    assert not Article.objects.get(pmid="200").retracted
    assert merger.summary.retractions_flagged == 1


def test_a_retraction_stays_flagged_when_a_lagging_record_arrives() -> None:
    merge(paper(pmid="100"))
    merge(
        paper(
            pmid="200",
            title="Retraction notice: telomere length and pancreatic cancer risk",
            comments_corrections=[{"ref_type": "RetractionOf", "pmid": "100", "source": "Gut"}],
        )
    )

    merge(paper(pmid="100", volume="66"))

    article = Article.objects.get(pmid="100")
    assert article.volume == "66"
    assert article.retracted


def test_an_updated_record_marked_retracted_is_flagged() -> None:
    merge(paper(pmid="100"))

    merge(paper(pmid="100", retracted=True))

    assert Article.objects.get().retracted


def test_a_batch_costs_a_bounded_number_of_queries(
    owner: User, django_assert_max_num_queries: Any
) -> None:
    source = feed_source(owner)
    merge(*(paper(pmid=str(n), title=f"Existing paper number {n} on therapy") for n in range(50)))
    batch = [
        paper(pmid=str(n), title=f"Existing paper number {n} on therapy", volume="2")
        for n in range(0, 100)
    ]

    with django_assert_max_num_queries(12):
        merge(*batch, source=source)

    assert Article.objects.count() == 100
    assert SourceItem.objects.count() == 100
