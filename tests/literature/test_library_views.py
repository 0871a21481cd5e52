"""The library page, the import page (size, content, atomic) and export of a selection."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.literature.ingest import ArticleFields, LibraryMerger
from lifelong.literature.models import Article, ReadingListEntry, Source
from tests.literature.loopback import data

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("literature:import")
EXPORT_URL = reverse("literature:export")
LIBRARY_URL = reverse("literature:library")


def page(response: Any) -> str:
    return str(response.content.decode())


def upload(content: bytes, name: str = "refs.xml") -> dict[str, Any]:
    return {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")}


def library_of(user: User, *titles: str, pmid_start: int = 1) -> list[Article]:
    source = Source.objects.create(owner=user, kind="feed", name="Feed", url="https://x.org/")
    merger = LibraryMerger(source)
    merger.merge(
        [
            ArticleFields(
                title=title,
                pmid=str(pmid_start + n),
                published_year=2025,
                journal="Psychotherapy Research",
                publication_types=["Journal Article"],
            )
            for n, title in enumerate(titles)
        ]
    )
    return list(Article.objects.for_user(user).order_by("pmid"))


# -- library ---------------------------------------------------------------------------------


def test_the_library_lists_the_users_papers_with_bounded_queries(
    owner: User, peer: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    library_of(owner, *(f"Paper number {n} about trauma therapy" for n in range(60)))
    library_of(peer, "The peer's private paper on supervision", pmid_start=1000)

    with django_assert_max_num_queries(8):
        response = owner_client.get(LIBRARY_URL)

    html = page(response)
    assert response.status_code == 200
    assert html.count('name="ids"') == 50
    assert "private paper on supervision" not in html
    assert "Page 1 of 2" in html


def test_a_retracted_paper_carries_a_badge_and_titles_keep_safe_markup(
    owner: User, owner_client: Client
) -> None:
    source = Source.objects.create(owner=owner, kind="feed", name="Feed", url="https://x.org/")
    LibraryMerger(source).merge(
        [
            ArticleFields(
                title="The APOE locus and depression in later life",
                title_html=(
                    'The <i>APOE</i> locus <script>alert(1)</script><b onclick="x()">and</b>'
                ),
                pmid="5",
                retracted=True,
                publication_types=["Randomized Controlled Trial"],
            )
        ]
    )

    html = page(owner_client.get(LIBRARY_URL))

    assert "The <i>APOE</i> locus" in html
    assert "<script>alert" not in html
    assert "onclick" not in html
    assert '<span class="badge badge-bad">Retracted</span>' in html
    assert "Randomised trial" in html


def test_an_empty_library_says_what_to_do(owner_client: Client) -> None:
    html = page(owner_client.get(LIBRARY_URL))

    assert "Follow a PubMed search or a journal feed" in html


# -- import ----------------------------------------------------------------------------------


def test_importing_a_pubmed_file_shows_a_summary(owner: User, owner_client: Client) -> None:
    response = owner_client.post(IMPORT_URL, upload(data("pubmed1.xml"), "pubmed1.xml"))

    assert response.status_code == 200
    html = page(response)
    assert "Imported pubmed1.xml" in html
    assert "2 added." in html
    assert Article.objects.for_user(owner).count() == 2


def test_importing_a_gzipped_update_file(owner: User, owner_client: Client) -> None:
    response = owner_client.post(
        IMPORT_URL, upload(gzip.compress(data("pubmed4.xml")), "pubmed25n1300.xml.gz")
    )

    assert "1 added." in page(response)


def test_a_malformed_upload_imports_nothing_and_names_the_line(
    owner: User, owner_client: Client
) -> None:
    broken = data("pubmed1.xml").replace(b"</ArticleTitle>", b"</ArticleTitl>", 1)

    response = owner_client.post(IMPORT_URL, upload(broken, "broken.xml"))

    html = page(response)
    assert "Nothing was imported from broken.xml" in html
    assert "broken.xml:4: error: malformed XML: Opening and ending tag mismatch" in html
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7 ...", "paper.pdf", "This is a PDF, not a reference file."),
        (b"PK\x03\x04zipzip", "refs.docx", "This is a zip or Office file"),
        (b"   \n", "empty.ris", "The file is empty."),
        (b"Dear colleague, here are my notes.", "notes.txt", "does not look like PubMed XML"),
    ],
)
def test_an_upload_is_checked_by_content(
    content: bytes, name: str, message: str, owner_client: Client
) -> None:
    response = owner_client.post(IMPORT_URL, upload(content, name))

    assert message in page(response)
    assert not Article.objects.exists()


def test_an_upload_over_the_size_cap_is_refused(owner_client: Client, settings: Any) -> None:
    settings.LIFELONG_LITERATURE_UPLOAD_MAX_BYTES = 1000

    response = owner_client.post(IMPORT_URL, upload(data("pubmed4.xml")))

    assert "The file is larger than 1000" in page(response)
    assert not Article.objects.exists()


def test_the_import_page_is_accessible(owner_client: Client) -> None:
    html = page(owner_client.get(IMPORT_URL))

    assert '<label for="id_file">Reference file</label>' in html
    assert 'enctype="multipart/form-data"' in html
    assert "style=" not in html


# -- export ----------------------------------------------------------------------------------


def test_exporting_the_whole_library_as_ris(owner: User, owner_client: Client) -> None:
    library_of(owner, "Paper one on group therapy outcomes", "Paper two on group therapy cost")

    response = owner_client.get(EXPORT_URL, {"format": "ris"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lifelong-literature-')
    text = response.content.decode()
    assert text.count("TY  - JOUR") == 2
    assert "Paper two on group therapy cost" in text


def test_exporting_a_posted_selection_as_csl_json_ignores_other_peoples_ids(
    owner: User, peer: User, owner_client: Client
) -> None:
    mine = library_of(owner, "Paper one on group therapy outcomes", "Paper two on cost")
    theirs = library_of(peer, "A paper only the peer follows closely", pmid_start=500)

    response = owner_client.post(
        EXPORT_URL, {"format": "csl-json", "ids": [mine[1].pk, theirs[0].pk]}
    )

    items = json.loads(response.content)
    assert [item["title"] for item in items] == ["Paper two on cost"]


def test_exporting_the_reading_list_as_bibtex(owner: User, owner_client: Client) -> None:
    papers = library_of(owner, "A saved paper about supervision models", "An unsaved one here")
    ReadingListEntry.objects.create(owner=owner, article=papers[0])

    response = owner_client.get(EXPORT_URL, {"format": "bibtex", "saved": "1"})

    text = response.content.decode()
    assert text.count("@article") == 1
    assert "supervision models" in text


@pytest.mark.parametrize("query", [{"format": "docx"}, {"format": "ris", "ids": "1,x"}])
def test_a_bad_export_request_is_a_400(query: dict[str, str], owner_client: Client) -> None:
    assert owner_client.get(EXPORT_URL, query).status_code == 400


def test_the_library_form_posts_its_selection_to_export(owner: User, owner_client: Client) -> None:
    library_of(owner, "Paper one on group therapy outcomes")

    html = page(owner_client.get(LIBRARY_URL))

    assert f'action="{EXPORT_URL}"' in html
    assert '<option value="csl-json">CSL-JSON</option>' in html
