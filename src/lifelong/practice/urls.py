from django.urls import path

from lifelong.practice import views

app_name = "practice"

urlpatterns = [
    path("practice/", views.overview, name="overview"),
    path("practice/caseload/", views.caseload, name="caseload"),
    path("practice/competencies/", views.competencies, name="competencies"),
    path("practice/outcomes/", views.outcomes, name="outcomes"),
    path(
        "practice/outcomes/<int:episode_id>/delete/",
        views.episode_delete,
        name="episode_delete",
    ),
    path("practice/goal-from-priority/", views.goal_from_priority, name="goal_from_priority"),
    path("practice/areas/<str:area_slug>/interest/", views.area_interest, name="area_interest"),
]
