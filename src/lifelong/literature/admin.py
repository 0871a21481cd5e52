"""The literature library in the admin: articles (shared) and sources (per user). Private
reading notes are not shown here."""

from django.contrib import admin

from lifelong.literature.models import Article, Source


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["title", "pmid", "doi", "published_year", "evidence_level", "retracted"]
    list_filter = ["evidence_level", "retracted"]
    search_fields = ["=pmid", "=doi", "title"]
    readonly_fields = ["title_key", "sources_seen", "removed_at", "created_at", "updated_at"]
    show_full_result_count = False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin[Source]):
    list_display = ["name", "owner", "kind", "schedule", "active", "last_fetched_at"]
    list_filter = ["kind", "schedule", "active"]
    search_fields = ["name", "owner__email", "url"]
    raw_id_fields = ["owner"]
    readonly_fields = ["last_fetched_at", "fetched_through", "etag", "last_modified", "last_error"]
