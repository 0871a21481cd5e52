"""Licenses, the compliance dashboard, transcripts and rule sets: thin views over the services."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lifelong.accounts.models import User
from lifelong.credits import planning
from lifelong.credits.models import Activity
from lifelong.licensure import audit, services
from lifelong.licensure.describe import long_date
from lifelong.licensure.forms import (
    ChooseRuleSetForm,
    LicenseForm,
    RenewForm,
    RuleSetDocumentForm,
    starting_text,
)
from lifelong.licensure.models import AuditPacket, License, RuleSetDocument
from lifelong.rules.cycles import check_deadline, next_deadline
from lifelong.rules.loader import (
    RuleSetError,
    UnknownRuleSet,
    catalog_text,
    load_catalog,
    parse_ruleset,
)
from lifelong.rules.schema import RuleSet


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _get_license_for_user(request: AuthenticatedHttpRequest, license_id: int) -> License:
    return get_object_or_404(License.objects.for_user(request.user), pk=license_id)


def _get_document_for_user(request: AuthenticatedHttpRequest, ruleset_id: str) -> RuleSetDocument:
    return get_object_or_404(RuleSetDocument.objects.for_user(request.user), ruleset_id=ruleset_id)


# --------------------------------------------------------------------------------------------
# Dashboard
# --------------------------------------------------------------------------------------------


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    statuses = planning.license_statuses_with_projections(request.user, timezone.localdate())
    has_activities = bool(statuses) or Activity.objects.for_user(request.user).exists()
    context = {"statuses": statuses, "has_activities": has_activities, "nav_section": "dashboard"}
    return render(request, "licensure/dashboard.html", context)


# --------------------------------------------------------------------------------------------
# Licenses
# --------------------------------------------------------------------------------------------


@login_required
def license_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    licenses = list(License.objects.for_user(request.user))
    titles = services.ruleset_titles(request.user)
    rows = [(license, titles.get(license.ruleset_id)) for license in licenses]
    return render(request, "licensure/license_list.html", {"rows": rows, "nav_section": "licenses"})


def _license_form_page(
    request: AuthenticatedHttpRequest, license: License, template: str
) -> HttpResponse:
    """Add and edit: show the rule set's options, refresh them when it changes, then save."""
    custom = services.user_rulesets(request.user)
    chosen = request.POST.get("ruleset_id") or request.GET.get("ruleset") or license.ruleset_id
    ruleset = services.find_ruleset(chosen, custom)
    choices = services.ruleset_choices(request.user)
    if ruleset is None:
        choose = ChooseRuleSetForm({"ruleset": chosen} if chosen else None, choices=choices)
        context = {"choose": choose, "license": license, "nav_section": "licenses"}
        return render(request, "licensure/license_choose.html", context)
    birth_month = request.user.birth_month
    if request.method != "POST":
        form = LicenseForm(
            instance=license, ruleset=ruleset, choices=choices, birth_month=birth_month
        )
    elif "refresh" in request.POST or LicenseForm.ruleset_changed(request.POST):
        form = LicenseForm.refreshed_from(
            request.POST,
            instance=license,
            ruleset=ruleset,
            choices=choices,
            birth_month=birth_month,
        )
    else:
        form = LicenseForm(
            request.POST,
            instance=license,
            ruleset=ruleset,
            choices=choices,
            birth_month=birth_month,
        )
        if form.is_valid():
            saved = form.save()
            messages.success(request, f"Saved {saved}.")
            warning = check_deadline(ruleset, saved.expires_on, request.user.birth_month)
            if warning:
                messages.warning(request, warning)
            return redirect(saved)
    context = {"form": form, "ruleset": ruleset, "license": license, "nav_section": "licenses"}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def license_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _license_form_page(request, License(user=request.user), "licensure/license_form.html")


@login_required
@require_http_methods(["GET", "POST"])
def license_edit(request: AuthenticatedHttpRequest, license_id: int) -> HttpResponse:
    license = _get_license_for_user(request, license_id)
    return _license_form_page(request, license, "licensure/license_form.html")


