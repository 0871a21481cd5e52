"""Staff can look up articles and sources in the admin."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.literature.ingest import ArticleFields, LibraryMerger
from lifelong.literature.models import Source
from tests.conftest import make_user


def test_staff_find_an_article_by_pmid_and_a_source_by_owner(owner: User) -> None:
    LibraryMerger().merge([ArticleFields(title="Findable paper on EMDR in veterans", pmid="777")])
    Source.objects.create(owner=owner, kind="feed", name="JCPR feed", url="https://x.org/rss")
    staff = Client()
    staff.force_login(make_user("staff@example.org", is_staff=True, is_superuser=True))

    articles = staff.get(reverse("admin:literature_article_changelist"), {"q": "777"})
    sources = staff.get(reverse("admin:literature_source_changelist"), {"q": "owner@example"})

    assert "Findable paper on EMDR in veterans" in articles.content.decode()
    assert "JCPR feed" in sources.content.decode()
