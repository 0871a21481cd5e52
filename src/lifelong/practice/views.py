"""Practice pages: learning priorities, the caseload, the competency map and outcomes. Every
row is the signed-in user's own (owner-scoped queries; anyone else's is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lifelong.accounts.models import User
from lifelong.practice import services
from lifelong.practice.areas import AREAS, DIMENSIONS, areas_of
from lifelong.practice.forms import (
    CaseloadForm,
    CompetencyForm,
    OutcomeEpisodeForm,
    OutcomeMeasureForm,
    area_field_name,
)
from lifelong.practice.models import CaseloadSnapshot, OutcomeEpisode, OutcomeMeasure
from lifelong.practice.outcomes import BUILTIN_MEASURES, MIN_GROUP_SIZE
from lifelong.rules.vocabulary import topic_label

NAV_SECTION = "practice"
SNAPSHOTS_SHOWN = 12


class AuthenticatedHttpRequest(HttpRequest):
    user: User


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    report = services.priorities_for(request.user, timezone.localdate())
    context = {
        "snapshot": report.snapshot,
        "priorities": [
            {
                "priority": priority,
                "topics": [topic_label(topic) for topic in priority.suggested_topics],
            }
            for priority in report.priorities
        ],
        "nav_section": NAV_SECTION,
        "practice_tab": "priorities",
    }
    return render(request, "practice/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    snapshots = list(CaseloadSnapshot.objects.for_user(request.user)[:SNAPSHOTS_SHOWN])
    if request.method == "POST":
        form = CaseloadForm(request.POST)
        if form.is_valid():
            services.save_snapshot(
                request.user,
                form.cleaned_data["taken_on"],
                form.cleaned_data["total_clients"],
                form.counts(),
            )
            messages.success(request, "Saved your caseload. Your learning priorities follow it.")
            return redirect("practice:overview")
    else:
        initial = {"taken_on": timezone.localdate()}
        if snapshots:
            initial.update(
                CaseloadForm.initial_from(snapshots[0].total_clients, snapshots[0].counts)
            )
        form = CaseloadForm(initial=initial)
    context = {
        "form": form,
        "snapshots": snapshots,
        "nav_section": NAV_SECTION,
        "practice_tab": "caseload",
    }
    return render(request, "practice/caseload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def competencies(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = services.competency_map(request.user, timezone.localdate())
    labels = {slug: area.label for slug, area in AREAS.items()}
    initial = {
        area_field_name(row.area.slug): str(row.confidence) for row in rows if row.confidence
    }
    form = CompetencyForm(request.POST or None, initial=initial, slugs=list(AREAS), labels=labels)
    if request.method == "POST" and form.is_valid():
        services.save_confidence(request.user, form.ratings())
        messages.success(request, "Saved your confidence ratings.")
        return redirect("practice:competencies")
    by_slug = {row.area.slug: row for row in rows}
    groups = [
        (
            DIMENSIONS[dimension],
            [
                (form[area_field_name(area.slug)], by_slug[area.slug])
                for area in areas_of(dimension)
            ],
        )
        for dimension in DIMENSIONS
    ]
    context = {
        "form": form,
        "groups": groups,
        "nav_section": NAV_SECTION,
        "practice_tab": "competencies",
    }
    return render(request, "practice/competencies.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outcomes(request: AuthenticatedHttpRequest) -> HttpResponse:
    measures = list(OutcomeMeasure.objects.for_user(request.user))
    episode_form = OutcomeEpisodeForm(
        request.POST if "add_episode" in request.POST else None,
        instance=OutcomeEpisode(owner=request.user),
        measures=measures,
    )
    measure_form = OutcomeMeasureForm(
        request.POST if "add_measure" in request.POST else None,
        instance=OutcomeMeasure(owner=request.user),
    )
    if request.method == "POST":
        if "add_episode" in request.POST and episode_form.is_valid():
            episode = episode_form.save()
            messages.success(request, f"Added episode {episode.code}.")
            return redirect("practice:outcomes")
        if "add_measure" in request.POST and measure_form.is_valid():
            measure = measure_form.save()
            messages.success(request, f"Added the measure {measure.name}.")
            return redirect("practice:outcomes")
    episodes = list(OutcomeEpisode.objects.for_user(request.user).select_related("custom_measure"))
    report = services.outcome_report(request.user)
    measure_names = {key: measure.name for key, measure in BUILTIN_MEASURES.items()}
    measure_names.update({measure.key: measure.name for measure in measures})
    context = {
        "episodes": [(episode, episode.change()) for episode in episodes],
        "summaries": [
            (summary, AREAS[summary.concern].label, measure_names.get(summary.measure, ""))
            for summary in report.groups
        ],
        "pooled": report.pooled_improvement,
        "episode_form": episode_form,
        "measure_form": measure_form,
        "measures": measures,
        "builtin_measures": BUILTIN_MEASURES.values(),
        "min_group_size": MIN_GROUP_SIZE,
        "nav_section": NAV_SECTION,
        "practice_tab": "outcomes",
    }
    return render(request, "practice/outcomes.html", context)


@login_required
@require_POST
def episode_delete(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    episode = get_object_or_404(OutcomeEpisode.objects.for_user(request.user), pk=episode_id)
    episode.delete()
    messages.success(request, f"Deleted episode {episode.code}.")
    return redirect("practice:outcomes")


@login_required
@require_POST
def goal_from_priority(request: AuthenticatedHttpRequest) -> HttpResponse:
    area = AREAS.get(request.POST.get("area", ""))
    if area is None:
        raise Http404("No such area")
    today = timezone.localdate()
    report = services.priorities_for(request.user, today)
    priority = next((item for item in report.priorities if item.area.slug == area.slug), None)
    goal = services.goal_from_priority(request.user, area, priority, today)
    messages.success(
        request, f"Created the goal “{goal.title}”. Edit its target and due date if you like."
    )
    return redirect("growth:goal_detail", goal.pk)


@login_required
@require_POST
def area_interest(request: AuthenticatedHttpRequest, area_slug: str) -> HttpResponse:
    area = AREAS.get(area_slug)
    if area is None:
        raise Http404("No such area")
    interest, created = services.add_interest_for_area(request.user, area)
    if created:
        messages.success(request, f"Added “{interest.label}” to your research interests.")
    else:
        messages.info(request, f"“{interest.label}” is already one of your research interests.")
    return redirect("practice:overview")
