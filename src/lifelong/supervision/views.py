"""Supervised experience pages: the associate's log and progress, supervisors and invitations,
the supervisor's review and sign-off, and the verification of the signed history."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lifelong.accounts.models import User
from lifelong.api.common import today_for
from lifelong.rules.experience import CATEGORY_LABELS
from lifelong.supervision import services
from lifelong.supervision.chain import entries_fingerprint
from lifelong.supervision.forms import (
    AgreementForm,
    InviteForm,
    LogEntryForm,
    ReturnForm,
    TrackForm,
)
from lifelong.supervision.models import LogEntry, PeriodLocked, SignOffPeriod, Supervision

NAV_SECTION = "supervision"
ENTRIES_SHOWN = 200


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _own_supervision(request: AuthenticatedHttpRequest, supervision_id: int) -> Supervision:
    """A supervision of the signed-in associate (404 for anyone else)."""
    return get_object_or_404(
        Supervision.objects.for_supervisee(request.user).select_related("supervisor"),
        pk=supervision_id,
    )


def _supervised(request: AuthenticatedHttpRequest, supervision_id: int) -> Supervision:
    """A supervision the signed-in user accepted as supervisor (404 for anyone else)."""
    return get_object_or_404(
        Supervision.objects.for_supervisor(request.user).select_related("supervisee"),
        pk=supervision_id,
    )


def _own_entry(request: AuthenticatedHttpRequest, entry_id: int) -> LogEntry:
    return get_object_or_404(
        LogEntry.objects.for_user(request.user).select_related("supervision"), pk=entry_id
    )


def _periods_with_entries(
    supervisions: list[Supervision], entries: list[LogEntry], periods: list[SignOffPeriod]
) -> list[dict[str, Any]]:
    """Entries grouped by sign-off period (newest first), each with its stored period row."""
    by_key: dict[tuple[int, date], dict[str, Any]] = {}
    stored = {(period.supervision_id, period.starts_on): period for period in periods}
    supervision_by_id = {supervision.pk: supervision for supervision in supervisions}
    for entry in entries:
        supervision = supervision_by_id[entry.supervision_id]
        starts_on, ends_on = supervision.period_bounds(entry.worked_on)
        group = by_key.setdefault(
            (supervision.pk, starts_on),
            {
                "supervision": supervision,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "period": stored.get((supervision.pk, starts_on)),
                "entries": [],
                "hours": 0,
            },
        )
        group["entries"].append(entry)
        group["hours"] += entry.hours
    return sorted(
        by_key.values(),
        key=lambda group: (group["starts_on"], group["supervision"].pk),
        reverse=True,
    )


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    supervisions = list(Supervision.objects.for_supervisee(user).select_related("supervisor"))
    entries = list(LogEntry.objects.for_user(user).order_by("-worked_on", "-pk")[:ENTRIES_SHOWN])
    periods = list(SignOffPeriod.objects.filter(supervisee=user))
    progress = services.progress(user)
    track = TrackForm(initial={"ruleset_id": progress.ruleset.id} if progress else None)
    return render(
        request,
        "supervision/overview.html",
        {
            "nav_section": NAV_SECTION,
            "progress": progress,
            "track_form": track,
            "supervisions": supervisions,
            "has_active": any(s.status == Supervision.Status.ACTIVE for s in supervisions),
            "groups": _periods_with_entries(supervisions, entries, periods),
            "entries_capped": len(entries) == ENTRIES_SHOWN,
            "entries_shown": ENTRIES_SHOWN,
            "invitations": list(
                Supervision.objects.invitations_for(user).select_related("supervisee")
            ),
            "supervising_count": Supervision.objects.for_supervisor(user)
            .filter(status=Supervision.Status.ACTIVE)
            .count(),
            "category_labels": CATEGORY_LABELS,
            "today": today_for(user),
        },
    )


@login_required
@require_POST
def track(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TrackForm(request.POST)
    if form.is_valid():
        services.set_track(request.user, form.cleaned_data["ruleset_id"])
        messages.success(request, "Your experience rule set is saved.")
    else:
        messages.error(request, "Choose an experience rule set from the list.")
    return redirect("supervision:overview")


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, initial={"started_on": today_for(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_supervisor(request.user, **form.cleaned_data)
        except services.SupervisionError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                f"Invitation sent to {form.cleaned_data['email']}. Once they accept, you can "
                "log hours under their supervision.",
            )
            return redirect("supervision:overview")
    return render(request, "supervision/invite.html", {"form": form, "nav_section": NAV_SECTION})


@login_required
@require_POST
def invitation_respond(request: AuthenticatedHttpRequest, supervision_id: int) -> HttpResponse:
    supervision = get_object_or_404(
        Supervision.objects.invitations_for(request.user).select_related("supervisee"),
        pk=supervision_id,
    )
    accept = request.POST.get("answer") == "accept"
    try:
        services.respond_to_invitation(supervision, request.user, accept=accept)
    except services.SupervisionError as error:
        messages.error(request, str(error))
        return redirect("supervision:overview")
    if accept:
        messages.success(request, "You are now their supervisor.")
        return redirect("supervision:supervisee_detail", supervision.pk)
    messages.success(request, "Invitation declined.")
    return redirect("supervision:overview")


@login_required
@require_POST
def supervision_end(request: AuthenticatedHttpRequest, supervision_id: int) -> HttpResponse:
    supervision = get_object_or_404(
        Supervision.objects.filter(
            Q(supervisee=request.user)
            | Q(supervisor=request.user, status=Supervision.Status.ACTIVE)
        ),
        pk=supervision_id,
    )
    services.end_supervision(supervision, today_for(request.user))
    messages.success(request, "The supervision has ended. Signed periods stay as they are.")
    if supervision.supervisee_id == request.user.pk:
        return redirect("supervision:overview")
    return redirect("supervision:supervisee_list")


@login_required
@require_POST
def agreement_upload(request: AuthenticatedHttpRequest, supervision_id: int) -> HttpResponse:
    supervision = _own_supervision(request, supervision_id)
    form = AgreementForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose the agreement file to upload.")
        return redirect("supervision:overview")
    try:
        services.store_agreement(supervision, form.cleaned_data["agreement"])
    except services.SupervisionError as error:
        messages.error(request, f"The agreement was not saved: {error}")
    else:
        messages.success(request, "The signed supervision agreement is saved.")
    return redirect("supervision:overview")


@login_required
@require_GET
def agreement_download(request: AuthenticatedHttpRequest, supervision_id: int) -> HttpResponseBase:
    supervision = get_object_or_404(
        Supervision.objects.filter(
            Q(supervisee=request.user)
            | Q(
                supervisor=request.user,
                status__in=[Supervision.Status.ACTIVE, Supervision.Status.ENDED],
            )
        ),
        pk=supervision_id,
    )
    if not supervision.agreement:
        raise Http404("No agreement was uploaded.")
    try:
        handle = supervision.agreement.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The stored agreement is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=supervision.agreement_name or "agreement",
        content_type=supervision.agreement_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _entry_form(request: AuthenticatedHttpRequest, entry: LogEntry | None) -> HttpResponse:
    today = today_for(request.user)
    instance = entry or LogEntry(owner=request.user)
    form = LogEntryForm(
        request.POST or None,
        instance=instance,
        user=request.user,
        today=today,
        initial=None if entry else {"worked_on": today},
    )
    if entry is not None and entry.supervision.is_locked_on(entry.worked_on):
        messages.error(request, "This entry is in a signed period: it cannot change.")
        return redirect("supervision:overview")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_entry(form.save(commit=False))
        except (services.SupervisionError, PeriodLocked) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Hours saved.")
            if "add_another" in request.POST:
                return redirect("supervision:entry_add")
            return redirect("supervision:overview")
    return render(
        request,
        "supervision/entry_form.html",
        {"form": form, "entry": entry, "nav_section": NAV_SECTION},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _entry_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    return _entry_form(request, _own_entry(request, entry_id))


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    entry = _own_entry(request, entry_id)
    if request.method == "POST":
        try:
            services.delete_entry(entry)
        except PeriodLocked as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Entry deleted.")
        return redirect("supervision:overview")
    return render(
        request,
        "supervision/entry_confirm_delete.html",
        {"entry": entry, "nav_section": NAV_SECTION},
    )


@login_required
@require_POST
def period_request(request: AuthenticatedHttpRequest, supervision_id: int) -> HttpResponse:
    supervision = _own_supervision(request, supervision_id)
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, "Choose a period to send.")
        return redirect("supervision:overview")
    try:
        services.request_sign_off(supervision, day, today_for(request.user))
    except services.SupervisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{supervision.supervisor_label} is asked to sign this period.")
    return redirect("supervision:overview")


@login_required
@require_GET
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    report = services.verify_history(request.user)
    periods = SignOffPeriod.objects.filter(
        supervisee=request.user, sequence__isnull=False
    ).order_by("sequence")
    return render(
        request,
        "supervision/history.html",
        {"report": report, "periods": periods, "nav_section": NAV_SECTION},
    )


# Supervisor side ----------------------------------------------------------------------------


@login_required
@require_GET
def supervisee_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    supervisions = list(
        Supervision.objects.for_supervisor(request.user).select_related("supervisee")
    )
    waiting: dict[int, int] = defaultdict(int)
    for supervision_id in SignOffPeriod.objects.filter(
        supervision__in=supervisions, status=SignOffPeriod.Status.REQUESTED
    ).values_list("supervision_id", flat=True):
        waiting[supervision_id] += 1
    rows = [(supervision, waiting[supervision.pk]) for supervision in supervisions]
    return render(
        request,
        "supervision/supervisee_list.html",
        {"rows": rows, "nav_section": NAV_SECTION},
    )


@login_required
@require_GET
def supervisee_detail(request: AuthenticatedHttpRequest, supervision_id: int) -> HttpResponse:
    """What the supervisor sees: this supervision's entries and periods, nothing else."""
    supervision = _supervised(request, supervision_id)
    entries = list(supervision.entries.order_by("-worked_on", "-pk")[:ENTRIES_SHOWN])
    periods = list(supervision.periods.all())
    groups = _periods_with_entries([supervision], entries, periods)
    for group in groups:
        period = group["period"]
        if period is not None and period.status == SignOffPeriod.Status.REQUESTED:
            group["fingerprint"] = entries_fingerprint(
                [entry.to_signed() for entry in group["entries"]]
            )
            group["return_form"] = ReturnForm(prefix=f"period-{period.pk}")
    return render(
        request,
        "supervision/supervisee_detail.html",
        {
            "supervision": supervision,
            "groups": groups,
            "entries_capped": len(entries) == ENTRIES_SHOWN,
            "entries_shown": ENTRIES_SHOWN,
            "nav_section": NAV_SECTION,
        },
    )


