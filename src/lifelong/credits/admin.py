from django.contrib import admin

from lifelong.credits.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    list_display = ["title", "user", "completed_on", "hours", "unit", "format", "kind"]
    list_filter = ["format", "kind", "unit"]
    search_fields = ["title", "provider", "user__email"]
    raw_id_fields = ["user"]
    date_hierarchy = "completed_on"
    readonly_fields = ["topic_slugs", "created_at", "updated_at"]
