from django.urls import path

from lifelong.supervision import mentorship_views, views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.overview, name="overview"),
    path("supervision/rule-set/", views.track, name="track"),
    path("supervision/supervisors/invite/", views.invite, name="invite"),
    path(
        "supervision/invitations/<int:supervision_id>/",
        views.invitation_respond,
        name="invitation_respond",
    ),
    path("supervision/<int:supervision_id>/end/", views.supervision_end, name="supervision_end"),
    path(
        "supervision/<int:supervision_id>/agreement/",
        views.agreement_upload,
        name="agreement_upload",
    ),
    path(
        "supervision/<int:supervision_id>/agreement/download/",
        views.agreement_download,
        name="agreement_download",
    ),
    path("supervision/<int:supervision_id>/sign-off/", views.period_request, name="period_request"),
    path("supervision/hours/new/", views.entry_add, name="entry_add"),
    path("supervision/hours/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("supervision/hours/<int:entry_id>/delete/", views.entry_delete, name="entry_delete"),
    path("supervision/history/", views.history, name="history"),
    path("supervision/supervisees/", views.supervisee_list, name="supervisee_list"),
    path(
        "supervision/supervisees/<int:supervision_id>/",
        views.supervisee_detail,
        name="supervisee_detail",
    ),
    path("supervision/periods/<int:period_id>/sign/", views.period_sign, name="period_sign"),
    path("supervision/periods/<int:period_id>/return/", views.period_return, name="period_return"),
    # Mentorship
    path("mentorship/", mentorship_views.overview, name="mentorship"),
    path(
        "mentorship/request/<int:user_id>/",
        mentorship_views.request_mentor,
        name="mentorship_request",
    ),
    path(
        "mentorship/<int:mentorship_id>/respond/",
        mentorship_views.respond,
        name="mentorship_respond",
    ),
    path("mentorship/<int:mentorship_id>/end/", mentorship_views.end, name="mentorship_end"),
    path("mentorship/<int:mentorship_id>/", mentorship_views.detail, name="mentorship_detail"),
    path(
        "mentorship/notes/<int:note_id>/delete/",
        mentorship_views.note_delete,
        name="mentorship_note_delete",
    ),
]
