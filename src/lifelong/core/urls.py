from django.urls import path

from lifelong.core import notification_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
]
