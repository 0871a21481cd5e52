from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "lifelong.wellbeing"
    verbose_name = "Well-being"
    default_auto_field = "django.db.models.BigAutoField"
