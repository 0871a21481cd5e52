from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "lifelong.growth"
    label = "growth"
    verbose_name = "Growth"
