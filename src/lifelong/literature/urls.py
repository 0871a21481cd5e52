"""Literature URLs. The library, sources, import and export are in ``views``; the feed,
search, reading list and interests pages add their routes in their own section below."""

from django.urls import include, path

from lifelong.literature import feed_urls, views

app_name = "literature"

urlpatterns = [
    # Library, sources, import and export (views.py)
    path("literature/library/", views.library, name="library"),
    path("literature/sources/", views.source_list, name="source_list"),
    path("literature/sources/new/", views.source_add, name="source_add"),
    path("literature/sources/<int:source_id>/edit/", views.source_edit, name="source_edit"),
    path("literature/sources/<int:source_id>/delete/", views.source_delete, name="source_delete"),
    path(
        "literature/sources/<int:source_id>/refresh/", views.source_refresh, name="source_refresh"
    ),
    path("literature/import/", views.library_import, name="import"),
    path("literature/export/", views.library_export, name="export"),
    # My feed, search, interests, reading list and digest (feed_views.py, feed_urls.py)
    path("", include("lifelong.literature.feed_urls")),
]

# Feed, search, interests, reading list and digest (feed_urls.py)
urlpatterns += feed_urls.urlpatterns
