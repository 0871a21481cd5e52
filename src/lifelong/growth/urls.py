"""Growth URLs: goals, reflections, review cards and the daily review, purpose."""

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
    path("growth/reflections/", views.reflection_list, name="reflection_list"),
    path("growth/reflections/new/", views.reflection_add, name="reflection_add"),
    path(
        "growth/reflections/<int:reflection_id>/",
        views.reflection_detail,
        name="reflection_detail",
    ),
    path(
        "growth/reflections/<int:reflection_id>/edit/",
        views.reflection_edit,
        name="reflection_edit",
    ),
    path(
        "growth/reflections/<int:reflection_id>/delete/",
        views.reflection_delete,
        name="reflection_delete",
    ),
    path("growth/cards/", views.card_list, name="card_list"),
    path("growth/cards/<int:card_id>/delete/", views.card_delete, name="card_delete"),
    path("growth/review/", views.review_queue, name="review"),
    path("growth/review/<int:card_id>/", views.review_card, name="review_card"),
    path("growth/purpose/", views.purpose, name="purpose"),
    path("growth/purpose/<int:note_id>/delete/", views.purpose_delete, name="purpose_delete"),
    path("growth/cpd-profile/", views.cpd_profile, name="cpd_profile"),
    path("growth/cpd-profile/pdf/", views.cpd_profile_pdf, name="cpd_profile_pdf"),
    path("growth/year/", views.year_review, name="year_review"),
    path("growth/year/<int:year>/", views.year_review, name="year_review_for"),
    path("growth/year/<int:year>/pdf/", views.year_review_pdf, name="year_review_pdf"),
]
