from django.urls import path

from lifelong.licensure.views import dashboard

app_name = "credits"

urlpatterns = [
    path("activities/", dashboard, name="activity_list"),  # placeholder until the UI lands
]
