from django.urls import path

from lifelong.wellbeing import views

app_name = "wellbeing"

urlpatterns = [
    path("wellbeing/", views.overview, name="overview"),
    path("wellbeing/check-in/", views.checkin, name="checkin"),
    path("wellbeing/instruments/<slug:instrument_id>/", views.take, name="take"),
    path("wellbeing/results/<int:result_id>/", views.result_detail, name="result"),
    path("wellbeing/results/<int:result_id>/delete/", views.result_delete, name="result_delete"),
    path("wellbeing/today/", views.today, name="today"),
    path("wellbeing/items/", views.items, name="items"),
    path("wellbeing/items/<int:item_id>/archive/", views.item_archive, name="item_archive"),
    path("wellbeing/time-off/", views.time_off, name="time_off"),
    path(
        "wellbeing/time-off/<int:leave_id>/delete/", views.time_off_delete, name="time_off_delete"
    ),
    path("wellbeing/workload/", views.workload, name="workload"),
    path("wellbeing/plan/", views.plan, name="plan"),
    path("wellbeing/plan/<int:commitment_id>/review/", views.plan_review, name="plan_review"),
    path("wellbeing/plan/<int:commitment_id>/delete/", views.plan_delete, name="plan_delete"),
    path("wellbeing/support/", views.support, name="support"),
    path("wellbeing/settings/", views.settings_page, name="settings"),
]
