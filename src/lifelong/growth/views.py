"""Growth pages: learning goals (list, add, edit, delete, detail with what counted),
reflections, review cards and the daily review, purpose notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lifelong.accounts.models import User
from lifelong.growth import retention, services
from lifelong.growth.charts import bar_chart
from lifelong.growth.cpd import GAP_MONTHS
from lifelong.growth.cpd import build_pdf as build_cpd_pdf
from lifelong.growth.forms import (
    GoalEntryForm,
    GoalForm,
    PeriodForm,
    PurposeNoteForm,
    ReflectionForm,
    ReviewCardForm,
)
from lifelong.growth.models import (
    CardReview,
    Goal,
    GoalEntry,
    PurposeNote,
    Reflection,
    ReviewCard,
)
from lifelong.growth.prompts import TEMPLATES
from lifelong.growth.yearreview import MONTHS, hours_text
from lifelong.growth.yearreview import build_pdf as build_year_pdf

NAV_SECTION = "growth"
CARDS_PER_PAGE = 50


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _get_goal_for_user(request: AuthenticatedHttpRequest, goal_id: int) -> Goal:
    return get_object_or_404(Goal.objects.for_user(request.user), pk=goal_id)


def _context(tab: str, **values: object) -> dict[str, object]:
    return {"nav_section": NAV_SECTION, "growth_tab": tab, **values}


@login_required
@require_GET
def goal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = services.goals_with_progress(request.user, today=today)
    current = [item for item in items if item.progress.status not in ("met", "missed")]
    finished = [item for item in items if item.progress.status in ("met", "missed")]
    context = _context(
        "goals",
        current=current,
        finished=finished,
        purpose=services.purpose_note_of_the_day(request.user, today),
    )
    return render(request, "growth/goal_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def goal_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    goal = Goal(user=request.user)
    initial = {"starts_on": today, "due_on": services.default_due_date(today)}
    form = GoalForm(request.POST or None, instance=goal, initial=initial)
    if request.method == "POST" and form.is_valid():
        goal = form.save()
        messages.success(request, f"Added the goal “{goal.title}”.")
        return redirect("growth:goal_detail", goal.pk)
    return render(request, "growth/goal_form.html", _context("goals", form=form))


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = _get_goal_for_user(request, goal_id)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved the goal “{goal.title}”.")
        return redirect("growth:goal_detail", goal.pk)
    return render(request, "growth/goal_form.html", _context("goals", form=form, goal=goal))


@login_required
@require_http_methods(["GET", "POST"])
def goal_delete(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = _get_goal_for_user(request, goal_id)
    if request.method == "POST":
        goal.delete()
        messages.success(request, f"Deleted the goal “{goal.title}”.")
        return redirect("growth:goal_list")
    return render(request, "growth/goal_confirm_delete.html", _context("goals", goal=goal))


@login_required
@require_GET
def goal_detail(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = _get_goal_for_user(request, goal_id)
    return _render_detail(request, goal, GoalEntryForm(initial={"logged_on": timezone.localdate()}))


def _render_detail(
    request: AuthenticatedHttpRequest, goal: Goal, entry_form: GoalEntryForm, status: int = 200
) -> HttpResponse:
    progress = services.goal_progress(goal, timezone.localdate())
    context = _context(
        "goals",
        goal=goal,
        progress=progress,
        entry_form=entry_form,
        entries=list(goal.entries.all()) if goal.target_kind == Goal.TargetKind.CUSTOM else [],
    )
    return render(request, "growth/goal_detail.html", context, status=status)


@login_required
@require_POST
def goal_entry_add(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = _get_goal_for_user(request, goal_id)
    if goal.target_kind != Goal.TargetKind.CUSTOM:
        messages.error(request, "This goal counts your records; it takes no entries.")
        return redirect("growth:goal_detail", goal.pk)
    form = GoalEntryForm(request.POST, instance=GoalEntry(goal=goal))
    if form.is_valid():
        form.save()
        messages.success(request, f"Logged {form.instance.amount_text} {goal.custom_unit}.")
        return redirect("growth:goal_detail", goal.pk)
    return _render_detail(request, goal, form, status=400)


@login_required
@require_POST
def goal_entry_delete(
    request: AuthenticatedHttpRequest, goal_id: int, entry_id: int
) -> HttpResponse:
    goal = _get_goal_for_user(request, goal_id)
    entry = get_object_or_404(GoalEntry.objects.filter(goal=goal), pk=entry_id)
    entry.delete()
    messages.success(request, "Removed the entry.")
    return redirect("growth:goal_detail", goal.pk)


# --------------------------------------------------------------------------------------------
# Reflections
# --------------------------------------------------------------------------------------------

REFLECTIONS_PER_PAGE = 20


def _get_reflection_for_user(request: AuthenticatedHttpRequest, reflection_id: int) -> Reflection:
    return get_object_or_404(Reflection.objects.for_user(request.user), pk=reflection_id)


def _int_list(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


@login_required
@require_GET
def reflection_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    reflections = Reflection.objects.for_user(request.user).prefetch_related(
        "activities", "readings__article", "goals"
    )
    page = Paginator(reflections, REFLECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "growth/reflection_list.html",
        _context("reflections", page=page, templates=list(TEMPLATES.values())),
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflection_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    template_key = request.GET.get("template", "")
    if template_key not in TEMPLATES:
        return render(
            request,
            "growth/reflection_choose.html",
            _context("reflections", templates=list(TEMPLATES.values()), query=request.GET),
        )
    initial = {
        "written_on": timezone.localdate(),
        "title": request.GET.get("title", "")[:200],
        "activities": _int_list(request.GET.getlist("activity")),
        "readings": _int_list(request.GET.getlist("reading")),
        "goals": _int_list(request.GET.getlist("goal")),
    }
    form = ReflectionForm(
        request.POST or None,
        instance=Reflection(user=request.user),
        user=request.user,
        template_key=template_key,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        reflection = form.save()
        messages.success(request, f"Saved the reflection “{reflection.title}”.")
        return redirect("growth:reflection_detail", reflection.pk)
    return render(request, "growth/reflection_form.html", _context("reflections", form=form))


@login_required
@require_http_methods(["GET", "POST"])
def reflection_edit(request: AuthenticatedHttpRequest, reflection_id: int) -> HttpResponse:
    reflection = _get_reflection_for_user(request, reflection_id)
    form = ReflectionForm(
        request.POST or None,
        instance=reflection,
        user=request.user,
        template_key=reflection.template,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved the reflection “{reflection.title}”.")
        return redirect("growth:reflection_detail", reflection.pk)
    return render(
        request,
        "growth/reflection_form.html",
        _context("reflections", form=form, reflection=reflection),
    )


@login_required
@require_GET
def reflection_detail(request: AuthenticatedHttpRequest, reflection_id: int) -> HttpResponse:
    reflection = _get_reflection_for_user(request, reflection_id)
    context = _context(
        "reflections",
        reflection=reflection,
        activities=list(reflection.activities.all()),
        readings=list(reflection.readings.select_related("article")),
        goals=list(reflection.goals.all()),
    )
    return render(request, "growth/reflection_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reflection_delete(request: AuthenticatedHttpRequest, reflection_id: int) -> HttpResponse:
    reflection = _get_reflection_for_user(request, reflection_id)
    if request.method == "POST":
        reflection.delete()
        messages.success(request, f"Deleted the reflection “{reflection.title}”.")
        return redirect("growth:reflection_list")
    return render(
        request,
        "growth/reflection_confirm_delete.html",
        _context("reflections", reflection=reflection),
    )


# --------------------------------------------------------------------------------------------
# Review cards and the daily review
# --------------------------------------------------------------------------------------------


def _get_card_for_user(request: AuthenticatedHttpRequest, card_id: int) -> ReviewCard:
    return get_object_or_404(ReviewCard.objects.for_user(request.user), pk=card_id)


@login_required
@require_http_methods(["GET", "POST"])
def card_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {
        "activity": request.GET.get("activity") or None,
        "reading": request.GET.get("reading") or None,
    }
    form = ReviewCardForm(
        request.POST or None,
        instance=ReviewCard(user=request.user, due=timezone.now()),
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Added the card; it is due for review now.")
        return redirect("growth:card_list")
    cards = ReviewCard.objects.for_user(request.user).select_related("activity", "reading__article")
    page = Paginator(cards, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "growth/card_list.html", _context("cards", form=form, page=page))


@login_required
@require_http_methods(["GET", "POST"])
def card_delete(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    card = _get_card_for_user(request, card_id)
    if request.method == "POST":
        card.delete()
        messages.success(request, "Deleted the card.")
        return redirect("growth:card_list")
    return render(request, "growth/card_confirm_delete.html", _context("cards", card=card))


@login_required
@require_GET
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    queue = retention.due_queue(request.user, now)
    context = _context(
        "review",
        card=queue[0] if queue else None,
        remaining=len(queue),
        stats=retention.stats(request.user, now),
        ratings=CardReview.Rating.choices,
        purpose=services.purpose_note_of_the_day(request.user),
    )
    return render(request, "growth/review.html", context)


@login_required
@require_POST
def review_card(request: AuthenticatedHttpRequest, card_id: int) -> HttpResponse:
    card = _get_card_for_user(request, card_id)
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        rating = 0
    if rating not in CardReview.Rating.values:
        messages.error(request, "Choose again, hard, good or easy.")
        return redirect("growth:review")
    retention.review(card, rating)
    return redirect("growth:review")


# --------------------------------------------------------------------------------------------
# Purpose
# --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def purpose(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PurposeNoteForm(request.POST or None, instance=PurposeNote(user=request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Kept your note.")
        return redirect("growth:purpose")
    notes = list(PurposeNote.objects.for_user(request.user))
    return render(request, "growth/purpose.html", _context("purpose", form=form, notes=notes))


@login_required
@require_POST
def purpose_delete(request: AuthenticatedHttpRequest, note_id: int) -> HttpResponse:
    note = get_object_or_404(PurposeNote.objects.for_user(request.user), pk=note_id)
    note.delete()
    messages.success(request, "Removed the note.")
    return redirect("growth:purpose")


# --------------------------------------------------------------------------------------------
# The CPD profile
# --------------------------------------------------------------------------------------------


def _period_form(request: AuthenticatedHttpRequest) -> PeriodForm:
    today = timezone.localdate()
    if "start" in request.GET or "end" in request.GET:
        return PeriodForm(request.GET)
    start = today.replace(year=today.year - services.CPD_DEFAULT_YEARS, day=1)
    return PeriodForm({"start": start.isoformat(), "end": today.isoformat()})


@login_required
@require_GET
def cpd_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _period_form(request)
    profile = None
    if form.is_valid():
        profile = services.cpd_profile(
            request.user, form.cleaned_data["start"], form.cleaned_data["end"]
        )
    context = _context("cpd", form=form, profile=profile, gap_months=GAP_MONTHS)
    return render(request, "growth/cpd_profile.html", context, status=200 if profile else 400)


@login_required
@require_GET
def cpd_profile_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _period_form(request)
    if not form.is_valid():
        return cpd_profile(request)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    profile = services.cpd_profile(request.user, start, end)
    response = HttpResponse(
        build_cpd_pdf(profile, created_at=timezone.now()), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="cpd-profile-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"'
    )
    return response


# --------------------------------------------------------------------------------------------
# The year in review
# --------------------------------------------------------------------------------------------

EARLIEST_YEAR = 1990


def _review_year(request: AuthenticatedHttpRequest, year: int | None) -> int:
    this_year = timezone.localdate().year
    if year is None:
        return this_year
    if not EARLIEST_YEAR <= year <= this_year:
        raise Http404("No such year to review.")
    return year


@login_required
@require_GET
def year_review(request: AuthenticatedHttpRequest, year: int | None = None) -> HttpResponse:
    chosen = _review_year(request, year)
    review = services.year_in_review(request.user, chosen)
    this_year = timezone.localdate().year
    context = _context(
        "year",
        review=review,
        topic_chart=bar_chart(
            f"CE hours by topic, {chosen}",
            [(label, float(hours), hours_text(hours)) for label, hours in review.hours_by_topic],
        ),
        month_chart=bar_chart(
            f"CE hours by month, {chosen}",
            [
                (month, float(hours), hours_text(hours))
                for month, hours in zip(MONTHS, review.hours_by_month, strict=True)
            ],
        ),
        years=list(range(this_year, max(this_year - 5, EARLIEST_YEAR) - 1, -1)),
    )
    return render(request, "growth/year_review.html", context)


@login_required
@require_GET
def year_review_pdf(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    chosen = _review_year(request, year)
    review = services.year_in_review(request.user, chosen)
    response = HttpResponse(
        build_year_pdf(review, created_at=timezone.now()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="year-in-review-{chosen}.pdf"'
    return response
