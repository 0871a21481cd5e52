"""The CE ledger pages: the activity list, add/edit/delete, CSV import and export; planned
activities (list, add/edit/delete, "I completed this")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lifelong.accounts.models import User
from lifelong.credits import planning
from lifelong.credits.activity_csv import ActivityCsvError, CsvProblem, write_activities_csv
from lifelong.credits.certificate_services import (
    UploadResult,
    activity_initial,
    create_activity,
    delete_certificate,
    link_certificate,
    stored_reading,
    unlink_certificate,
    upload_certificates,
)
from lifelong.credits.certificates.reader import CertificateReading, confidence_label
from lifelong.credits.forms import (
    APPROVAL_CHOICES,
    TOPIC_CHOICES,
    ActivityFilterForm,
    ActivityForm,
    ActivityImportForm,
    CertificateActivityForm,
    CertificateLinkForm,
    CertificateUploadForm,
    PlannedActivityForm,
)
from lifelong.credits.models import KIND_CHOICES, Activity, Certificate, PlannedActivity
from lifelong.credits.services import ImportResult, import_activities
from lifelong.rules.vocabulary import APPROVAL_LABELS, FORMAT_LABELS, KIND_LABELS, topic_label

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


# --------------------------------------------------------------------------------------------
# Planning: planned activities, the projection, and "I completed this"
# --------------------------------------------------------------------------------------------

# Plans completed in this session (plan id -> activity id), so that a form sent again after
# its plan became an activity says so instead of "not found".
COMPLETED_PLANS_KEY = "credits_completed_plans"
COMPLETED_PLANS_REMEMBERED = 20


def _get_plan_for_user(request: AuthenticatedHttpRequest, plan_id: int) -> PlannedActivity:
    return get_object_or_404(PlannedActivity.objects.for_user(request.user), pk=plan_id)


@login_required
@require_GET
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    plans = list(PlannedActivity.objects.for_user(request.user))
    statuses = planning.license_statuses_with_projections(
        request.user, today, plans=[plan.to_rules() for plan in plans]
    )
    context = {
        "plans": plans,
        "statuses": statuses,
        "today": today,
        "overdue_count": sum(plan.is_overdue(today) for plan in plans),
        "nav_section": NAV_SECTION,
    }
    return render(request, "credits/plan_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PlannedActivityForm(request.POST or None, instance=PlannedActivity(user=request.user))
    if request.method == "POST" and form.is_valid():
        plan = form.save()
        messages.success(request, f"Planned “{plan.title}”.")
        if "add_another" in request.POST:
            return redirect("credits:plan_add")
        return redirect("credits:plan_list")
    return render(request, "credits/plan_form.html", {"form": form, "nav_section": NAV_SECTION})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    form = PlannedActivityForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved “{plan.title}”.")
        return redirect("credits:plan_list")
    context = {"form": form, "plan": plan, "nav_section": NAV_SECTION}
    return render(request, "credits/plan_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_delete(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    if request.method == "POST":
        plan.delete()
        messages.success(request, f"Deleted the plan “{plan.title}”.")
        return redirect("credits:plan_list")
    context = {"plan": plan, "nav_section": NAV_SECTION}
    return render(request, "credits/plan_confirm_delete.html", context)


def _already_completed(request: AuthenticatedHttpRequest) -> HttpResponse:
    messages.info(
        request,
        "This plan was already recorded as a completed activity (a form sent twice adds it once).",
    )
    return redirect("credits:activity_list")


@login_required
@require_http_methods(["GET", "POST"])
def plan_complete(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """The activity form, prefilled from the plan; saving it adds the activity and removes the
    plan in one transaction."""
    plan = PlannedActivity.objects.for_user(request.user).filter(pk=plan_id).first()
    if plan is None:
        if str(plan_id) in request.session.get(COMPLETED_PLANS_KEY, {}):
            return _already_completed(request)
        raise Http404("No such plan.")
    today = timezone.localdate()
    if request.method == "POST":
        form = ActivityForm(request.POST, instance=Activity(user=request.user))
        if form.is_valid():
            try:
                activity = planning.complete_plan(plan, form.save)
            except planning.PlanAlreadyCompleted:
                return _already_completed(request)
            completed = dict(request.session.get(COMPLETED_PLANS_KEY, {}))
            completed[str(plan_id)] = activity.pk
            request.session[COMPLETED_PLANS_KEY] = dict(
                list(completed.items())[-COMPLETED_PLANS_REMEMBERED:]
            )
            messages.success(
                request,
                f"Recorded “{activity.title}” as completed; it now counts toward your licenses.",
            )
            return redirect("licensure:dashboard")
    else:
        form = ActivityForm(
            initial=plan.activity_initial(today), instance=Activity(user=request.user)
        )
    context = {
        "form": form,
        "plan": plan,
        "overdue": plan.is_overdue(today),
        "nav_section": NAV_SECTION,
    }
    return render(request, "credits/plan_complete.html", context)


# ---- Certificates: upload, list, detail, download, delete, activity from a certificate ----

CERTIFICATE_NAV_SECTION = "activities"
READING_LABELS = {
    "title": "Title",
    "provider": "Provider",
    "participant": "Issued to",
    "completed_on": "Completed on",
    "hours": "Hours",
    "unit": "Unit",
    "format": "Format",
    "kind": "Kind",
    "approvals": "Approved by",
    "topics": "Topics",
}


def _get_certificate_for_user(
    request: AuthenticatedHttpRequest, certificate_id: int
) -> Certificate:
    return get_object_or_404(Certificate.objects.for_user(request.user), pk=certificate_id)


def _reading_rows(reading: CertificateReading | None) -> list[dict[str, Any]]:
    """What was read, as rows for a table: field, value in words, how sure, evidence."""
    if reading is None:
        return []
    rows = []
    for name, label in READING_LABELS.items():
        found = getattr(reading, name)
        rows.append(
            {
                "name": name,
                "label": label,
                "value": reading_value_text(name, found.value),
                "confidence": found.confidence,
                "level": confidence_label(found.confidence),
                "evidence": found.evidence,
            }
        )
    return rows


def reading_value_text(name: str, value: Any) -> str:
    if value is None or value == ():
        return ""
    if name == "completed_on":
        return f"{value:%B} {value.day}, {value.year}"
    if name == "hours":
        return f"{value:g}"
    if name == "format":
        return str(FORMAT_LABELS.get(value, value))
    if name == "kind":
        return str(KIND_LABELS.get(value, value))
    if name == "unit":
        return str(value).replace("-", " ") + "s"
    if name == "approvals":
        return ", ".join(
            f"{APPROVAL_LABELS.get(item.body, item.body)} {item.number}".strip() for item in value
        )
    if name == "topics":
        return ", ".join(
            topic_label(item.slug) + (f" ({item.hours:g} h)" if item.hours is not None else "")
            for item in value
        )
    return str(value)


@login_required
@require_GET
def certificate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    certificates = Certificate.objects.for_user(request.user).prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("-completed_on", "pk"))
    )
    context = {"certificates": certificates, "nav_section": CERTIFICATE_NAV_SECTION}
    return render(request, "credits/certificate_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Several files at once; each is checked, read and stored on its own, and the page says
    what happened to each (stored, already uploaded, or refused and why)."""
    form = (
        CertificateUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else CertificateUploadForm()
    )
    results: list[UploadResult] = []
    if request.method == "POST" and form.is_valid():
        results = upload_certificates(request.user, form.cleaned_data["certificate_files"])
        form = CertificateUploadForm()
    context = {
        "form": form,
        "results": results,
        "stored_count": sum(1 for result in results if result.status == "stored"),
        "max_bytes": settings.LIFELONG_CERTIFICATE_MAX_BYTES,
        "max_files": settings.LIFELONG_CERTIFICATE_MAX_FILES,
        "nav_section": CERTIFICATE_NAV_SECTION,
    }
    return render(request, "credits/certificate_upload.html", context)


