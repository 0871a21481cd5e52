"""Literature pages for the library and its sources: the library list, sources (list, add,
edit, delete, refresh now), file import and export of a selection.

(The feed, search, reading list and interests pages live in their own modules.)
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lifelong.accounts.models import User
from lifelong.literature import services
from lifelong.literature.forms import ExportForm, LiteratureImportForm, SourceForm
from lifelong.literature.ingest import MergeSummary
from lifelong.literature.models import Article, Source

ARTICLES_PER_PAGE = 50
NAV_SECTION = "literature"


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _get_source_for_user(request: AuthenticatedHttpRequest, source_id: int) -> Source:
    return get_object_or_404(Source.objects.for_user(request.user), pk=source_id)


def summary_sentence(summary: MergeSummary) -> str:
    """``Added 3, updated 1, 2 already in the library.`` and the like."""
    parts = []
    if summary.added:
        parts.append(f"{summary.added} added")
    if summary.updated:
        parts.append(f"{summary.updated} updated")
    if summary.unchanged:
        parts.append(f"{summary.unchanged} already in the library")
    if summary.duplicates:
        parts.append(f"{summary.duplicates} duplicate{'s' if summary.duplicates != 1 else ''}")
    if summary.deleted or summary.removed_kept:
        parts.append(f"{summary.deleted + summary.removed_kept} removed from PubMed")
    if summary.skipped_count:
        parts.append(f"{summary.skipped_count} skipped")
    return (", ".join(parts) or "nothing new") + "."


# --------------------------------------------------------------------------------------------
# The library
# --------------------------------------------------------------------------------------------


@login_required
@require_GET
def library(request: AuthenticatedHttpRequest) -> HttpResponse:
    articles = Article.objects.for_user(request.user).order_by("-created_at", "-pk")
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "articles": page.object_list,
        "source_count": Source.objects.for_user(request.user).count(),
        "export_formats": services.EXPORT_FORMATS,
        "nav_section": NAV_SECTION,
    }
    return render(request, "literature/library.html", context)


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


@login_required
@require_GET
def source_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    sources = (
        Source.objects.for_user(request.user)
        .annotate(item_count=Count("items"))
        .order_by("kind", "name", "pk")
    )
    context = {"sources": sources, "nav_section": NAV_SECTION}
    return render(request, "literature/source_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def source_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SourceForm(request.POST or None, initial={"kind": Source.Kind.PUBMED_SEARCH})
    if request.method == "POST" and form.is_valid():
        source = form.save(commit=False)
        source.owner = request.user
        source.save()
        messages.success(
            request, f"Added “{source.name}”. Use “Refresh now” to fetch its papers at once."
        )
        return redirect("literature:source_list")
    return render(
        request,
        "literature/source_form.html",
        {"form": form, "source": None, "nav_section": NAV_SECTION},
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request: AuthenticatedHttpRequest, source_id: int) -> HttpResponse:
    source = _get_source_for_user(request, source_id)
    if source.kind == Source.Kind.FILE_IMPORT:
        messages.info(request, "An imported file has nothing to edit; you may delete it.")
        return redirect("literature:source_list")
    old_address = (source.query, source.url)
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        source = form.save(commit=False)
        if (source.query, source.url) != old_address:
            # a new query or address starts afresh: no validators, no window carried over
            source.etag = source.last_modified = ""
            source.fetched_through = None
        source.save()
        messages.success(request, f"Saved “{source.name}”.")
        return redirect("literature:source_list")
    return render(
        request,
        "literature/source_form.html",
        {"form": form, "source": source, "nav_section": NAV_SECTION},
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_delete(request: AuthenticatedHttpRequest, source_id: int) -> HttpResponse:
    source = _get_source_for_user(request, source_id)
    if request.method == "POST":
        name = source.name
        source.delete()
        messages.success(
            request,
            f"Deleted “{name}”. Papers you saved to your reading list stay there.",
        )
        return redirect("literature:source_list")
    item_count = source.items.count()
    return render(
        request,
        "literature/source_confirm_delete.html",
        {"source": source, "item_count": item_count, "nav_section": NAV_SECTION},
    )


@login_required
@require_POST
def source_refresh(request: AuthenticatedHttpRequest, source_id: int) -> HttpResponse:
    source = _get_source_for_user(request, source_id)
    if source.kind == Source.Kind.FILE_IMPORT:
        messages.info(request, "An imported file is not refreshed; import the file again.")
        return redirect("literature:source_list")
    result = services.refresh_source(source)
    if not result.ok:
        messages.error(request, f"“{source.name}” could not be refreshed: {result.error}")
    elif result.not_modified:
        messages.info(request, f"“{source.name}” has not changed since the last check.")
    else:
        new = result.new_items
        messages.success(
            request,
            f"Refreshed “{source.name}”: {new} new paper{'s' if new != 1 else ''}.",
        )
    return redirect("literature:source_list")


# --------------------------------------------------------------------------------------------
# Import and export
# --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def library_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LiteratureImportForm(request.POST or None, request.FILES or None)
    result: services.FileImport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.import_upload(request.user, upload, upload.name or "upload")
        if not result.rejected:
            messages.success(request, f"Imported {result.name}: {summary_sentence(result.summary)}")
    context = {
        "form": form,
        "result": result,
        "summary": summary_sentence(result.summary) if result and not result.rejected else "",
        "max_bytes": settings.LIFELONG_LITERATURE_UPLOAD_MAX_BYTES,
        "nav_section": NAV_SECTION,
    }
    return render(request, "literature/import.html", context, status=200)


@login_required
@require_http_methods(["GET", "POST"])
def library_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's library, reading list (``saved=1``) or a selection (POSTed ``ids``) as
    RIS, BibTeX or CSL-JSON. Ids outside the user's library are ignored."""
    data = (request.POST if request.method == "POST" else request.GET).copy()
    data.setdefault("format", "ris")
    form = ExportForm(data)
    if not form.is_valid():
        return HttpResponse(
            "Unknown export format or bad article ids.", status=400, content_type="text/plain"
        )
    export_format = form.cleaned_data["format"]
    articles = services.articles_for_export(
        request.user, article_ids=form.cleaned_data["ids"], saved=form.cleaned_data["saved"]
    )
    text = services.export_articles(articles, export_format)
    _, content_type, extension = services.EXPORT_FORMATS[export_format]
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="lifelong-literature-{stamp}.{extension}"'
    )
    return response