def _period_for_supervisor(request: AuthenticatedHttpRequest, period_id: int) -> SignOffPeriod:
    return get_object_or_404(
        SignOffPeriod.objects.filter(
            supervision__supervisor=request.user,
            supervision__status__in=[Supervision.Status.ACTIVE, Supervision.Status.ENDED],
        ).select_related("supervision", "supervisee"),
        pk=period_id,
    )


@login_required
@require_POST
def period_sign(request: AuthenticatedHttpRequest, period_id: int) -> HttpResponse:
    period = _period_for_supervisor(request, period_id)
    try:
        services.sign_period(period, request.user, request.POST.get("fingerprint", ""))
    except services.SupervisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Signed. The period is locked.")
    return redirect("supervision:supervisee_detail", period.supervision_id)


@login_required
@require_POST
def period_return(request: AuthenticatedHttpRequest, period_id: int) -> HttpResponse:
    period = _period_for_supervisor(request, period_id)
    form = ReturnForm(request.POST, prefix=f"period-{period.pk}")
    if not form.is_valid():
        messages.error(request, "Say what should change (at most 1,000 characters).")
    else:
        try:
            services.return_period(period, request.user, form.cleaned_data["note"])
        except services.SupervisionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Returned to the associate with your note.")
    return redirect("supervision:supervisee_detail", period.supervision_id)
