"""URLs of my feed, search, interests, reading list and digest (included by literature/urls.py,
in the ``literature`` namespace)."""

from django.urls import path

from lifelong.literature import feed_views

urlpatterns = [
    path("literature/", feed_views.feed, name="feed"),
    path("literature/search/", feed_views.search, name="search"),
    path("literature/digest/", feed_views.digest, name="digest"),
    path("literature/interests/", feed_views.interest_list, name="interest_list"),
    path(
        "literature/interests/<int:interest_id>/edit/",
        feed_views.interest_edit,
        name="interest_edit",
    ),
    path(
        "literature/interests/<int:interest_id>/delete/",
        feed_views.interest_delete,
        name="interest_delete",
    ),
    path("literature/reading/", feed_views.reading_list, name="reading_list"),
    path("literature/reading/save/", feed_views.reading_save, name="reading_save"),
    path("literature/reading/<int:entry_id>/", feed_views.reading_entry, name="reading_entry"),
    path(
        "literature/reading/<int:entry_id>/status/",
        feed_views.reading_status,
        name="reading_status",
    ),
    path(
        "literature/reading/<int:entry_id>/remove/",
        feed_views.reading_remove,
        name="reading_remove",
    ),
]
