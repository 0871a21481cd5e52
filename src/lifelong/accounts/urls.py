from django.urls import path

from lifelong.licensure.views import dashboard

app_name = "accounts"

urlpatterns = [
    path("settings/", dashboard, name="profile"),  # placeholder until the UI lands
]
