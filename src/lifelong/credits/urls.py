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
]
