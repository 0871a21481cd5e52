from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from lifelong.api.urls import api

urlpatterns = [
    # Admin sign-in goes through allauth, so its rate limits and MFA apply there too.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", api.urls),
    path("", include("lifelong.core.urls")),
    path("", include("lifelong.accounts.urls")),
    path("", include("lifelong.licensure.urls")),
    path("", include("lifelong.credits.urls")),
    path("", include("lifelong.literature.urls")),
    path("", include("lifelong.practice.urls")),
    path("", include("lifelong.growth.urls")),
    path("", include("lifelong.wellbeing.urls")),
    path("", include("lifelong.community.urls")),
    path("", include("lifelong.supervision.urls")),
]
