"""Growth pages: learning goals (list, add, edit, delete, detail with what counted)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lifelong.accounts.models import User
from lifelong.growth import services
from lifelong.growth.forms import GoalEntryForm, GoalForm
from lifelong.growth.models import Goal, GoalEntry

NAV_SECTION = "growth"


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
    return render(
        request, "growth/goal_list.html", _context("goals", current=current, finished=finished)
    )


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
