from django.urls import path

from lifelong.licensure import reminder_views, views

app_name = "licensure"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("licenses/", views.license_list, name="license_list"),
    path("licenses/new/", views.license_add, name="license_add"),
    path("licenses/<int:license_id>/", views.license_detail, name="license_detail"),
    path("licenses/<int:license_id>/edit/", views.license_edit, name="license_edit"),
    path("licenses/<int:license_id>/delete/", views.license_delete, name="license_delete"),
    path("licenses/<int:license_id>/renew/", views.license_renew, name="license_renew"),
    path("licenses/<int:license_id>/transcript/", views.transcript, name="transcript"),
    path("licenses/<int:license_id>/audit-packet/", views.audit_packet, name="audit_packet"),
    path("audit-packets/<int:packet_id>/", views.audit_packet_detail, name="audit_packet_detail"),
    path(
        "audit-packets/<int:packet_id>/download/",
        views.audit_packet_download,
        name="audit_packet_download",
    ),
    path("rulesets/", views.ruleset_list, name="ruleset_list"),
    path("rulesets/new/", views.ruleset_add, name="ruleset_add"),
    path("rulesets/<slug:ruleset_id>/", views.ruleset_detail, name="ruleset_detail"),
    path("rulesets/<slug:ruleset_id>/edit/", views.ruleset_edit, name="ruleset_edit"),
    path("rulesets/<slug:ruleset_id>/delete/", views.ruleset_delete, name="ruleset_delete"),
    # Reminders and the calendar
    path(
        "licenses/<int:license_id>/reminders/",
        reminder_views.license_reminders,
        name="license_reminders",
    ),
    path("settings/calendar/", reminder_views.calendar_settings, name="calendar_settings"),
    path("calendar/download.ics", reminder_views.calendar_download, name="calendar_download"),
    path("calendar/<str:token>.ics", reminder_views.calendar_feed, name="calendar_feed"),
]
