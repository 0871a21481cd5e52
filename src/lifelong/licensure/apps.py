from django.apps import AppConfig


class LicensureConfig(AppConfig):
    name = "lifelong.licensure"
    label = "licensure"
    verbose_name = "Licenses and compliance"
