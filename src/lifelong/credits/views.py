"""The CE ledger pages: the activity list, add/edit/delete, CSV import and export."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lifelong.accounts.models import User
from lifelong.credits.activity_csv import ActivityCsvError, CsvProblem, write_activities_csv
from lifelong.credits.forms import (
    APPROVAL_CHOICES,
    TOPIC_CHOICES,
    ActivityFilterForm,
    ActivityForm,
    ActivityImportForm,
)
from lifelong.credits.models import KIND_CHOICES, Activity
from lifelong.credits.services import ImportResult, import_activities

ACTIVITIES_PER_PAGE = 50
MAX_PROBLEMS_SHOWN = 200
NAV_SECTION = "activities"

TEMPLATE_CSV = (
    "title,provider,completed_on,hours,format,kind,topics,approvals\r\n"
    "Law and ethics for MFTs,CAMFT,2025-03-14,6,live-online,course,law-and-ethics,aamft\r\n"
    '"Trauma-focused CBT, part 1",Example Institute,2025-05-02,3,self-study,course,'
    "trauma=2;clinical-practice,apa;nbcc:6361\r\n"
)


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _get_activity_for_user(request: AuthenticatedHttpRequest, activity_id: int) -> Activity:
    return get_object_or_404(Activity.objects.for_user(request.user), pk=activity_id)


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def activity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    activities = Activity.objects.for_user(request.user)
    filters = ActivityFilterForm(request.GET, years=activities.years())
    filtered = filters.filter(activities)
    page = Paginator(filtered, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "totals": filtered.totals_by_unit(),
        "nav_section": NAV_SECTION,
    }
    return render(request, "credits/activity_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, instance=Activity(user=request.user))
    if request.method == "POST" and form.is_valid():
        activity = form.save()
        messages.success(request, f"Added “{activity.title}”.")
        if "add_another" in request.POST:
            return redirect("credits:activity_add")
        return redirect("credits:activity_list")
    return render(request, "credits/activity_form.html", {"form": form, "nav_section": NAV_SECTION})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: AuthenticatedHttpRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity_for_user(request, activity_id)
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved “{activity.title}”.")
        return redirect("credits:activity_list")
    context = {"form": form, "activity": activity, "nav_section": NAV_SECTION}
    return render(request, "credits/activity_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request: AuthenticatedHttpRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity_for_user(request, activity_id)
    if request.method == "POST":
        activity.delete()
        messages.success(request, f"Deleted “{activity.title}”.")
        return redirect("credits:activity_list")
    context = {"activity": activity, "nav_section": NAV_SECTION}
    return render(request, "credits/activity_confirm_delete.html", context)


def _import_message(result: ImportResult) -> str:
    same = "(same title, provider, date and hours)"
    if not result.imported:
        if result.skipped_duplicates == 1:
            return (
                f"Nothing new to import: the activity in the file is already in your ledger {same}."
            )
        return (
            f"Nothing new to import: the {result.skipped_duplicates} activities in the file are "
            f"already in your ledger {same}."
        )
    message = f"Imported {result.imported} activit{'y' if result.imported == 1 else 'ies'}."
    if result.skipped_duplicates:
        message += f" Skipped {result.skipped_duplicates} already in your ledger {same}."
    return message


@login_required
@require_http_methods(["GET", "POST"])
def activity_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ActivityImportForm(request.POST or None, request.FILES or None)
    problems: list[CsvProblem] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_activities(
                request.user, form.cleaned_data["file"], today=timezone.localdate()
            )
        except ActivityCsvError as error:
            problems = error.problems
        else:
            messages.success(request, _import_message(result))
            return redirect("credits:activity_list")
    context = {
        "form": form,
        "problems": problems[:MAX_PROBLEMS_SHOWN],
        "problem_count": len(problems),
        "max_bytes": settings.LIFELONG_CSV_MAX_BYTES,
        "example_csv": TEMPLATE_CSV.replace("\r\n", "\n"),
        "kinds": KIND_CHOICES,
        "topics": TOPIC_CHOICES,
        "approval_bodies": APPROVAL_CHOICES,
        "nav_section": NAV_SECTION,
    }
    return render(request, "credits/activity_import.html", context)


@login_required
@require_GET
def activity_csv_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _csv_response(TEMPLATE_CSV, "lifelong-activities-template.csv")


@login_required
@require_GET
def activity_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every activity of the user, or those the list's filters select, oldest first."""
    activities = Activity.objects.for_user(request.user)
    filters = ActivityFilterForm(request.GET, years=activities.years())
    selected = filters.filter(activities).order_by("completed_on", "pk")
    text = write_activities_csv(activity.to_rules() for activity in selected.iterator())
    return _csv_response(text, f"lifelong-activities-{timezone.localdate():%Y-%m-%d}.csv")
