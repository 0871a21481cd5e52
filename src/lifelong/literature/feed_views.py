"""Pages: my feed, search, interests, the reading list and the weekly digest.

Articles are a shared library of public papers, so any signed-in user may open or save any
current article; everything personal (interests, reading-list entries and their notes) is
fetched through owner-scoped queries and is a 404 for anyone else.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lifelong.accounts.models import User
from lifelong.literature import digest as digests
from lifelong.literature.feed import SCOPES, build_feed, with_entries
from lifelong.literature.feed_forms import (
    InterestForm,
    ReadingEntryForm,
    ReadingFilterForm,
    ReadingStatusForm,
    SearchForm,
)
from lifelong.literature.interests import MAX_INTERESTS
from lifelong.literature.models import Article, Interest, ReadingListEntry
from lifelong.literature.reading import save_article, status_counts
from lifelong.literature.search import search as search_library

NAV_SECTION = "literature"
FEED_PAGE_SIZE = 25
SEARCH_PAGE_SIZE = 20
READING_PAGE_SIZE = 50


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _get_interest_for_user(request: AuthenticatedHttpRequest, interest_id: int) -> Interest:
    return get_object_or_404(Interest.objects.for_user(request.user), pk=interest_id)


def _get_entry_for_user(request: AuthenticatedHttpRequest, entry_id: int) -> ReadingListEntry:
    return get_object_or_404(
        ReadingListEntry.objects.for_user(request.user).select_related("article"), pk=entry_id
    )


def _get_current_article(article_id: int) -> Article:
    return get_object_or_404(Article.objects.current(), pk=article_id)


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to after a POST: the form's ``next`` when it is a page of this site."""
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# -- my feed -------------------------------------------------------------------------------


@login_required
@require_GET
def feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "sources")
    built = build_feed(request.user, scope)
    page = Paginator(built.items, FEED_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "feed": built,
        "page": page,
        "items": with_entries(request.user, list(page.object_list)),
        "scopes": SCOPES,
        "scope": built.scope,
        "has_sources": request.user.literature_sources.exists(),
        "nav_section": NAV_SECTION,
        "literature_tab": "feed",
    }
    return render(request, "literature/feed.html", context)


# -- search --------------------------------------------------------------------------------


@login_required
@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    form.is_valid()
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    page_number = min(page_number, 10_000)
    results = None
    if request.GET:
        results = search_library(
            form.query(),
            form.filters(),
            request.user,
            limit=SEARCH_PAGE_SIZE,
            offset=(page_number - 1) * SEARCH_PAGE_SIZE,
        )
    context = {
        "form": form,
        "results": results,
        "page_number": page_number,
        "nav_section": NAV_SECTION,
        "literature_tab": "search",
    }
    return render(request, "literature/search.html", context)


# -- interests -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def interest_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    interests = list(Interest.objects.for_user(request.user))
    form = InterestForm(request.POST or None, instance=Interest(owner=request.user))
    if request.method == "POST":
        if len(interests) >= MAX_INTERESTS:
            form.add_error(None, f"You have {MAX_INTERESTS} interests; remove one first.")
        elif form.is_valid():
            interest = form.save()
            messages.success(request, f"Added the interest “{interest.label}”.")
            return redirect("literature:interest_list")
    context = {
        "interests": interests,
        "form": form,
        "nav_section": NAV_SECTION,
        "literature_tab": "interests",
    }
    return render(request, "literature/interest_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def interest_edit(request: AuthenticatedHttpRequest, interest_id: int) -> HttpResponse:
    interest = _get_interest_for_user(request, interest_id)
    form = InterestForm(request.POST or None, instance=interest)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved the interest “{interest.label}”.")
        return redirect("literature:interest_list")
    context = {
        "interest": interest,
        "form": form,
        "nav_section": NAV_SECTION,
        "literature_tab": "interests",
    }
    return render(request, "literature/interest_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def interest_delete(request: AuthenticatedHttpRequest, interest_id: int) -> HttpResponse:
    interest = _get_interest_for_user(request, interest_id)
    if request.method == "POST":
        interest.delete()
        messages.success(request, f"Removed the interest “{interest.label}”.")
        return redirect("literature:interest_list")
    context = {"interest": interest, "nav_section": NAV_SECTION, "literature_tab": "interests"}
    return render(request, "literature/interest_confirm_delete.html", context)


# -- reading list --------------------------------------------------------------------------


@login_required
@require_GET
def reading_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    entries = ReadingListEntry.objects.for_user(request.user).select_related("article")
    filters = ReadingFilterForm(request.GET)
    if filters.is_valid():
        if status := filters.cleaned_data["status"]:
            entries = entries.filter(status=status)
        if applied := filters.cleaned_data["applied"]:
            entries = entries.filter(applied_in_practice=applied == "yes")
    page = Paginator(entries, READING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "counts": status_counts(request.user),
        "status_choices": ReadingListEntry.Status.choices,
        "export_formats": [("ris", "RIS"), ("bibtex", "BibTeX"), ("csl-json", "CSL-JSON")],
        "nav_section": NAV_SECTION,
        "literature_tab": "reading",
    }
    return render(request, "literature/reading_list.html", context)


@login_required
@require_POST
def reading_save(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save an article (by id, from the feed, search or digest) to the reading list."""
    try:
        article_id = int(request.POST.get("article", ""))
    except ValueError:
        article_id = 0
    article = _get_current_article(article_id)
    _, created = save_article(request.user, article)
    if created:
        messages.success(request, f"Saved “{article.title}” to your reading list.")
    else:
        messages.info(request, f"“{article.title}” is already on your reading list.")
    return HttpResponseRedirect(_next_url(request, reverse("literature:reading_list")))


@login_required
@require_http_methods(["GET", "POST"])
def reading_entry(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    entry = _get_entry_for_user(request, entry_id)
    form = ReadingEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved your notes on “{entry.article.title}”.")
        return redirect("literature:reading_list")
    context = {
        "entry": entry,
        "article": entry.article,
        "form": form,
        "nav_section": NAV_SECTION,
        "literature_tab": "reading",
    }
    return render(request, "literature/reading_entry.html", context)


@login_required
@require_POST
def reading_status(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    entry = _get_entry_for_user(request, entry_id)
    form = ReadingStatusForm(request.POST)
    if form.is_valid():
        entry.status = form.cleaned_data["status"]
        entry.save(update_fields=["status", "updated_at"])
        messages.success(
            request, f"Marked “{entry.article.title}” as {entry.get_status_display().lower()}."
        )
    else:
        messages.error(request, "Choose to read, reading or read.")
    return HttpResponseRedirect(_next_url(request, reverse("literature:reading_list")))


@login_required
@require_http_methods(["GET", "POST"])
def reading_remove(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    entry = _get_entry_for_user(request, entry_id)
    if request.method == "POST":
        entry.delete()
        messages.success(request, f"Removed “{entry.article.title}” from your reading list.")
        return redirect("literature:reading_list")
    context = {"entry": entry, "nav_section": NAV_SECTION, "literature_tab": "reading"}
    return render(request, "literature/reading_confirm_remove.html", context)


# -- the weekly digest ---------------------------------------------------------------------


@login_required
@require_GET
def digest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """This week's digest, as the email has it (or will have it on the next run)."""
    built = digests.build_digest(request.user)
    context = {
        "digest": built,
        "items": with_entries(request.user, built.items),
        "delivery": digests.delivery_for(request.user, built.iso_week),
        "wants_email": digests.wants_digest(request.user),
        "nav_section": NAV_SECTION,
        "literature_tab": "digest",
    }
    return render(request, "literature/digest.html", context)