def _certificate_detail_context(
    certificate: Certificate, link_form: CertificateLinkForm
) -> dict[str, Any]:
    return {
        "certificate": certificate,
        "activities": list(certificate.activities.order_by("-completed_on", "pk")),
        "reading_rows": _reading_rows(stored_reading(certificate)),
        "link_form": link_form,
        "nav_section": CERTIFICATE_NAV_SECTION,
    }


@login_required
@require_GET
def certificate_detail(request: AuthenticatedHttpRequest, certificate_id: int) -> HttpResponse:
    certificate = _get_certificate_for_user(request, certificate_id)
    context = _certificate_detail_context(certificate, CertificateLinkForm(certificate=certificate))
    return render(request, "credits/certificate_detail.html", context)


@login_required
@require_GET
def certificate_download(
    request: AuthenticatedHttpRequest, certificate_id: int
) -> HttpResponseBase:
    """The stored file, streamed after the owner check; never from a public URL. Images may be
    shown inline (``?inline=1``, for the preview); PDFs always download."""
    certificate = _get_certificate_for_user(request, certificate_id)
    inline = request.GET.get("inline") == "1" and certificate.content_type != "application/pdf"
    try:
        handle = certificate.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The stored file of this certificate is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=certificate.original_name,
        content_type=certificate.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def certificate_delete(request: AuthenticatedHttpRequest, certificate_id: int) -> HttpResponse:
    certificate = _get_certificate_for_user(request, certificate_id)
    if request.method == "POST":
        delete_certificate(certificate)
        messages.success(
            request,
            f"Deleted the certificate “{certificate.original_name}”. Its activities stay in "
            "your ledger.",
        )
        return redirect("credits:certificate_list")
    context = {
        "certificate": certificate,
        "activities": list(certificate.activities.order_by("-completed_on", "pk")),
        "nav_section": CERTIFICATE_NAV_SECTION,
    }
    return render(request, "credits/certificate_confirm_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_activity(request: AuthenticatedHttpRequest, certificate_id: int) -> HttpResponse:
    """The activity form prefilled from the certificate, each field with how sure the reading
    is; the saved activity is backed by the certificate."""
    certificate = _get_certificate_for_user(request, certificate_id)
    reading = stored_reading(certificate)
    form = CertificateActivityForm(
        request.POST or None,
        instance=Activity(user=request.user),
        initial=activity_initial(reading),
        certificate=certificate,
        reading=reading,
    )
    if request.method == "POST" and form.is_valid():
        activity = create_activity(certificate, form.save(commit=False))
        form.save_m2m()
        messages.success(
            request,
            f"Added “{activity.title}”, backed by the certificate “{certificate.original_name}”.",
        )
        return redirect("credits:certificate_list")
    participant = reading.participant if reading is not None else None
    context = {
        "form": form,
        "certificate": certificate,
        "reading": reading,
        "participant": participant,
        "participant_level": confidence_label(participant.confidence) if participant else "",
        "nav_section": CERTIFICATE_NAV_SECTION,
    }
    return render(request, "credits/certificate_activity_form.html", context)


@login_required
@require_POST
def certificate_link(request: AuthenticatedHttpRequest, certificate_id: int) -> HttpResponse:
    """Let the certificate back one more of the user's activities, without uploading again."""
    certificate = _get_certificate_for_user(request, certificate_id)
    form = CertificateLinkForm(request.POST, certificate=certificate)
    if form.is_valid():
        activity: Activity = form.cleaned_data["activity"]
        link_certificate(certificate, activity)
        messages.success(request, f"The certificate now also backs “{activity.title}”.")
        return redirect("credits:certificate_detail", certificate_id=certificate.pk)
    context = _certificate_detail_context(certificate, form)
    return render(request, "credits/certificate_detail.html", context, status=400)


@login_required
@require_POST
def certificate_unlink(
    request: AuthenticatedHttpRequest, certificate_id: int, activity_id: int
) -> HttpResponse:
    certificate = _get_certificate_for_user(request, certificate_id)
    activity = _get_activity_for_user(request, activity_id)
    unlink_certificate(certificate, activity)
    messages.success(request, f"The certificate no longer backs “{activity.title}”.")
    return redirect("credits:certificate_detail", certificate_id=certificate.pk)
