"""Mentorship pages: your profile, suggested mentors, requests, and a mentorship's private
notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from lifelong.accounts.models import User
from lifelong.api.common import today_for
from lifelong.rules.vocabulary import topic_label
from lifelong.supervision import mentorship as services
from lifelong.supervision.forms import (
    MentorProfileForm,
    MentorshipNoteForm,
    MentorshipRequestForm,
)
from lifelong.supervision.models import Mentorship, MentorshipNote

NAV_SECTION = "supervision"


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _involving(request: AuthenticatedHttpRequest, mentorship_id: int) -> Mentorship:
    return get_object_or_404(
        Mentorship.objects.involving(request.user).select_related("mentor", "mentee"),
        pk=mentorship_id,
    )


@login_required
@require_http_methods(["GET", "POST"])
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = services.profile_for(request.user)
    form = MentorProfileForm(
        request.POST or None,
        initial={
            "is_mentor": profile.is_mentor,
            "is_mentee": profile.is_mentee,
            "areas": profile.areas,
            "about": profile.about,
            "capacity": profile.capacity,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.save_profile(request.user, **form.cleaned_data)
        messages.success(request, "Your mentorship profile is saved.")
        return redirect("supervision:mentorship")
    mentorships = list(
        Mentorship.objects.involving(request.user).select_related("mentor", "mentee")
    )
    return render(
        request,
        "supervision/mentorship.html",
        {
            "form": form,
            "profile": profile,
            "suggestions": services.suggestions(request.user) if profile.is_mentee else [],
            "requests_to_me": [
                m
                for m in mentorships
                if m.mentor_id == request.user.pk and m.status == Mentorship.Status.REQUESTED
            ],
            "mentorships": mentorships,
            "request_form": MentorshipRequestForm(),
            "area_label": topic_label,
            "nav_section": NAV_SECTION,
        },
    )


@login_required
@require_POST
def request_mentor(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    form = MentorshipRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        services.request_mentorship(request.user, user_id, message)
    except services.MentorshipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your request is sent.")
    return redirect("supervision:mentorship")


@login_required
@require_POST
def respond(request: AuthenticatedHttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship = get_object_or_404(
        Mentorship.objects.filter(mentor=request.user).select_related("mentee"), pk=mentorship_id
    )
    try:
        services.respond(mentorship, request.user, accept=request.POST.get("answer") == "accept")
    except services.MentorshipError as error:
        messages.error(request, str(error))
    return redirect("supervision:mentorship")


@login_required
@require_POST
def end(request: AuthenticatedHttpRequest, mentorship_id: int) -> HttpResponse:
    services.end(_involving(request, mentorship_id))
    messages.success(request, "The mentorship has ended. Your notes stay yours.")
    return redirect("supervision:mentorship")


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: AuthenticatedHttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship = _involving(request, mentorship_id)
    form = MentorshipNoteForm(request.POST or None, initial={"met_on": today_for(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_note(mentorship, request.user, **form.cleaned_data)
        except services.MentorshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Note saved.")
            return redirect("supervision:mentorship_detail", mentorship.pk)
    return render(
        request,
        "supervision/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "other": mentorship.mentee
            if mentorship.mentor_id == request.user.pk
            else mentorship.mentor,
            "notes": MentorshipNote.objects.for_user(request.user).filter(mentorship=mentorship),
            "form": form,
            "nav_section": NAV_SECTION,
        },
    )


@login_required
@require_POST
def note_delete(request: AuthenticatedHttpRequest, note_id: int) -> HttpResponse:
    note = get_object_or_404(MentorshipNote.objects.for_user(request.user), pk=note_id)
    mentorship_id = note.mentorship_id
    note.delete()
    messages.success(request, "Note deleted.")
    return redirect("supervision:mentorship_detail", mentorship_id)
