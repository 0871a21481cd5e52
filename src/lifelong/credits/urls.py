from django.urls import path

from lifelong.credits import views

app_name = "credits"

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_add, name="activity_add"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/import/", views.activity_import, name="activity_import"),
    path(
        "activities/import/template.csv",
        views.activity_csv_template,
        name="activity_csv_template",
    ),
    path("activities/export.csv", views.activity_export, name="activity_export"),
    # Planning
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_add, name="plan_add"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/<int:plan_id>/complete/", views.plan_complete, name="plan_complete"),
    # Certificates
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/upload/", views.certificate_upload, name="certificate_upload"),
    path("certificates/<int:certificate_id>/", views.certificate_detail, name="certificate_detail"),
    path(
        "certificates/<int:certificate_id>/download/",
        views.certificate_download,
        name="certificate_download",
    ),
    path(
        "certificates/<int:certificate_id>/delete/",
        views.certificate_delete,
        name="certificate_delete",
    ),
    path(
        "certificates/<int:certificate_id>/activity/",
        views.certificate_activity,
        name="certificate_activity",
    ),
    path(
        "certificates/<int:certificate_id>/link/", views.certificate_link, name="certificate_link"
    ),
    path(
        "certificates/<int:certificate_id>/unlink/<int:activity_id>/",
        views.certificate_unlink,
        name="certificate_unlink",
    ),
]
