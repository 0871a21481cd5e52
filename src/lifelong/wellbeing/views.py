"""Well-being pages. Everything here is private to the signed-in user: every object reached
by id goes through an owner-scoped query (a 404 for anyone else)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from lifelong.accounts.models import User
from lifelong.api.common import today_for
from lifelong.wellbeing import charts, services
from lifelong.wellbeing.checkin import QUESTIONS
from lifelong.wellbeing.forms import (
    CareItemForm,
    CheckInForm,
    CommitmentForm,
    InstrumentForm,
    TimeOffForm,
    WellbeingSettingsForm,
    WorkloadForm,
)
from lifelong.wellbeing.instruments import all_instruments, get_instrument
from lifelong.wellbeing.models import (
    CareItem,
    CareTick,
    Commitment,
    InstrumentResult,
    TimeOff,
    WellbeingSettings,
    WorkloadWeek,
)

NAV_SECTION = "wellbeing"


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _render(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    return render(request, f"wellbeing/{template}", {"nav_section": NAV_SECTION, **context})


def _instrument_chart(snapshot: services.Snapshot, instrument_id: str) -> charts.LineChart | None:
    definition = snapshot.instruments.get(instrument_id)
    results = snapshot.results_of(instrument_id)
    if definition is None or not results:
        return None
    first = definition.subscales[0]
    low, high = definition.subscale_range(first)
    bands = [
        (band.lower, following.lower if following else high, band.id)
        for band, following in zip(first.bands, [*first.bands[1:], None], strict=True)
    ]
    series = [
        (
            f"series-{index}",
            subscale.name,
            [
                (result.taken_on, float(entry["score"]))
                for result in results
                if (entry := result.score_of(subscale.id)) and entry.get("score") is not None
            ],
        )
        for index, subscale in enumerate(definition.subscales)
    ]
    return charts.line_chart(f"{definition.short_name} over time", series, low, high, bands)


def _checkin_chart(snapshot: services.Snapshot) -> charts.LineChart | None:
    if not snapshot.checkins:
        return None
    return charts.line_chart(
        "Quick check-ins over time (100 is the best state)",
        [("series-0", "Check-in", [(c.taken_on, c.score) for c in snapshot.checkins])],
        0,
        100,
    )


@login_required
@require_http_methods(["GET"])
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    snapshot = services.gather(request.user)
    latest = [
        (definition, snapshot.latest(definition.id)) for definition in snapshot.instruments.values()
    ]
    return _render(
        request,
        "overview.html",
        {
            "snapshot": snapshot,
            "index": services.resilience_for(snapshot),
            "alerts": services.alerts_for(snapshot),
            "options": services.options_for(snapshot, request.user),
            "due": services.due_checks(snapshot),
            "reviews": services.due_reviews(snapshot),
            "latest": latest,
            "charts": [
                chart
                for chart in (
                    _checkin_chart(snapshot),
                    *(_instrument_chart(snapshot, key) for key in snapshot.instruments),
                )
                if chart is not None
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def take(request: AuthenticatedHttpRequest, instrument_id: str) -> HttpResponse:
    definition = get_instrument(instrument_id)
    if definition is None:
        raise Http404("No such instrument.")
    today = today_for(request.user)
    form = InstrumentForm(definition, today, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            result = services.record_result(
                request.user, definition, form.answers(), form.cleaned_data["taken_on"]
            )
        messages.success(request, f"Your {definition.short_name} is saved. Only you can see it.")
        return redirect("wellbeing:result", result_id=result.pk)
    return _render(request, "take.html", {"definition": definition, "form": form})


@login_required
@require_http_methods(["GET"])
def result_detail(request: AuthenticatedHttpRequest, result_id: int) -> HttpResponse:
    result = get_object_or_404(InstrumentResult.objects.for_user(request.user), pk=result_id)
    definition = get_instrument(result.instrument)
    subscales = {sub.id: sub for sub in definition.subscales} if definition else {}
    rows = [(entry, subscales.get(entry["subscale"])) for entry in result.scores]
    return _render(
        request, "result.html", {"result": result, "definition": definition, "rows": rows}
    )


@login_required
@require_http_methods(["GET", "POST"])
def result_delete(request: AuthenticatedHttpRequest, result_id: int) -> HttpResponse:
    result = get_object_or_404(InstrumentResult.objects.for_user(request.user), pk=result_id)
    if request.method == "POST":
        result.delete()
        messages.success(request, "The result is deleted.")
        return redirect("wellbeing:overview")
    return _render(request, "result_confirm_delete.html", {"result": result})


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = today_for(request.user)
    form = CheckInForm(today, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = services.record_checkin(
                request.user, form.cleaned_data["taken_on"], form.answers()
            )
        messages.success(request, f"Check-in saved: {saved.score:g} out of 100.")
        return redirect("wellbeing:overview")
    return _render(request, "checkin.html", {"form": form, "questions": QUESTIONS})


@login_required
@require_http_methods(["GET", "POST"])
def today(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The daily builders and drainers checklist for one day (today by default)."""
    day = today_for(request.user)
    chosen = request.GET.get("day") or request.POST.get("day")
    if chosen:
        try:
            picked = date.fromisoformat(chosen)
        except ValueError:
            picked = day
        if day - timedelta(days=31) <= picked <= day:
            day = picked
    active = list(CareItem.objects.for_user(request.user).filter(archived=False))
    if request.method == "POST":
        wanted = {int(value) for value in request.POST.getlist("ticked") if value.isdigit()}
        ids = {item.pk for item in active}
        with transaction.atomic():
            CareTick.objects.for_user(request.user).filter(day=day, item_id__in=ids).exclude(
                item_id__in=wanted
            ).delete()
            existing = set(
                CareTick.objects.for_user(request.user)
                .filter(day=day)
                .values_list("item_id", flat=True)
            )
            CareTick.objects.bulk_create(
                [
                    CareTick(user=request.user, item_id=item_id, day=day)
                    for item_id in sorted((wanted & ids) - existing)
                ],
                ignore_conflicts=True,
            )
        messages.success(request, f"Saved your checklist for {day.isoformat()}.")
        return redirect(f"{request.path}?day={day.isoformat()}")
    ticked = set(
        CareTick.objects.for_user(request.user).filter(day=day).values_list("item_id", flat=True)
    )
    return _render(
        request,
        "today.html",
        {
            "day": day,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1) if day < today_for(request.user) else None,
            "builders": [item for item in active if item.kind == CareItem.Kind.BUILDER],
            "drainers": [item for item in active if item.kind == CareItem.Kind.DRAINER],
            "ticked": ticked,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def items(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CareItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.user = request.user
        item.save()
        messages.success(request, f"Added “{item.label}”.")
        return redirect("wellbeing:items")
    return _render(
        request,
        "items.html",
        {"form": form, "items": list(CareItem.objects.for_user(request.user))},
    )


@login_required
@require_POST
def item_archive(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(CareItem.objects.for_user(request.user), pk=item_id)
    item.archived = not item.archived
    item.save(update_fields=["archived"])
    messages.success(
        request, f"“{item.label}” is {'off' if item.archived else 'back on'} your checklist."
    )
    return redirect("wellbeing:items")


@login_required
@require_http_methods(["GET", "POST"])
def time_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TimeOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        leave = form.save(commit=False)
        leave.user = request.user
        leave.save()
        messages.success(request, "Time off saved.")
        return redirect("wellbeing:time_off")
    snapshot = services.gather(request.user)
    return _render(request, "time_off.html", {"form": form, "snapshot": snapshot})


@login_required
@require_POST
def time_off_delete(request: AuthenticatedHttpRequest, leave_id: int) -> HttpResponse:
    leave = get_object_or_404(TimeOff.objects.for_user(request.user), pk=leave_id)
    leave.delete()
    messages.success(request, "Time off removed.")
    return redirect("wellbeing:time_off")


@login_required
@require_http_methods(["GET", "POST"])
def workload(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = today_for(request.user)
    form = WorkloadForm(today, request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        with transaction.atomic():
            WorkloadWeek.objects.update_or_create(
                user=request.user, week_start=form.week_start(), defaults=values
            )
            services.deliver_alerts(request.user)
        messages.success(request, f"Saved the week of {form.week_start().isoformat()}.")
        return redirect("wellbeing:workload")
    settings = WellbeingSettings.for_user(request.user)
    weeks = list(WorkloadWeek.objects.for_user(request.user).order_by("-week_start")[:26])
    return _render(request, "workload.html", {"form": form, "weeks": weeks, "settings": settings})


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = today_for(request.user)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        commitment = form.save(commit=False)
        with transaction.atomic():
            commitment.user = request.user
            commitment.builder = CareItem.objects.create(
                user=request.user, kind=CareItem.Kind.BUILDER, label=commitment.text
            )
            commitment.next_review_on = today + timedelta(days=commitment.review_every_days)
            commitment.save()
        messages.success(request, "Added to your plan and to your daily builders.")
        return redirect("wellbeing:plan")
    commitments = list(Commitment.objects.for_user(request.user).select_related("builder"))
    return _render(request, "plan.html", {"form": form, "commitments": commitments, "today": today})


@login_required
@require_POST
def plan_review(request: AuthenticatedHttpRequest, commitment_id: int) -> HttpResponse:
    commitment = get_object_or_404(Commitment.objects.for_user(request.user), pk=commitment_id)
    commitment.mark_reviewed(today_for(request.user))
    commitment.save(update_fields=["last_reviewed_on", "next_review_on"])
    messages.success(request, f"Reviewed. Next review on {commitment.next_review_on.isoformat()}.")
    return redirect("wellbeing:plan")


@login_required
@require_POST
def plan_delete(request: AuthenticatedHttpRequest, commitment_id: int) -> HttpResponse:
    commitment = get_object_or_404(Commitment.objects.for_user(request.user), pk=commitment_id)
    with transaction.atomic():
        if commitment.builder_id:
            CareItem.objects.for_user(request.user).filter(pk=commitment.builder_id).update(
                archived=True
            )
        commitment.delete()
    messages.success(request, "Removed from your plan (its checklist history is kept).")
    return redirect("wellbeing:plan")


@login_required
@require_http_methods(["GET"])
def support(request: AuthenticatedHttpRequest) -> HttpResponse:
    snapshot = services.gather(request.user)
    return _render(
        request,
        "support.html",
        {
            "alerts": services.alerts_for(snapshot),
            "options": services.options_for(snapshot, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = WellbeingSettings.for_user(request.user)
    form = WellbeingSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:  # saved twice at once: the other request created the row
            WellbeingSettings.objects.filter(user=request.user).update(
                **{name: form.cleaned_data[name] for name in form.Meta.fields}
            )
        messages.success(request, "Well-being settings saved.")
        return redirect("wellbeing:settings")
    return _render(
        request, "settings.html", {"form": form, "instruments": all_instruments().values()}
    )
