from django.urls import path

from lifelong.licensure import views

app_name = "licensure"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("licenses/", views.dashboard, name="license_list"),  # placeholder until the UI lands
    path("rulesets/", views.dashboard, name="ruleset_list"),  # placeholder until the UI lands
]
