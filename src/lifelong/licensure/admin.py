from django.contrib import admin

from lifelong.licensure.models import License, RuleSetDocument


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin[License]):
    list_display = ["__str__", "user", "ruleset_id", "number", "expires_on"]
    list_filter = ["ruleset_id", "kind"]
    search_fields = ["label", "number", "ruleset_id", "user__email"]
    raw_id_fields = ["user"]
    date_hierarchy = "expires_on"
    readonly_fields = ["created_at", "updated_at"]


@admin.register(RuleSetDocument)
class RuleSetDocumentAdmin(admin.ModelAdmin[RuleSetDocument]):
    list_display = ["ruleset_id", "title", "owner", "updated_at"]
    search_fields = ["ruleset_id", "title", "owner__email"]
    raw_id_fields = ["owner"]
    readonly_fields = ["created_at", "updated_at"]
