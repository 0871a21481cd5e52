"""Growth URLs: goals."""

from django.urls import path

from lifelong.growth import views

app_name = "growth"

urlpatterns = [
    path("growth/goals/", views.goal_list, name="goal_list"),
    path("growth/goals/new/", views.goal_add, name="goal_add"),
    path("growth/goals/<int:goal_id>/", views.goal_detail, name="goal_detail"),
    path("growth/goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("growth/goals/<int:goal_id>/delete/", views.goal_delete, name="goal_delete"),
    path("growth/goals/<int:goal_id>/entries/", views.goal_entry_add, name="goal_entry_add"),
    path(
        "growth/goals/<int:goal_id>/entries/<int:entry_id>/delete/",
        views.goal_entry_delete,
        name="goal_entry_delete",
    ),
]
