from django.urls import path

from lifelong.accounts import email_views, views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.profile, name="profile"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("settings/export/", views.export, name="export"),
    path("settings/delete/", views.delete, name="delete"),
    path("settings/emails/", email_views.email_preferences, name="email_preferences"),
    path("unsubscribe/<str:token>/", email_views.unsubscribe, name="unsubscribe"),
]
