from django.urls import path

from lifelong.community import views

app_name = "community"

urlpatterns = [
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:group_id>/", views.group_detail, name="group"),
    path("groups/<int:group_id>/join/", views.group_join, name="group_join"),
    path("groups/<int:group_id>/leave/", views.group_leave, name="group_leave"),
    path("groups/<int:group_id>/invite/", views.group_invite, name="group_invite"),
    path(
        "groups/<int:group_id>/members/<int:membership_id>/remove/",
        views.group_remove,
        name="group_remove",
    ),
    path("groups/<int:group_id>/schedule/", views.group_schedule, name="group_schedule"),
    path("groups/<int:group_id>/calendar.ics", views.group_calendar, name="group_calendar"),
    path("groups/<int:group_id>/meetings/", views.meeting_log, name="meeting_log"),
    path(
        "groups/<int:group_id>/meetings/<int:meeting_id>/confirm/",
        views.meeting_confirm,
        name="meeting_confirm",
    ),
    path(
        "groups/<int:group_id>/meetings/<int:meeting_id>/activity/",
        views.meeting_activity,
        name="meeting_activity",
    ),
    path(
        "groups/<int:group_id>/meetings/<int:meeting_id>/certificates/<int:attendance_id>.pdf",
        views.meeting_certificate,
        name="meeting_certificate",
    ),
]
