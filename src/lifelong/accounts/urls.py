from django.urls import path

from lifelong.accounts import email_views, organization_views, views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.profile, name="profile"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("settings/export/", views.export, name="export"),
    path("settings/delete/", views.delete, name="delete"),
    path("settings/emails/", email_views.email_preferences, name="email_preferences"),
    path("unsubscribe/<str:token>/", email_views.unsubscribe, name="unsubscribe"),
    path("organizations/", organization_views.organization_list, name="organizations"),
    path(
        "organizations/<int:organization_id>/",
        organization_views.organization_detail,
        name="organization",
    ),
    path(
        "organizations/<int:organization_id>/invite/",
        organization_views.organization_invite,
        name="organization_invite",
    ),
    path(
        "organizations/<int:organization_id>/invitations/<int:invitation_id>/withdraw/",
        organization_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "organizations/<int:organization_id>/members/<int:membership_id>/remove/",
        organization_views.member_remove,
        name="member_remove",
    ),
    path(
        "organizations/<int:organization_id>/members/<int:membership_id>/role/",
        organization_views.member_role,
        name="member_role",
    ),
    path(
        "organizations/<int:organization_id>/leave/",
        organization_views.organization_leave,
        name="organization_leave",
    ),
    path(
        "organizations/<int:organization_id>/sharing/",
        organization_views.organization_sharing,
        name="organization_sharing",
    ),
    path(
        "organizations/<int:organization_id>/delete/",
        organization_views.organization_delete,
        name="organization_delete",
    ),
    path(
        "organizations/<int:organization_id>/compliance/",
        organization_views.organization_compliance,
        name="organization_compliance",
    ),
    path("invitations/<str:token>/", organization_views.invitation, name="invitation"),
]