@login_required
def license_detail(request: AuthenticatedHttpRequest, license_id: int) -> HttpResponse:
    license = _get_license_for_user(request, license_id)
    status = planning.license_status_with_projection(
        license, timezone.localdate(), request.user.birth_month
    )
    context = {"license": license, "status": status, "nav_section": "licenses"}
    return render(request, "licensure/license_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def license_delete(request: AuthenticatedHttpRequest, license_id: int) -> HttpResponse:
    license = _get_license_for_user(request, license_id)
    if request.method == "POST":
        license.delete()
        messages.success(request, f"Deleted {license}. Your CE activities are kept.")
        return redirect("licensure:license_list")
    context = {"license": license, "nav_section": "licenses"}
    return render(request, "licensure/license_confirm_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def license_renew(request: AuthenticatedHttpRequest, license_id: int) -> HttpResponse:
    license = _get_license_for_user(request, license_id)
    try:
        ruleset = services.resolve_ruleset(license.ruleset_id, services.user_rulesets(request.user))
    except UnknownRuleSet as error:
        messages.error(request, f"Cannot renew: {error}.")
        return redirect(license)
    form = RenewForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        deadline = services.renew_license(license, ruleset, request.user.birth_month)
        messages.success(request, f"Renewed. {license} now expires on {long_date(deadline)}.")
        return redirect(license)
    upcoming = next_deadline(ruleset, license.expires_on, request.user.birth_month)
    context = {"license": license, "form": form, "upcoming": upcoming, "ruleset": ruleset}
    return render(request, "licensure/license_renew.html", {**context, "nav_section": "licenses"})


@login_required
def transcript(request: AuthenticatedHttpRequest, license_id: int) -> HttpResponse:
    license = _get_license_for_user(request, license_id)
    context: dict[str, object] = {"license": license, "nav_section": "licenses"}
    try:
        deadline = services.parse_cycle(license, request.GET.get("cycle", ""))
    except ValueError as error:
        context["cycle_error"] = f"{error} Showing the current cycle instead."
        deadline = None
    try:
        context["transcript"] = services.transcript(
            license, services.user_rulesets(request.user), deadline
        )
    except (UnknownRuleSet, ValueError) as error:
        context["ruleset_error"] = str(error)
    return render(request, "licensure/transcript.html", context)


# --------------------------------------------------------------------------------------------
# Rule sets
# --------------------------------------------------------------------------------------------


@login_required
def ruleset_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    catalog = sorted(load_catalog().values(), key=lambda ruleset: ruleset.title)
    context = {
        "catalog": catalog,
        "documents": RuleSetDocument.objects.for_user(request.user),
        "usage": services.ruleset_usage(request.user),
        "nav_section": "rulesets",
    }
    return render(request, "licensure/ruleset_list.html", context)


@login_required
def ruleset_detail(request: AuthenticatedHttpRequest, ruleset_id: str) -> HttpResponse:
    document = RuleSetDocument.objects.for_user(request.user).filter(ruleset_id=ruleset_id).first()
    ruleset: RuleSet | None = None
    problems = []
    if document is not None:
        try:
            ruleset = parse_ruleset(document.text, f"{document.ruleset_id}.toml")
        except RuleSetError as error:
            problems = error.problems
    elif ruleset_id in load_catalog():
        ruleset = load_catalog()[ruleset_id]
    else:
        raise Http404("No such rule set.")
    context = {
        "ruleset": ruleset,
        "document": document,
        "problems": problems,
        "licenses": services.licenses_using(request.user, ruleset_id),
        "nav_section": "rulesets",
    }
    return render(request, "licensure/ruleset_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ruleset_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = RuleSetDocumentForm(
        request.POST if posted else None, request.FILES if posted else None, owner=request.user
    )
    start_from = request.GET.get("from", "")
    if request.method == "GET" and start_from:
        try:
            form.initial["text"] = starting_text(start_from, catalog_text(start_from))
        except UnknownRuleSet:
            messages.error(request, f"There is no catalog rule set “{start_from}”.")
    if form.is_valid() and form.ruleset is not None:
        document = services.save_ruleset_document(
            request.user, form.ruleset, form.cleaned_data["text"]
        )
        messages.success(request, f"Saved your rule set “{document.title}”.")
        return redirect(document)
    context = {
        "form": form,
        "catalog": sorted(load_catalog().values(), key=lambda ruleset: ruleset.title),
        "start_from": start_from,
        "nav_section": "rulesets",
    }
    return render(request, "licensure/ruleset_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ruleset_edit(request: AuthenticatedHttpRequest, ruleset_id: str) -> HttpResponse:
    document = _get_document_for_user(request, ruleset_id)
    posted = request.method == "POST"
    form = RuleSetDocumentForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        owner=request.user,
        document=document,
    )
    if form.is_valid() and form.ruleset is not None:
        old_id = document.ruleset_id
        document = services.save_ruleset_document(
            request.user, form.ruleset, form.cleaned_data["text"], document
        )
        messages.success(request, f"Saved your rule set “{document.title}”.")
        if document.ruleset_id != old_id:
            messages.info(
                request, f"Licenses that used “{old_id}” now use “{document.ruleset_id}”."
            )
        return redirect(document)
    context = {"form": form, "document": document, "nav_section": "rulesets"}
    return render(request, "licensure/ruleset_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ruleset_delete(request: AuthenticatedHttpRequest, ruleset_id: str) -> HttpResponse:
    document = _get_document_for_user(request, ruleset_id)
    if request.method == "POST":
        try:
            services.delete_ruleset_document(document)
        except services.RuleSetInUse as error:
            messages.error(request, f"Not deleted: {error}")
            return redirect(document)
        messages.success(request, f"Deleted your rule set “{document.title}”.")
        return redirect("licensure:ruleset_list")
    context = {
        "document": document,
        "licenses": services.licenses_using(request.user, ruleset_id),
        "nav_section": "rulesets",
    }
    return render(request, "licensure/ruleset_confirm_delete.html", context)


# --------------------------------------------------------------------------------------------
# Audit packets
# --------------------------------------------------------------------------------------------


def _get_packet_for_user(request: AuthenticatedHttpRequest, packet_id: int) -> AuditPacket:
    packets = AuditPacket.objects.for_user(request.user).select_related("license")
    return get_object_or_404(packets, pk=packet_id)


def _packet_file_response(plan: audit.PacketPlan) -> FileResponse:
    """The packet written to a temporary file and streamed from it (deleted once sent)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    try:
        audit.write_packet(plan, spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = FileResponse(
        spool, as_attachment=True, filename=plan.download_name, content_type="application/zip"
    )
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def audit_packet(request: AuthenticatedHttpRequest, license_id: int) -> HttpResponseBase:
    """What the packet of a cycle holds, and the button that builds it: small packets are
    downloaded at once, larger ones are built by the worker (the packet's page shows how far)."""
    license = _get_license_for_user(request, license_id)
    context: dict[str, object] = {"license": license, "nav_section": "licenses"}
    source = request.POST if request.method == "POST" else request.GET
    try:
        deadline = services.parse_cycle(license, source.get("cycle", ""))
    except ValueError as error:
        context["cycle_error"] = f"{error} Showing the current cycle instead."
        deadline = None
    try:
        plan = audit.plan_packet(license, deadline, holder=request.user)
    except (UnknownRuleSet, ValueError) as error:
        context["ruleset_error"] = str(error)
        return render(request, "licensure/audit_packet.html", context)
    if request.method == "POST" and "cycle_error" not in context:
        if audit.builds_in_request(plan):
            try:
                return _packet_file_response(plan)
            except audit.PacketError as error:
                context["packet_error"] = str(error)
        else:
            packet = audit.start_packet(license, plan)
            return redirect(packet)
    context.update(
        plan=plan,
        in_request=audit.builds_in_request(plan),
        packets=AuditPacket.objects.for_user(request.user).filter(
            license=license, cycle_end=plan.transcript.deadline
        )[:10],
        now=timezone.now(),
    )
    return render(request, "licensure/audit_packet.html", context)


@never_cache
@login_required
def audit_packet_detail(request: AuthenticatedHttpRequest, packet_id: int) -> HttpResponse:
    """A packet's status and progress; htmx asks again every 2 seconds until it is finished
    (status 286 stops the polling), and without JavaScript the page refreshes itself."""
    packet = _get_packet_for_user(request, packet_id)
    context = {"packet": packet, "license": packet.license, "nav_section": "licenses"}
    if request.headers.get("HX-Request") == "true":
        status = 286 if packet.is_finished else 200
        return render(request, "licensure/audit_packet_progress.html", context, status=status)
    return render(request, "licensure/audit_packet_detail.html", context)


@never_cache
@login_required
def audit_packet_download(request: AuthenticatedHttpRequest, packet_id: int) -> HttpResponseBase:
    """The built zip, streamed from storage after the owner check (never a public address)."""
    packet = _get_packet_for_user(request, packet_id)
    if not packet.is_ready or packet.expires_at <= timezone.now():
        messages.error(request, "This audit packet cannot be downloaded (not built, or expired).")
        return redirect(packet)
    try:
        stream = packet.file.open("rb")
    except OSError:
        messages.error(request, "The file of this packet is gone. Build the packet again.")
        return redirect(packet)
    return FileResponse(
        stream,
        as_attachment=True,
        filename=packet.download_name(str(packet.license)),
        content_type="application/zip",
    )
